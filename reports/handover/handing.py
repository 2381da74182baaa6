"""A reorganisation's hand-over: after one is recorded or takes effect, a year still open expects the agencies of
its due date (reports.cycles.organisation); what an ended agency's report says goes to the reports of those that
hold its part now, and its report is then handed over (`AgencyReport.hand_over`): read only and not counted.
"""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from agencies.lineage import Lineage
from agencies.models import ReorganisationKind
from binhson_plan.collation import sort_key as vietnamese_order
from reports.cycles.opening import ensure_reports
from reports.cycles.organisation import ensure_entries, expected_agencies, held_tasks, owned_targets
from reports.models import AgencyReport, Evidence, Proposal, ReportingCycle, ReportState, TaskEntry
from tasks.models import ReportIssuer

logger = logging.getLogger(__name__)


def refresh_cycles(since: datetime.date, now=None) -> dict[str, int]:
    """After a reorganisation from `since`: every cycle due on or after it whose entry is not closed expects
    that year's agencies. Reports nobody has touched yet (never saved, never sent) follow the new organisation:
    those of agencies no longer expected are removed, and their empty entries for what the agency no longer
    holds. A report someone worked on is kept under its agency, and what it says is handed to the reports of
    the agencies that now hold its part (`hand_over`), so the year counts each part once. A cycle whose entry
    is closed stays as its reports were made."""
    counts = {"cycles": 0, "reports_added": 0, "reports_removed": 0, "reports_handed_over": 0, "parts_handed_over": 0}
    lineage = Lineage.load()
    for cycle in _open_cycles(since, now):
        expected, added = ensure_reports(cycle, lineage, due_on=opened_due_on(cycle, now))
        counts["reports_added"] += added
        untouched = cycle.reports.filter(version=0, state=ReportState.DRAFT, first_submitted_at__isnull=True)
        _, removed = untouched.exclude(agency__in=expected).delete()
        counts["reports_removed"] += removed.get("reports.AgencyReport", 0)
        for report in untouched.select_related("agency", "cycle__plan"):
            _follow(report, lineage)
        whole, parts = _hand_over_kept(cycle, expected, lineage, now)
        counts["reports_handed_over"] += whole
        counts["parts_handed_over"] += parts
        counts["cycles"] += 1
    return counts


def opened_due_on(cycle, now=None) -> datetime.date | None:
    """The due date of a report a reorganisation opens in `cycle` now: the cycle's, unless fewer than
    settings.REORGANISED_REPORT_DAYS days are left, then that many days from today (None: the cycle's). The reviewer
    can change it on the report's page."""
    given = timezone.localdate(now) + datetime.timedelta(days=settings.REORGANISED_REPORT_DAYS)
    return given if given > cycle.due_on else None


def hand_over_waiting(now=None) -> int:
    """Each night (reports.handover.jobs): the kept reports (or parts) that could not be handed over when their
    reorganisation was recorded, because it was not yet in force or a holder's report had been sent, are handed
    over once it can take them; how many."""
    lineage = Lineage.load()
    if not lineage.steps:
        return 0
    handed = 0
    for cycle in _open_cycles(lineage.steps[0].effective_on, now):
        expected = {a.pk for a in expected_agencies(cycle.plan, cycle.due_on, lineage)}
        handed += sum(_hand_over_kept(cycle, expected, lineage, now))
    return handed


def _open_cycles(since: datetime.date, now=None):
    """The cycles due on or after `since` whose entry is not closed (a closed one stays as its reports were made)."""
    today = timezone.localdate(now)
    for cycle in ReportingCycle.objects.filter(due_on__gte=since).select_related("plan").order_by("due_on"):
        if not (cycle.locks_on and today > cycle.locks_on):
            yield cycle


def _hand_over_kept(cycle, expected: set, lineage, now) -> tuple[int, int]:
    """Hand over, in the cycle, the kept reports of agencies it no longer expects, and the parts an agency it
    still expects no longer holds (a transfer took a task or target from it); how many of each."""
    kept = cycle.reports.select_related("agency", "cycle__plan")
    waiting = kept.exclude(agency__in=expected).counted()
    whole, parts = sum(hand_over(report, lineage, now) for report in waiting), 0
    givers = {a for step in lineage.in_force(cycle.due_on) for a in step.predecessors} & expected
    for report in kept.filter(agency__in=givers):
        tasks, targets = _not_held(report, lineage)
        if tasks or targets:
            parts += hand_over(report, lineage, now, part=(tasks, targets))
    return whole, parts


def _not_held(report, lineage) -> tuple[list, list]:
    """The entries of a report for what its agency no longer holds on the cycle's date: the empty ones are
    removed, those with something in them returned, to be handed over."""
    plan, on = report.cycle.plan, report.cycle.due_on
    held = held_tasks(report.agency, plan, on, lineage)
    owned = set(owned_targets(report.agency, plan, on, lineage).values_list("pk", flat=True))
    tasks = [
        e
        for e in report.task_entries.select_related("section").prefetch_related("evidence")
        if (e.section_id, e.role) not in held
    ]
    targets = [e for e in report.target_entries.select_related("target") if e.target_id not in owned]
    for entry in [e for e in [*tasks, *targets] if not _said(e)]:
        entry.delete()
    return [e for e in tasks if _said(e)], [e for e in targets if _said(e)]


