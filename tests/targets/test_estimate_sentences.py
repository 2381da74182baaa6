"""An estimated value (ước thực hiện) reads as an estimate in the sentence beside it, as in the value column: "Năm 2025
ước đạt 30,2…", "Năm 2026 (ước): 33,5…", "tăng lên 48,6% (ước năm 2026)"; on the dashboard, the target page, the
public page and the API; the dashboard's sparkline marks the estimated years too (issue 16)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from targets.goals import Goal
from targets.progress import evaluate
from tests.conftest import DATA

pytestmark = pytest.mark.season  # the dashboard's year and the public page's follow the day
SLUG = "binh-son-ctdt-2021-2030"
INCOME = Goal(kind="multiple_of_baseline", horizon=2025, comparison=">", value=2, unit="triệu đồng/người/năm",
              baseline_year=2020)  # fmt: skip
SHARE = Goal(kind="relative", horizon=2030, comparison=">=", value=0.5, unit="triệu đồng/người/năm",
             target_unit="lần", reference_label="thu nhập bình quân chung cả nước")  # fmt: skip
TRAINED = Goal(kind="level", horizon=2030, comparison=">=", value=60, unit="%", baseline_year=2020)
POVERTY = Goal(kind="annual_change", horizon=2030, comparison=">=", value=3, direction="lower", unit="%",
               change_unit="điểm %/năm", period_start=2026)  # fmt: skip


def test_a_milestone_judged_on_an_estimate_says_it_was_estimated():
    series = {2020: 18, 2024: 27, 2025: 30.2}
    judged = evaluate(INCOME, series, 2026, estimates={2025})
    assert "Năm 2025 ước đạt 30,2 triệu đồng/người/năm, gấp 1,68 lần năm 2020, chưa đạt" in judged.explanation
    assert "Năm 2025 đạt 30,2" in evaluate(INCOME, series, 2026).explanation  # a reported value stays "đạt"
    # the latest before the milestone, when the milestone's year has none
    before = evaluate(INCOME, {2020: 18, 2024: 27}, 2026, estimates={2024}).explanation
    assert "số liệu gần nhất trước mốc (năm 2024) là ước 27 triệu đồng/người/năm" in before


def test_a_relative_target_says_its_year_is_an_estimate():
    reference = {2020: 50.6, 2024: 64.8, 2026: 75}
    progress = evaluate(SHARE, {2020: 18, 2024: 27, 2026: 33.5}, 2026, reference, estimates={2026})
    assert progress.explanation.startswith("Năm 2026 (ước): 33,5 triệu đồng/người/năm, bằng 0,447 lần")
    assert "(ước năm 2026)" in progress.explanation
    plain = evaluate(SHARE, {2020: 18, 2024: 27, 2026: 33.5}, 2026, reference).explanation
    assert plain.startswith("Năm 2026: 33,5") and "(ước" not in plain


def test_a_pace_from_an_estimate_says_so():
    progress = evaluate(TRAINED, {2020: 46, 2024: 47.2, 2026: 48.6}, 2026, estimates={2026})
    assert "Từ 46,0% (năm 2020) tăng lên 48,6% (ước năm 2026)" in progress.explanation
    flat = evaluate(TRAINED, {2020: 46, 2026: 46}, 2026, estimates={2026}).explanation
    assert "Giữ nguyên 46% từ năm 2020 đến năm 2026 (số liệu năm 2026 là số ước)" in flat


def test_an_annual_change_from_an_estimate_says_so():
    progress = evaluate(POVERTY, {2025: 10, 2026: 8}, 2026, estimates={2026})
    assert "từ năm 2025 đến năm 2026 (10% → ước 8%)" in progress.explanation
    waiting = evaluate(POVERTY, {2025: 10}, 2026, estimates={2025}).explanation
    assert "Mới có số liệu năm 2025 (ước 10%)" in waiting


@pytest.fixture
def estimated(plan):
    from targets.models import ReferenceValue, Target
    from targets.recording import record_value

    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    income = Target.objects.get(plan=plan, code="2025.01")  # the head of the income series
    record_value(income, 2025, Decimal("30.2"), is_estimate=True)
    record_value(income, 2026, Decimal("33.5"), is_estimate=True)
    ReferenceValue.objects.create(target=Target.objects.get(plan=plan, code="2030.02"), year=2026, value=75)
    return plan


def row_of(html: str, code: str) -> str:
    start = html.index(f'id="ct-{code}"')
    return html[start : html.index("</tr>", start)]


def test_the_dashboard_says_the_judged_value_is_an_estimate(client, cast, estimated):
    client.force_login(cast["vanphong"])
    html = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
    assert "Năm 2025 ước đạt 30,2 triệu đồng/người/năm" in row_of(html, "2025.01")
    assert "Năm 2026 (ước): 33,5 triệu đồng/người/năm, bằng 0,447 lần" in row_of(html, "2030.02")
    assert "Năm 2026 (ước): 33,5" in row_of(html, "2045.01")


def test_the_sparkline_marks_the_estimated_years(client, cast, estimated):
    client.force_login(cast["vanphong"])
    row = row_of(client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode(), "2025.01")
    read_out = (
        "2020: 18 triệu đồng/người/năm; 2022: 22 triệu đồng/người/năm; 2024: 27 triệu đồng/người/năm; "
        "2025: 30,2 triệu đồng/người/năm (ước); 2026: 33,5 triệu đồng/người/năm (ước)"
    )
    assert f"<title>{read_out}</title>" in row and f'aria-label="{read_out}"' in row


def test_the_public_page_and_the_target_page_say_so(client, cast, estimated):
    html = client.get(f"/cong-khai/{SLUG}/?nam=2026").content.decode()
    assert "Năm 2025 ước đạt 30,2 triệu đồng/người/năm" in html
    assert "Năm 2026 (ước): 33,5 triệu đồng/người/năm" in html
    client.force_login(cast["vanphong"])
    page = client.get(f"/ke-hoach/{SLUG}/chi-tieu/2025.01/").content.decode()
    assert "Năm 2025 ước đạt 30,2 triệu đồng/người/năm" in page


def test_the_api_explanation_says_so(client, estimated):
    rows = {t["code"]: t for t in client.get(f"/api/plans/{SLUG}/progress/?year=2026").json()["targets"]}
    assert rows["2025.01"]["value_is_estimate"] and "Năm 2025 ước đạt 30,2" in rows["2025.01"]["explanation"]
    share = rows["2030.02"]
    assert (share["value_year"], share["value_is_estimate"]) == (2026, True)
    assert share["explanation"].startswith("Năm 2026 (ước): 33,5 triệu đồng/người/năm, bằng 0,447 lần")
