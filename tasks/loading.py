"""Writing a validated plan file into the database, in one transaction.

Entries are matched by their codes: new ones are created, changed ones updated, unchanged ones
left alone (so loading twice changes nothing), and entries no longer in the file deactivated,
never deleted, so nothing already reported against them is lost.
"""

from collections import Counter
from pathlib import Path

from django.db import transaction

from agencies.models import Agency
from targets.models import Target
from tasks.models import Assignment, Plan, Role, Section
from tasks.plan_file import PlanData, read_plan_file


def load_plan_file(path: Path) -> tuple[Plan, Counter]:
    """Validate the whole file, then create or update its plan; return the plan and counts."""
    data = read_plan_file(path)
    with transaction.atomic():
        return _write(data)


def _write(data: PlanData) -> tuple[Plan, Counter]:
    counts = Counter()
    agencies = {}
    for item in data.agencies:
        agency, outcome = _upsert(Agency.objects, {"code": item["code"]}, item, create_only={"is_active": True})
        agencies[agency.code] = agency
        counts[f"agency_{outcome}"] += 1

    plan_values = {key: value for key, value in data.plan.items() if key not in ("slug", "recipients")}
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
    _write_targets(plan, data, agencies, sections, counts)
    return plan, counts


def _upsert(manager, lookup: dict, values: dict, create_only: dict | None = None):
    """Create or update one row; save only when something differs. Returns (obj, outcome)."""
    values = {key: value for key, value in values.items() if key not in lookup}
    obj = manager.filter(**lookup).first()
    if obj is None:
        return manager.create(**lookup, **values, **(create_only or {})), "created"
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    if not changed:
        return obj, "unchanged"
    for key in changed:
        setattr(obj, key, values[key])
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


def _write_targets(plan, data, agencies, sections, counts) -> None:
    targets: dict[str, Target] = {}
    for position, item in enumerate(data.targets, start=1):
        values = {
            "section": sections.get(item.get("section")),
            "parent": targets.get(item.get("parent")),
            "horizon": item["horizon"],
            "statement": item["statement"],
            "name": item["name"],
            "unit": item.get("unit", ""),
            "measured_unit": item.get("measured_unit", ""),
            "indicator": item.get("indicator", ""),
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
        target, outcome = _upsert(Target.objects, {"plan": plan, "code": item["code"]}, values)
        targets[target.code] = target
        counts[f"target_{outcome}"] += 1
    gone = plan.targets.filter(is_active=True).exclude(code__in=targets)
    counts["target_deactivated"] += gone.update(is_active=False)
