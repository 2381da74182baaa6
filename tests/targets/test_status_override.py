"""A reviewer overrides a computed status with a written reason (issue 10, item 5): only reviewers; kept with
who and when; never edited in place; shown beside the computed status wherever the status appears."""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from binhson_plan.csv_cells import csv_cell
from reports.consolidated.document import build_document
from reports.consolidated.excel import consolidated_workbook
from reports.consolidated.gathering import gather
from reports.consolidated.models import ConsolidatedReport
from targets.models import StatusOverride
from tests.conftest import DATA
from tests.reports.helpers import on

SLUG = "binh-son-ctdt-2021-2030"
URL = f"/ke-hoach/{SLUG}/chi-tieu/2025.19/dieu-chinh-tinh-trang/"
REASON = "Số liệu BHXH tỉnh năm 2025 (98,1%) đã công bố, đạt mục tiêu; số liệu huyện nhập thiếu."


@pytest.fixture
def imported(plan):
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    return plan


@pytest.fixture
def reviewer(client, cast):
    client.force_login(cast["vanphong"])
    return client


def override(client, status="met", reason=REASON, year=2026, url=URL):
    return client.post(url, {"year": year, "status": status, "reason": reason})


def row(html: str, code: str) -> str:
    start = html.index(f'id="ct-{code}"')
    return html[start : html.index("</tr>", start)]


def count(html: str, status: str) -> int:
    return int(re.search(rf'class="status status-{status} me-2">[^:]+: (\d+)<', html).group(1))


def test_anonymous_visitors_go_to_login(client, plan):
    assert client.get(URL)["Location"].startswith("/dang-nhap/")
    assert override(client)["Location"].startswith("/dang-nhap/")
    assert not StatusOverride.objects.exists()


@pytest.mark.parametrize("user", ["quantri", "lanhdao", "canbo.ldtbxh", "canbo.binhan"])
def test_only_reviewers_override(client, cast, imported, user):
    client.force_login(cast[user])
    assert client.get(URL).status_code == 403
    assert override(client).status_code == 403
    assert not StatusOverride.objects.exists()
    page = client.get(f"/ke-hoach/{SLUG}/chi-tieu/2025.19/").content.decode()
    assert 'id="dieu-chinh-tinh-trang"' not in page  # no form to fill either


def test_a_reviewer_overrides_with_a_reason_kept_with_who_and_when(reviewer, imported):
    assert reviewer.get(URL).status_code == 200
    page = reviewer.get(f"/ke-hoach/{SLUG}/chi-tieu/2025.19/").content.decode()
    assert 'id="dieu-chinh-tinh-trang"' in page and 'name="reason"' in page
    assert override(reviewer)["Location"] == f"/ke-hoach/{SLUG}/chi-tieu/2025.19/"
    saved = StatusOverride.objects.get()
    assert (saved.target.code, saved.year, saved.status, saved.computed_status) == ("2025.19", 2026, "met", "not_met")
    assert saved.reason == REASON and saved.by.username == "vanphong" and saved.at and saved.is_current


def test_a_reason_is_required_and_what_was_typed_stays(reviewer, imported):
    response = override(reviewer, reason="   ")
    assert response.status_code == 422
    assert "Cần ghi lý do điều chỉnh." in response.content.decode()
    response = override(reviewer, status="khong-co", reason="Lý do vẫn còn.")
    assert response.status_code == 422 and "Lý do vẫn còn." in response.content.decode()
    assert not StatusOverride.objects.exists()


