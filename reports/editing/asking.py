"""Which year's value each target of an agency report asks for, and the recorded series a typed value is
checked against.

A milestone that has passed is judged once, on the value of its year (PRODUCT.md §4), so a report asks only
for values that count: the cycle's year while the target's indicator has a milestone ahead; once its last
milestone has passed, that milestone's year while its value (or assessment) is still missing, and nothing
after that. A value this very report recorded (approved, then reopened) does not count as already there.
"""

import hashlib
from dataclasses import dataclass, field

from django.db.models import Max

from reports.models import TargetEntry
from targets.cache import cached
from targets.models import Assessment, Target, TargetValue
from targets.recording import lock_targets, record_assessment, record_value


def year_to_ask(cycle_year: int, last_milestone: int, recorded_years) -> int | None:
    """The year whose value counts: the cycle's, the passed last milestone's while it is missing, or None."""
    if last_milestone >= cycle_year:
        return cycle_year
    return None if last_milestone in recorded_years else last_milestone


@dataclass
class Ask:
    year: int | None  # None: nothing this report could add would count
    milestone: int  # the last milestone of the target's indicator
    cycle_year: int
    qualitative: bool = False
    recorded: object = None  # the value or assessment already recorded for the milestone's year

    @property
    def is_passed_milestone(self) -> bool:
        return self.milestone < self.cycle_year

    @property
    def notice(self) -> str:
        """What the form says about the year it asks for; nothing when it is the cycle's own year."""
        m, what = self.milestone, "đánh giá" if self.qualitative else "số liệu"
        if self.year is None:
            return f"Mốc {m} đã qua và đã có {what} năm {m}: không cần nhập {what} năm {self.cycle_year}."
        if self.year != self.cycle_year:
            return f"Chưa có {what} năm {m} của mốc {m}: nhập {what} năm {m}."
        return ""

    def given(self, entry) -> bool:
        """Whether the entry already holds the value (or assessment) of the passed milestone's year asked."""
        if self.year is None or self.year == self.cycle_year or entry.value_year != self.year:
            return False
        return bool(entry.qualitative_status) if self.qualitative else entry.value is not None

    def notice_for(self, entry) -> str:
        """The notice, for an entry that may already hold what is asked: then it says so, not "Chưa có"."""
        if self.given(entry):
            m, what = self.milestone, "đánh giá" if self.qualitative else "số liệu"
            return (
                f"Mốc {m} đã qua: {what} nhập ở đây là {what} năm {m} của mốc {m}, "
                "được ghi nhận khi báo cáo được duyệt."
            )
        return self.notice


@dataclass
class EntryFacts:
    """What the report page knows of one target beside the entry: the year asked and the recorded values (or
    assessments, for a qualitative target)."""

    target: object
    ask: Ask
    values: dict = field(default_factory=dict)  # year → current TargetValue
    assessments: dict = field(default_factory=dict)  # year → current Assessment

    @property
    def series(self) -> dict[int, float]:
        return {year: float(v.value) for year, v in self.values.items()}

    def previous(self, year: int | None):
        """The recorded value of the year before `year` (its assessment, for a qualitative target), shown beside
        the field."""
        recorded = self.assessments if self.target.is_qualitative else self.values
        return recorded.get(year - 1) if year else None

    def year_before(self, entry):
        """What a report shows as the year before for `entry`: the recorded value (or assessment) of the year before
        the one asked; when nothing is asked because the passed milestone's is recorded, that one, the latest there
        is (browser pass 34: a 2026 report showed the 2024 value beside "đã có số liệu năm 2025")."""
        if self.ask.year is None and self.ask.recorded is not None:
            return self.ask.recorded
        return self.previous(self.ask.year or entry.value_year)

    def jumps(self, year: int | None, value) -> list[str]:
        """Why `value` for `year` needs a word of explanation (targets.plausibility)."""
        if value is None or year is None:
            return []
        return self.target.jump_reasons(self.series, year, value)

    def counts(self, entry) -> bool:
        """Whether what the entry holds is for the year asked (an older value for another year does not)."""
        return self.ask.year is not None and entry.value_year == self.ask.year


def entry_facts(report, targets, kept=False) -> dict[int, EntryFacts]:
    """Target id → its facts, for the targets of `report`'s entries. Three queries, whatever the targets. `kept`: what
    was recorded for them read from the figures' cache (targets.cache: a recorded value, an assessment or a target
    saved makes it read afresh), for the report page and its save; approving records from the database itself."""
    targets = list(targets)
    if kept:
        ids = ",".join(str(pk) for pk in sorted({t.pk for t in targets}))
        key = hashlib.blake2b(ids.encode(), digest_size=16).hexdigest()
        last, values, assessments = cached("ghi-nhan", key, compute=lambda: _recorded(targets))
    else:
        last, values, assessments = _recorded(targets)
    return _facts(report, targets, last, values, assessments)


