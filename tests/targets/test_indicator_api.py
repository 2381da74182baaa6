"""GET /api/indicators/ and /api/indicators/<code>/: every plan's target measuring an indicator, with only approved
(or imported) figures, as /api/plans/<slug>/progress/ shows them; a fixed number of queries whatever the plans."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from targets.models import Target, TargetValue
from targets.overrides import override_status
from targets.recording import record_value
from tests.reports.helpers import ReportPage, current_report, on

pytestmark = pytest.mark.season

PLAN = """plan:
  slug: {slug}
  title: "Kế hoạch thử {slug}"
  issuing_body: "Ủy ban nhân dân xã thử"
  issued_on: 2022-08-08
  place: "Thử"
  signer_position: "CHỦ TỊCH"
  signer_name: "Người Ký Thử"
  period_start: 2021
  period_end: 2030
  report_due_day: 5
  report_due_month: 12
  reports_to: "Ủy ban nhân dân tỉnh Quảng Ngãi"
agencies:
  - {{code: XT-VHXH, name: "Phòng Văn hóa - Xã hội xã thử", short_name: "VH-XH", kind: specialised_office}}
sections:
  - number: "I"
    title: "MỤC TIÊU"
targets:
  - code: "2025.19"
    horizon: 2025
    statement: "Trên 95% đồng bào DTTS tham gia bảo hiểm y tế."
    name: "Đồng bào DTTS tham gia bảo hiểm y tế"
    unit: "%"
    kind: level
    indicator: bhyt-dtts
    comparison: ">"
    value: 95
    direction: higher
    responsible: XT-VHXH
  - code: "2030.19"
    horizon: 2030
    statement: "Trên 98% đồng bào DTTS tham gia bảo hiểm y tế."
    name: "Đồng bào DTTS tham gia bảo hiểm y tế"
    unit: "%"
    kind: level
    indicator: bhyt-dtts
    comparison: ">"
    value: 98
    direction: higher
    responsible: XT-VHXH
