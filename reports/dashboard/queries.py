"""What the district dashboard shows for one plan and year: who has reported, how each target is
progressing, where each task stands, and the agencies' proposals. A fixed number of queries.

Each year shows its own organisation: the agencies that held each task and target on the year's due date
(agencies/lineage.py), so 2024 shows the offices of 2024 and 2026 their successors."""

from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Q
from django.utils import timezone

from agencies.lineage import Lineage
from binhson_plan.collation import sort_key as vietnamese_order
from binhson_plan.number_format import with_unit
from reports import access
from reports.models import (
    REOPENED_LABEL,
    SHARED_STATES,
    AgencyReport,
    Proposal,
    ProposalState,
    ReportState,
    TargetEntry,
    TaskEntry,
)
from reports.review.reopening import approved_before_reopening
from targets.cache import cached, plan_estimates, plan_figures
from targets.goals import STATUS_CHOICES, Progress, status_group
from targets.models import Target, TargetValue
from targets.overrides import plan_overrides
from targets.plausibility import flagged_years
from targets.status import indicator_groups
from tasks.models import Assignment, Role
from tasks.structure import Held, held


@dataclass
class Completeness:
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    sent_back: int = 0  # sent back for corrections (a reopened report is counted apart)
    reopened: int = 0  # approved, then reopened for a correction (AgencyReport.is_reopened)
    approved: int = 0
    not_submitted: int = 0
    overdue: int = 0  # not sent and the due date has passed, or sent back and the corrections' due date has passed
    overdue_corrections: int = 0  # of `overdue`, those sent back and past the corrections' due date
    reports: list = field(default_factory=list)
    handed_over: list = field(default_factory=list)  # reports of ended agencies, their content in a successor's

    @property
    def overdue_unsent(self) -> int:
        """Of `overdue`, those never sent: the page says both kinds when some reports are late with corrections."""
        return self.overdue - self.overdue_corrections


@dataclass
class Ended:
    """Why an agency's report stands apart in a year: the reorganisation that ended the agency."""

    on: object  # the effective date
    successors: list  # the agencies that took its part


def completeness(cycle, lineage=None, reports=None) -> Completeness:
    """Who has reported in the cycle. A report handed over to a successor (reports/handover/handing.py) is listed apart
    and not counted: its content is in the successor's report. Each report of an agency a reorganisation ended
    by the cycle's due date carries `ended` (else None), for the mark beside its name. `reports`: the cycle's
    reports (with their agencies) when the caller has read them already, as the province view does for every plan."""
    if cycle.pk is None:  # a year whose cycle was never opened
        return Completeness()
    lineage = lineage or Lineage.load()
    if reports is None:
        reports = list(cycle.reports.select_related("agency").order_by("first_submitted_at", "agency__name"))
    for report in reports:
        step = lineage.ended.get(report.agency_id)
        report.ended = None
        if step is not None and step.effective_on <= cycle.due_on:
            taken = [lineage.agencies[a] for a in step.successors]  # a split: every part's taker
            report.ended = Ended(step.effective_on, sorted(taken, key=lambda a: vietnamese_order(a.name)))
    counted = [r for r in reports if r.handed_over_at is None]
    result = Completeness(
        expected=len(counted),
        reports=sorted(counted, key=lambda r: (r.first_submitted_at is not None, vietnamese_order(r.agency.name))),
        handed_over=sorted((r for r in reports if r.handed_over_at), key=lambda r: vietnamese_order(r.agency.name)),
    )
    for report in counted:
        if report.first_submitted_at:  # on time or late: judged on the first submission
            result.late += report.is_late
            result.on_time += not report.is_late
        else:
            result.not_submitted += 1
        result.overdue += report.is_overdue  # either meaning (AgencyReport.is_overdue)
        result.overdue_corrections += report.is_overdue_on_corrections
        # "đã gửi" as the consolidated report counts it: what is with the district now (a sent-back report is not)
        # a reopened report counts by its approved content until it is approved again, as the consolidated report
        result.submitted += report.state in SHARED_STATES or report.is_reopened
        result.sent_back += report.state == ReportState.SENT_BACK and not report.is_reopened
        result.reopened += report.is_reopened
        result.approved += report.state == ReportState.APPROVED or report.is_reopened
    return result


