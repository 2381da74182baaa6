"""Project-wide error pages that Django would otherwise show in English."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    message = "Phiên làm việc đã hết hạn hoặc trang đã cũ. Xin tải lại trang (F5) rồi thao tác lại."
    return render(request, "403.html", {"exception": message}, status=403)
