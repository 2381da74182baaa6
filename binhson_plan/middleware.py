"""Response headers Django has no setting for."""

# Nothing in the portal uses these browser features; a page that is made to ask for them is refused.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def permissions_policy(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


def reject_nul_characters(get_response):
    """A NUL character (%00) in the address or its query is never typed by a person; PostgreSQL refuses
    it in any query, so it would end as a server error in a search box or an admin filter."""
    from django.shortcuts import render

    def middleware(request):
        query = request.GET
        if "\x00" in request.path_info or any("\x00" in key or "\x00" in "".join(query.getlist(key)) for key in query):
            message = "Địa chỉ có ký tự không hợp lệ. Xin kiểm tra lại đường dẫn."
            return render(request, "400.html", {"message": message}, status=400)
        return get_response(request)

    return middleware
