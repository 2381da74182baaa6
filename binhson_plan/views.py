"""Project-wide error pages that Django would otherwise show in English, and the icon browsers ask for."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason=""):
    """A form sent from a page opened before the session ended or before a sign-in elsewhere: said as such, not as a
    want of permission (browser pass 33: "Bạn không có quyền…" headed the page), with the way back to that page
    opened afresh (browser pass 34: "tải lại trang (F5)" sent the same stale form again)."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = ""
    context = {
        "title": "Trang đã cũ",
        "heading": "Trang đã cũ hoặc phiên làm việc đã hết hạn.",
        "exception": (
            "Xin mở lại trang vừa dùng rồi thao tác lại (không bấm tải lại trang này: trình duyệt sẽ gửi lại biểu "
            "mẫu cũ). Trên trang báo cáo, nội dung đang nhập dở vẫn được trình duyệt giữ lại và hiện lại khi mở lại."
        ),
        "back": back,
    }
    return render(request, "403.html", context, status=403)


@login_not_required
def favicon(request):
    """/favicon.ico, which browsers ask for on their own: the portal's icon (static/img), not a 404."""
    return redirect(static("img/favicon.ico"), permanent=True)
