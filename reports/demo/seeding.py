"""A real year of demo data (PRODUCT.md §8), for `manage.py seed_demo --reports`.

Each plan loaded that has a demo file in this folder (`demo_year.yaml` for Bình Sơn, `minh_hoa_<name>.yaml` for
the illustrative plans; the file's `plan:` names its plan's slug) is filled the same way: every agency the year's
cycle expects gets a report filled from the file and taken to its end-of-season state through the report's own
methods (submit, approve, send_back); target values from 2020 to last year are recorded as the reviewer would import
them, so the series, the yearly fall of the poverty rate (derived from it) and the income ratio tell one story.
Everything says it is made up.

The files name the plan's own agencies. After a reorganisation (the 2025 reform: binhson_plan/plans/sap_xep_2025_*.yaml)
a year's reports are made by the agencies of its organisation date, and `organised_data` hands each of them the texts
of what it carries that year (agencies/lineage.py): a task's texts follow whoever holds the task, an agency's own
(its season's end, difficulties, proposals) whoever took the rest of it.
"""

import datetime
import functools
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import yaml
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agencies.lineage import Lineage
from agencies.models import Agency
from reports.cycles.organisation import ensure_entries
from reports.editing.asking import entry_facts
from reports.models import AgencyReport, Evidence, Proposal, ProposalState, ReportingCycle, TargetEntry, TaskEntry
from reports.review import workflow
from targets.models import ReferenceValue, TargetValue
from targets.recording import record_value
from tasks.models import Plan

DEMO_SOURCE = "Số liệu minh họa (dữ liệu dùng thử)"
DATA_FOLDER = Path(__file__).parent
FIRST_YEAR = 2020
LEAD_FIELDS = ["status", "results", "shortcomings", "next_steps", "budget_used"]
# For a coordinated task added to the plan after demo_year.yaml was written.
COORDINATED = "Phối hợp cơ quan chủ trì triển khai nhiệm vụ theo chức năng, nhiệm vụ được giao."


@functools.cache
def _demo_files() -> dict[str, dict]:
    """Every demo file of this folder, read, by the slug of the plan it fills."""
    files = {}
    for path in sorted(DATA_FOLDER.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        files[data["plan"]] = data | {"file": path.name}
    return files


def demo_data(plan) -> dict:
    """The demo year of `plan`, from its file in this folder."""
    return _demo_files()[plan.slug]


# How a successor of several agencies ends the season: the first of these states among theirs.
STATE_ORDER = ["sent_back", "draft", "submitted", "late", "approved"]


def organised_data(cycle) -> dict:
    """The plan's demo data keyed by the agencies that report the cycle's year (its organisation date, the due date):
    each lead's and coordinator's text under every agency that holds that part of the task then; an agency's state,
    difficulties, proposals and staff name under the agency that took the rest of it (a rename's or merge's successor,
    a split's main one; an agency that only transferred a task keeps them). A successor of several agencies gets their
    texts one after the other and the first state of STATE_ORDER among theirs. No reorganisation: the file as it is."""
    data, lineage = demo_data(cycle.plan), Lineage.load()
    on = cycle.due_on
    if not lineage.in_force(on):
        return data
    named = {*data["staff"], *data["difficulties"], *data["proposals"], *data["coordination"]}
    named |= {code for by_code in data["leads"].values() for code in by_code}
    named |= {code for codes in data["states"].values() for code in codes}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=named)}
    codes = {a.pk: a.code for a in [*agencies.values(), *lineage.agencies.values()]}
    sections = dict(cycle.plan.sections.values_list("code", "pk"))

    def holders(code, section=None) -> list[str]:
        if code not in agencies:
            return [code]
        return [codes[pk] for pk in lineage.holders(agencies[code].pk, on, section_id=sections.get(section))]

    leads = {}
    for section, by_code in data["leads"].items():
        for code, spec in by_code.items():
            for holder in holders(code, section):
                leads.setdefault(section, {}).setdefault(holder, spec)
    coordination = {}
    for code, by_section in data["coordination"].items():
        for section, text in by_section.items():
            for holder in holders(code, section):
                texts = coordination.setdefault(holder, {})
                texts[section] = _joined(texts.get(section), text)
    difficulties, proposals, staff = {}, {}, {}
    for code, text in data["difficulties"].items():
        for holder in holders(code):
            difficulties[holder] = _joined(difficulties.get(holder), text)
    for code, specs in data["proposals"].items():
        for holder in holders(code):
            proposals[holder] = proposals.get(holder, []) + specs
    for code, name in data["staff"].items():
        for holder in holders(code):
            staff.setdefault(holder, name)
    states = _organised_states(data["states"], holders)
    return data | {"leads": leads, "coordination": coordination, "difficulties": difficulties,
                   "proposals": proposals, "staff": staff, "states": states}  # fmt: skip


