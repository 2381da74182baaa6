"""Login throttling on django-axes: one limit per account at one address, a higher one per address, an hourly
budget of guesses per account from addresses that never signed in to it, and a Vietnamese page that says until
when. An IPv6 client counts as its /64. Settings: AXES_FAILURE_LIMIT (an account from one address),
LOGIN_FAILURE_LIMIT_PER_ADDRESS, LOGIN_ACCOUNT_GUARD_AFTER, LOGIN_ACCOUNT_NEW_ADDRESS_GUESSES_PER_HOUR,
AXES_COOLOFF_TIME, TRUSTED_PROXIES. The administrator unlocks earlier from
the admin (LoginLockout). Why no lock of an account alone: README, "Logins and sessions"."""

import datetime
import ipaddress
import math
import socket

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import PasswordChangeView
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from ipware.ip import get_client_ip

from agencies import devices
from agencies.forms import SignInForm


def _is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of TRUSTED_PROXIES: an address, a network, or a host name looked up now
    (docker-compose's `proxy` gets a new address each time its container is made)."""
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in filter(None, settings.TRUSTED_PROXIES):
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:  # a host name
            try:
                found = {info[4][0] for info in socket.getaddrinfo(entry, None)}
            except OSError:
                continue
            if str(address) in found:
                return True
    return False


IPV6_PREFIX = 64  # what one subscriber gets: a machine picks any address in it at will (privacy addresses)


def counted_address(address: str | None) -> str | None:
    """The address throttling counts for a client at `address`: an IPv4 address as it is, an IPv6 one as the
    first address of its /64 (2001:db8:1:2::1 and 2001:db8:1:2::ffff both count as 2001:db8:1:2::), since one
    subscriber's network hands its machines any of 2⁶⁴ addresses; an IPv4-mapped IPv6 one as its IPv4."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def client_address(request) -> str | None:
    """The address throttling counts (AXES_CLIENT_IP_CALLABLE; counted_address: an IPv6 client as its /64).
    X-Forwarded-For only when the request comes from a trusted proxy behind which the portal runs
    (SECURE_PROXY_SSL_HEADER); a client reaching gunicorn itself cannot choose its address by sending the
    header."""
    remote = request.META.get("REMOTE_ADDR")
    if settings.SECURE_PROXY_SSL_HEADER and remote and _is_trusted_proxy(remote):
        forwarded, _routable = get_client_ip(
            request,
            proxy_order=settings.AXES_IPWARE_PROXY_ORDER,
            request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
        )
        return counted_address(forwarded or remote)
    return counted_address(remote)


def account_name(request, credentials=None) -> str | None:
    """The user name throttling counts (AXES_USERNAME_CALLABLE): the one typed, cut to the length axes stores.
    Django's login form does not check the length (AuthenticationForm sets max_length after its field is
    built, so only the HTML attribute has it), and axes stores the name as typed: 256 characters made
    PostgreSQL refuse the row, a 500 instead of a wrong login. A cut name (255) is still longer than any
    account's (150), so it counts against no real account."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return username[: AccessAttempt._meta.get_field("username").max_length] if username else username


def _limits() -> tuple[int, int]:
    return settings.AXES_FAILURE_LIMIT, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def _guarded(request, credentials) -> bool:
    """Whether the account is guessed from many places at once (LOGIN_ACCOUNT_GUARD_AFTER wrong passwords
    within AXES_COOLOFF_TIME, whatever the addresses) and this address never logged in to it: then one
    wrong password stops the address for this account, instead of AXES_FAILURE_LIMIT."""
    username, address = get_client_username(request, credentials), getattr(request, "axes_ip_address", None)
    if not username:
        return False
    since = timezone.now() - get_cool_off(request)
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    if (recent.aggregate(n=Sum("failures_since_start"))["n"] or 0) < settings.LOGIN_ACCOUNT_GUARD_AFTER:
        return False
    return not AccessLog.objects.filter(username=username, ip_address=address).exists()


