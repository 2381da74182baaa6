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


def reject_undecodable_forms(get_response):
    """A form posted in another character set than UTF-8 (`charset=utf-16`) is never sent by a browser from the
    portal's pages. Django refuses to read it (BadRequest) every time request.POST is touched, and the CSRF check
    does so again while the 400 and 500 pages are made, so it would end as the server's bare 500: it is refused
    here first, with the portal's 400 page."""
    import codecs

    from django.shortcuts import render

    def middleware(request):
        encoding = request.encoding  # set only from a charset Python knows (HttpRequest._set_content_type_params)
        if request.content_type != "application/x-www-form-urlencoded" or not encoding or encoding == "utf-8":
            return get_response(request)
        request.encoding = "utf-8"  # "UTF8" is read as what it is; anything else is refused, and read as UTF-8
        if codecs.lookup(encoding).name != "utf-8":  # by whatever touches the form while the refusal is made
            message = "Dữ liệu gửi lên không đọc được (không theo bảng mã UTF-8). Xin tải lại trang rồi gửi lại."
            return render(request, "400.html", {"message": message}, status=400)
        return get_response(request)

    return middleware


def demo_error_pages(get_response):
    """The portal's own Vietnamese 404 and 500 pages in the demo (`make run`: DEMO_MODE, served with DEBUG on),
    instead of Django's English debug pages, which list every address of the portal. The error itself is
    still written to the console for whoever runs the demo."""
    import logging

    from django.conf import settings
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.urls import get_resolver

    logger = logging.getLogger("django.request")

    def active() -> bool:
        return settings.DEBUG and settings.DEMO_MODE

    def not_found(request, exception):
        return get_resolver().resolve_error_handler(404)(request, exception)

    def middleware(request):
        response = get_response(request)
        # An address that matches no page: Django answered with its debug page before any view ran.
        if active() and response.status_code == 404 and request.resolver_match is None:
            return not_found(request, Http404())
        return response

    def process_exception(request, exception):
        if not active() or isinstance(exception, PermissionDenied):
            return None  # a refusal: Django answers it with the portal's 403 page and its reason, DEBUG or not
        if isinstance(exception, Http404):
            return not_found(request, exception)
        logger.error("Lỗi máy chủ: %s", request.path, exc_info=exception)
        return get_resolver().resolve_error_handler(500)(request)

    middleware.process_exception = process_exception
    return middleware


def private_to_the_signed_in(get_response):
    """Every answer to a signed-in person (a report, its evidence, an export) is kept by no cache: `private,
    no-store`, unless the view set its own Cache-Control. Office PCs are shared: without it, the browser's Back button
    after logging out showed the last report from its cache (probe 33), and a shared proxy could keep it. Answers to
    visitors who are not signed in (the public pages) keep whatever they say."""
    from django.utils.cache import patch_cache_control

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if "Cache-Control" not in response and user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


def method_not_allowed_page(get_response):
    """A page asked for in a way it does not answer (the address of "Đăng xuất" opened, a form's address typed) gets
    the portal's Vietnamese page with its menus: Django answers such a request with an empty 405, which browsers show
    as their own English error (browser pass 39). The `Allow` header stays; the open-data API answers as it did."""
    from django.shortcuts import render
    from django.urls import reverse

    def middleware(request):
        response = get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        page = render(request, "405.html", {"logout_path": reverse("logout")}, status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page

    return middleware


def fair_share(get_response):
    """Each signed-in account's requests spend the time taken to answer them from its share (REQUEST_TIME, a leaking
    bucket: ACCOUNT_REQUEST_SECONDS every 150 s); an account past it is answered 429 at once, with the minute it
    may go on, until enough has leaked out. nginx counts requests per address, which an office's NAT shares and
    which cannot tell a cheap page from a dear one: one account asking 10 times a second for its own report filled
    to the form's limits (100 ms each) made everyone's pages 17–36 times slower (probe 34). The time is on the
    clock, database included; requests of anonymous visitors are nginx's to count."""
    import time

    from django.http import HttpResponse
    from django.template.loader import render_to_string
    from django.utils import timezone

    from binhson_plan.allowance import REQUEST_TIME, until

    def middleware(request):
        user = request.user
        if not user.is_authenticated:
            return get_response(request)
        full = REQUEST_TIME.full_until(user)
        if full is not None:
            page = render_to_string("429.html", {"until": until(full)})  # no context processors: nothing read
            response = HttpResponse(page, status=429)
            response["Retry-After"] = str(max(60, int((full - timezone.now()).total_seconds())))
            return response
        started = time.monotonic()
        try:
            return get_response(request)
        finally:
            REQUEST_TIME.spend(user, time.monotonic() - started)

    return middleware


class written_allowance:
    """A signed-in account's POSTs count the bytes they write into the portal's tables (binhson_plan.written) against
    its day's allowance (SAVED_TEXT_BYTES_PER_DAY); once it is used, its POSTs are refused (429) until local
    midnight, except on a view that counts and refuses its own writes next to the field (`counts_its_own_writes`:
    the report's save). Probe 36: a reviewer's unchanged due date re-posted wrote a whole copy of the report a post."""

    def __init__(self, get_response):
        from binhson_plan import written  # connects the counting of saved rows

        self.get_response, self.written = get_response, written

    def __call__(self, request):
        from binhson_plan.allowance import SAVED_TEXT

        user = request.user  # the account that posts, whoever the view leaves signed in
        if request.method in ("GET", "HEAD", "OPTIONS") or not user.is_authenticated:
            return self.get_response(request)
        with self.written.counting() as box:
            try:
                return self.get_response(request)
            finally:
                SAVED_TEXT.spend(user, box[0])

    def process_view(self, request, view_func, view_args, view_kwargs):
        from binhson_plan.allowance import SAVED_TEXT

        user = request.user
        if request.method in ("GET", "HEAD", "OPTIONS") or not user.is_authenticated:
            return None
        if getattr(view_func, "counts_its_own_writes", False) or SAVED_TEXT.left(user) > 0:
            return None
        if view_func.__module__.partition(".")[0] not in self.written.APPS:
            return None  # signing out, Django's own pages: they write none of the portal's data
        return self._refused(user)

    @staticmethod
    def _refused(user):
        from django.http import HttpResponse
        from django.template.loader import render_to_string

        from binhson_plan.allowance import SAVED_TEXT, until
        from binhson_plan.number_format import megabytes

        page = render_to_string(
            "429_written.html",
            {"used": megabytes(SAVED_TEXT.used(user)), "limit": megabytes(SAVED_TEXT.limit),
             "until": until(SAVED_TEXT.renewed_at())},
        )  # fmt: skip
        return HttpResponse(page, status=429)


def counts_its_own_writes(view):
    """Marks a view that says, next to the field, when a save would pass the account's allowance of text, and counts
    what it writes (binhson_plan.middleware.written_allowance lets its POSTs through)."""
    view.counts_its_own_writes = True
    return view


def missing_static_files(get_response):
    """A file under STATIC_URL that whitenoise (just before) does not have is missing: a plain 404 at once, not the
    portal's 404 page with its session, user and menus read (probe 34: 9 ms each, asked for in a loop)."""
    from django.conf import settings
    from django.http import HttpResponseNotFound

    prefix = settings.STATIC_URL

    def middleware(request):
        if request.path_info.startswith(prefix):
            return HttpResponseNotFound("Không có tệp này.", content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware
