"""One upload at a time per account: a file read on upload (a report workbook, a file of values) holds a gunicorn
worker for up to settings.WORKBOOK_UPLOAD_SECONDS, so that one account, from several tabs or a script, cannot hold
them all. Both uploads take the same lock: it bounds the account, whatever it uploads.

The same locks bound a report's print (reports.documents.views): one print drawn at a time per account, and at most
settings.PRINT_CONCURRENT_DRAWS drawn at once across all accounts, so that prints never hold every worker. And an
account's heavy work, upload or print, is one at a time and within its allowance of time (`account_turn`)."""

import fcntl
import hashlib
import logging
import os
import socket
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from binhson_plan.allowance import HEAVY_WORK, heavy_work_spent

logger = logging.getLogger(__name__)
# While the cache server is down, the locks are held on this machine instead: a file per lock, locked with flock,
# which every process of the machine sees and which the system releases when its holder dies.
LOCAL_LOCKS = Path(tempfile.gettempdir()) / "binhson-locks"


def cache_get(key: str, default=None):
    """`cache.get`, or `default` while the cache server is down: what is kept there is kept to save time, so a
    request goes on without it rather than fail (logged)."""
    try:
        return cache.get(key, default)
    except Exception:
        logger.warning("Bộ nhớ đệm không phản hồi khi đọc %s", key, exc_info=True)
        return default


def cache_set(key: str, value, timeout: int) -> None:
    """`cache.set`, skipped (logged) while the cache server is down."""
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("Bộ nhớ đệm không phản hồi khi ghi %s", key, exc_info=True)


def cache_add(key: str, value, timeout: int) -> bool | None:
    """`cache.add`: True when `key` was not there and now holds `value`, False when it was there already, None while
    the cache server is down (logged)."""
    try:
        return cache.add(key, value, timeout)
    except Exception:
        logger.warning("Bộ nhớ đệm không phản hồi khi ghi %s", key, exc_info=True)
        return None


def cache_delete(key: str) -> None:
    """`cache.delete`, skipped (logged) while the cache server is down: what it would remove lapses by itself."""
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Bộ nhớ đệm không phản hồi khi xóa %s", key, exc_info=True)


@contextmanager
def held(key: str, timeout: int):
    """True while this request holds the lock `key`, False when another request holds it. The lock is in the cache
    (Redis in production, shared by gunicorn's workers); it lapses by itself after `timeout` seconds should the
    worker die, and only its own holder releases it (on leaving the block, an exception included). While the cache
    server is down, the lock is held on this machine (`held_here`): the limits still bound this machine's workers,
    and nothing fails."""
    token = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex}"
    try:
        taken = cache.add(key, token, timeout=timeout)
        if not taken and _holder_died(cache.get(key)):  # its worker was killed mid-way: taken over at once
            cache.delete(key)
            taken = cache.add(key, token, timeout=timeout)
    except Exception:
        logger.warning("Bộ nhớ đệm không phản hồi: khóa %s giữ trên máy này", key, exc_info=True)
        with held_here(key) as ours:
            yield ours
        return
    if not taken:
        yield False
        return
    try:
        yield True
    finally:
        if cache_get(key) == token:
            try:
                cache.delete(key)
            except Exception:  # down meanwhile: the lock lapses by itself after `timeout`
                logger.warning("Bộ nhớ đệm không phản hồi khi trả khóa %s", key, exc_info=True)


HOST = socket.gethostname()


def _holder_died(token) -> bool:
    """Whether the lock's holder was a process of this machine that is no more (a gunicorn worker killed mid-save:
    probe 29 saw the account's saves with files refused for the lock's whole minute). A holder on another machine,
    or a process number taken again meanwhile, counts as alive: the lock then lapses after its time."""
    host, _, rest = str(token or "").partition(":")
    pid = rest.partition(":")[0]
    if host != HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        return False
    return False


@contextmanager
def held_here(key: str):
    """True while this request holds `key` on this machine, False when another process or thread of it does."""
    LOCAL_LOCKS.mkdir(exist_ok=True)
    with open(LOCAL_LOCKS / f"{hashlib.sha256(key.encode()).hexdigest()[:40]}.lock", "a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def account_work(user) -> str:
    """The lock of an account's heavy work: an upload read or a print drawn, one at a time, whichever it is (probe 32:
    one account uploading in a tab and printing in another held both slots for heavy work, a_print_slot)."""
    return f"viec-nang:{user.pk}"


@dataclass(frozen=True)
class Turn:
    """An account's turn for heavy work: true when it is this request's. Refused, it says why: another heavy work of
    the account is under way, or the account used its allowance of heavy work (`renewed_at`: until when)."""

    ours: bool
    renewed_at: datetime | None = None

    def __bool__(self) -> bool:
        return self.ours

    def why(self, busy: str) -> str:
        """`busy`, the caller's word for the account's other work under way, or the word for an allowance used up."""
        if self.renewed_at is None:
            return busy
        return heavy_work_spent(self.renewed_at, then="thử lại")


@contextmanager
def account_turn(user, timeout: int):
    """The account's turn for heavy work (an upload read, a print drawn): one at a time (its lock lapses after
    `timeout` should its worker die), and at most HEAVY_WORK_SECONDS of it in ten minutes (binhson_plan.allowance;
    probe 32: two accounts looping files slow to check kept both slots of a_print_slot busy, every other account's
    upload refused). The time the block takes is counted, refused or not: the server worked for it."""
    with held(account_work(user), timeout) as ours:
        if not ours:
            yield Turn(False)
            return
        full = HEAVY_WORK.full_until(user)  # read under the account's lock: one request at a time
        if full is not None:
            yield Turn(False, full)
            return
        started = time.monotonic()
        try:
            yield Turn(True)
        finally:
            HEAVY_WORK.spend(user, time.monotonic() - started)


def one_upload_at_a_time(user):
    """The account's turn to have an uploaded file read; the lock lapses after WORKBOOK_UPLOAD_LOCK_SECONDS."""
    return account_turn(user, settings.WORKBOOK_UPLOAD_LOCK_SECONDS)


def one_print_at_a_time(user):
    """The account's turn to have a print drawn; the lock lapses after PRINT_LOCK_SECONDS."""
    return account_turn(user, settings.PRINT_LOCK_SECONDS)


@contextmanager
def a_print_slot():
    """True while this request holds one of the PRINT_CONCURRENT_DRAWS slots for heavy work, False when all are held
    (by any accounts): drawing a PDF, and reading uploaded files (evidence, workbooks, files of values; probe 31:
    three accounts each uploading a file slow to check held every gunicorn worker, the public page 115 times
    slower), so that such work never holds every worker. Each slot is a lock of its own, lapsing like the others
    after PRINT_LOCK_SECONDS."""
    for slot in range(settings.PRINT_CONCURRENT_DRAWS):
        with held(f"print-slot:{slot}", settings.PRINT_LOCK_SECONDS) as ours:
            if ours:
                yield True
                return
    yield False