def completeness_counts(cycles) -> dict[int, Completeness]:
    """Cycle id → completeness()'s counts of that cycle (not its lists of reports), for many cycles in one query and
    no report read into Python: what the province view shows of every plan. Each count is the same test on a report
    as completeness() makes (AgencyReport.is_late, is_overdue, is_overdue_on_corrections, is_reopened, SHARED_STATES),
    written as SQL: tests/reports/demo/test_illustrative_demo.py compares both on a demo year with every state."""
    today = timezone.localdate()
    counted = Q(handed_over_at__isnull=True)
    sent = Q(first_submitted_at__isnull=False)
    reopened = Q(state=ReportState.SENT_BACK, correction_due_on__isnull=True)
    sent_back = Q(state=ReportState.SENT_BACK, correction_due_on__isnull=False)
    overdue_corrections = sent_back & Q(correction_due_on__lt=today)
    past_due = Q(due_on__lt=today) | Q(due_on__isnull=True, cycle__due_on__lt=today)
    tests = {
        "expected": Q(),
        "on_time": sent & Q(is_late=False),
        "late": sent & Q(is_late=True),
        "not_submitted": ~sent,
        "overdue": overdue_corrections | (~sent & past_due),
        "overdue_corrections": overdue_corrections,
        "submitted": Q(state__in=SHARED_STATES) | reopened,
        "sent_back": sent_back,
        "reopened": reopened,
        "approved": Q(state=ReportState.APPROVED) | reopened,
    }
    rows = (
        AgencyReport.objects.filter(counted, cycle__in=cycles)
        .order_by()
        .values("cycle_id")
        .annotate(**{name: Count("pk", filter=test) for name, test in tests.items()})
    )
    return {row.pop("cycle_id"): Completeness(**row) for row in rows}


@dataclass
class TargetRow:
    target: Target
    progress: Progress
    series: dict
    latest_year: int | None
    latest_value: float | None
    owner: object = None  # the agency that answers for the target in the year (agencies/lineage.py)
    override: object = None  # a reviewer's status standing in the year (targets/overrides.py), shown beside
    jumps: dict = field(default_factory=dict)  # year → (why the value needs explaining, the agency's note)
    estimated: bool = False  # the value shown is an estimate (ước thực hiện)
    estimate_years: set = field(default_factory=set)  # the years of `series` whose value is an estimate
    unapproved: list = field(default_factory=list)  # values of reports sent, not yet approved (unapproved_values)

    @property
    def pending(self) -> list[tuple[TargetEntry, list[str]]]:
        """Each value awaiting approval with why it needs a word of explanation against the recorded series
        (targets.plausibility; [] when plausible), judged as the review queue judges it (reports.editing.asking)."""
        series = {y: float(v) for y, v in self.series.items() if v is not None}
        return [(e, self.target.jump_reasons(series, e.value_year, e.value)) for e in self.unapproved]

    @property
    def status(self) -> str:
        """The status the year stands at: the reviewer's override where there is one, else the computed one."""
        return self.override.status if self.override else self.progress.status


def unapproved_values(plan, year, years=None) -> dict[str, list[TargetEntry]]:
    """The values and assessments of the year's reports (or those of `years`) sent and not yet approved, by indicator
    (`indicator_key`): values are recorded on approval only, so these are shown marked "Chưa duyệt" and counted
    nowhere. Never a draft's or a sent-back report's (TargetEntry.objects.shared); one query."""
    entries = (
        TargetEntry.objects.shared()
        .filter(report__cycle__plan=plan, report__cycle__year__in=years or [year], report__state=ReportState.SUBMITTED)
        .counted()  # a handed-over report's content is its successor's now
        .exclude(value__isnull=True, qualitative_status="")
        .select_related("report__agency", "report__cycle__plan", "target")
        .order_by("report__cycle__year", "target__position", "report__agency__name")
    )
    found = {}
    for entry in entries:
        found.setdefault(indicator_key(entry.target), []).append(entry)
    return found


def unapproved_text(entry, target) -> str:
    """A value of a report sent and not yet approved, as written beside the official one (tables, files): "2026: 48,3%
    (ước), báo cáo chưa duyệt của Phòng Nông nghiệp…"."""
    if entry.qualitative_status:
        value = f"đơn vị đánh giá: {entry.get_qualitative_status_display().lower()}"
    else:
        value = with_unit(entry.value, target.input_unit) + (" (ước)" if entry.is_estimate else "")
    return f"{entry.value_year}: {value}, báo cáo chưa duyệt của {entry.report.agency.name}"


