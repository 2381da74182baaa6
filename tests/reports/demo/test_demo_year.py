"""`manage.py seed_demo --reports`: a real year of demo data (PRODUCT.md §8), seeded once for the module.

The demo's year depends on today (this year; in January the year just ended), and so does what it shows
(submissions before now, reports never sent overdue after the due date): CI runs it on several days."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from binhson_plan.number_format import fmt
from reports.demo.seeding import DEMO_SOURCE, demo_year
from reports.editing.evidence import check_evidence_file
from reports.models import (
    AgencyReport,
    Evidence,
    Proposal,
    ProposalState,
    ReportAction,
    ReportEvent,
    ReportingCycle,
    ReportState,
    TargetEntry,
    TaskEntry,
    working_days_after,
)
from targets.models import Assessment, ReferenceValue, Target, TargetValue
from targets.status import indicator_groups, plan_progress
from tests.reports.helpers import kept_for_the_module

pytestmark = pytest.mark.season
YEAR = demo_year()
FLOWS = {  # the events each final state is reached by, oldest first
    ReportState.APPROVED: [ReportAction.SUBMITTED, ReportAction.APPROVED],
    ReportState.SUBMITTED: [ReportAction.SUBMITTED],
    ReportState.SENT_BACK: [ReportAction.SUBMITTED, ReportAction.SENT_BACK],
    ReportState.DRAFT: [],
}


def seed(*args, **options) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--reports", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The year seeded once, inside a transaction rolled back when the module's tests are done."""
    media = tmp_path_factory.mktemp("media")
    with kept_for_the_module(django_db_blocker, media):
        yield {"output": seed(force=True), "media": media}


@pytest.fixture
def cycle(seeded, db):
    return ReportingCycle.objects.get(plan__slug="binh-son-ctdt-2021-2030", year=YEAR)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (AgencyReport, ReportEvent, TargetValue, ReferenceValue, Evidence, Proposal, Assessment)
    } | {"users": get_user_model().objects.count(), "history": TaskEntry.history.count()}


@override_settings(DEBUG=False)
def test_it_refuses_to_run_with_debug_off_unless_forced(plan):
    before = counts()
    with pytest.raises(CommandError, match="DEBUG đang tắt"):
        seed()
    assert counts() == before


def test_every_expected_agency_has_a_user_and_a_report_in_its_season_state(cycle):
    reports = list(cycle.reports.select_related("agency"))
    assert len(reports) >= 20
    for report in reports:
        assert get_user_model().objects.filter(membership__agency=report.agency, is_active=True).exists()
    states = [r.state for r in reports]
    assert states.count(ReportState.APPROVED) > len(reports) / 2
    assert states.count(ReportState.SUBMITTED) >= 1
    assert states.count(ReportState.SENT_BACK) == 1
    assert states.count(ReportState.DRAFT) == 2
    never_sent = [r for r in reports if r.state == ReportState.DRAFT]
    assert all(r.first_submitted_at is None and not r.events.exists() for r in never_sent)
    filled = [
        r.task_entries.exclude(results="").count() + r.target_entries.exclude(value=None).count() for r in never_sent
    ]
    assert sorted(filled)[0] == 0 and sorted(filled)[1] > 0  # one empty, one partly typed


def test_every_transition_went_through_the_report_methods(cycle):
    for report in cycle.reports.prefetch_related("events"):
        events = list(report.events.all())
        assert [e.action for e in events] == FLOWS[report.state], report.agency.code
        assert all(e.snapshot for e in events)
        assert all(e.at <= timezone.now() for e in events)  # no time in the future
        assert [e.at for e in events] == sorted(e.at for e in events)
        if events:
            assert report.first_submitted_at == events[0].at
    sent_back = cycle.reports.get(state=ReportState.SENT_BACK)
    assert (
        sent_back.return_reason
        and sent_back.events.get(action=ReportAction.SENT_BACK).reason == sent_back.return_reason
    )
    assert not cycle.reports.filter(is_late=True).exists()  # the season's reports went in before the due date
    assert all(timezone.localtime(r.first_submitted_at).date() <= cycle.due_on for r in cycle.reports.exclude(
        first_submitted_at=None))  # fmt: skip
    overdue = [r.state for r in cycle.reports.all() if r.is_overdue and not r.first_submitted_at]
    assert overdue == ([ReportState.DRAFT] * 2 if timezone.localdate() > cycle.due_on else [])


