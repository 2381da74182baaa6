"""Writing a validated plan file into the database, in one transaction.

Entries are matched by their codes: new ones are created, changed ones updated, unchanged ones
left alone (so loading twice changes nothing), and entries no longer in the file deactivated,
never deleted, so nothing already reported against them is lost.

The file is the only way a target's goal changes (the admin shows targets read-only). Every change to a
target is kept in its history (Target.history) with the file's name and its legal basis; a file that
changes the goal of an existing target needs that basis (the decision amending the plan), or nothing
is written.
"""

from collections import Counter
from pathlib import Path

from django.db import transaction

from agencies.models import Agency
from targets.goal_history import BY_LOAD_PLAN
from targets.models import Indicator, Target
from targets.plan_file import PlanData, PlanFileError, read_plan_file
from targets.signals import plan_loaded
from targets.templatetags.plan_format import target_goal
from tasks.models import Assignment, Plan, Role, Section

# What a milestone is judged against: a change to any of these can turn "not met" into "met".
GOAL_FIELDS = ["horizon", "kind", "comparison", "value", "value_max", "direction", "natural_limit", "unit",
               "measured_unit", "denominator", "baseline_year", "period_start", "reference"]  # fmt: skip


def load_plan_file(path: Path, basis: str = "") -> tuple[Plan, Counter]:
    """Validate the whole file, then create or update its plan; return the plan and counts. `basis` is the
    legal basis of a change (the decision amending the plan), required when a target's goal changes."""
    data = read_plan_file(path)
    basis = " ".join(basis.split())
    reason = f"{BY_LOAD_PLAN}, tệp {path.name}" + (f". Căn cứ: {basis}" if basis else "")
    with transaction.atomic():
        plan, counts = _write(data, reason, needs_basis=not basis)
        plan_loaded.send(sender=None, plan=plan)
    return plan, counts


def _write(data: PlanData, reason: str = BY_LOAD_PLAN, needs_basis: bool = False) -> tuple[Plan, Counter]:
    counts = Counter()
    agencies = {}
    for item in data.agencies:
        agency, outcome = _upsert(Agency.objects, {"code": item["code"]}, item, create_only={"is_active": True})
        agencies[agency.code] = agency
        counts[f"agency_{outcome}"] += 1

    plan_values = {key: value for key, value in data.plan.items() if key not in ("slug", "recipients", "illustrative")}
    plan_values["is_illustrative"] = data.plan.get("illustrative", False)
    if not plan_values.get("number"):
        plan_values.pop("number", None)  # the office enters it in the portal; a file without one keeps it
    plan_values["recipients"] = "\n".join(data.plan.get("recipients", []))
    plan, outcome = _upsert(Plan.objects, {"slug": data.plan["slug"]}, plan_values)
    counts[f"plan_{outcome}"] += 1
    removed_agencies = set(plan.agencies.exclude(code__in=agencies)) if outcome != "created" else set()
    plan.agencies.set(agencies.values())
    for agency in removed_agencies:
        if agency.is_active and not agency.plans.exists():
            agency.is_active = False
            agency.save(update_fields=["is_active"])
            counts["agency_deactivated"] += 1

    sections = _write_sections(plan, data, agencies, counts)
    goals_changed = _write_targets(plan, data, agencies, sections, counts, reason)
    if goals_changed and needs_basis:
        raise PlanFileError(
            [
                f"chỉ tiêu {code} đổi mục tiêu ({before} → {after}): ghi căn cứ pháp lý của thay đổi bằng "
                "--basis “Quyết định số … ngày …”."
                for code, before, after in goals_changed
            ]
        )
    return plan, counts


def _upsert(manager, lookup: dict, values: dict, create_only: dict | None = None, reason: str | None = None):
    """Create or update one row; save only when something differs. Returns (obj, outcome). `reason` goes
    into the row's history, for models that keep one."""
    values = {key: value for key, value in values.items() if key not in lookup}
    obj = manager.filter(**lookup).first()
    if obj is None:
        obj = manager.model(**lookup, **values, **(create_only or {}))
        obj._change_reason = reason
        obj.save()
        return obj, "created"
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    if not changed:
        return obj, "unchanged"
    for key in changed:
        setattr(obj, key, values[key])
    obj._change_reason = reason
    obj.save(update_fields=changed)
    return obj, "updated"


