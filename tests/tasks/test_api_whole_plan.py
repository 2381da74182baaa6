"""The whole plan in the open-data API (issue 10, item 6): targets with what they are measured in and against,
tasks with what each lead runs, progress rows with the milestone judged, the values used and the override."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.conftest import DATA
from tests.tasks.test_api import find

SLUG = "binh-son-ctdt-2021-2030"


@pytest.fixture
def imported(plan):
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    return plan


def test_targets_say_what_they_are_measured_in_and_against(client, plan):
    targets = {t["code"]: t for t in client.get(f"/api/plans/{SLUG}/").json()["targets"]}
    income = targets["2025.01"]
    assert (income["unit"], income["measured_unit"]) == ("lần", "triệu đồng/người/năm")
    assert (income["indicator"], income["section"], income["baseline_year"]) == ("thu-nhap-dtts", "II.2.a", 2020)
    share = targets["2030.02"]
    assert share["reference"] == "Thu nhập bình quân chung cả nước" and share["section"] == "II.2.b"
    assert share["indicator"] == "thu-nhap-dtts"  # the same series as 2025.01 and 2045.01
    growth = targets["2030.01"]
    assert (growth["measured_unit"], growth["period_start"], growth["unit"]) == ("tỷ đồng", 2026, "%/năm")
    assert targets["2030.04"]["natural_limit"] == 100 and targets["2030.13"]["natural_limit"] == 0
    assert targets["2045.02"]["section"] == "II.3" and targets["2025.09"]["measured_unit"] == ""
    assert targets["2030.06"]["reference"] is None and targets["2030.06"]["indicator"] is None


def test_tasks_say_which_lead_runs_what(client, plan):
    tasks = client.get(f"/api/plans/{SLUG}/").json()["tasks"]
    assert find(tasks, "III.3.đ")["leads"] == [
        {"agency": "TCKH", "scope": "Chương trình MTQG phát triển KTXH vùng đồng bào dân tộc thiểu số và miền núi"},
        {"agency": "NNPTNT", "scope": "Chương trình MTQG Xây dựng nông thôn mới"},
        {"agency": "LDTBXH", "scope": "Chương trình MTQG Giảm nghèo bền vững"},
    ]
    assert find(tasks, "III.2.c")["leads"] == [
        {"agency": "KTHT", "scope": "về phát triển thương mại, dịch vụ"},
        {"agency": "VHTT", "scope": "về phát triển du lịch"},
    ]
    assert find(tasks, "III.1")["leads"] == [{"agency": "VPH", "scope": None}]


def test_progress_rows_carry_the_milestone_and_the_values_it_was_judged_on(client, imported):
    rows = {t["code"]: t for t in client.get(f"/api/plans/{SLUG}/progress/?year=2026").json()["targets"]}
    bhyt = rows["2025.19"]  # its 2025 milestone passed without a 2025 value: judged once on 2024
    assert (bhyt["status"], bhyt["status_label"], bhyt["milestone"], bhyt["final"]) == (
        "not_met",
        "Không đạt",
        2025,
        True,
    )
    assert (bhyt["value_year"], bhyt["value"], bhyt["baseline_year"], bhyt["baseline_value"]) == (2024, 90, 2020, 92)
    assert bhyt["target_value"] == 98 and bhyt["measured_unit"] == "%" and bhyt["override"] is None
    assert bhyt["method"] == "milestone" and "CAGR" not in bhyt["explanation"]
    poverty = rows["2025.02"]  # the yearly fall, judged on the poverty rate
    assert (poverty["value_year"], poverty["value"], poverty["baseline_year"], poverty["baseline_value"]) == (
        2024, 14.2, 2020, 27.5,
    )  # fmt: skip
    assert poverty["measured_unit"] == "%" and poverty["method"] == "annual_change"
    share = rows["2030.02"]
    assert (
        share["milestone"] == 2030 and not share["final"] and share["reference"] == "Thu nhập bình quân chung cả nước"
    )
    assert (share["value_year"], share["value"]) == (2024, 27) and share["ratio_to_reference"] == pytest.approx(
        0.41667, abs=1e-4
    )
    assert share["method_note"] == "Phương pháp: tốc độ tăng trưởng bình quân năm; tỷ số tiến độ 116,4%."


def test_the_csv_carries_the_same_fields_flat(client, imported):
    response = client.get(f"/api/plans/{SLUG}/progress/?year=2026&format=csv")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    bhyt = rows["2025.19"]
    assert (bhyt["milestone"], bhyt["final"], bhyt["value_year"], bhyt["value"]) == ("2025", "có", "2024", "90.0")
    assert bhyt["measured_unit"] == "%" and bhyt["override_status"] == "" and "override" not in bhyt


@pytest.fixture
def estimated(imported):
    from targets.models import Target
    from targets.recording import record_value

    income = Target.objects.get(plan__slug=SLUG, code="2025.01")  # the head of the income series
    record_value(income, 2025, Decimal("30.2"), is_estimate=True)
    record_value(income, 2026, Decimal("33.5"), is_estimate=True)
    return imported


def test_estimates_are_marked_in_the_series_and_the_latest_value(client, estimated, django_assert_max_num_queries):
    url = f"/api/plans/{SLUG}/progress/?year=2026"
    with django_assert_max_num_queries(12):  # plan, targets, the figures (7), the overrides, the estimates (2)
        rows = {t["code"]: t for t in client.get(url).json()["targets"]}
    with django_assert_max_num_queries(2):  # plan and targets; the estimates are cached with the figures
        client.get(url)
    share = rows["2030.02"]  # shares the income series
    assert share["values"] == {"2020": 18, "2022": 22, "2024": 27, "2025": 30.2, "2026": 33.5}
    assert share["estimates"] == {"2020": False, "2022": False, "2024": False, "2025": True, "2026": True}
    assert (share["value_year"], share["value_is_estimate"]) == (2024, False)  # judged where the reference is
    income = rows["2025.01"]  # its 2025 milestone, judged on 2025's estimate
    assert (income["value_year"], income["value"], income["value_is_estimate"]) == (2025, 30.2, True)
    bhyt = rows["2025.19"]
    assert bhyt["estimates"] == {"2020": False, "2022": False, "2024": False} and bhyt["value_is_estimate"] is False
    assert rows["2030.06"]["values"] == {} and rows["2030.06"]["value_is_estimate"] is None


def test_the_csv_marks_estimates_too(client, estimated):
    response = client.get(f"/api/plans/{SLUG}/progress/?year=2026&format=csv")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    share = rows["2030.02"]
    assert share["values"] == "2020: 18.0; 2022: 22.0; 2024: 27.0; 2025: 30.2; 2026: 33.5"
    assert share["estimates"] == "2020: không; 2022: không; 2024: không; 2025: có; 2026: có"  # Vietnamese in the CSV
    assert (rows["2025.01"]["value"], rows["2025.01"]["value_is_estimate"]) == ("30.2", "có")
    assert rows["2025.19"]["value_is_estimate"] == "không"
