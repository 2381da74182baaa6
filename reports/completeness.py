"""What a report still lacks before submission, and its content as plain labelled values."""

from agencies.lineage import Lineage
from reports.asking import entry_facts
from reports.models import AgencyReport, TargetEntry, TaskEntry
from reports.organisation import held_tasks, owned_targets
from targets.status import indicator_groups
from targets.templatetags.plan_format import vn_number
from tasks.models import Role


def ensure_entries(report: AgencyReport) -> None:
    """One entry per task the agency holds and per target it owns on the cycle's due date (the plan's
    assignments carried through the reorganisations then in force), created when missing."""
    plan, on, lineage = report.cycle.plan, report.cycle.due_on, Lineage.load()
    wanted = held_tasks(report.agency, plan, on, lineage)
    have = set(report.task_entries.values_list("section_id", "role"))
    TaskEntry.objects.bulk_create(
        [TaskEntry(report=report, section_id=pk, role=role) for pk, role in sorted(wanted - have)]
    )
    owned = list(owned_targets(report.agency, plan, on, lineage))
    groups = indicator_groups(owned)
    targets = {t.pk for t in owned if groups[t.pk][0] == t.pk}  # later milestones of an indicator share its values
    have_targets = set(report.target_entries.values_list("target_id", flat=True))
    new = [t for t in owned if t.pk in targets - have_targets]
    if new:  # each for the year the report asks for (reports.asking); a value typed later follows the form's
        facts = entry_facts(report, new)
        TargetEntry.objects.bulk_create(
            [TargetEntry(report=report, target=t, value_year=facts[t.pk].ask.year or report.cycle.year) for t in new]
        )


def missing_items(report: AgencyReport) -> list[str]:
    """Each thing to fill before submitting, as a sentence naming the task or target."""
    missing = []
    entries = report.task_entries.select_related("section").order_by("section__position")
    for entry in sorted(entries, key=lambda e: (e.role != Role.LEAD, e.section.position)):
        code = entry.section.code
        if entry.role == Role.LEAD:
            if not entry.status:
                missing.append(f"Nhiệm vụ {code}: chưa chọn tình hình thực hiện.")
            if not entry.results.strip():
                missing.append(f"Nhiệm vụ {code}: chưa ghi kết quả đạt được.")
        elif not entry.results.strip():
            missing.append(f"Nhiệm vụ phối hợp {code}: chưa ghi kết quả phối hợp.")
    entries = list(report.target_entries.select_related("target").order_by("target__position"))
    facts = entry_facts(report, [entry.target for entry in entries])
    for entry in entries:
        missing += _target_missing(entry, facts[entry.target_id])
    return missing


def _target_missing(entry, facts) -> list[str]:
    target, year = entry.target, facts.ask.year
    if year is None:  # a passed milestone whose value is there: nothing asked
        return []
    counts = facts.counts(entry)
    named = f"Chỉ tiêu {target.code}"
    if target.is_qualitative:
        if not (counts and entry.qualitative_status):
            return [f"{named}: chưa đánh giá mức đạt năm {year}."]
        return []
    if entry.value is None or not counts:
        return [f"{named}: chưa nhập giá trị năm {year}."]
    missing = [] if entry.as_of else [f"{named}: chưa ghi số liệu tính đến ngày nào."]
    if facts.jumps(year, entry.value) and not entry.note.strip():
        missing.append(f"{named}: số liệu năm {year} thay đổi bất thường, cần ghi chú giải thích.")
    return missing


def report_snapshot(report: AgencyReport) -> dict[str, str]:
    """Every field a reviewer compares between two submissions, labelled in Vietnamese."""
    data = {"Khó khăn, vướng mắc": report.difficulties}
    for entry in report.task_entries.select_related("section").order_by("section__position", "role"):
        prefix = f"Nhiệm vụ {entry.section.code}" + ("" if entry.is_lead else " (phối hợp)")
        if entry.is_lead:
            data[f"{prefix} – tình hình"] = entry.get_status_display() if entry.status else ""
            data[f"{prefix} – kết quả"] = entry.results
            data[f"{prefix} – tồn tại, nguyên nhân"] = entry.shortcomings
            data[f"{prefix} – năm tới"] = entry.next_steps
            data[f"{prefix} – kinh phí (đồng)"] = vn_number(entry.budget_used) if entry.budget_used is not None else ""
            data[f"{prefix} – minh chứng"] = ", ".join(e.original_name for e in entry.evidence.all())
        else:
            data[f"{prefix} – kết quả phối hợp"] = entry.results
    for entry in report.target_entries.select_related("target").order_by("target__position"):
        prefix = f"Chỉ tiêu {entry.target.code}"
        if entry.target.is_qualitative:
            data[f"{prefix} – đánh giá"] = entry.get_qualitative_status_display() if entry.qualitative_status else ""
        else:
            data[f"{prefix} – giá trị"] = vn_number(entry.value) if entry.value is not None else ""
            if entry.value_year != report.cycle.year:  # a passed milestone's missing value
                data[f"{prefix} – năm của số liệu"] = str(entry.value_year)
            data[f"{prefix} – tính đến ngày"] = entry.as_of.strftime("%d/%m/%Y") if entry.as_of else ""
            data[f"{prefix} – ước thực hiện"] = "Có" if entry.is_estimate else "Không"
        data[f"{prefix} – ghi chú"] = entry.note
    for number, proposal in enumerate(report.proposals.all(), start=1):
        data[f"Kiến nghị {number}"] = proposal.text
    return data


def changes_between(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """(label, old, new) for every field that differs, in the order of the newer snapshot."""
    labels = list(after) + [label for label in before if label not in after]
    return [
        (label, before.get(label, ""), after.get(label, ""))
        for label in labels
        if before.get(label, "") != after.get(label, "")
    ]
