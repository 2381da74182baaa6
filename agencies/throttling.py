"""Login throttling on django-axes: one limit per account, a higher one per address, and a Vietnamese
page that says until when. Settings: AXES_FAILURE_LIMIT (per account), LOGIN_FAILURE_LIMIT_PER_ADDRESS,
AXES_COOLOFF_TIME. The administrator unlocks earlier from the admin (LoginLockout)."""

import datetime
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone


def _limits() -> tuple[int, int]:
    return settings.AXES_FAILURE_LIMIT, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


class LoginThrottle(AxesDatabaseHandler):
    """axes compares one count with one limit. Its querysets follow AXES_LOCKOUT_PARAMETERS (account,
    then address); the address's count is scaled so that reaching its own, higher limit reads as
    reaching the account limit: floor(n × account_limit / address_limit) ≥ account_limit ⇔ n ≥ address_limit."""

    def get_failures(self, request, credentials=None) -> int:
        account_limit, address_limit = _limits()
        account, address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(account, address * account_limit // address_limit)

    def lockout(self, request, credentials=None) -> tuple[str, datetime.datetime] | None:
        """("account" or "address", when the lock ends) for the lock in force that ends last; None if none."""
        cool_off, found = get_cool_off(request), None
        for kind, attempts, limit in zip(
            ("account", "address"), self.get_user_attempts(request, credentials), _limits(), strict=True
        ):
            totals = attempts.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            if (totals["n"] or 0) >= limit:
                until = totals["last"] + cool_off
                if found is None or until > found[1]:
                    found = (kind, until)
        return found


def lockout_message(kind: str, until: datetime.datetime, username: str = "") -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    when = timezone.localtime(until)
    who = (
        f"Tài khoản “{username}” đã bị nhập sai mật khẩu quá nhiều lần"
        if kind == "account" and username
        else "Máy của bạn (địa chỉ mạng này) đã đăng nhập sai quá nhiều lần"
    )
    return (
        f"{who} nên tạm thời bị khóa đăng nhập. Xin thử lại sau {when:%H:%M} ngày {when:%d/%m/%Y} "
        f"(khoảng {minutes} phút nữa), hoặc nhờ quản trị viên mở khóa."
    )


def lockout_page(request, original_response=None, credentials=None):
    """The login page again, status 429, saying why and until when (django-axes' AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    lock = LoginThrottle().lockout(request, credentials)
    if lock is None:  # the limit was lowered meanwhile, or the lock just ended: say so without a time
        message = "Đăng nhập sai quá nhiều lần nên tạm thời bị khóa. Xin thử lại sau ít phút."
    else:
        message = lockout_message(*lock, username=username[:150])
    form = AuthenticationForm(request, initial={"username": username[:150]})
    context = {"form": form, "lockout": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