BUDGET_WINDOW = datetime.timedelta(hours=1)


def _budget_spent_until(request, credentials) -> datetime.datetime | None:
    """When the account's hourly budget of guesses from new addresses renews, if it is spent and this address
    never signed in to the account; else None. The guesses counted are the wrong passwords that were checked
    (axes' AccessFailureLog: a try refused by a lock is not logged) within the last hour from addresses with no
    successful login to the account (AccessLog). The budget is LOGIN_ACCOUNT_GUARD_AFTER (the guesses before
    the guard) + LOGIN_ACCOUNT_NEW_ADDRESS_GUESSES_PER_HOUR; it renews as its oldest guesses pass the hour."""
    username, address = get_client_username(request, credentials), getattr(request, "axes_ip_address", None)
    if not username:
        return None
    known = AccessLog.objects.filter(username=username).values("ip_address")
    if AccessLog.objects.filter(username=username, ip_address=address).exists():
        return None
    budget = settings.LOGIN_ACCOUNT_GUARD_AFTER + settings.LOGIN_ACCOUNT_NEW_ADDRESS_GUESSES_PER_HOUR
    times = list(
        AccessFailureLog.objects.filter(username=username, attempt_time__gte=timezone.now() - BUDGET_WINDOW)
        .exclude(ip_address__in=known)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:budget]
    )
    return times[-1] + BUDGET_WINDOW if len(times) >= budget else None


