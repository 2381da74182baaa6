"""Excel workbooks (pandas + openpyxl) with Vietnamese headers, bold header rows and sensible widths."""

import io

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill

from targets.progress import STATUS_LABELS

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per frame, headers bold and frozen, columns sized to their content."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes = "A2"
            for cell in sheet[1]:
                cell.font, cell.fill = Font(bold=True), HEADER_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for column in sheet.columns:
                longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
                sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, longest + 2))
                for cell in column[1:]:
                    if isinstance(cell.value, float) and cell.value.is_integer():
                        cell.value = int(cell.value)  # 95, not "95." (a whole float under a decimal format)
                    if isinstance(cell.value, int) and not isinstance(cell.value, bool) and cell.value > 9999:
                        cell.number_format = "#,##0"
                    elif isinstance(cell.value, bool):
                        cell.value = "Có" if cell.value else ""
    return buffer.getvalue()


def completeness_frame(summary) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Cơ quan, đơn vị": r.agency.name,
                "Trạng thái": r.get_state_display(),
                "Gửi lần đầu": r.first_submitted_at.strftime("%d/%m/%Y %H:%M") if r.first_submitted_at else "",
                "Gửi muộn": "Có" if r.is_late else "",
            }
            for r in summary.reports
        ],
        columns=["Cơ quan, đơn vị", "Trạng thái", "Gửi lần đầu", "Gửi muộn"],
    )


def targets_frame(groups, year) -> pd.DataFrame:
    rows = []
    for _section, items in groups:
        for row in items:
            t, p = row.target, row.progress
            rows.append(
                {
                    "Mã": t.code,
                    "Chỉ tiêu": t.name,
                    "Mốc": t.horizon,
                    "Mục tiêu": _goal(t),
                    "Đơn vị": t.input_unit,
                    "Năm số liệu gần nhất": row.latest_year,
                    "Giá trị gần nhất": row.latest_value,
                    "Tình trạng": STATUS_LABELS[p.status],
                    "Giải thích": p.explanation,
                    "Đơn vị chịu trách nhiệm": t.responsible_agency.name,
                }
            )
    columns = [
        "Mã",
        "Chỉ tiêu",
        "Mốc",
        "Mục tiêu",
        "Đơn vị",
        "Năm số liệu gần nhất",
        "Giá trị gần nhất",
        "Tình trạng",
        "Giải thích",
        "Đơn vị chịu trách nhiệm",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["Năm số liệu gần nhất"] = frame["Năm số liệu gần nhất"].astype("Int64")  # years stay whole numbers
    return frame


def tasks_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Mã": r.assignment.section.code,
                "Nhiệm vụ": r.assignment.section.title or r.assignment.section.content[:200],
                "Cơ quan chủ trì": r.assignment.agency.name
                + (f" ({r.assignment.scope})" if r.assignment.scope else ""),
                "Tình hình thực hiện": r.entry.get_status_display() if r.entry and r.entry.status else "Chưa báo cáo",
                "Kết quả": r.entry.results if r.entry else "",
            }
            for r in rows
        ],
        columns=["Mã", "Nhiệm vụ", "Cơ quan chủ trì", "Tình hình thực hiện", "Kết quả"],
    )


def proposals_frame(items) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Cơ quan, đơn vị": p.report.agency.name,
                "Kiến nghị, đề xuất": p.text,
                "Tình trạng": p.get_state_display(),
                "Trả lời": p.response,
            }
            for p in items
        ],
        columns=["Cơ quan, đơn vị", "Kiến nghị, đề xuất", "Tình trạng", "Trả lời"],
    )


def _goal(target) -> str:
    from targets.templatetags.plan_format import target_value

    return target_value(target)
