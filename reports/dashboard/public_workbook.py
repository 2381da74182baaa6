"""The public page's figures as a workbook a person reads (cong-khai/<plan>/bang-so-lieu.xlsx): Vietnamese headers,
one column of numbers per year, the estimates and the statuses in words. Software reads the open-data CSV instead
(targets/api.py), whose English field codes and decimal points stay as they are."""

import pandas as pd
from django.utils import timezone

from binhson_plan.sheets import workbook
from reports.dashboard.exports import OVERRIDE_COLUMNS
from targets.templatetags.plan_format import target_goal

WIDE = ("Chỉ tiêu", "Giải thích")  # what a reader reads most keeps its width when the page is narrowed


def public_frame(rows, year: int, reviewer_name=None) -> pd.DataFrame:
    """One line per target of `rows` (targets.views.public_rows: the page's rows), its values as numbers, one column
    per year that any target has a value for. `reviewer_name()` names the reviewer in the override columns, which
    are there only when some target's status was overridden (as on the page)."""
    years = sorted({y for _, _, series, _, _ in rows for y in series})
    overridden = any(o is not None for _, _, _, o, _ in rows)
    override_columns = [f"{reviewer_name()} điều chỉnh", *OVERRIDE_COLUMNS[1:]] if overridden else []
    status = f"Tình trạng năm {year}"
    lines = []
    for t, p, series, o, estimated in rows:
        line = {
            "Mã": t.code,
            "Chỉ tiêu": t.name,
            "Mục tiêu": target_goal(t),
            "Đơn vị của số liệu": t.input_unit,
            **{f"Năm {y}": series.get(y) for y in years},
            "Năm có số ước": ", ".join(str(y) for y in sorted(estimated) if y in series),
            status: p.label,
            "Giải thích": p.explanation,
            "Phương pháp": p.method_note,
        }
        if overridden:
            line |= dict(zip(override_columns, _override(o, year), strict=True))
        lines.append(line)
    columns = ["Mã", "Chỉ tiêu", "Mục tiêu", "Đơn vị của số liệu", *(f"Năm {y}" for y in years), "Năm có số ước",
               status, "Giải thích", "Phương pháp", *override_columns]  # fmt: skip
    return pd.DataFrame(lines, columns=columns, dtype=object)  # object: a missing value stays None, never NaN


def _override(o, year: int) -> list:
    if o is None:
        return [None] * len(OVERRIDE_COLUMNS)
    label = o.label if o.year == year else f"{o.label} (điều chỉnh năm {o.year})"
    return [label, o.reason, o.by_name, o.at]


def public_workbook(plan, year: int, rows, asked: int, reviewer_name) -> bytes:
    """The workbook: the plan and what its figures are above the table; a year asked for that is still to come
    said, as the page says it."""
    heading = [
        f"Kế hoạch {plan.display_title} ({plan.issuing_body}, {plan.issued_on:%d/%m/%Y})",
        f"Số liệu đã được duyệt hoặc nhập chính thức, đến năm {year}; tình trạng đánh giá năm {year}.",
    ]
    if asked > year:
        heading.append(f"Năm {asked} chưa đến nên chưa có số liệu để đánh giá; bảng này ghi số liệu đến năm {year}.")
    heading.append(f"Tải từ trang công khai lúc {timezone.localtime():%H:%M %d/%m/%Y}.")
    frame = public_frame(rows, year, reviewer_name)
    return workbook({f"Số liệu đến năm {year}": frame}, wide=WIDE, heading=heading)