def _organised_states(states: dict, holders) -> dict:
    ends = {}  # holder → (state, its detail: the send-back reason, what a draft typed)
    for state in STATE_ORDER:
        listed = states.get(state) or []
        for code in listed:
            detail = listed[code] if isinstance(listed, dict) else None
            for holder in holders(code):
                ends.setdefault(holder, (state, detail))
    result = {"approved": [], "submitted": [], "late": [], "sent_back": {}, "draft": {}}
    for holder, (state, detail) in ends.items():
        if isinstance(result[state], dict):
            result[state][holder] = detail
        else:
            result[state].append(holder)
    return result


def _joined(first: str | None, second: str) -> str:
    return second if not first or second in first else f"{first} {second}"


def plans_to_seed() -> list:
    """The active plans loaded that have a demo file: the real plan first, then the illustrative ones."""
    return list(Plan.objects.filter(is_active=True, slug__in=_demo_files()).order_by("is_illustrative", "slug"))


def staff_name(agency) -> str:
    """The full name of the agency's demo staff member (an agency shared by several plans: the first file naming it)."""
    names = (data["staff"].get(agency.code) for data in _demo_files().values())
    return next((name for name in names if name), None) or f"Cán bộ {agency.short_name}"


@dataclass
class Outcome:
    year: int
    states: dict = field(default_factory=dict)
    late: list = field(default_factory=list)
    history_values: int = 0
    evidence: int = 0
    proposals: int = 0


def year_in_use(plan, year) -> str:
    """Why the demo must leave `year` alone, in Vietnamese; "" when its reports are untouched."""
    reports = AgencyReport.objects.filter(cycle__plan=plan, cycle__year=year)
    if not reports.filter(version__gt=0).exists() and not reports.exclude(events=None).exists():
        return ""
    if TargetValue.objects.filter(target__plan=plan, source=DEMO_SOURCE).exists():
        return f"Năm {year} đã có dữ liệu minh họa: giữ nguyên, không tạo lại."
    return f"Kỳ báo cáo năm {year} đã có báo cáo được nhập hoặc đã gửi: không ghi dữ liệu minh họa đè lên."


def demo_year(plan=None, today=None) -> int:
    """The year the demo fills: this year's, except in January. The cycle of a new year opens on 1 January
    with nothing in it, while the year just ended is what everyone still works on (its last reports,
    their review, the consolidated report): in January the demo fills the year just ended."""
    today = today or timezone.localdate()
    year = today.year - 1 if today.month == 1 else today.year
    return min(max(year, plan.period_start), plan.last_year) if plan else year


def seed_year(cycle: ReportingCycle, staff: dict, reviewer, now=None) -> Outcome:
    """Fill the cycle's reports and the years before it. `staff`: agency code → its demo user.
    The transitions write no message to the outbox (`notify=False`): the demo's addresses are not real, and no mail
    can go out whatever the setup."""
    with transaction.atomic():
        return _seed(cycle, staff, reviewer, now or timezone.now())


def seed_past_year(cycle: ReportingCycle, staff: dict, reviewer, now=None) -> Outcome:
    """The year before the demo's: a season that has ended, its entry closed on 31 January after it. Every
    report approved; the late agencies of demo_year.yaml sent theirs two working days after that year's due
    date, where it really is late."""
    everyone = sorted(code for code in cycle.reports.values_list("agency__code", flat=True) if code in staff)
    late = [code for code in organised_data(cycle)["states"]["late"] if code in everyone]
    states = {"approved": [c for c in everyone if c not in late], "submitted": [], "sent_back": {}, "late": late,
              "draft": {}}  # fmt: skip
    with transaction.atomic():
        outcome = _seed(cycle, staff, reviewer, now or timezone.now(), states)
        cycle.locks_on = datetime.date(cycle.year + 1, 1, 31)  # closed: a later reorganisation leaves it as it was
        cycle._history_user = reviewer
        cycle.save(update_fields=["locks_on"])
        return outcome