def test_the_sent_back_report_has_time_for_its_corrections_then_is_overdue_on_them(cycle, client):
    """Its corrections are due five working days after the send-back, not before the season's due date: overdue on
    them only once the season is over, never with a date before the send-back nor a send-back in the future."""
    sent_back = cycle.reports.get(state=ReportState.SENT_BACK)
    returned = timezone.localtime(sent_back.events.get(action=ReportAction.SENT_BACK).at).date()
    assert sent_back.correction_due_on == max(working_days_after(returned, 5), cycle.due_on)
    assert (
        sent_back.is_overdue
        == sent_back.is_overdue_on_corrections
        == (timezone.localdate() > sent_back.correction_due_on)
    )
    client.force_login(get_user_model().objects.get(username="vanphong"))
    header = client.get(f"/bao-cao/{sent_back.pk}/").content.decode().split("</header>")[0]
    assert f"Hạn bổ sung: <strong>{sent_back.correction_due_on:%d/%m/%Y}</strong>" in header
    assert ("Quá hạn bổ sung" in header) == sent_back.is_overdue_on_corrections


def test_the_late_report_is_in_the_year_before_where_it_really_is_late(cycle):
    past = ReportingCycle.objects.get(plan=cycle.plan, year=YEAR - 1)
    assert {r.state for r in past.reports.all()} == {ReportState.APPROVED}
    [late] = past.reports.filter(is_late=True).select_related("agency")
    assert late.agency.code == "BHXH"
    assert late.first_submitted_at == late.submitted_at and timezone.localtime(late.submitted_at).date() > past.due_on
    assert [e.action for e in late.events.all()] == FLOWS[ReportState.APPROVED]
    events = ReportEvent.objects.filter(report__cycle__in=[past, cycle])
    assert events.count() > 40 and not events.filter(at__gt=timezone.now()).exists()
    assert not Proposal.objects.filter(responded_at__gt=timezone.now()).exists()
    assert not Evidence.objects.filter(uploaded_at__gt=timezone.now()).exists()
    assert not TaskEntry.history.filter(history_date__gt=timezone.now()).exists()
    assert not AgencyReport.objects.filter(updated_at__gt=timezone.now()).exists()


def test_values_from_an_approved_report_are_recorded_when_it_was_approved(cycle):
    """Never a "Ghi nhận" time later than the approval its source names (the seed's own time)."""
    from_reports = TargetValue.objects.filter(source_report__isnull=False).select_related("source_report")
    assessments = Assessment.objects.filter(source_report__isnull=False).select_related("source_report")
    assert from_reports.count() > 10 and assessments.exists()
    for recorded in [*from_reports, *assessments]:
        assert recorded.recorded_at == recorded.source_report.reviewed_at, recorded


def test_budgets_are_given_on_some_lead_tasks_and_not_on_others(cycle):
    leads = TaskEntry.objects.filter(report__cycle=cycle, role="lead").exclude(report__state=ReportState.DRAFT)
    mixed = [
        report_id
        for report_id in set(leads.values_list("report", flat=True))
        if leads.filter(report=report_id, budget_used=None).exists()
        and leads.filter(report=report_id, budget_used__isnull=False).exists()
    ]
    assert mixed
    budgets = set(leads.exclude(budget_used=None).values_list("budget_used", flat=True))
    assert {0, 850_000, 1_250_000_000} <= budgets


def test_the_texts_are_whole_vietnamese_sentences(cycle):
    texts = list(TaskEntry.objects.filter(report__cycle=cycle).exclude(results="").values_list("results", flat=True))
    assert len(texts) > 60 and len(set(texts)) > 50
    for text in texts:
        assert text[-1] in ".)" and "…" not in text and "lorem" not in text.lower() and "{" not in text