def test_it_is_shown_beside_the_computed_status_everywhere(client, cast, reviewer, imported):
    dashboard = f"/bang-dieu-khien/{SLUG}/2026/"
    before = reviewer.get(dashboard).content.decode()  # and cached: the override must reach the page at once
    assert "Văn phòng huyện điều chỉnh" not in row(before, "2025.19")
    override(reviewer)
    for html in [row(reviewer.get(dashboard).content.decode(), "2025.19"),
                 reviewer.get(f"/ke-hoach/{SLUG}/chi-tieu/2025.19/").content.decode(),
                 row(client.get(f"/cong-khai/{SLUG}/").content.decode(), "2025.19")]:  # fmt: skip
        assert "status-not_met" in html and "Không đạt" in html and "(tính theo số liệu)" in html
        assert "Văn phòng huyện điều chỉnh:" in html and "status-met" in html and REASON in html
        assert "Nguyễn Thị Thẩm Định" in html
    after = reviewer.get(dashboard).content.decode()  # the counts take the override
    assert count(after, "met") == count(before, "met") + 1 and count(after, "not_met") == count(before, "not_met") - 1
    assert 'id="dem-dieu-chinh"' not in before  # the counts say which of them are the reviewer's (browser pass 40)
    assert ("(trong đó 1 chỉ tiêu được đếm theo tình trạng Văn phòng huyện điều chỉnh, không theo tình trạng tính "
            "theo số liệu)") in after  # fmt: skip
    assert 'id="ct-2025.19"' in reviewer.get(f"{dashboard}?status=met").content.decode()
    api = client.get(f"/api/plans/{SLUG}/progress/?year=2026").json()
    bhyt = next(t for t in api["targets"] if t["code"] == "2025.19")
    assert bhyt["status"] == "not_met" and bhyt["override"]["status"] == "met"
    assert bhyt["override"]["reason"] == REASON and bhyt["override"]["by"] == "Nguyễn Thị Thẩm Định"
    assert bhyt["override"]["year"] == 2026 and bhyt["override"]["at"].startswith("2026-")
    csv = client.get(f"/api/plans/{SLUG}/progress/?year=2026&format=csv").content.decode("utf-8-sig")
    assert "override_reason" in csv.splitlines()[0] and REASON in csv
    sheet = pd.read_excel(io.BytesIO(reviewer.get(f"{dashboard}chi-tieu.xlsx").content), dtype={"Mã": str})
    line = sheet[sheet["Mã"] == "2025.19"].iloc[0]
    assert (line["Tình trạng"], line["Văn phòng huyện điều chỉnh"]) == ("Không đạt", "Đạt")
    assert line["Lý do điều chỉnh"] == REASON and line["Người điều chỉnh"] == "Nguyễn Thị Thẩm Định"
    data = gather(ConsolidatedReport.request(imported, 2026))
    table = next(p for p in build_document(data).body if p.kind == "table" and p.headers[0] == "Mã")
    cell = next(r for r in table.rows if r[0] == "2025.19")[-1]
    assert cell.startswith("Không đạt.") and f"Văn phòng huyện điều chỉnh: Đạt – {REASON.rstrip('.')}" in cell
    # the consolidated report's workbook too (browser pass 39: its targets sheet had no word of the override)
    sheet = pd.read_excel(io.BytesIO(consolidated_workbook(data)), sheet_name="Chỉ tiêu", header=1, dtype={"Mã": str})
    line = sheet[sheet["Mã"] == "2025.19"].iloc[0]
    assert line["Tình trạng"] == "Không đạt" and line["Giải thích"].endswith(cell.removeprefix("Không đạt. "))
    assert f"Văn phòng huyện điều chỉnh: Đạt – {REASON.rstrip('.')} (Nguyễn Thị Thẩm Định, 20/11/2026)." in cell
    assert not sheet[sheet["Mã"] != "2025.19"]["Giải thích"].str.contains("điều chỉnh:").any()


def test_a_new_override_supersedes_and_the_history_stays(reviewer, imported):
    override(reviewer)
    override(reviewer, status="not_met", reason="Chờ số liệu chính thức của BHXH tỉnh.")
    override(reviewer, status="", reason="Đã có số liệu chính thức, dùng lại tình trạng tính theo số liệu.")
    rows = list(StatusOverride.objects.order_by("pk"))
    assert [(o.status, o.is_current) for o in rows] == [("met", False), ("not_met", False), ("", True)]
    page = reviewer.get(f"/ke-hoach/{SLUG}/chi-tieu/2025.19/").content.decode()
    history = page[page.index('id="lich-su-dieu-chinh"') :]
    assert REASON in history and "Chờ số liệu chính thức" in history and "Bỏ điều chỉnh" in history
    assert "Văn phòng huyện điều chỉnh:" not in row(reviewer.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode(),
                                                    "2025.19")  # fmt: skip
    response = override(reviewer, status="", reason="Bỏ lần nữa.")
    assert response.status_code == 422 and "không có gì để bỏ" in response.content.decode()


def test_a_passed_milestones_override_stands_in_later_years_a_pace_does_not(client, reviewer, imported):
    override(reviewer)  # 2025.19: its 2025 milestone judged once
    override(reviewer, status="acceleration_needed", reason="Số liệu 2026 ước thấp.",
             url=f"/ke-hoach/{SLUG}/chi-tieu/2030.03/dieu-chinh-tinh-trang/")  # fmt: skip
    with on("2027-02-01"):  # 2027 is judged once it has come (a year still to come is refused)
        later = {t["code"]: t for t in client.get(f"/api/plans/{SLUG}/progress/?year=2027").json()["targets"]}
    assert later["2025.19"]["override"]["status"] == "met" and later["2025.19"]["override"]["year"] == 2026
    assert later["2030.03"]["override"] is None
    earlier = {t["code"]: t for t in client.get(f"/api/plans/{SLUG}/progress/?year=2025").json()["targets"]}
    assert earlier["2025.19"]["override"] is None