def _seed(cycle, staff, reviewer, now, states=None) -> Outcome:
    data, year = organised_data(cycle), cycle.year
    outcome = Outcome(year=year, history_values=record_history(cycle.plan, year, reviewer))
    reports = {r.agency.code: r for r in cycle.reports.select_related("agency", "cycle")}
    if states is None:  # this year's season: the late agencies are late the year before (seed_past_year)
        states = {**data["states"], "late": []}
    listed = {code for codes in states.values() for code in codes}
    # the sent-back report was submitted first; the latest submissions still await review
    order = [*states["sent_back"], *states["approved"], *sorted(set(reports) - listed), *states["submitted"]]
    order = [code for code in order if code in reports]
    moments = timeline(cycle, now, len(order))
    for code, (submitted_at, reviewed_at) in zip(order, moments, strict=True):
        report, by = reports[code], staff[code]
        _fill(report, by, submitted_at - datetime.timedelta(hours=2), outcome, data)
        workflow.submit(report, by=by, at=submitted_at)
        if code in states["sent_back"]:
            workflow.send_back(
                report, by=reviewer, reason=_text(states["sent_back"][code], year), at=reviewed_at, notify=False
            )
        elif code not in states["submitted"]:
            workflow.approve(report, by=reviewer, at=reviewed_at, notify=False)
            _answer_proposals(report, reviewer, min(reviewed_at + datetime.timedelta(hours=1), now), data)
    late_at = _local(_working_day(cycle.due_on + datetime.timedelta(days=2)), 9, 15)
    reviewed_at = _local(_working_day(late_at.date() + datetime.timedelta(days=1)), 10, 30)
    for code in (c for c in states["late"] if c in reports):
        if reviewed_at >= now:  # never a moment after now (the past year's season has long ended)
            raise ValueError(f"the late report of {year} would be sent after now")
        _fill(reports[code], staff[code], late_at - datetime.timedelta(hours=2), outcome, data)
        workflow.submit(reports[code], by=staff[code], at=late_at)
        workflow.approve(reports[code], by=reviewer, at=reviewed_at, notify=False)
        _answer_proposals(reports[code], reviewer, reviewed_at + datetime.timedelta(hours=1), data)
        outcome.late.append((reports[code], late_at))
    typed_at = min(now, _local(cycle.due_on, 17, 0)) - datetime.timedelta(days=1)  # before the season closed
    for code, only in states["draft"].items():
        if code in reports and only:
            _fill(reports[code], staff[code], typed_at, outcome, data, only=only)
    for report in reports.values():
        report.refresh_from_db(fields=["state"])
        outcome.states[report.state] = outcome.states.get(report.state, 0) + 1
    return outcome


def timeline(cycle, now, count) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(submitted, reviewed) moments for `count` reports on working days and in office hours, spread
    over the three weeks before the due date (or before now, if sooner); every moment is in the past,
    each review one to three working days after its submission."""
    end = min(timezone.localtime(now), _local(cycle.due_on, 17, 0))
    start = max(_local(end.date() - datetime.timedelta(days=21), 8, 0), _local(cycle.opens_on, 8, 0))
    moments = []
    for i in range(count):
        day = (start + (end - start) * (i + 1) / (count + 1)).date()
        day = _working_day(day, back=True) if _working_day(day, back=True) >= start.date() else _working_day(day)
        submitted = _local(day, 8 + (i * 5) % 9, (i * 17) % 60)
        if not start <= submitted < end:  # a short season (the first days of January): no office hours
            submitted = start + (end - start) * (i + 1) / (count + 1)
        reviewed = _local(_working_day(day + datetime.timedelta(days=1 + i % 3)), 9 + (i * 3) % 7, (i * 23) % 60)
        if reviewed >= now:
            reviewed = submitted + (now - submitted) / 2
        moments.append((submitted, reviewed))
    return moments


def _working_day(day, back=False) -> datetime.date:
    """`day`, or the nearest Monday–Friday after it (before it, if `back`)."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=-1 if back else 1)
    return day


def _local(day, hour, minute) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _text(template: str, year: int) -> str:
    return " ".join(template.split()).format(year=year, next_year=year + 1)


def _fill(report, by, at, outcome, data, only=None):
    """Type the agency's report as its staff would (all of it, or only the `only` tasks and targets), from the
    plan's demo `data`."""
    code, year = report.agency.code, report.cycle.year
    ensure_entries(report)
    evidence = _fill_tasks(report, by, at, only, data)
    _fill_targets(report, by, at, only, data)
    if only is None:
        report.difficulties = _text(data["difficulties"].get(code, ""), year)
        _add_proposals(report, by, at, outcome, data)
    report.version, report.updated_by, report.updated_at = report.version + 1, by, at
    bulk_update_with_history(
        [report], AgencyReport, ["difficulties", "version", "updated_by", "updated_at"], default_user=by,
        default_date=at,
    )  # fmt: skip
    for entry, spec in evidence:
        _attach(entry, spec, by, at, year)
        outcome.evidence += 1


