"""Edge cases: odd years in URLs, a passed milestone, missed reminder runs, stalled builds, empty plans."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.jobs import rebuild_drafts, requeue_stalled
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle
from reports.models import ReportingCycle
from reports.notices.reminders import send_reminders
from targets.goals import Goal
from targets.progress import evaluate
from tests.conftest import DATA

SLUG = "binh-son-ctdt-2021-2030"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("odd", ["²", "abc", "0", "99999", "-1", "٣"])
def test_odd_years_in_urls_never_500(client, cast, plan, odd):
    assert client.get(f"/cong-khai/{SLUG}/?nam={odd}").status_code == 200
    assert client.get(f"/api/plans/{SLUG}/progress/?year={odd}").status_code == 400
    client.force_login(cast["vanphong"])
    assert (
        client.get(f"/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam={odd}", follow=True).status_code == 200
    )  # a year to come: this year's page
    response = client.post(f"/ke-hoach/{SLUG}/tong-hop/?nam={odd}", {"number": "1/BC-UBND", "report_date": "01/12/2026",
                                                     "addressee": "UBND tỉnh", "recipients": "Lưu: VT",
                                                     "signer_position": "CHỦ TỊCH", "signer_name": "A"})  # fmt: skip
    assert response.status_code == 302
    assert all(plan.period_start <= r.year <= 2026 for r in ConsolidatedReport.objects.all())  # never a year to come


def test_a_passed_milestone_is_judged_on_the_values_up_to_it():
    goal = Goal(kind="limit", horizon=2025, comparison="=", value=100, natural_limit=100, unit="%")
    # 85 in 2025 against 100 %: not met, once and for all; the 2027 value does not change 2025's verdict
    p = evaluate(goal, {2020: 70, 2025: 85, 2027: 97}, 2027)
    assert (p.status, p.value_year, p.value, p.final) == ("not_met", 2025, 85, True)


def test_a_range_level_is_met_at_its_lower_bound_when_higher_is_better():
    goal = Goal(kind="level", horizon=2030, comparison="range", value=45, value_max=50, unit="%")
    assert evaluate(goal, {2024: 52}, 2026).status == "achieved"
    assert evaluate(goal, {2024: 45}, 2026).status == "achieved"


def test_annual_change_without_a_stated_period_counts_from_the_previous_milestone():
    goal = Goal(kind="annual_change", horizon=2030, comparison="=", value=6.5, unit="tỷ đồng", change_unit="%/năm")
    # from the 2025 level: (113.4 / 100)^(1/2) − 1 = 6.49 %/year; 2022 is before the period
    p = evaluate(goal, {2022: 50.0, 2025: 100.0, 2027: 113.4}, 2027)
    assert p.observed_pace == pytest.approx(6.489, abs=1e-3) and p.status == "on_track"
    assert p.baseline_year == 2025


def test_viewing_a_past_year_creates_nothing(client, cast, plan):
    client.force_login(cast["lanhdao"])
    html = client.get(f"/bang-dieu-khien/{SLUG}/2023/").content.decode()
    assert "Chưa mở kỳ báo cáo năm 2023" in html
    assert not ReportingCycle.objects.filter(year=2023).exists()


def test_a_missed_reminder_run_is_caught_up_once(cast, plan):
    cycle = open_cycle(plan, 2026)
    mail.outbox.clear()
    sent = send_reminders(cycle.due_on - datetime.timedelta(days=5))  # the 7-day run was missed
    assert sent > 0 and all("còn 5 ngày" in m.subject for m in mail.outbox)
    assert send_reminders(cycle.due_on - datetime.timedelta(days=4)) == 0  # that step went already
    assert send_reminders(cycle.due_on - datetime.timedelta(days=3)) == sent


def test_a_mail_server_error_does_not_stop_the_others(cast, plan, monkeypatch):
    cycle = open_cycle(plan, 2026)
    calls = []

    def flaky(subject, body, sender, recipients):
        calls.append(recipients)
        if len(calls) == 1:
            raise OSError("máy chủ thư không trả lời")

    monkeypatch.setattr("reports.notices.notifications.send_mail", flaky)
    sent = send_reminders(cycle.due_on - datetime.timedelta(days=14))
    assert len(calls) > 2 and sent == len(calls) - 1
    assert send_reminders(cycle.due_on - datetime.timedelta(days=14)) == 1  # the failed one is tried again


def test_builds_stalled_by_a_broker_outage_are_queued_again(plan, eager_jobs, django_capture_on_commit_callbacks):
    stalled = ConsolidatedReport.request(plan, 2026)
    fresh = ConsolidatedReport.request(plan, 2026)
    ConsolidatedReport.objects.filter(pk=stalled.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stalled() == [stalled.pk]
    assert ConsolidatedReport.objects.get(pk=stalled.pk).state == "ready"
    assert ConsolidatedReport.objects.get(pk=fresh.pk).state == "queued"


def test_nightly_drafts_do_not_pile_up_behind_a_queued_one(plan):
    ConsolidatedReport.request(plan, 2026)  # queued, the broker being down
    assert rebuild_drafts(datetime.date(2026, 11, 20)) == []
    assert ConsolidatedReport.objects.count() == 1


def test_a_plan_without_targets_still_builds(db, tmp_path):
    text = (DATA / "tiny_plan.yaml").read_text(encoding="utf-8").split("targets:")[0] + "targets: []\n"
    path = tmp_path / "no-targets.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("load_plan", str(path), stdout=io.StringIO())
    from tasks.models import Plan

    report = build_consolidated_report(
        ConsolidatedReport.request(Plan.objects.get(slug="tra-bong-thu-nghiem"), 2026).pk
    )
    assert report.state == "ready"


def test_the_consolidated_workbook_says_yes_not_true(client, cast, plan):
    from openpyxl import load_workbook

    from reports.models import AgencyReport

    cycle = open_cycle(plan, 2026)
    AgencyReport.objects.filter(cycle=cycle, agency__code="GDDT").update(is_late=True)
    report = build_consolidated_report(ConsolidatedReport.request(plan, 2026).pk)
    sheet = load_workbook(report.xlsx.path)["Tình hình báo cáo"]
    header = [c.value for c in sheet[2]]  # under the title row
    late = [row[header.index("Gửi muộn")] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "Có" in late and set(late) <= {"Có", None}