def test_target_values_have_estimates_gaps_and_assessments(cycle):
    entries = TargetEntry.objects.filter(report__cycle=cycle).select_related("target", "report")
    numeric = [e for e in entries if not e.target.is_qualitative]
    sent = [e for e in numeric if e.report.state != ReportState.DRAFT]
    last = {}  # each indicator's last milestone: once it has passed with its value there, nothing is asked
    for target in Target.objects.filter(plan=cycle.plan, is_active=True):
        key = target.indicator_id or target.code
        last[key] = max(last.get(key, 0), target.horizon)
    for e in sent:
        milestone = last[e.target.indicator_id or e.target.code]
        if milestone < YEAR and TargetValue.objects.current().filter(target=e.target, year=milestone).exists():
            assert e.value is None, e.target.code  # a value that would count for nothing is not typed
        else:
            assert e.value is not None and e.as_of and e.value_year == (YEAR if milestone >= YEAR else milestone)
    sent = [e for e in sent if e.value is not None]
    assert any(e.is_estimate for e in sent) and any(not e.is_estimate for e in sent)
    assert any(e.value is None for e in numeric)  # a report never sent leaves this year's gaps
    qualitative = [e for e in entries if e.target.is_qualitative and e.report.state != ReportState.DRAFT]
    assessed_last_year = {  # a passed milestone assessed in last year's approved reports is not asked again
        e.target_id for e in qualitative if e.target.horizon < YEAR
        and Assessment.objects.current().filter(target=e.target, year=e.target.horizon,
                                                source_report__cycle__year__lt=YEAR).exists()
    }  # fmt: skip
    qualitative = [e for e in qualitative if e.target_id not in assessed_last_year]
    assert qualitative and all(e.qualitative_status for e in qualitative)
    approved = [e for e in qualitative if e.report.state == ReportState.APPROVED]
    for entry in approved:  # a passed milestone's assessment is for its year
        assert entry.value_year == (YEAR if entry.target.horizon >= YEAR else entry.target.horizon)
        assert Assessment.objects.current().get(target=entry.target, year=entry.value_year).status == (
            entry.qualitative_status
        )
    recorded = TargetValue.objects.current().filter(year=YEAR)
    assert recorded.exists() and all("minh họa" in v.note for v in recorded)
    assert not recorded.filter(source_report__state=ReportState.SENT_BACK).exists()


def test_values_from_2020_are_plausible_and_leave_a_few_gaps(cycle):
    targets = list(Target.objects.filter(plan=cycle.plan, is_active=True).exclude(kind="qualitative"))
    groups = indicator_groups(targets)
    heads = [t for t in targets if groups[t.pk][0] == t.pk]
    past = range(2020, YEAR)
    gaps = 0
    for target in heads:
        values = {v.year: v for v in TargetValue.objects.current().filter(target=target)}
        assert len([y for y in past if y in values]) >= 3, target.code
        gaps += len([y for y in past if y not in values])
        for value in values.values():
            assert target.value_error(value.value) is None, target.code
            if target.natural_limit is not None and target.direction == "lower":
                assert value.value >= target.natural_limit, target.code
            elif target.natural_limit is not None:
                assert value.value <= target.natural_limit, target.code
            if value.year < YEAR - 1:
                assert value.source == DEMO_SOURCE
            elif value.year == YEAR - 1:  # last year's from its approved reports
                assert value.source == DEMO_SOURCE or value.source_report.cycle.year == YEAR - 1
    assert 0 < gaps < len(heads) * len(past) / 5