"""


def make_plans(tmp_path, count: int):
    for number in range(count):
        path = tmp_path / f"p{number}.yaml"
        path.write_text(PLAN.format(slug=f"xa-thu-{number:02d}"), encoding="utf-8")
        call_command("load_plan", str(path), stdout=io.StringIO())


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def by_plan(indicator):
    return {(t["plan"], t["code"]): t for t in indicator["targets"]}


def test_two_plans_share_an_indicator_each_with_its_own_series_and_approved_figures_only(client, plan, tmp_path):
    make_plans(tmp_path, 1)
    other = Target.objects.get(plan__slug="xa-thu-00", code="2025.19")
    record_value(plan.targets.get(code="2025.19"), 2025, Decimal("98.5"), source="Nhập thử")
    record_value(other, 2024, Decimal("90"), source="Nhập thử")
    record_value(other, 2025, Decimal("93.2"), is_estimate=True, source="Nhập thử")
    # a superseded version (not current) never shows
    TargetValue.objects.filter(target=other, year=2025).update(is_current=False)
    record_value(other, 2025, Decimal("94.1"), is_estimate=True, source="Nhập thử")
    data = get(client, "/api/indicators/bhyt-dtts/?year=2026")
    assert (data["code"], data["unit"], data["direction"], data["aggregation"]) == (
        "bhyt-dtts",
        "%",
        "higher",
        "weighted_mean",
    )
    rows = by_plan(data)
    assert set(rows) == {(plan.slug, "2025.19"), ("xa-thu-00", "2025.19"), ("xa-thu-00", "2030.19")}
    mine = rows[(plan.slug, "2025.19")]
    assert (mine["horizon"], mine["value"], mine["value_year"], mine["status"]) == (2025, 98.5, 2025, "met")
    assert mine["override"] is None and mine["value_is_estimate"] is False
    theirs = rows[("xa-thu-00", "2025.19")]
    assert (theirs["value"], theirs["value_year"], theirs["value_is_estimate"]) == (94.1, 2025, True)
    later = rows[("xa-thu-00", "2030.19")]  # the plan's later milestone reads its own plan's series, not Bình Sơn's
    assert (later["value"], later["value_year"]) == (94.1, 2025)
    # exactly as the plan's progress answer
    progress = {t["code"]: t for t in get(client, "/api/plans/xa-thu-00/progress/?year=2026")["targets"]}
    for code in ("2025.19", "2030.19"):
        for key in ("value", "value_year", "status", "horizon", "override", "value_is_estimate"):
            assert rows[("xa-thu-00", code)][key] == progress[code][key]


def test_an_override_stands_beside_the_computed_status(client, cast, plan):
    target = plan.targets.get(code="2025.19")
    record_value(target, 2025, Decimal("90"), source="Nhập thử")
    override_status(target, 2026, "met", "Số liệu tỉnh đã rà soát lại.", by=cast["vanphong"], computed_status="not_met")
    row = by_plan(get(client, "/api/indicators/bhyt-dtts/?year=2026"))[(plan.slug, "2025.19")]
    assert row["status"] == "not_met"
    assert (row["override"]["status"], row["override"]["reason"]) == ("met", "Số liệu tỉnh đã rà soát lại.")


def test_values_sent_but_not_approved_never_appear(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything().target("2030.08", value="42,5", as_of="30/11/2026")
    assert client.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit"))
    report.refresh_from_db()
    assert report.state == "submitted" and report.target_entries.get(target__code="2030.08").value == Decimal("42.5")
    client.logout()
    row = get(client, "/api/indicators/lao-dong-dao-tao-co-thu-nhap/?year=2026")["targets"][0]
    assert (row["code"], row["value"], row["value_year"]) == ("2030.08", None, None)
    assert "42.5" not in json.dumps(get(client, "/api/indicators/?year=2026"))


def test_the_list_carries_every_indicator_and_the_year_is_checked(client, plan):
    data = get(client, "/api/indicators/?year=2026")
    codes = [i["code"] for i in data]
    assert "ty-le-ho-ngheo-dtts" in codes and "so-ho-dtts-duoc-ho-tro-nha-o" in codes
    poverty = next(i for i in data if i["code"] == "ty-le-ho-ngheo-dtts")
    assert [t["code"] for t in poverty["targets"]] == ["2025.02", "2030.03", "2045.02"]
    assert set(poverty["targets"][0]) >= {"plan", "code", "horizon", "value", "value_year", "status", "override"}
    assert next(i for i in data if i["code"] == "so-ho-dtts-duoc-ho-tro-nha-o")["targets"] == []
    assert get(client, "/api/indicators/?year=1999", 400) == {"error": "Năm phải từ 2021 đến 2045."}
    assert get(client, "/api/indicators/bhyt-dtts/?year=20x6", 400) == {"error": "Năm phải từ 2021 đến 2045."}
    assert get(client, "/api/indicators/khong-co/", 404) == {"error": "Không tìm thấy chỉ số."}


def test_without_a_year_it_answers_for_this_year(client, plan):
    with on("2026-12-06"):
        assert get(client, "/api/indicators/bhyt-dtts/")["year"] == 2026


def test_a_deactivated_plan_is_left_out(client, plan, tmp_path):
    make_plans(tmp_path, 1)
    from tasks.models import Plan

    Plan.objects.filter(slug="xa-thu-00").update(is_active=False)
    assert {t["plan"] for t in get(client, "/api/indicators/bhyt-dtts/?year=2026")["targets"]} == {plan.slug}


@pytest.mark.parametrize("url", ["/api/indicators/?year=2026", "/api/indicators/bhyt-dtts/?year=2026"])
def test_the_query_count_is_the_same_at_3_and_at_30_plans(client, plan, tmp_path, django_assert_num_queries, url):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    make_plans(tmp_path / "a", 2)  # with Bình Sơn: 3 plans
    for target in Target.objects.filter(code="2025.19"):
        record_value(target, 2025, Decimal("96"), source="Nhập thử")
    client.get(url)  # warm the session and anything process-wide
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # computed afresh at each size (the figures are cached until the data changes: targets.cache)
    with CaptureQueriesContext(connection) as at_three:
        assert len(get(client, url)) > 0
    for number in range(2, 29):
        path = tmp_path / "b" / f"p{number}.yaml"
        path.write_text(PLAN.format(slug=f"xa-thu-{number:02d}"), encoding="utf-8")
        call_command("load_plan", str(path), stdout=io.StringIO())
    for target in Target.objects.filter(code="2025.19"):
        record_value(target, 2025, Decimal("96"), source="Nhập thử")
    from tasks.models import Plan

    assert Plan.objects.filter(is_active=True).count() == 30
    cache.clear()
    with django_assert_num_queries(len(at_three)):
        data = get(client, url)
    bhyt = data if isinstance(data, dict) else next(i for i in data if i["code"] == "bhyt-dtts")
    assert len({t["plan"] for t in bhyt["targets"]}) == 30