def pending_for_reader(user, target, year) -> list[TargetEntry]:
    """The target page's values awaiting approval (targets.pending): those of this year's and last year's reports
    (read in January, last year's may still await review) for the target's indicator, to whoever reads sent
    reports (reviewers, viewers, administrators) and to the agency that sent them; nobody else."""
    if access.can_read_all(user) and access.reads_plan(user, target.plan):
        agency = None
    elif (agency := access.user_agency(user)) is None:
        return []
    entries = unapproved_values(target.plan, year, years=[year - 1, year]).get(indicator_key(target), [])
    return [e for e in entries if agency is None or e.report.agency_id == agency.pk]


def indicator_key(target) -> str:
    """What the milestones of one indicator share: a value reported for its first holds for them all."""
    return f"{target.plan_id}:{target.indicator_id}" if target.indicator_id else f"#{target.pk}"


@dataclass
class Pending:
    """The values awaiting approval among the target rows shown, as the note above them counts them."""

    targets: int  # the rows that show one, each with its "Chưa duyệt" mark
    values: int  # the values themselves: one value stands under every milestone of its indicator
    agencies: list  # who sent them (short names, Vietnamese order)
    shared: list  # the codes of the rows that show one same value, for each value shown more than once


def pending_summary(groups) -> Pending:
    """How many target rows of `groups` (target_rows) show a value awaiting approval, how many values those are, and
    whose: the milestones of one indicator (2025.10 and 2030.16) show the same value, so rows and values can differ."""
    rows = [row for _, items in groups for row in items if row.unapproved]
    codes = {}
    for row in rows:
        for entry in row.unapproved:
            codes.setdefault(entry.pk, (entry, []))[1].append(row.target.code)
    per_agency = Counter(entry.report.agency.short_name for entry, _ in codes.values())
    # each agency with its own count: "4 số liệu của Phòng NN&PTNT; 2 số liệu của Trung tâm Y tế" (browser pass 9)
    agencies = [f"{per_agency[name]} số liệu của {name}" for name in sorted(per_agency, key=vietnamese_order)]
    return Pending(len(rows), len(codes), agencies, [shown for _, shown in codes.values() if len(shown) > 1])


def target_rows(plan, year, status="", horizon="", agency="", on=None, lineage=None, unapproved=None) -> list:
    """Targets grouped by their section of the plan, each with its status and the year's owner (the organisation of
    `on`, default the year's due date), and the values sent for it that await approval; filtered."""
    targets = list(
        plan.targets.filter(is_active=True).select_related("section", "responsible_agency").order_by("position")
    )
    progress, series = plan_figures(plan, targets, year)
    estimates = plan_estimates(plan, targets, year)
    unapproved = unapproved_values(plan, year) if unapproved is None else unapproved
    owner = (lineage or Lineage.load()).owners(targets, on or plan.organisation_date(year))
    overrides = plan_overrides(plan, targets, year, progress)
    jumps = _jumps(plan, targets, series, year)
    rows = []
    for target in targets:
        values, judged = series[target.pk], progress[target.pk]
        # the value the status speaks about: for a passed milestone, the one of its year, not the latest
        latest = judged.value_year if judged.value_year is not None else max(values, default=None)
        shown = judged.value if judged.value_year is not None else values.get(latest)
        row = TargetRow(
            target,
            judged,
            values,
            latest,
            shown,
            owner[target.pk],
            overrides.get(target.pk),
            jumps.get(target.pk, {}),
            estimated=latest in estimates[target.pk],
            estimate_years=estimates[target.pk],
            unapproved=unapproved.get(indicator_key(target), []),
        )
        if status and status_group(row.status) != status_group(status):
            continue
        if horizon and str(target.horizon) != horizon:
            continue
        if agency and row.owner.code != agency:
            continue
        rows.append(row)
    return [(section, list(group)) for section, group in groupby(rows, key=lambda r: r.target.section)]


def _jumps(plan, targets, series, year) -> dict[int, dict[int, tuple[list[str], str]]]:
    """Target id → {year: (reasons, the note recorded with the value)} for the recorded values that jumped when
    they came (targets.plausibility), up to `year`; kept with the plan's other cached figures."""

    def compute():
        groups = indicator_groups(targets)
        notes = TargetValue.objects.current().filter(target__in={g[0] for g in groups.values()}, year__lte=year)
        noted = {(t, y): note for t, y, note in notes.exclude(note="").values_list("target_id", "year", "note")}
        flags = {}
        for target in targets:
            found = flagged_years(series[target.pk], **target.series_rules)
            if found:
                head = groups[target.pk][0]
                flags[target.pk] = {y: (reasons, noted.get((head, y), "")) for y, reasons in found.items()}
        return flags

    return cached("bat-thuong", plan.pk, year, compute=compute)


