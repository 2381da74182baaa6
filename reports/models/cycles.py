"""A plan's reporting cycle: one a year, with its dates. Opening one (and its reports) is reports.cycles'."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from targets import as_of
from tasks.models import Plan


def working_days_after(day: datetime.date, count: int) -> datetime.date:
    """The day `count` working days (Monday–Friday; public holidays are not known) after `day`."""
    while count > 0:
        day += datetime.timedelta(days=1)
        count -= day.weekday() < 5
    return day


class ReportingCycle(models.Model):
    plan = models.ForeignKey(Plan, verbose_name="kế hoạch", on_delete=models.PROTECT, related_name="cycles")
    year = models.PositiveSmallIntegerField("năm báo cáo")
    opens_on = models.DateField("ngày mở nhập liệu")
    due_on = models.DateField("hạn báo cáo")
    data_cutoff = models.DateField("số liệu tính đến ngày")
    locks_on = models.DateField(
        "khóa nhập liệu sau ngày", null=True, blank=True, help_text="Để trống: không khóa (báo cáo muộn vẫn nhận)."
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người mở kỳ", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-year"]
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="one_cycle_per_plan_year")]

    def __str__(self):
        return f"Kỳ báo cáo năm {self.year}"

    def as_of_window(self, year: int) -> tuple[datetime.date, datetime.date]:
        """The dates a value for `year` may be "as of" (targets.as_of): within that year; the cycle's own year up to
        its data cut-off when the cut-off is later (figures collected into January)."""
        return as_of.as_of_window(year, self._cutoff_for(year))

    def default_as_of(self, year: int, today=None) -> datetime.date:
        """The "as of" date of a value typed without one (targets.as_of.default_as_of): the day it is typed while
        its year runs (an estimate); once the year is over, the cycle's cut-off, or the end of an earlier year —
        never a day after today."""
        return as_of.default_as_of(year, today or timezone.localdate(), self._cutoff_for(year))

    def _cutoff_for(self, year: int) -> datetime.date | None:
        return self.data_cutoff if year == self.year else None

    def is_locked(self, today=None) -> bool:
        """Entry is closed: before the opening date, or after the lock date."""
        today = today or timezone.localdate()
        return today < self.opens_on or (bool(self.locks_on) and today > self.locks_on)