def _write_sections(plan, data, agencies, counts) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    for item in data.sections:
        values = {
            "parent": sections.get(item.parent_code),
            "number": item.number,
            "kind": item.kind,
            "title": item.title,
            "content": item.content,
            "lead_text": item.lead_text,
            "coordinating_text": item.coordinating_text,
            "position": item.position,
            "is_active": True,
        }
        section, outcome = _upsert(Section.objects, {"plan": plan, "code": item.code}, values)
        sections[item.code] = section
        counts[f"section_{outcome}"] += 1
        wanted = [(code, Role.LEAD, scope) for code, scope in item.leads]
        wanted += [(code, Role.COORDINATING, "") for code in item.coordinating]
        _write_assignments(section, wanted, agencies, counts)
    gone = plan.sections.filter(is_active=True).exclude(code__in=sections)
    counts["section_deactivated"] += gone.update(is_active=False)
    return sections


def _write_assignments(section, wanted, agencies, counts) -> None:
    keep = []
    for position, (code, role, scope) in enumerate(wanted):
        lookup = {"section": section, "agency": agencies[code], "role": role}
        assignment, outcome = _upsert(Assignment.objects, lookup, {"scope": scope, "position": position})
        keep.append(assignment.pk)
        counts[f"assignment_{outcome}"] += 1
    # An assignment is a link, not reported data: one the file no longer names is removed.
    deleted, _ = section.assignments.exclude(pk__in=keep).delete()
    counts["assignment_removed"] += deleted


def _indicators(data, counts) -> dict[str, Indicator]:
    """The indicators the file's targets measure, by code; one the portal does not know yet is created from its
    first target (not in the province's list until the crosswalk file names it: `load_indicators`)."""
    codes = {item["indicator"] for item in data.targets if item.get("indicator")}
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    numeric_first = sorted(data.targets, key=lambda item: item.get("kind") == "qualitative")  # stable
    for item in numeric_first:
        code = item.get("indicator")
        if code and code not in found:
            found[code] = Indicator.objects.create(
                code=code,
                name=item["name"],
                unit=item.get("measured_unit") or item.get("unit", ""),
                direction=item.get("direction", ""),
                listed=False,
            )
            counts["indicator_created"] += 1
    return found


def _write_targets(plan, data, agencies, sections, counts, reason) -> list[tuple[str, str, str]]:
    """Write the file's targets; (code, goal before, goal after) of each existing target whose goal changed."""
    targets: dict[str, Target] = {}
    indicators = _indicators(data, counts)
    before = {target.code: target for target in plan.targets.all()}
    goals_changed = []
    for position, item in enumerate(data.targets, start=1):
        values = {
            "section": sections.get(item.get("section")),
            "parent": targets.get(item.get("parent")),
            "horizon": item["horizon"],
            "statement": item["statement"],
            "name": item["name"],
            "unit": item.get("unit", ""),
            "measured_unit": item.get("measured_unit", ""),
            "indicator": indicators.get(item.get("indicator")),
            "kind": item["kind"],
            "comparison": item.get("comparison", ""),
            "value": item.get("value"),
            "value_max": item.get("value_max"),
            "direction": item.get("direction", ""),
            "natural_limit": item.get("natural_limit"),
            "denominator": item.get("denominator"),
            "baseline_year": item.get("baseline_year"),
            "period_start": item.get("period_start"),
            "reference": item.get("reference", ""),
            "responsible_agency": agencies[item["responsible"]],
            "position": position,
            "is_active": True,
        }
        target, outcome = _upsert(Target.objects, {"plan": plan, "code": item["code"]}, values, reason=reason)
        targets[target.code] = target
        counts[f"target_{outcome}"] += 1
        old = before.get(target.code)
        if outcome == "updated" and any(getattr(old, name) != getattr(target, name) for name in GOAL_FIELDS):
            goals_changed.append((target.code, target_goal(old), target_goal(target)))
    for target in plan.targets.filter(is_active=True).exclude(code__in=targets):
        target.is_active = False  # one by one, not in bulk: each leaves its line in the target's history
        target._change_reason = reason
        target.save(update_fields=["is_active"])
        counts["target_deactivated"] += 1
    return goals_changed
