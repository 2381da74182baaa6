"""The public page's workbook (/cong-khai/<plan>/bang-so-lieu.xlsx): open to everyone like the page, in Vietnamese,
the page's figures for the year as numbers, never a value awaiting review; the open-data CSV stays for software."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from targets.goals import STATUS_LABELS
from targets.models import Target
from targets.overrides import override_status
from targets.recording import record_value
from tests.conftest import DATA
from tests.reports.helpers import bhxh_sends, on, post_seen

SLUG = "binh-son-ctdt-2021-2030"
PAGE = f"/cong-khai/{SLUG}/"
TABLE = f"/cong-khai/{SLUG}/bang-so-lieu.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {"General", "#,##0", "#,##0.###"}  # binhson_plan/sheets.py's: a decimal comma in vi


@pytest.fixture(autouse=True)
def today():
    """20/11/2026, in the 2026 season: this year is 2026, whatever day the run chose."""
    with on("2026-11-20"):
        yield


@pytest.fixture
def figures(plan):
    """The example values, and estimates for 2025 (income, and the poverty rate's 2025 value)."""
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    targets = {t.code: t for t in Target.objects.filter(plan=plan, code__in=["2025.01", "2030.03"])}
    record_value(targets["2025.01"], 2025, Decimal("30.2"), is_estimate=True)
    record_value(targets["2030.03"], 2025, Decimal("12.6"), is_estimate=True)
    return plan


def download(client, query=""):
    response = client.get(TABLE + query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX and response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def table(sheet) -> tuple[list[str], list[str], dict[str, dict]]:
    """(the lines above the table, its headers, each target's cells by header, by code)."""
    rows = list(sheet.iter_rows())
    top = next(i for i, row in enumerate(rows) if row[0].value == "Mã")
    headers = [cell.value for cell in rows[top]]
    lines = {row[0].value: dict(zip(headers, row, strict=True)) for row in rows[top + 1 :]}
    return [row[0].value for row in rows[:top]], headers, lines


def test_anyone_downloads_the_table_with_vietnamese_headers_and_labels(client, figures):
    heading, headers, lines = table(download(client, "?nam=2025"))
    assert heading[0].startswith("Kế hoạch Triển khai thực hiện Chiến lược công tác dân tộc")
    assert "Số liệu đã được duyệt hoặc nhập chính thức, đến năm 2025" in heading[1]
    assert headers[:4] == ["Mã", "Chỉ tiêu", "Mục tiêu", "Đơn vị của số liệu"]
    assert headers[4:-4] == [f"Năm {y}" for y in range(2020, 2026)]
    assert headers[-4:] == ["Năm có số ước", "Tình trạng năm 2025", "Giải thích", "Phương pháp"]
    assert len(lines) == Target.objects.filter(plan=figures, is_active=True).count()
    statuses = {line["Tình trạng năm 2025"].value for line in lines.values()}
    assert statuses <= set(STATUS_LABELS.values()) and "Đạt" in statuses
    words = {str(cell.value) for line in lines.values() for cell in line.values()}
    assert not words & {"not_met", "on_track", "met", "insufficient_data", "code", "name", "horizon"}


@pytest.mark.parametrize("code", ["2025.01", "2030.03", "2025.19"])
def test_its_values_are_the_pages_numbers_with_their_estimates(client, figures, code):
    api = next(t for t in client.get(f"/api/plans/{SLUG}/progress/?year=2025").json()["targets"] if t["code"] == code)
    _, headers, lines = table(download(client, "?nam=2025"))
    line = lines[code]
    values = {h.removeprefix("Năm "): line[h] for h in headers if h.startswith("Năm 20")}
    assert {y: c.value for y, c in values.items() if c.value is not None} == api["values"]
    for cell in values.values():
        if cell.value is not None:  # a number a spreadsheet adds up, shown with the reader's decimal comma
            assert cell.data_type == "n" and cell.number_format in NUMBER_FORMATS
    estimates = ", ".join(y for y, flag in api["estimates"].items() if flag)
    assert (line["Năm có số ước"].value or "") == estimates
    assert line["Tình trạng năm 2025"].value == api["status_label"]
    assert line["Giải thích"].value == api["explanation"]


def test_an_estimate_is_said_as_on_the_page(client, figures):
    _, _, lines = table(download(client, "?nam=2025"))
    assert lines["2030.03"]["Năm 2025"].value == 12.6 and lines["2030.03"]["Năm có số ước"].value == "2025"
    page = client.get(f"{PAGE}?nam=2025").content.decode()
    row = page[page.index('id="ct-2030.03"') :]
    assert "2025: 12,6% (ước)" in row[: row.index("</tr>")]


def test_a_value_awaiting_review_is_never_in_the_table(client, cast, plan):
    report = bhxh_sends(client, plan, "2025.19", "93,7")
    sheet = download(client, "?nam=2026")
    assert 93.7 not in {cell.value for row in sheet.iter_rows() for cell in row}
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    client.logout()
    assert table(download(client, "?nam=2026"))[2]["2025.19"]["Năm 2025"].value == 93.7  # approved: counted


@pytest.mark.parametrize("asked", ["abc", "2099", "٢٠٢٥", "", "99999999999999999999", "2025.5", "2026 ", "2027"])
def test_a_year_that_is_not_one_or_still_to_come_gives_this_years_table(client, figures, asked):
    heading, headers, _ = table(download(client, f"?nam={asked}"))
    assert "Tình trạng năm 2026" in headers
    if asked in {
        "2027",
        "2099",
        "99999999999999999999",
    }:  # said as the page says it (a year past the plan's last is read as its last)
        assert any("chưa đến nên chưa có số liệu để đánh giá; bảng này ghi số liệu đến năm 2026." in h for h in heading)
    else:
        assert not any("chưa đến" in line for line in heading)


@pytest.mark.parametrize("asked", ["1999", "-1"])
def test_a_year_before_the_plan_gives_its_first_year(client, figures, asked):
    assert "Tình trạng năm 2021" in table(download(client, f"?nam={asked}"))[1]


def test_only_a_get_is_answered_and_an_unknown_plan_is_not_found(client, plan):
    assert client.post(TABLE).status_code == 405
    assert client.get("/cong-khai/khong-co/bang-so-lieu.xlsx").status_code == 404


def test_a_reviewers_override_stands_beside_the_computed_status(client, cast, figures):
    target = Target.objects.get(plan=figures, code="2030.03")
    override_status(target, 2025, "limited", "Số liệu năm 2025 chưa phản ánh đợt thiên tai.", by=cast["vanphong"])
    _, headers, lines = table(download(client, "?nam=2025"))
    reviewer = next(h for h in headers if h.endswith(" điều chỉnh"))
    assert lines["2030.03"][reviewer].value == "Chậm" and lines["2030.03"]["Tình trạng năm 2025"].value
    assert lines["2030.03"]["Lý do điều chỉnh"].value == "Số liệu năm 2025 chưa phản ánh đợt thiên tai."
    assert lines["2025.01"][reviewer].value is None


def test_the_download_reads_the_pages_cached_figures(client, figures, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):  # plan, targets, the figures (7), the overrides, the estimates (2)
        download(client, "?nam=2025")
    client.get(f"{PAGE}?nam=2025")
    with django_assert_max_num_queries(2):  # plan and targets: the figures come from the cache the page fills
        download(client, "?nam=2025")


def test_the_page_links_the_table_and_the_open_data_for_software(client, figures):
    page = client.get(f"{PAGE}?nam=2025").content.decode()
    assert f'href="{TABLE}?nam=2025">Tải bảng số liệu (Excel)</a>' in page
    csv = f"/api/plans/{SLUG}/progress/?year=2025&amp;format=csv"
    assert f'href="{csv}">Dữ liệu mở (CSV, cho phần mềm)</a>' in page and "Tải dữ liệu (CSV)" not in page
    open_data = client.get(csv.replace("&amp;", "&")).content.decode("utf-8-sig")
    assert open_data.startswith("code,name,horizon,measured_unit,values,estimates,status,status_label,")
