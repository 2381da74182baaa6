"""The one rule of a value's "as of" date, wherever a value is typed: the report form and its workbook
(through reports.models.ReportingCycle), the values' import and the correction form.

A value for year Y is "as of" a day of Y (01/01/Y–31/12/Y). Only the reporting cycle's own year may run to
its data cut-off, which lies at most in January after it (reports.review.forms.CycleDatesForm): figures
collected into January. A value for an earlier year (a passed milestone's, asked by the report of a later
year) is never dated in the later year (the fifteenth probe: 2025's value "as of" 30/11/2026).

A value typed before its year has ended is an estimate ("ước thực hiện"), unless it is dated after its year
ended; a value typed without a date is dated the day it is typed while its year runs, and once it is over the
cut-off (or the year's last day) — never a day still to come.
"""

import datetime


def as_of_window(year: int, cutoff: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last day a value for `year` may be "as of"; `cutoff`: the data cut-off of the cycle whose
    own year `year` is (None for any other year), taken only up to 31/01 of the next year."""
    last = datetime.date(year, 12, 31)
    if cutoff and last < cutoff <= datetime.date(year + 1, 1, 31):
        last = cutoff
    return datetime.date(year, 1, 1), last


def default_as_of(year: int, today: datetime.date, cutoff: datetime.date | None = None) -> datetime.date:
    """The "as of" date of a value for `year` typed `today` without one (PRODUCT.md §5)."""
    if today <= datetime.date(year, 12, 31):
        day = today
    else:
        day = min(cutoff or datetime.date(year, 12, 31), today)
    first, last = as_of_window(year, cutoff)
    return min(max(day, first), last)


def must_be_estimate(year: int, today: datetime.date) -> bool:
    """Whether a value for `year` recorded `today` can only be an estimate: its year has not ended (a date after
    it ended would be a day still to come, itself an estimate's)."""
    return today <= datetime.date(year, 12, 31)
