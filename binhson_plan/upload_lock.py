"""One upload at a time per account: a file read on upload (a report workbook, a file of values) holds a gunicorn
worker for up to settings.WORKBOOK_UPLOAD_SECONDS, so that one account, from several tabs or a script, cannot hold
them all. Both uploads take the same lock: it bounds the account, whatever it uploads."""

import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache


@contextmanager
def one_upload_at_a_time(user):
    """True while this request holds the account's upload lock, False when another upload of the account holds it.
    The lock is in the cache (Redis in production, shared by gunicorn's workers); it lapses by itself after
    WORKBOOK_UPLOAD_LOCK_SECONDS should the worker die, and only its own holder releases it."""
    key, token = f"workbook-upload:{user.pk}", uuid.uuid4().hex
    if not cache.add(key, token, timeout=settings.WORKBOOK_UPLOAD_LOCK_SECONDS):
        yield False
        return
    try:
        yield True
    finally:
        if cache.get(key) == token:
            cache.delete(key)