def _said(entry) -> bool:
    """Whether an entry holds anything the agency typed or attached."""
    if isinstance(entry, TaskEntry):
        texts = [entry.status, entry.results, entry.shortcomings, entry.next_steps]
        return any(t.strip() for t in texts) or entry.budget_used is not None or bool(entry.evidence.all())
    return entry.value is not None or bool(entry.qualitative_status) or bool(entry.note.strip())


# The fields of an entry that carry what the agency said. Two agencies speaking of one task (two merged
# communes): their texts one after the other, each under its agency's short name (not for a rename: the same
# office), budgets added up, the first status and value kept.
TASK_TEXTS = ("results", "shortcomings", "next_steps")
TARGET_FIELDS = ("value", "value_year", "as_of", "is_estimate", "qualitative_status", "note")


@transaction.atomic
def hand_over(report, lineage: Lineage, now=None, part=None) -> int:
    """Give what a kept report says to the reports of the agencies that hold its part on the cycle's date: each
    task entry to the holder's entry of the same task (budget to the first holder), each target value to the
    target's new owner (where it has none yet), evidence copied; for a whole report (`part` None: its agency is
    no longer expected), proposals and difficulties to the main successor too, and the report is then read only
    and not counted. `part` (task entries, target entries): only these, which leave the report of an agency
    still expected (a transfer). Nothing the holders typed is overwritten; both sides record it.

    Returns 1 when done, 0 when it must wait: for the reorganisation's date (the agency works on until then), or
    for a holder's sent report to come back (reports.handover.jobs tries again each night). A whole report once handed
    over stays so: a reorganisation in force cannot be withdrawn (agencies/admin.py)."""
    cycle, on, today = report.cycle, report.cycle.due_on, timezone.localdate(now)
    steps = [step for step in lineage.in_force(on) if report.agency_id in step.predecessors]
    if any(step.effective_on > today for step in steps):
        return 0  # recorded ahead of its date: the agency still works on its report until then
    reports = {r.agency_id: r for r in AgencyReport.objects.select_for_update().filter(cycle=cycle)}

    def holders(**key):
        return [reports[a] for a in lineage.holders(report.agency_id, on, **key) if a in reports]

    if part is None:
        tasks = list(report.task_entries.select_related("section").prefetch_related("evidence"))
        targets = list(report.target_entries.select_related("target"))
    else:
        tasks, targets = part
    task_moves = [(entry, holders(section_id=entry.section_id)) for entry in tasks]
    target_moves = [(entry, holders(target_id=entry.target_id)[:1]) for entry in targets]
    main = _main_successor(report, lineage, reports) if part is None else None
    takers = {h.agency_id: h for _, found in [*task_moves, *target_moves] for h in found}
    if main is not None:
        takers[main.agency_id] = main
    if not takers or any(not r.is_editable for r in takers.values()):
        return 0  # wait: a holder's report is sent or closed; the kept report is shown beside it
    for taker in takers.values():
        ensure_entries(taker)
    name = report.agency.short_name or report.agency.name
    label = "" if steps and all(step.kind == ReorganisationKind.RENAME for step in steps) else name
    for entry, found in task_moves:
        for n, taker in enumerate(found):  # a task passed to two agencies: its budget counted once, by the first
            _give_task(entry, taker, label, name, with_budget=n == 0)
    for entry, found in target_moves:
        for taker in found:
            _give_target(entry, taker, name)
    if main is not None:
        for proposal in report.proposals.order_by("position"):
            _give_proposal(proposal, main, name)
        if report.difficulties.strip():
            main.difficulties = _joined(main.difficulties, report.difficulties, label)
            main._change_reason = f"Chuyển từ báo cáo của {name}"[:100]
            main.save(update_fields=["difficulties"])
    moment = now or timezone.now()
    names = ", ".join(sorted((r.agency.name for r in takers.values()), key=vietnamese_order))
    why = "; ".join(f"{_KINDS[s.kind]} từ {s.effective_on:%d/%m/%Y}" + (f" theo {s.legal_basis}" if s.legal_basis
                    else "") for s in steps)  # fmt: skip
    what = "" if part is None else ", ".join(
        [f"nhiệm vụ {e.section.code}" for e in tasks] + [f"chỉ tiêu {e.target.code}" for e in targets]
    )  # fmt: skip
    asked = ""
    if report.state == ReportState.SENT_BACK and report.return_reason.strip():
        request = report.return_reason.strip()
        reviewer = ReportIssuer.for_year(cycle.plan, cycle.year).reviewer_name
        asked = f" {reviewer} đã đề nghị {report.agency.name} bổ sung: “{request}”" + (
            "" if request[-1] in ".!?…" else "."
        )
    if part is None:
        gave = f"Nội dung báo cáo năm {cycle.year} đã chuyển cho: {names}"
    else:
        for entry in [*tasks, *targets]:
            entry._change_reason = "Chuyển cho đơn vị tiếp nhận theo sắp xếp tổ chức"
            entry.delete()
        gave = f"Phần đã nhập của {what} đã chuyển cho: {names}"
    report.hand_over(f"{gave} ({report.agency.name}: {why}).", at=moment, whole=part is None)
    of = f"{report.agency.name}" + (f" ({what})" if what else "")
    for taker in takers.values():
        taker.receive(
            f"Nhận nội dung báo cáo năm {cycle.year} của {of} theo sắp xếp tổ chức; cần rà soát trước khi gửi.{asked}",
            at=moment,
        )
    return 1