def status_counts(groups) -> dict[str, int]:
    """How many targets stand at each status in the year (a reviewer's override counts as its status; every
    reached milestone as "met", Đạt)."""
    counts = dict.fromkeys(STATUS_CHOICES, 0)
    for _, rows in groups:
        for row in rows:
            counts[status_group(row.status)] += 1
    return counts


@dataclass
class TaskRow:
    assignment: Held  # the plan's assignment as held in the cycle's year
    entry: TaskEntry | None
    sent_back: bool = False  # nothing shown because the lead's report is back with it, not because it never sent
    reopened: bool = False  # back with it because its approved report was reopened (AgencyReport.is_reopened)

    @property
    def unreported(self) -> str:
        """Why the row has no status: the lead's report is being completed after a send-back, or corrected after
        a reopening, or was never sent."""
        if self.reopened:
            return REOPENED_LABEL
        return "Bị trả lại, đang bổ sung" if self.sent_back else "Chưa báo cáo"


def sent_back(cycle) -> list[AgencyReport]:
    """The cycle's reports back with their agencies (sent back, or reopened after approval), with their agencies."""
    return list(AgencyReport.objects.filter(cycle_id=cycle.pk, state=ReportState.SENT_BACK).select_related("agency"))


def task_rows(plan, cycle, status="", agency="", on=None, lineage=None, back=None, kept=None) -> list[TaskRow]:
    """Each task block with each of its lead agencies of the year (the organisation of `on`, default the cycle's due
    date) and what they reported. `back` (`sent_back`) and `kept` (their `approved_before_reopening`) when the caller
    has read them already, as the dashboard does for its proposals too."""
    assignments = (
        Assignment.objects.filter(section__plan=plan, section__is_active=True, role=Role.LEAD)
        .select_related("section__plan", "agency")
        .order_by("section__position", "position")
    )
    on = on or cycle.due_on or plan.organisation_date(cycle.year)
    entries = {  # only what was sent: a draft or a sent-back report is its agency's own (TaskEntry.objects.shared)
        (e.section_id, e.report.agency_id): e
        for e in TaskEntry.objects.shared().filter(report__cycle_id=cycle.pk, role=Role.LEAD).select_related("report")
    }
    back = sent_back(cycle) if back is None else back
    returned = {report.agency_id: report.is_reopened for report in back}  # reopened rather than sent back
    kept = approved_before_reopening(back) if kept is None else kept
    for entry in kept.entries:  # a reopened report's approved content, as consolidated
        if entry.role == Role.LEAD:
            entries[(entry.section_id, entry.report.agency_id)] = entry
    rows = [
        TaskRow(a, entries.get((a.section_id, a.agency_id)), a.agency_id in returned, returned.get(a.agency_id, False))
        for a in held(assignments, on, lineage or Lineage.load())
    ]
    if status:
        rows = [r for r in rows if (r.entry.status if r.entry else "") == status]
    if agency:
        rows = [r for r in rows if r.assignment.agency.code == agency]
    return rows


def proposal_order(proposal, agency_name: str, approved: bool) -> tuple:
    """Where a proposal stands in the lists of the dashboard, its Excel file and the consolidated report: those of
    approved reports (a reopened report's kept content among them) before those awaiting review, then open ones
    before answered ones, then by agency (Vietnamese order) and position."""
    answered = proposal.state == ProposalState.ANSWERED
    return not approved, answered, vietnamese_order(agency_name), proposal.position, proposal.pk


def proposals(cycle, kept=None):
    """The year's proposals of the reports sent (Proposal.objects.shared), with their answers, in `proposal_order`.
    `kept`: `approved_before_reopening` of the cycle's reports back with their agencies (`sent_back`), when the
    caller has read it already."""
    items = list(
        Proposal.objects.shared()
        .counted()
        .filter(report__cycle_id=cycle.pk)
        .select_related("report__agency", "responded_by")
    )
    if kept is None:
        reopened = (
            AgencyReport.objects.counted()
            .filter(cycle_id=cycle.pk, state=ReportState.SENT_BACK, correction_due_on__isnull=True)
            .select_related("agency")
        )
        kept = approved_before_reopening(reopened)
    # as approved, as the consolidated report shows them; a handed-over report's are its successor's now
    items += [p for p in kept.proposals if p.report.handed_over_at is None]
    return sorted(items, key=lambda p: proposal_order(p, p.report.agency.name, is_approved(p)))


def is_approved(item) -> bool:
    """An entry's or a proposal's report is approved, or it is a reopened report's kept (approved) content."""
    return item.report.state == ReportState.APPROVED or getattr(item, "approved_content", False)
