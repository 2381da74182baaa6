"""The workbook's cell checks: Excel's own data validation, so a wrong value is refused as it is typed."""

import datetime

from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation

from binhson_plan.longtext import LINE_LIMIT
from binhson_plan.number_format import vn_number
from reports.editing.fields import TEXT_LIMIT
from reports.offline.layout import (
    ASSESSMENT_LABELS,
    NO,
    STATUS_LABELS,
    YES,
)


class Validations:
    """One data validation per rule, each covering every cell it applies to."""

    def __init__(self, ws):
        self.ws, self.rules = ws, {}

    def add(self, kind: str, coordinate: str, bounds) -> None:
        key = (kind, bounds) if kind in ("number", "date") else kind
        if key not in self.rules:
            self.rules[key] = _validation(kind, bounds)
            self.ws.add_data_validation(self.rules[key])
        self.rules[key].add(coordinate)


# openpyxl writes a validation with both messages off, and then Excel and LibreOffice take anything typed and
# never show the prompt: the rule is enforced (stop) and its Vietnamese prompt shown when the cell is selected
SHOWN = {"showErrorMessage": True, "showInputMessage": True, "errorStyle": "stop"}


def _choice(labels, prompt: str) -> DataValidation:
    return DataValidation(
        type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True, showDropDown=False, **SHOWN,
        promptTitle="Chọn trong danh sách", prompt=prompt, errorTitle="Không có trong danh sách",
        error=f"Chọn một mục trong danh sách của ô: {', '.join(labels)}.",
    )  # fmt: skip


def _validation(kind: str, bounds) -> DataValidation:
    if kind == "status":
        return _choice(STATUS_LABELS.values(), "Tình hình thực hiện nhiệm vụ.")
    if kind == "assessment":
        return _choice(ASSESSMENT_LABELS.values(), "Mức đạt của chỉ tiêu định tính.")
    if kind == "yesno":
        return _choice([YES, NO], "Có: số liệu là ước thực hiện, sẽ thay bằng số chính thức sau.")
    if kind == "money":
        rule = {"type": "whole", "operator": "between", "formula1": "0", "formula2": str(10**15 - 1)}
        prompt, error = "Số đồng, số nguyên, không âm.", "Kinh phí là số nguyên (đồng), không âm."
    elif kind == "number":
        low, high = bounds
        rule = {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": str(low)}
        if high is not None:
            rule |= {"operator": "between", "formula2": str(high)}
        span = f"từ {low} đến {high}" if high is not None else f"từ {low} trở lên"
        prompt, error = f"Nhập số {span}.", f"Giá trị phải là số {span}."
    elif kind == "date":  # the same window as the web form (ReportingCycle.as_of_window)
        first, last = bounds or (datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))
        rule = {
            "type": "date",
            "operator": "between",
            "formula1": str(int(to_excel(first))),
            "formula2": str(int(to_excel(last))),
        }
        span = f"từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
        prompt, error = f"Ngày/tháng/năm, {span}.", f"Nhập ngày theo dạng ngày/tháng/năm, {span}."
    else:
        rule = {"type": "textLength", "operator": "lessThanOrEqual", "formula1": str(TEXT_LIMIT)}
        # Excel cannot count lines; the upload refuses more than LINE_LIMIT lines with writing, next to the cell
        limits = f"Tối đa {vn_number(TEXT_LIMIT)} ký tự và {vn_number(LINE_LIMIT)} dòng có chữ."
        prompt, error = limits, f"Tối đa {vn_number(TEXT_LIMIT)} ký tự."
    return DataValidation(
        **rule, allow_blank=True, **SHOWN, promptTitle="Ô nhập liệu", prompt=prompt, errorTitle="Giá trị không hợp lệ",
        error=error,
    )  # fmt: skip