FORMULAS = ['=HYPERLINK("http://x","lý do")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0"]


@pytest.mark.parametrize("reason", FORMULAS)
def test_a_reason_written_as_a_formula_stays_text_in_the_csv_and_the_workbook(client, reviewer, imported, reason):
    """Issue 17, item 7: the public CSV (no login) and the dashboard's workbook never hand a spreadsheet a formula."""
    assert override(reviewer, reason=reason).status_code == 302
    assert StatusOverride.objects.get().reason == reason  # kept as typed; only the export neutralises it
    response = client.get(f"/api/plans/{SLUG}/progress/?year=2026&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    bhyt = next(r for r in rows if r["code"] == "2025.19")
    assert bhyt["override_reason"] == "'" + reason  # OWASP: a leading quote, shown as text
    for r in rows:  # no cell of the file starts a formula
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in r.values()), r
    book = load_workbook(io.BytesIO(reviewer.get(f"/bang-dieu-khien/{SLUG}/2026/chi-tieu.xlsx").content))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == reason]
    assert cells and all(c.data_type == "s" for c in cells)  # text, as typed: Excel runs nothing


def test_csv_cells_neutralise_every_formula_start_and_keep_numbers():
    assert [csv_cell(v) for v in ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "lý do", "", "2020: -5"]] == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1", "lý do", "", "2020: -5"
    ]  # fmt: skip
    assert [csv_cell(v) for v in [-5, -0.25, None, 0]] == [-5, -0.25, None, 0]


def options(html: str, name: str) -> list[tuple[str, str, str]]:
    """(group, value, label) of each option of the form's select `name`; group "" outside an optgroup."""
    form = html[html.index('id="dieu-chinh-tinh-trang"') :]
    select = form.split(f'name="{name}"')[1].split("</select>")[0]
    found, group = [], ""
    for tag in re.finditer(
        r'<optgroup label="([^"]*)">|</optgroup>|<option value="([^"]*)"[^>]*>([^<]*)</option>', select
    ):
        if tag.group(0).startswith("<optgroup"):
            group = tag.group(1)
        elif tag.group(0) == "</optgroup>":
            group = ""
        else:
            found.append((group, tag.group(2), tag.group(3).strip()))
    return found


def test_the_form_offers_only_years_and_statuses_a_reviewer_can_judge(client, cast, imported):
    """Tester, 06/12/2026: the year list ran to 2045, and a passed milestone offered mid-course statuses."""
    with time_machine.travel(datetime.datetime(2026, 12, 6, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        reviewer = client
        reviewer.force_login(cast["vanphong"])
        passed = reviewer.get(f"/ke-hoach/{SLUG}/chi-tieu/2025.01/").content.decode()
        years = [int(value) for _, value, _ in options(passed, "year")]
        assert years == list(range(imported.period_start, 2027))  # the plan's first year to this one, no later
        statuses = options(passed, "status")
        from_milestone = [(value, label) for group, value, label in statuses if group.startswith("Năm 2025 trở đi")]
        assert from_milestone == [("met", "Đạt"), ("not_met", "Không đạt")]
        before = [label for group, _, label in statuses if group.startswith("Các năm trước 2025")]
        assert before == ["Đạt", "Đúng tiến độ", "Cần đẩy nhanh", "Chậm", "Đi xuống"]  # never "Không đạt" early
        ahead = options(reviewer.get(f"/ke-hoach/{SLUG}/chi-tieu/2030.03/").content.decode(), "status")
        assert [label for _, _, label in ahead][1:] == ["Đạt", "Đúng tiến độ", "Cần đẩy nhanh", "Chậm", "Đi xuống"]

        url = f"/ke-hoach/{SLUG}/chi-tieu/2025.01/dieu-chinh-tinh-trang/"
        response = override(reviewer, status="met", reason="Lý do cho năm sau.", year=2027, url=url)
        html = response.content.decode()
        assert response.status_code == 422 and "Chỉ điều chỉnh được tình trạng của các năm từ" in html
        assert "Lý do cho năm sau." in html
        response = override(reviewer, status="on_track", reason="Lý do giữa kỳ.", year=2026, url=url)
        html = response.content.decode()
        assert response.status_code == 422 and "chỉ chọn “Đạt” hoặc “Không đạt”" in html
        assert "Lý do giữa kỳ." in html and '<option value="2026" selected>' in html
        ahead_url = f"/ke-hoach/{SLUG}/chi-tieu/2030.03/dieu-chinh-tinh-trang/"
        response = override(reviewer, status="not_met", reason="Chưa đến mốc.", year=2026, url=ahead_url)
        assert response.status_code == 422 and "Chọn một tình trạng trong danh sách." in response.content.decode()
        response = override(reviewer, status="not_met", reason="Trước năm mốc.", year=2024, url=url)
        assert response.status_code == 422 and "Năm 2024 chưa đến năm mốc 2025: chưa thể “Không đạt”" in (
            response.content.decode()
        )
        assert not StatusOverride.objects.exists()
        # a year before the milestone still takes its pace; the milestone's year, its judgement
        assert (
            override(reviewer, status="limited", reason="Số liệu 2024 ước thấp.", year=2024, url=url).status_code == 302
        )
        assert (
            override(reviewer, status="not_met", reason="Số liệu 2025 chính thức.", year=2026, url=url).status_code
            == 302
        )
    assert sorted(StatusOverride.objects.values_list("year", "status")) == [(2024, "limited"), (2026, "not_met")]