_KINDS = {
    ReorganisationKind.RENAME: "đổi tên",
    ReorganisationKind.MERGE: "sáp nhập",
    ReorganisationKind.SPLIT: "chia tách",
    ReorganisationKind.TRANSFER: "chuyển giao nhiệm vụ",
    ReorganisationKind.DISSOLUTION: "giải thể",
}


def _main_successor(report, lineage, reports):
    """The report of the agency that took the ended agency's staff (a rename, a merge, a split's main)."""
    step = lineage.ended.get(report.agency_id)
    taker = (step.main or step.successors or (None,))[0] if step else None
    return reports.get(taker)


def _give_task(entry, taker, label, name, with_budget=True) -> None:
    entries = list(taker.task_entries.filter(section_id=entry.section_id))
    held = next((e for e in entries if e.role == entry.role), entries[0] if entries else None)
    if held is None:
        return
    changed = []
    if entry.status and not held.status:
        held.status = entry.status
        changed.append("status")
    for field_name in TASK_TEXTS:
        given = getattr(entry, field_name)
        if given.strip() and given.strip() not in getattr(held, field_name):
            setattr(held, field_name, _joined(getattr(held, field_name), given, label))
            changed.append(field_name)
    if with_budget and entry.budget_used is not None:
        held.budget_used = (held.budget_used or 0) + entry.budget_used
        changed.append("budget_used")
    if changed:
        held._change_reason = f"Chuyển từ báo cáo của {name}"[:100]
        held.save(update_fields=changed)
    for evidence in entry.evidence.all():
        _copy_evidence(evidence, held)


def _give_target(entry, taker, name) -> None:
    held = taker.target_entries.filter(target_id=entry.target_id).first()
    if held is None or held.value is not None or held.qualitative_status:
        return  # the owner's own value stands
    if entry.value is None and not entry.qualitative_status:
        return
    for field_name in TARGET_FIELDS:
        setattr(held, field_name, getattr(entry, field_name))
    held._change_reason = f"Chuyển từ báo cáo của {name}"[:100]
    held.save(update_fields=list(TARGET_FIELDS))


def _give_proposal(proposal, main, name) -> None:
    position = (main.proposals.aggregate(m=models.Max("position"))["m"] or 0) + 1
    given = Proposal(
        report=main, text=proposal.text, position=position, state=proposal.state, response=proposal.response,
        responded_by=proposal.responded_by, responded_at=proposal.responded_at,
    )  # fmt: skip
    given._change_reason = f"Chuyển từ báo cáo của {name}"[:100]
    given.save()


def _copy_evidence(evidence, held) -> None:
    try:
        with evidence.file.open("rb") as source:
            content = ContentFile(source.read(), name=evidence.original_name)
    except OSError:  # gone from the server's disk: the kept report still lists it, nothing to copy
        logger.warning("Evidence %s of report %s is missing from storage", evidence.pk, evidence.entry.report_id)
        return
    Evidence.objects.create(
        entry=held, file=content, original_name=evidence.original_name, content_type=evidence.content_type,
        size=evidence.size, uploaded_by=evidence.uploaded_by,
    )  # fmt: skip


def _joined(have: str, given: str, label: str) -> str:
    """`given` under the short name of the agency that wrote it (no name: a renamed office's own words), after
    what is there, on a new line (CRLF, as a browser sends a text box's lines)."""
    given = f"{label}: {given.strip()}" if label else given.strip()
    return f"{have.rstrip()}\r\n{given}" if have.strip() else given


def _follow(report, lineage) -> None:
    """An untouched report's entries: what the agency holds on the cycle's date, no more, no less."""
    if not (report.task_entries.exists() or report.target_entries.exists()):
        return  # no entries, nothing to follow
    plan, on = report.cycle.plan, report.cycle.due_on
    held = held_tasks(report.agency, plan, on, lineage)
    for entry in report.task_entries.all():
        if (entry.section_id, entry.role) not in held:
            entry.delete()
    report.target_entries.exclude(target__in=owned_targets(report.agency, plan, on, lineage)).delete()
    ensure_entries(report)
