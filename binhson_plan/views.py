"""Project-wide error pages that Django would otherwise show in English, and the icon browsers ask for."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.templatetags.static import static


def csrf_failure(request, reason=""):
    """A form sent from a page opened before the session ended or before a sign-in elsewhere: said as such, not as a
    want of permission (browser pass 33: "Bạn không có quyền…" headed the page)."""
    context = {
        "title": "Trang đã cũ",
        "heading": "Trang đã cũ hoặc phiên làm việc đã hết hạn.",
        "exception": "Xin tải lại trang (F5) rồi thao tác lại.",
    }
    return render(request, "403.html", context, status=403)


@login_not_required
def favicon(request):
    """/favicon.ico, which browsers ask for on their own: the portal's icon (static/img), not a 404."""
    return redirect(static("img/favicon.ico"), permanent=True)
