"""What one account may use of the server in a span of time, counted in the cache (Redis in production, shared by
gunicorn's workers): the seconds of heavy work it makes the server do (reading uploaded files, drawing prints), and
the text it saves into reports. Each is far above what a real account's work needs and bounds what an account
looping on purpose can take (probe 32: two accounts looping files slow to check kept both slots for heavy work
busy; one account saving 14 fields of 20 000 characters 60 times grew the database by 35 MB in 15 s).

- Text: a fixed day of the clock, from midnight in Việt Nam ("xin lưu lại sau 00:00 ngày …"), counted atomically
  (saves of an account may run at once).
- Heavy work: a leaking bucket (`Bucket`): the seconds used leak away at HEAVY_WORK_SECONDS every ten minutes, and
  work is refused while HEAVY_WORK_SECONDS or more are in it. Over any span an account takes at most its share,
  with no window's edge to start again at (probe 33: two accounts starting just before 10:20 used two windows'
  allowances back to back and refused others' uploads for 2½ minutes). An account's heavy work is one at a time
  (binhson_plan.upload_lock.account_turn), so its bucket is read and written by one request at a time.

While the cache server is down nothing is counted, and nothing is refused for it (logged)."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from binhson_plan.number_format import vn_number

logger = logging.getLogger(__name__)
KEEP_AFTER_WINDOW = 60  # a window's count lapses a minute after the window ends


@dataclass(frozen=True)
class Allowance:
    name: str  # the cache key's prefix
    limit_setting: str  # the setting holding how much a window allows (a whole number: Redis counts integers)
    window_seconds: int

    @property
    def limit(self) -> float:
        return getattr(settings, self.limit_setting)

    def used(self, user) -> float:
        """What `user` used in the current window."""
        try:
            return cache.get(self._key(user)) or 0
        except Exception:
            logger.warning("Bộ nhớ đệm không phản hồi: %s không được tính", self.name, exc_info=True)
            return 0.0

    def left(self, user) -> float:
        return max(0.0, self.limit - self.used(user))

    def spend(self, user, amount: float) -> None:
        """Count `amount` as used by `user` in the current window (atomic: Redis's INCRBY)."""
        key, count = self._key(user), round(amount)
        if count <= 0:
            return
        keep = self.window_seconds + KEEP_AFTER_WINDOW
        try:
            if not cache.add(key, count, keep):  # the window's first: it starts with it
                cache.incr(key, count)
        except ValueError:  # lapsed between the two calls
            cache.add(key, count, keep)
        except Exception:
            logger.warning("Bộ nhớ đệm không phản hồi: %s không được tính", self.name, exc_info=True)

    def renewed_at(self) -> datetime:
        """When the current window ends and every account's allowance is whole again, in local time."""
        now = time.time()
        offset = self._offset()
        start = (now + offset) // self.window_seconds * self.window_seconds - offset
        return timezone.localtime(
            datetime.fromtimestamp(start + self.window_seconds, tz=timezone.get_current_timezone())
        )

    def _key(self, user) -> str:
        return f"{self.name}:{user.pk}:{int((time.time() + self._offset()) // self.window_seconds)}"

    @staticmethod
    def _offset() -> float:
        """Windows start at local midnight (a day's) or at a whole ten minutes of local time."""
        return timezone.localtime().utcoffset().total_seconds()


@dataclass(frozen=True)
class Bucket:
    name: str  # the cache key's prefix
    limit_setting: str  # the setting holding how much may be in the bucket, and how much leaks out a window
    window_seconds: int

    @property
    def limit(self) -> float:
        return getattr(settings, self.limit_setting)

    def level(self, user) -> float:
        """What is in `user`'s bucket now: what was put in, less what leaked out since."""
        try:
            level, at = cache.get(self._key(user)) or (0.0, 0.0)
        except Exception:
            logger.warning("Bộ nhớ đệm không phản hồi: %s không được tính", self.name, exc_info=True)
            return 0.0
        return max(0.0, level - (time.time() - at) * self.limit / self.window_seconds)

    def spend(self, user, amount: float) -> None:
        """Put `amount` in `user`'s bucket; kept in the cache until it has all leaked out (at most a week)."""
        level = self.level(user) + amount
        drained = min(int(level * self.window_seconds / max(self.limit, 1e-9)) + 60, 7 * 24 * 3600)
        try:
            cache.set(self._key(user), (level, time.time()), drained)
        except Exception:
            logger.warning("Bộ nhớ đệm không phản hồi: %s không được tính", self.name, exc_info=True)

    def full_until(self, user) -> datetime | None:
        """None while `user` may work; else the minute its bucket is below the limit again (rounded up)."""
        over = self.level(user) - self.limit
        if over < 0:
            return None
        moment = time.time() + over * self.window_seconds / max(self.limit, 1e-9) + 1
        return timezone.localtime(datetime.fromtimestamp(-(-moment // 60) * 60, tz=timezone.get_current_timezone()))

    def _key(self, user) -> str:
        return f"{self.name}:{getattr(user, 'pk', user)}"  # a user, or its id (a job has the id)


# Seconds of heavy work (binhson_plan.upload_lock.account_turn): an evidence check, a workbook read, a print drawn.
HEAVY_WORK = Bucket("viec-nang-giay", "HEAVY_WORK_SECONDS", 10 * 60)
# Seconds the portal spends answering an account's requests (binhson_plan.middleware.fair_share): any page, export
# or save, however cheap each one is.
REQUEST_TIME = Bucket("thoi-gian-phuc-vu", "ACCOUNT_REQUEST_SECONDS", 150)  # a tenth of a second each second
# Versions of consolidated reports an account asks for in a day (reports.consolidated.views), each kept with its three
# files and in every backup.
CONSOLIDATED_BUILDS = Allowance("ban-tong-hop", "CONSOLIDATED_BUILDS_PER_DAY", 24 * 3600)
# Bytes of text a save writes in reports (reports.editing.saving.save_report), typed or uploaded in a workbook.
SAVED_TEXT = Allowance("van-ban-luu", "SAVED_TEXT_BYTES_PER_DAY", 24 * 3600)


def heavy_work_spent(moment: datetime, then: str) -> str:
    """The refusal of an account whose HEAVY_WORK bucket is full until `moment`: what it may `then` do after."""
    return (
        f"Tài khoản này đã dùng hết thời gian máy chủ dành cho việc nặng (dựng báo cáo tổng hợp, kiểm tra tệp, tạo "
        f"bản in: {vn_number(settings.HEAVY_WORK_SECONDS)} giây mỗi {HEAVY_WORK.window_seconds // 60} phút): "
        f"xin chờ đến {until(moment)} rồi {then}."
    )


def until(moment: datetime) -> str:
    """“14:30”, or “00:00 ngày 08/12/2026” when it is not today."""
    if moment.date() == timezone.localdate():
        return f"{moment:%H:%M}"
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}"
