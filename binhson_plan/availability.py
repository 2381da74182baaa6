"""Answers while a part is down: `/healthz` for the containers' health checks, and a Vietnamese 503
"đang bảo trì" instead of a 500 while the database cannot be reached."""

import ipaddress
import logging
import secrets
import sys

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

# What a database that is restarting, unreachable or out of connections raises.
DATABASE_DOWN = (OperationalError, InterfaceError)
HEALTH_PATH = "/healthz"


def maintenance_response() -> HttpResponse:
    """The 503 page: rendered without the request, since its context (the user, the session) needs the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    return response


class DatabaseOutageMiddleware:
    """A view that finds the database down answers 503 "đang bảo trì". The same outage met outside a view
    (loading the session, saving it) reaches `server_error` below, which answers the same."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.warning("Không kết nối được cơ sở dữ liệu (%s): trả trang bảo trì", type(exception).__name__)
            return maintenance_response()
        return None


def server_error(request, template_name="500.html"):
    """handler500: the maintenance page when the error is the database being down, else Django's 500."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return maintenance_response()
    return defaults.server_error(request, template_name)


class HealthCheckMiddleware:
    """`GET /healthz`, answered first: before the host check (the container's health check calls
    127.0.0.1, not the portal's name), the HTTPS redirect, the session and the login requirement.
    Public on purpose, for load balancers: 200 or 503 and no more. Which part is down (never an address, a
    name or an error text) only to a caller on the machine itself, as the container's health check and an
    operator's curl are; a request through the proxy carries X-Forwarded-For (deploy/nginx.conf) and is
    not one, even when the proxy runs on the same machine."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.rstrip("/") != HEALTH_PATH:
            return self.get_response(request)
        checks = {"database": _database(), "broker": _broker(), "cache": _cache(), "storage": _storage()}
        healthy = all(state in ("ok", "not_used") for state in checks.values())
        body = {"status": "ok" if healthy else "error"}
        if _on_this_machine(request):
            body["checks"] = checks
        return JsonResponse(body, status=200 if healthy else 503, headers={"Cache-Control": "no-store"})


def _on_this_machine(request) -> bool:
    try:
        local = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False
    return local and "HTTP_X_FORWARDED_FOR" not in request.META


def _check(name, probe) -> str:
    try:
        probe()
    except Exception:
        logger.warning("Kiểm tra sức khỏe: %s không hoạt động", name, exc_info=True)
        return "error"
    return "ok"


def _database() -> str:
    def probe():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    return _check("cơ sở dữ liệu", probe)


def _broker() -> str:
    from binhson_plan.celery import app

    if app.conf.task_always_eager:
        return "not_used"  # jobs run in-process (the embedded mode)

    def probe():
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)

    return _check("hàng đợi", probe)


def _cache() -> str:
    def probe():
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            raise RuntimeError("the cache did not keep a value")

    return _check("bộ nhớ đệm", probe)


def _storage() -> str:
    def probe():  # a small file written and deleted through the storage the portal uses (the disk or the bucket)
        name = default_storage.save(f".healthz-{secrets.token_hex(8)}", ContentFile(b"ok"))
        default_storage.delete(name)

    return _check("kho lưu tệp", probe)
