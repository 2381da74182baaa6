from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form, its refusals in the portal's words (browser pass 34: the stock Vietnamese,
    "Vui lòng điền vào … khung thông tin", read awkwardly)."""

    error_messages = {
        "invalid_login": (
            "Tên đăng nhập hoặc mật khẩu không đúng. Xin gõ lại; tên đăng nhập và mật khẩu đều phân biệt chữ hoa "
            "và chữ thường."
        ),
        "inactive": "Tài khoản này đã bị ngừng sử dụng. Xin liên hệ quản trị viên.",
    }
