"""The history of a target and its goal, as the target's page shows it: who, when, before and after, and why."""

from dataclasses import dataclass, field

from agencies.models import Agency
from binhson_plan.number_format import vn_number
from targets.models import Indicator, Target
from targets.templatetags.plan_format import target_goal

# What a milestone is judged against, shown together as the goal the page states ("≥ 95%" → "50%").
GOAL_FIELDS = ["kind", "comparison", "value", "value_max", "unit", "direction", "baseline_year", "reference"]
# Shown one by one beside it; the order of the plan's lines (position) and its tree are not news.
FIELDS = ["name", "statement", "horizon", "measured_unit", "natural_limit", "denominator", "period_start",
          "indicator", "responsible_agency", "is_active"]  # fmt: skip
BY_LOAD_PLAN = "lệnh load_plan"  # the start of the reason targets.loading records


@dataclass
class Change:
    at: object
    by: str
    reason: str
    goal: tuple[str, str] | None = None
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


def goal_history(target: Target) -> list[Change]:
    """Every change to `target` since its history began, newest first (one query; two when its agency
    changed). In the order written, whatever the clock said."""
    records = list(target.history.select_related("history_user").order_by("history_id"))
    agency_ids = {record.responsible_agency_id for record in records}
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if len(agency_ids) > 1 else {}
    indicator_ids = {record.indicator_id for record in records} - {None}
    indicators = dict(Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "code")) if len(
        {record.indicator_id for record in records}
    ) > 1 else {}  # fmt: skip
    changes = []
    for previous, record in zip(records, records[1:], strict=False):
        change = Change(at=record.history_date, by=_who(record), reason=record.history_change_reason or "")
        if any(getattr(previous, name) != getattr(record, name) for name in GOAL_FIELDS):
            change.goal = (target_goal(previous.instance), target_goal(record.instance))
        for name in FIELDS:
            attname = Target._meta.get_field(name).attname
            old, new = getattr(previous, attname), getattr(record, attname)
            if old != new:
                label = Target._meta.get_field(name).verbose_name
                if name == "responsible_agency":
                    old, new = agencies.get(old, old), agencies.get(new, new)
                if name == "indicator":
                    old, new = indicators.get(old, old), indicators.get(new, new)
                change.fields.append((label[:1].upper() + label[1:], _shown(old), _shown(new)))
        if change.goal or change.fields:
            changes.append(change)
    return changes[::-1]


def _who(record) -> str:
    if user := record.history_user:
        return user.get_full_name() or user.username
    return BY_LOAD_PLAN if (record.history_change_reason or "").startswith(BY_LOAD_PLAN) else "hệ thống"


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return str(value) if isinstance(value, str | int) else vn_number(value)
