"""Small wordings the consolidated report's body and appendices share: money, budgets summed apart, values awaiting
approval marked, percentage points kept."""

import re
from dataclasses import dataclass

from binhson_plan.number_format import vn_number
from targets.goals import JUDGED, JUDGED_YEAR  # noqa: F401 (the body's and the workbook's wording)


def money(amount) -> str:
    return f"{vn_number(amount)} đồng"


POINTS = re.compile(r"(\d) điểm %")


@dataclass(frozen=True)
class Budget:
    """Amounts reported as used, split by whether the report they come from is approved: what awaits review is
    never added into an approved total, only stated beside it."""

    approved: int = 0
    waiting: int = 0

    @classmethod
    def of(cls, rows) -> "Budget":
        """The budget of task rows (those without one count nothing)."""
        rows = [r for r in rows if r["budget"] is not None]
        return cls(sum(r["budget"] for r in rows if r["approved"]), sum(r["budget"] for r in rows if not r["approved"]))

    def __add__(self, other: "Budget") -> "Budget":
        return Budget(self.approved + other.approved, self.waiting + other.waiting)

    def text(self) -> str:
        """The approved total, then, apart, what reports awaiting review state."""
        if not self.waiting:
            return money(self.approved)
        return (f"{money(self.approved)} theo các báo cáo đã duyệt; ngoài ra, các báo cáo đang thẩm định (chưa "
                f"duyệt) nêu {money(self.waiting)}, chưa tính vào tổng này")  # fmt: skip


def unapproved(row) -> str:
    """Whether a line is from a report awaiting review, or the approved content of a report reopened since and
    being corrected (reports.reopening): the one not yet counted, the other counted as approved."""
    if not row["approved"]:
        return " (báo cáo chưa duyệt)"
    return " (nội dung đã duyệt; báo cáo đang được mở lại để sửa)" if row.get("reopened") else ""


def points_held(text: str) -> str:
    """A change in percentage points kept on one line with its number ("3,7 điểm %/năm"): "%" is glued to a
    number everywhere (with_unit), but here a word stands between them, so no-break spaces hold the three."""
    return POINTS.sub("\\1\u00a0điểm\u00a0%", text)
