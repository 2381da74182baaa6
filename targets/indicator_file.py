"""The province's crosswalk of indicators (binhson_plan/plans/indicators.yaml): read and validated whole, then
written in one transaction (`manage.py load_indicators`).

Every problem is listed with the file, the entry (its number and code) and the field, and nothing is written
while there is one. Indicators are matched by code: created, updated or left alone, and marked as listed by the
province; one the file no longer names stays (targets measure it) but is no longer listed.
"""

from collections import Counter
from pathlib import Path

from django.db import transaction

from binhson_plan.yaml_files import CODE, TEXT, FieldChecker
from targets.loading import _upsert
from targets.models import Aggregation, Direction, Indicator, Target, TargetKind
from targets.plan_file import PlanFileError, _parse_yaml, same_unit

BY_LOAD_INDICATORS = "lệnh load_indicators"
INDICATOR_FIELDS = {
    "code": (TEXT, True),
    "name": (TEXT, True),
    "unit": (TEXT, True),
    "direction": (TEXT, True),
    "aggregation": (TEXT, False),
    "denominator": (TEXT, False),
}


def read_indicator_file(path: Path) -> list[dict]:
    """The file's indicators, checked (also against the units of the targets already measuring them); raise
    PlanFileError listing every problem."""
    raw = _parse_yaml(path)
    checker = FieldChecker(path.name)
    indicators = []
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), list):
        checker.error("tệp", "cần khối “indicators” là một danh sách.")
        raise PlanFileError(checker.errors)
    for key in raw:
        if key != "indicators":
            checker.error("tệp", f"khối lạ “{key}” (chỉ có khối “indicators”).")
    seen = set()
    for entry, item in checker.items(raw["indicators"], "indicators", "code", INDICATOR_FIELDS):
        code = item.get("code")
        if code and not (CODE.match(code) and len(code) <= 60):
            checker.error(entry, f"trường “code”: mã “{code}” chỉ gồm chữ không dấu, số, “-” và “_”, tối đa 60 ký tự.")
        if code and code in seen:
            checker.error(entry, f"trường “code”: mã chỉ số “{code}” bị trùng.")
        seen.add(code)
        if len(item.get("name", "")) > 255:
            checker.error(entry, "trường “name”: tên dài quá 255 ký tự.")
        if len(item.get("unit", "")) > 50:
            checker.error(entry, "trường “unit”: đơn vị dài quá 50 ký tự.")
        if "direction" in item and item["direction"] not in Direction.values:
            checker.error(
                entry, f"trường “direction”: “{item['direction']}” không hợp lệ ({', '.join(Direction.values)})."
            )
        aggregation = item.setdefault("aggregation", Aggregation.NONE)
        if aggregation not in Aggregation.values:
            checker.error(
                entry, f"trường “aggregation”: “{aggregation}” không hợp lệ ({', '.join(Aggregation.values)})."
            )
        if aggregation == Aggregation.WEIGHTED_MEAN and not item.get("denominator"):
            checker.error(entry, "trường “denominator”: bình quân gia quyền cần ghi quyền số (ví dụ “số hộ DTTS”).")
        if aggregation != Aggregation.WEIGHTED_MEAN and item.get("denominator"):
            checker.error(entry, "trường “denominator”: chỉ dùng khi aggregation là “weighted_mean”.")
        item["entry"] = entry
        indicators.append(item)
    _check_units(checker, indicators)
    if checker.errors:
        raise PlanFileError(checker.errors)
    return indicators


def _check_units(checker, indicators) -> None:
    """An indicator's unit is the unit of the values of every target measuring it, in every plan."""
    by_code = {item["code"]: item for item in indicators if item.get("code") and item.get("unit")}
    measuring = (
        Target.objects.filter(indicator__code__in=by_code)
        .exclude(kind=TargetKind.QUALITATIVE)
        .order_by("plan__slug", "position")
        .values_list("indicator__code", "plan__slug", "code", "unit", "measured_unit")
    )
    for code, plan, target, unit, measured_unit in measuring:
        item, used = by_code[code], measured_unit or unit
        if not same_unit(item["unit"], used):
            checker.error(
                item["entry"],
                f"trường “unit”: “{item['unit']}” khác đơn vị số liệu “{used}” của chỉ tiêu {target} "
                f"(kế hoạch {plan}) đang đo chỉ số này.",
            )


def load_indicator_file(path: Path) -> Counter:
    """Validate the whole file, then write it; counts of what was created, updated, unchanged and unlisted."""
    indicators = read_indicator_file(path)
    reason = f"{BY_LOAD_INDICATORS}, tệp {path.name}"
    counts = Counter()
    with transaction.atomic():
        for item in indicators:
            values = {key: item.get(key, "") for key in INDICATOR_FIELDS if key != "code"} | {"listed": True}
            _, outcome = _upsert(Indicator.objects, {"code": item["code"]}, values, reason=reason)
            counts[outcome] += 1
        for indicator in Indicator.objects.filter(listed=True).exclude(code__in=[i["code"] for i in indicators]):
            indicator.listed = False
            indicator._change_reason = reason
            indicator.save(update_fields=["listed"])
            counts["unlisted"] += 1
    return counts
