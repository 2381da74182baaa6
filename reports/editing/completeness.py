"""What a report still lacks before submission, and what changed between two of its snapshots."""

from binhson_plan.longtext import visible
from reports.editing.asking import entry_facts
from reports.models import AgencyReport
from tasks.models import Role


def missing_items(report: AgencyReport, facts=None, task_entries=None, target_entries=None) -> list[str]:
    """Each thing to fill before submitting, as a sentence naming the task or target. What the caller has read
    already need not be read again: the entries' `facts` (reports.editing.asking.entry_facts: they depend on the
    report's targets and their recorded values, not on what the entries hold), its task entries with their section
    and its target entries with their target, as saved."""
    missing = []
    if task_entries is None:
        task_entries = report.task_entries.select_related("section")
    for entry in sorted(task_entries, key=lambda e: (e.role != Role.LEAD, e.section.position)):
        code = entry.section.code
        if entry.role == Role.LEAD:
            if not entry.status:
                missing.append(f"Nhiệm vụ {code}: chưa chọn tình hình thực hiện.")
            if not entry.results.strip():
                missing.append(f"Nhiệm vụ {code}: chưa ghi kết quả đạt được.")
        elif not entry.results.strip():
            missing.append(f"Nhiệm vụ phối hợp {code}: chưa ghi kết quả phối hợp.")
    if target_entries is None:
        target_entries = report.target_entries.select_related("target")
    entries = sorted(target_entries, key=lambda e: e.target.position)
    if facts is None or any(entry.target_id not in facts for entry in entries):
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
    if facts.jumps(year, entry.value) and not visible(entry.note):
        missing.append(f"{named}: số liệu năm {year} thay đổi bất thường, cần ghi chú giải thích.")
    return missing


def changes_between(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """(label, old, new) for every field that differs, in the order of the newer snapshot."""
    labels = list(after) + [label for label in before if label not in after]
    return [
        (label, before.get(label, ""), after.get(label, ""))
        for label in labels
        if before.get(label, "") != after.get(label, "")
    ]