def test_the_poverty_rate_its_yearly_fall_and_income_tell_one_story(cycle):
    def series(code):
        values = TargetValue.objects.current().filter(target__plan=cycle.plan, target__code=code)
        return dict(values.values_list("year", "value"))

    rate, income = series("2030.03"), series("2025.01")
    assert series("2025.02") == {}  # the yearly fall is derived from the rate, never typed twice
    fall = Target.objects.get(plan=cycle.plan, code="2025.02")
    judged = plan_progress([fall], YEAR)[fall.pk]  # the 2025 milestone, on the rate from 2020 to 2025
    assert judged.observed_pace == pytest.approx(float(rate[2020] - rate[2025]) / 5)
    # the demo's 2025 rate is an estimate (ước), and the sentence says so
    assert f"từ năm 2020 đến năm 2025 ({fmt(float(rate[2020]))}% → ước {fmt(float(rate[2025]))}%)" in judged.explanation
    assert list(rate.values()) == sorted(rate.values(), reverse=True)
    assert list(income.values()) == sorted(income.values())
    national = dict(ReferenceValue.objects.filter(target__code="2030.02").values_list("year", "value"))
    for year, value in income.items():
        assert Decimal("0.3") < value / national[year] < Decimal("0.6"), year
    assert 2020 in rate and YEAR in rate  # from the baseline to this year's estimate


def test_proposals_some_answered_and_evidence_files_that_say_they_are_demo(cycle, seeded):
    proposals = Proposal.objects.filter(report__cycle=cycle)
    per_report = [proposals.filter(report=r).count() for r in cycle.reports.all()]
    assert len([n for n in per_report if 1 <= n <= 3]) >= 10
    answered = proposals.exclude(state=ProposalState.RECEIVED)
    assert answered.filter(state=ProposalState.ANSWERED).exists()
    assert all(p.response and p.responded_by.username == "vanphong" and p.responded_at for p in answered)
    evidence = list(Evidence.objects.filter(entry__report__cycle=cycle).select_related("entry__report__agency"))
    assert {e.content_type for e in evidence} == {"application/pdf", "image/png"}
    for item in evidence:
        report = item.entry.report
        assert item.file.name.startswith(f"minh-chung/{YEAR}/{report.agency.code}/")
        with item.file.open("rb") as handle:
            content = handle.read()
            assert check_evidence_file(File(handle, name=item.original_name)) == (item.content_type, item.original_name)
        assert len(content) == item.size < 100_000
        marker = "minh họa".encode("utf-16-be") if item.content_type == "application/pdf" else "minh họa".encode()
        assert marker in content


def test_it_is_idempotent_and_says_the_year_is_already_seeded(cycle, settings, seeded):
    settings.MEDIA_ROOT = seeded["media"]
    before = counts()
    output = seed(force=True)
    assert f"Năm {YEAR} đã có dữ liệu minh họa" in output
    assert counts() == before
    assert "canbo.ktht" in output and "canbo.binhan" in output


def test_the_first_run_says_what_it_made(seeded):
    output = seeded["output"]
    assert f"Dữ liệu minh họa năm {YEAR}" in output and "Bị trả lại để bổ sung: 1" in output
    assert f"Năm {YEAR - 1}: " in output and "Gửi muộn: " in output and "sau hạn 05/12/" in output
    assert "thời điểm giả định" not in output


def test_the_dashboard_and_a_sent_back_agencys_landing_page_open(cycle, client):
    client.force_login(get_user_model().objects.get(username="vanphong"))
    assert client.get("/bang-dieu-khien/", follow=True).status_code == 200
    sent_back = cycle.reports.get(state=ReportState.SENT_BACK)
    staff = get_user_model().objects.filter(membership__agency=sent_back.agency).first()
    client.force_login(staff)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/ke-hoach/{sent_back.cycle.plan.slug}/bao-cao/{sent_back.pk}/"
    assert sent_back.return_reason[:40] in response.content.decode()


def test_the_demo_banner_shows_only_in_demo_mode(client, plan, settings):
    settings.DEMO_MODE = True
    assert "Dữ liệu minh họa – không phải số liệu thật" in client.get("/dang-nhap/").content.decode()
    settings.DEMO_MODE = False
    assert "Dữ liệu minh họa" not in client.get("/dang-nhap/").content.decode()