class LoginThrottle(AxesDatabaseHandler):
    """axes compares one count with one limit. Its querysets follow AXES_LOCKOUT_PARAMETERS (the account at
    this address, then the address); the address's count is scaled so that reaching its own, higher limit
    reads as reaching the account limit: floor(n × account_limit / address_limit) ≥ account_limit ⇔
    n ≥ address_limit. A guarded account (_guarded) counts one wrong password from the address as all; so
    does a spent hourly budget of guesses from new addresses (_budget_spent_until), before any guess."""

    def _counts(self, request, credentials) -> tuple[int, int, bool]:
        """Failures of the account at this address and of the address; whether the guard raised the first."""
        pair, address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        guarded = 0 < pair < settings.AXES_FAILURE_LIMIT and _guarded(request, credentials)
        return (settings.AXES_FAILURE_LIMIT if guarded else pair), address, guarded

    def get_failures(self, request, credentials=None) -> int:
        device = devices.known_device(request, get_client_username(request, credentials))
        if device is not None:  # a browser the account signed in from: its own count alone (agencies.devices)
            return devices.failures(device)
        account_limit, address_limit = _limits()
        pair, address, _ = self._counts(request, credentials)
        failures = max(pair, address * account_limit // address_limit)
        if failures < account_limit and _budget_spent_until(request, credentials):
            return account_limit
        return failures

    def lockout(self, request, credentials=None) -> tuple[str, datetime.datetime] | None:
        """("account", "guarded", "address" or "budget", when the lock ends) for the lock in force that ends
        last; None if none. A browser the account signed in from has its own lock alone ("device")."""
        cool_off, found = get_cool_off(request), None
        device = devices.known_device(request, get_client_username(request, credentials))
        if device is not None:
            locked = devices.failures(device) >= settings.AXES_FAILURE_LIMIT
            return ("device", device.failed_at + cool_off) if locked else None
        budget_until = _budget_spent_until(request, credentials)
        if budget_until:
            found = ("budget", budget_until)
        pair, address, guarded = self._counts(request, credentials)
        kinds = ("guarded" if guarded else "account", "address")
        for kind, attempts, count, limit in zip(
            kinds, self.get_user_attempts(request, credentials), (pair, address), _limits(), strict=True
        ):
            if count >= limit:
                until = attempts.aggregate(last=Max("attempt_time"))["last"] + cool_off
                if found is None or until > found[1]:
                    found = (kind, until)
        return found

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """A wrong password from a browser the account signed in from counts on that browser too (not while it is
        locked: as axes does, a refused try does not prolong the lock); axes records it as for any other."""
        if request is not None and not getattr(request, "axes_locked_out", False):
            device = devices.known_device(request, get_client_username(request, credentials))
            if device is not None:
                devices.count_failure(device)
        super().user_login_failed(sender, credentials, request, **kwargs)


def lockout_message(kind: str, until: datetime.datetime, username: str = "") -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    when = timezone.localtime(until)
    if kind == "device" and username:
        who = f"Tài khoản “{username}” đã bị nhập sai mật khẩu quá nhiều lần trên trình duyệt này"
    elif kind == "account" and username:
        who = f"Tài khoản “{username}” đã bị nhập sai mật khẩu quá nhiều lần từ máy này (địa chỉ mạng này)"
    elif kind == "guarded" and username:
        who = (
            f"Tài khoản “{username}” đang bị dò mật khẩu từ nhiều nơi, nên máy chưa từng đăng nhập tài khoản "
            "này chỉ được nhập sai một lần; máy của bạn (địa chỉ mạng này) đã nhập sai"
        )
    elif kind == "budget" and username:
        who = (
            f"Tài khoản “{username}” đang bị dò mật khẩu từ rất nhiều nơi. Máy đã từng đăng nhập tài khoản này vẫn "
            "đăng nhập được; máy chưa từng đăng nhập, như máy của bạn (địa chỉ mạng này), không được thử mật khẩu"
        )
    else:
        who = "Máy của bạn (địa chỉ mạng này) đã đăng nhập sai quá nhiều lần"
    return (
        f"{who} nên tạm thời bị khóa đăng nhập. Xin thử lại sau {when:%H:%M} ngày {when:%d/%m/%Y} "
        f"(khoảng {minutes} phút nữa), hoặc nhờ quản trị viên mở khóa."
    )


def lockout_page(request, original_response=None, credentials=None):
    """The login page again, status 429, saying why and until when (django-axes' AXES_LOCKOUT_CALLABLE);
    for a signed-in user (the lock came from wrong current passwords) the password form instead."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    lock = LoginThrottle().lockout(request, credentials)
    if lock is None:  # the limit was lowered meanwhile, or the lock just ended: say so without a time
        message = "Đăng nhập sai quá nhiều lần nên tạm thời bị khóa. Xin thử lại sau ít phút."
    else:
        message = lockout_message(*lock, username=username[:150])
    if request.user.is_authenticated:
        context = {"form": PasswordChangeForm(request.user), "lockout": message}
        return render(request, "registration/password_change_form.html", context, status=429)
    form = SignInForm(request, initial={"username": username[:150]})
    context = {"form": form, "lockout": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)


class ThrottledPasswordChangeView(PasswordChangeView):
    """/doi-mat-khau/: a wrong current password counts as a wrong password at login (user_login_failed, which
    django-axes records), so a stolen session cannot guess it without end; once the account is locked at
    this address, the form is refused as the login is (lockout_page)."""

    def post(self, request, *args, **kwargs):
        if not AxesProxyHandler.is_allowed(request, self._credentials()):
            return lockout_page(request, credentials=self._credentials())
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            user_login_failed.send(sender=type(self), credentials=self._credentials(), request=self.request)
        return super().form_invalid(form)

    def _credentials(self) -> dict:
        return {"username": self.request.user.get_username()}


def keep_one_sign_in_per_address(sender, request, user, **kwargs):
    """Of an account's sign-ins (axes' AccessLog, written just before by axes' own receiver) only the latest from each
    address is kept: what the account is known by is its addresses (`_guarded`, `_budget_spent_until`), and a row a
    sign-in grew the database without end (probe 35: 1,4 kB a sign-in, kept 400 days, 124 MB a day at nginx's pace)."""
    rows = AccessLog.objects.filter(username=user.get_username())
    latest = rows.values("ip_address").annotate(last=Max("pk")).values("last")
    rows.exclude(pk__in=latest).delete()