def _fill_tasks(report, by, at, only, data) -> list:
    """The task entries; returns (entry, evidence spec) for the files the agency attaches."""
    code, year = report.agency.code, report.cycle.year
    leads, coordinated, evidence = [], [], []
    for entry in report.task_entries.select_related("section"):
        if only is not None and entry.section.code not in only.get("tasks", []):
            continue
        if not entry.is_lead:
            entry.results = _text(data["coordination"].get(code, {}).get(entry.section.code) or COORDINATED, year)
            coordinated.append(entry)
            continue
        spec = data["leads"].get(entry.section.code, {}).get(code) or _fallback_lead(entry.section)
        entry.status, entry.budget_used = spec["status"], spec.get("budget")
        entry.results = _text(spec["results"], year)
        entry.shortcomings = _text(spec.get("shortcomings", ""), year)
        entry.next_steps = _text(spec.get("next_steps", ""), year)
        leads.append(entry)
        if spec.get("evidence"):
            evidence.append((entry, spec["evidence"]))
    bulk_update_with_history(leads, TaskEntry, LEAD_FIELDS, default_user=by, default_date=at)
    bulk_update_with_history(coordinated, TaskEntry, ["results"], default_user=by, default_date=at)
    return evidence


def _fallback_lead(section) -> dict:
    # A task added to the plan after demo_year.yaml was written still gets a plain, complete entry.
    return {"status": "in_progress", "results": f"Đã triển khai nhiệm vụ {section.code} theo kế hoạch năm {{year}}."}


def _fill_targets(report, by, at, only, data):
    filled = []
    day = timezone.localtime(at).date()
    entries = list(report.target_entries.select_related("target"))
    facts = entry_facts(report, [entry.target for entry in entries])
    for entry in entries:
        target = entry.target
        if only is not None and target.code not in only.get("targets", []):
            continue
        year = facts[target.pk].ask.year  # only what counts is typed (reports.editing.asking)
        if year is None:
            continue
        entry.value_year = year
        spec = data["values"].get(target.code, {})
        if target.is_qualitative:
            entry.qualitative_status = spec.get("assessment", "progressing")
            entry.note = _text(spec.get("note", ""), year)
        else:
            entry.value = series(target, year, data).get(year)
            entry.is_estimate = bool(spec.get("estimate"))
            # an estimate is as of the day it was typed; a counted figure as of the last month's end
            entry.as_of = day if entry.is_estimate else day.replace(day=1) - datetime.timedelta(days=1)
            entry.note = DEMO_SOURCE + "."
        filled.append(entry)
    fields = ["value", "value_year", "as_of", "is_estimate", "qualitative_status", "note"]
    bulk_update_with_history(filled, TargetEntry, fields, default_user=by, default_date=at)


def _add_proposals(report, by, at, outcome, data):
    specs = data["proposals"].get(report.agency.code, [])
    proposals = [
        Proposal(report=report, text=_text(spec["text"], report.cycle.year), position=position)
        for position, spec in enumerate(specs)
    ]
    bulk_create_with_history(proposals, Proposal, default_user=by, default_date=at)
    outcome.proposals += len(proposals)


def _answer_proposals(report, reviewer, at, data):
    """The reviewer's answers, given the way the review page saves them."""
    specs = data["proposals"].get(report.agency.code, [])
    for proposal, spec in zip(report.proposals.order_by("position"), specs, strict=True):
        if spec.get("state", ProposalState.RECEIVED) == ProposalState.RECEIVED:
            continue
        proposal.state, proposal.response = spec["state"], _text(spec["answer"], report.cycle.year)
        proposal.responded_by, proposal.responded_at = reviewer, at
        proposal._history_user, proposal._history_date = reviewer, at
        proposal.save()


