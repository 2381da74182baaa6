"""What a report still lacks before submission, and what changed between two of its snapshots."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

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


WORDS_MARKED_AT_MOST = 1500  # words on a side; longer texts are shown whole, unmarked (SequenceMatcher is quadratic)


def marked_changes(changes: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """`changes` (changes_between) with the words that went marked in the old text and those that came in the new
    (browser pass 34: the reviewer hunted by eye for the words that changed in two whole paragraphs)."""
    return [(label, *marked_words(old, new)) for label, old, new in changes]


def marked_words(old: str, new: str) -> tuple[str, str]:
    """The two texts as HTML, escaped, each run of words only one side has in <del> (old) or <ins> (new). Words are
    compared without the spaces around them."""
    before, after = re.findall(r"\s*\S+|\s+$", old or ""), re.findall(r"\s*\S+|\s+$", new or "")
    if not old or not new or max(len(before), len(after)) > WORDS_MARKED_AT_MOST:
        return escape(old or ""), escape(new or "")  # all of it changed, or too long to compare: shown whole
    matcher = difflib.SequenceMatcher(None, [w.strip() for w in before], [w.strip() for w in after], autojunk=False)
    old_html, new_html = [], []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        went, came = "".join(before[i1:i2]), "".join(after[j1:j2])
        old_html.append(escape(went) if operation == "equal" else _wrapped(went, "del"))
        new_html.append(escape(came) if operation == "equal" else _wrapped(came, "ins"))
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # every piece escaped


def _wrapped(text: str, tag: str) -> str:
    """`text` escaped, its words in <tag>, the spaces around them left outside."""
    words = text.strip()
    if not words:
        return escape(text)
    start = text.index(words)
    return f"{escape(text[:start])}<{tag}>{escape(words)}</{tag}>{escape(text[start + len(words) :])}"
