"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser that signed in to an
account gets a signed cookie naming a KnownDevice; its later sign-ins to that account are throttled on that
device's own count of wrong passwords instead of the account-at-this-address and address locks, which a colleague
behind the office's shared address (NAT) could otherwise set off to lock the owner out (probe 29). Whoever has no
such cookie, a guesser included, is throttled as before (agencies/throttling.py)."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.utils import timezone

from agencies.models import KnownDevice

COOKIE = "thiet_bi"
SALT = "agencies.devices"
KEPT = datetime.timedelta(days=365)
PER_ACCOUNT = 20  # browsers remembered for one account, the most recently used: a person has a few


def _key(request) -> str | None:
    try:
        return request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=KEPT)
    except signing.BadSignature:
        return None


def known_device(request, username: str | None) -> KnownDevice | None:
    """The KnownDevice of this browser for `username`, if it signed in to that account before; else None."""
    key = _key(request) if request is not None and username else None
    if not key:
        return None
    return KnownDevice.objects.filter(key=key, username=username).first()


def failures(device: KnownDevice, now=None) -> int:
    """The device's wrong passwords that still count: none once AXES_COOLOFF_TIME has passed since the last."""
    now = now or timezone.now()
    if device.failed_at is None or device.failed_at + settings.AXES_COOLOFF_TIME <= now:
        return 0
    return device.failures


def count_failure(device: KnownDevice) -> None:
    now = timezone.now()
    device.failures = failures(device, now) + 1
    device.failed_at = now
    device.save(update_fields=["failures", "failed_at"])


def remember(request, response, username: str) -> None:
    """After a successful sign-in: this browser is known for `username` (its count of wrong passwords cleared), and
    the response gives it the cookie (the same key for every account signed in from it)."""
    key = _key(request) or secrets.token_urlsafe(32)
    now = timezone.now()
    KnownDevice.objects.update_or_create(
        key=key, username=username, defaults={"signed_in_at": now, "failures": 0, "failed_at": None}
    )
    # the table stays small (probe 30: each sign-in from a new browser added a row, without end): browsers not used
    # for a year, whose cookies have lapsed, and those of the account past its PER_ACCOUNT most recent, are forgotten
    KnownDevice.objects.filter(signed_in_at__lt=now - KEPT).delete()
    kept = KnownDevice.objects.filter(username=username).order_by("-signed_in_at", "-pk")
    KnownDevice.objects.filter(pk__in=list(kept.values_list("pk", flat=True)[PER_ACCOUNT:])).delete()
    response.set_signed_cookie(
        COOKIE, key, salt=SALT, max_age=int(KEPT.total_seconds()), secure=settings.SESSION_COOKIE_SECURE,
        httponly=True, samesite="Lax",
    )  # fmt: skip