def _attach(entry, spec, by, at, year):
    """A small real file that says, inside, that it is a demo file; stored where uploads go."""
    name, title = _text(spec["name"], year), _text(spec["title"], year)
    content = evidence_file(name, title, entry.report.agency.name)
    evidence = Evidence(
        entry=entry, original_name=name, size=len(content), uploaded_by=by,
        content_type="application/pdf" if name.endswith(".pdf") else "image/png",
    )  # fmt: skip
    evidence.file.save(name, ContentFile(content), save=False)
    evidence._history_user, evidence._history_date = by, at
    evidence.save()
    Evidence.objects.filter(pk=evidence.pk).update(uploaded_at=at)


def evidence_file(name: str, title: str, agency_name: str) -> bytes:
    """A one-page PDF or a PNG (by `name`) showing the title, marked as demo data in its text and
    its metadata."""
    lines = ["MINH CHỨNG MINH HỌA – DỮ LIỆU DÙNG THỬ", agency_name, *textwrap.wrap(title, 56)]
    lines.append("Tệp do chương trình tạo ra để dùng thử, không phải tài liệu thật.")
    image = Image.new("RGB", (900, 90 + 48 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, image.width - 11, image.height - 11), outline="#b02a37", width=4)
    for number, line in enumerate(lines):
        draw.text((40, 50 + 48 * number), line, fill="#b02a37" if number == 0 else "black", font=_font(26))
    buffer = BytesIO()
    if name.endswith(".pdf"):
        image.save(buffer, "PDF", resolution=96, title=title, subject=DEMO_SOURCE, author=agency_name)
    else:
        info = PngInfo()
        info.add_itxt("Description", f"{title} – {DEMO_SOURCE}")
        image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


@functools.cache
def _font(size):
    try:  # fonts-liberation2 has every Vietnamese letter (STACK.md)
        return ImageFont.truetype("LiberationSerif-Regular.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def series(target, year: int, data) -> dict[int, Decimal]:
    """The demo's values of `target` (in its plan's demo `data`) from 2020 to `year`; years missing from the data
    stay gaps, years after its last one continue its last yearly change within the target's limits."""
    spec = data["values"].get(target.code, {})
    known = _extend({int(y): Decimal(str(v)) for y, v in spec.get("series", {}).items()}, year, target)
    values = {y: v for y, v in known.items() if FIRST_YEAR <= y <= year}
    for value in values.values():
        problem = target.value_error(value) or _limit_error(target, value)
        if problem:
            raise ValueError(f"{data['file']}, chỉ tiêu {target.code}: {value} – {problem}")
    return values


def _extend(known: dict, year: int, target=None) -> dict:
    """Continue the last yearly change up to `year` (run in a later year than the data was written
    for), keeping percentages within 0–100 and levels above 0."""
    if len(known) < 2 or year <= max(known):
        return known
    last, before = sorted(known)[-2:][::-1]
    step = (known[last] - known[before]) / (last - before)
    for y in range(last + 1, year + 1):
        value = known[y - 1] + step
        if target is None or not target.is_yearly_change:
            value = max(value, Decimal(0))
        if target is not None and target.is_percentage:
            value = min(value, Decimal(100))
        known[y] = round(value, 4)
    return known


def _limit_error(target, value) -> str | None:
    limit = target.natural_limit
    if limit is None:
        return None
    beyond = value > limit if target.direction != "lower" else value < limit
    return "vượt giới hạn tự nhiên" if beyond else None


def record_history(plan, year, reviewer) -> int:
    """Values of every numeric target for 2020 to last year that are not recorded yet (last year's may
    come from its approved reports), and the reference series up to this year, recorded the way an
    import records them; returns how many values were recorded."""
    data, recorded = demo_data(plan), 0
    targets = {t.code: t for t in plan.targets.filter(is_active=True)}
    for code in data["values"]:
        target = targets.get(code)
        if target is None or target.is_qualitative:
            continue
        recorded_years = set(TargetValue.objects.current().filter(target=target).values_list("year", flat=True))
        for value_year, value in series(target, year, data).items():
            if (
                value_year < year
                and value_year not in recorded_years
                and record_value(
                    target, value_year, value, by=reviewer, as_of=datetime.date(value_year, 12, 31), source=DEMO_SOURCE
                )
            ):
                recorded += 1
    for code, values in data["references"].items():
        if code not in targets:
            continue
        known = _extend({int(y): Decimal(str(v)) for y, v in values.items()}, year)
        for ref_year, value in known.items():
            if FIRST_YEAR <= ref_year <= year:
                ReferenceValue.objects.update_or_create(
                    target=targets[code], year=ref_year,
                    defaults={"value": value, "source": DEMO_SOURCE, "recorded_by": reviewer},
                )  # fmt: skip
    return recorded