def flagged_entries(reports) -> dict[int, list[tuple[object, list[str]]]]:
    """Report id → its entries whose value jumps (targets.plausibility), with the reasons: for the review
    queue. Four queries, whatever the reports."""
    reports = {report.pk: report for report in reports}
    entries = list(TargetEntry.objects.filter(report__in=list(reports), value__isnull=False).select_related("target"))
    last, values, assessments = _recorded([entry.target for entry in entries])
    flagged = {}
    for entry in entries:
        facts = _facts(reports[entry.report_id], [entry.target], last, values, assessments)[entry.target_id]
        reasons = facts.jumps(entry.value_year, entry.value) if facts.counts(entry) else []
        if reasons:
            flagged.setdefault(entry.report_id, []).append((entry, reasons))
    return flagged


def _recorded(targets):
    """The last milestone of each indicator, and the current values and assessments of `targets`."""
    indicators = {(t.plan_id, t.indicator_id) for t in targets if t.indicator_id}
    milestones = Target.objects.filter(
        plan_id__in={plan for plan, _ in indicators} or [0], indicator_id__in={i for _, i in indicators} or [0],
        is_active=True,
    )  # fmt: skip
    last = {
        (plan, indicator): horizon
        for plan, indicator, horizon in milestones.values("plan_id", "indicator_id")
        .annotate(last=Max("horizon"))
        .values_list("plan_id", "indicator_id", "last")
    }
    values, assessments = {}, {}
    for value in (
        TargetValue.objects.current()
        .filter(target__in=targets or [0])
        .only("target_id", "year", "value", "is_estimate", "source_report_id", "note")
    ):
        values.setdefault(value.target_id, {})[value.year] = value
    qualitative = [t for t in targets if t.is_qualitative]
    for assessment in Assessment.objects.current().filter(target__in=qualitative or [0]):
        assessments.setdefault(assessment.target_id, {})[assessment.year] = assessment
    return last, values, assessments


def _facts(report, targets, last, values, assessments) -> dict[int, EntryFacts]:
    cycle_year = report.cycle.year
    facts = {}
    for target in targets:
        milestone = max(target.horizon, last.get((target.plan_id, target.indicator_id), 0))
        recorded = (assessments if target.is_qualitative else values).get(target.pk, {})
        elsewhere = {year for year, item in recorded.items() if item.source_report_id != report.pk}
        ask = Ask(
            year_to_ask(cycle_year, milestone, elsewhere), milestone, cycle_year, target.is_qualitative,
            recorded.get(milestone) if milestone in elsewhere else None,
        )  # fmt: skip
        facts[target.pk] = EntryFacts(target, ask, values.get(target.pk, {}), assessments.get(target.pk, {}))
    return facts


def dates_outside_window(report) -> list[str]:
    """What the approval would record "as of" a day the window in force refuses (ReportingCycle.as_of_window), as
    "2030.03 (31/01/2027)": the cut-off moved back after the agency typed its dates (the fifteenth probe). An
    approval re-checks them; the reviewer sends the report back for the dates to be mended."""
    cycle = report.cycle
    entries = list(report.target_entries.exclude(value=None).exclude(as_of=None).select_related("target"))
    facts = entry_facts(report, [entry.target for entry in entries])
    stray = []
    for entry in entries:
        first, last = cycle.as_of_window(entry.value_year)
        if facts[entry.target_id].counts(entry) and not first <= entry.as_of <= last:
            stray.append(f"{entry.target.code} ({entry.as_of:%d/%m/%Y}, năm {entry.value_year}: "
                         f"từ {first:%d/%m/%Y} đến {last:%d/%m/%Y})")  # fmt: skip
    return sorted(stray)


def record_approved_values(report, by, at=None) -> list[TargetValue]:
    """The approved report's target values become the targets' values for the year each was asked for (the
    cycle's, or a passed milestone's that was missing), recorded at the approval's time `at` (now if not given);
    a value that would no longer count is left in the report, not recorded."""
    source = f"Báo cáo năm {report.cycle.year} của {report.agency.name}"
    entries = list(report.target_entries.select_related("target"))
    facts = entry_facts(report, [entry.target for entry in entries])
    lock_targets(entry.target_id for entry in entries)
    recorded = []
    for entry in entries:
        if not facts[entry.target_id].counts(entry):
            continue
        if entry.value is not None:
            version = record_value(
                entry.target, entry.value_year, entry.value, by=by, as_of=entry.as_of, is_estimate=entry.is_estimate,
                source=source, source_report=report, note=entry.note, at=at,
            )  # fmt: skip
            if version:
                recorded.append(version)
        if entry.qualitative_status:
            record_assessment(
                entry.target_id, entry.value_year, entry.qualitative_status, by=by, source_report=report, at=at
            )
    return recorded
