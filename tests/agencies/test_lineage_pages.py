"""Agency pages, the plan page and the open-data API show each agency's lineage (the illustrative file
tests/data/sap_xep_minh_hoa.yaml), and the API, for `?year=`, who led and coordinated each task that year."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils.html import escape

from tests.conftest import DATA, SLUG
from tests.tasks.test_api import find


@pytest.fixture
def reorganised(plan):
    call_command("load_reorganisation", str(DATA / "sap_xep_minh_hoa.yaml"), stdout=io.StringIO())
    return plan


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_merged_commune_says_what_it_became_and_keeps_its_last_tasks(client, cast, reorganised):
    client.force_login(cast["lanhdao"])
    html = page(client, "/co-quan/UBND-BA/")
    status = html[html.index('id="da-sap-xep"') :].split("</strong>")[0]
    assert "Đã sáp nhập vào" in status and "từ ngày 01/07/2025" in status
    assert '<a href="/co-quan/UBND-BAK-MH/">Ủy ban nhân dân xã Bình An Khương (minh họa)</a>' in status
    assert "Nhiệm vụ và chỉ tiêu của đơn vị đến ngày 30/06/2025" in html
    assert "Nhiệm vụ phối hợp (41)" in html and "#muc-III.3.g" in html  # what it coordinated on its last day
    assert "Căn cứ: Nghị quyết số …/NQ-UBTVQH15" in html


def test_the_new_commune_says_what_it_took_over(client, cast, reorganised):
    client.force_login(cast["canbo.binhan"])  # now a member of the new commune
    html = page(client, "/co-quan/UBND-BAK-MH/")
    history = html[html.index('id="qua-trinh-sap-xep"') :].split("</ul>")[0]
    assert "Tiếp nhận" in history and "(sáp nhập) từ ngày 01/07/2025" in history
    assert '<a href="/co-quan/UBND-BA/">Ủy ban nhân dân xã Bình An</a>' in history
    assert "Tiếp nhận từ <a" in history and "(chia tách, chuyển giao" not in history
    assert "(chia tách) từ ngày 01/07/2025: nhiệm vụ III.2.d.5, chỉ tiêu 2025.09" in history
    assert "(chuyển giao nhiệm vụ, chỉ tiêu) từ ngày 01/07/2025: nhiệm vụ III.2.d.1, chỉ tiêu 2025.04" in history
    assert "Nhiệm vụ chủ trì tham mưu (2)" in html and "Chỉ tiêu phụ trách (2)" in html


def test_the_split_office_and_the_list_name_their_successors(client, cast, reorganised):
    client.force_login(cast["vanphong"])
    html = page(client, "/co-quan/NNPTNT/")
    assert "Đã chia tách thành" in html and "/co-quan/SNNMT-MH/" in html and "/co-quan/UBND-BAK-MH/" in html
    html = page(client, "/co-quan/KTHT/")  # still there, minus what it handed over
    assert "Từ ngày 01/07/2025 chuyển giao cho" in html and "nhiệm vụ III.2.d.1, chỉ tiêu 2025.04" in html
    assert 'id="da-sap-xep"' not in html
    listing = page(client, "/co-quan/")
    row = listing[listing.index(">Phòng Văn hóa và Thông tin<") :].split("</tr>")[0]
    assert "Đã đổi tên thành" in row and escape("Phòng Văn hóa, Khoa học và Thông tin (minh họa)") in row


def test_the_plan_page_shows_todays_agencies_beside_the_plans_text(client, cast, reorganised):
    client.force_login(cast["lanhdao"])
    html = page(client, f"/ke-hoach/{SLUG}/")
    area = html[html.index('id="muc-III.2.a"') : html.index('id="muc-III.2.a.1"')]
    assert "Phòng Nông nghiệp và Phát triển nông thôn" in area  # the plan's own words
    assert "Sở NN&amp;MT (minh họa)" in area and "(thay Phòng NN&amp;PTNT từ 01/07/2025)" in area
    # as read aloud or copied: a space between the agency and what it replaces (third browser pass)
    text = " ".join(re.sub(r"<[^>]+>", "", area).split())
    assert "Sở NN&amp;MT (minh họa) (thay Phòng NN&amp;PTNT từ 01/07/2025)" in text
    row = html[html.index('id="chi-tieu-2025.09"') :].split("</tr>")[0]
    assert "/co-quan/UBND-BAK-MH/" in row and "thay Phòng NN&amp;PTNT" in row


def test_the_plan_page_stays_a_fixed_number_of_queries(client, cast, reorganised, django_assert_num_queries):
    client.force_login(cast["lanhdao"])
    # 8 as without reorganisations, 3 for their links, 1 for the menu's province link, 1 for the year's issuer (the
    # bodies the reporting rules name); the session is not written (issue 20: at most every five minutes, and the
    # login started its clock)
    with django_assert_num_queries(13):
        assert client.get(f"/ke-hoach/{SLUG}/").status_code == 200


def test_the_agency_page_stays_a_fixed_number_of_queries(client, cast, reorganised, django_assert_num_queries):
    client.force_login(cast["lanhdao"])
    # 7 as before, the reorganisations (4), the agencies they name (1), 1 for the menu's province link (the viewer's
    # plan roles); the session is not written (issue 20)
    for code in ["UBND-BA", "UBND-BAK-MH", "GDDT"]:
        with django_assert_num_queries(13):
            client.get(f"/co-quan/{code}/")


def test_the_api_gives_each_agencys_lineage(client, reorganised):
    agencies = {a["code"]: a for a in client.get(f"/api/plans/{SLUG}/").json()["agencies"]}
    assert agencies["UBND-BA"]["is_active"] is False and agencies["UBND-BA"]["ended_on"] == "2025-07-01"
    assert agencies["UBND-BA"]["successors"] == [
        {"reorganisation": "mh-2025-hop-nhat-xa", "kind": "merge", "effective_on": "2025-07-01",
         "legal_basis": "Nghị quyết số …/NQ-UBTVQH15 về sắp xếp đơn vị hành chính cấp xã (số hiệu minh họa)",
         "successors": ["UBND-BAK-MH"], "moved": []}
    ]  # fmt: skip
    commune = agencies["UBND-BAK-MH"]  # not named in the plan: listed because a reorganisation names it
    assert commune["is_active"] is True and commune["ended_on"] is None and commune["successors"] == []
    assert [(p["kind"], p["predecessors"], p["moved"]) for p in commune["predecessors"]] == [
        ("merge", ["UBND-BA", "UBND-BK"], []),
        ("split", ["NNPTNT"], ["nhiệm vụ III.2.d.5", "chỉ tiêu 2025.09"]),
        ("transfer", ["KTHT"], ["nhiệm vụ III.2.d.1", "chỉ tiêu 2025.04"]),
    ]
    assert agencies["KTHT"]["is_active"] is True and agencies["KTHT"]["ended_on"] is None


def test_the_api_gives_who_led_and_coordinated_each_task_in_a_year(client, reorganised):
    def year(y):
        data = client.get(f"/api/plans/{SLUG}/?year={y}").json()
        return data, data["tasks"], {t["code"]: t["owner"] for t in data["targets"]}

    data, tasks, owners = year(2024)
    assert (data["year"], data["as_of"]) == (2024, "2024-12-05")
    assert find(tasks, "III.2.a")["lead_agencies"] == ["NNPTNT"]
    assert find(tasks, "III.1")["coordinating_agencies"] == ["TCNV", "UBND-BA", "UBND-BK"]
    assert owners["2025.09"] == "NNPTNT"
    data, tasks, owners = year(2026)
    assert (data["year"], data["as_of"]) == (2026, "2026-12-05")
    assert find(tasks, "III.2.a")["lead_agencies"] == ["SNNMT-MH"]
    assert find(tasks, "III.2.a")["lead_agencies_in_plan"] == ["NNPTNT"]
    assert find(tasks, "III.2.a.3")["lead_agencies"] == ["SNNMT-MH"]  # inherited, as the plan says
    assert find(tasks, "III.1")["coordinating_agencies"] == ["TCNV", "UBND-BAK-MH"]
    assert find(tasks, "III.1")["coordinating_agencies_in_plan"] == ["TCNV", "UBND-BA", "UBND-BK"]
    assert owners["2025.09"] == "UBND-BAK-MH" and owners["2025.07"] == "SNNMT-MH"
    target = next(t for t in data["targets"] if t["code"] == "2025.09")
    assert target["responsible_agency"] == "NNPTNT"  # the plan's own text is kept


@pytest.mark.parametrize("year", ["2019", "2046", "abc", "２０２６"])
def test_the_api_refuses_a_year_outside_the_plan(client, plan, year):
    response = client.get(f"/api/plans/{SLUG}/?year={year}")
    assert response.status_code == 400
    assert response.json() == {"error": "Năm phải từ 2021 đến 2045."}


def test_the_api_stays_a_fixed_number_of_queries(client, reorganised, django_assert_num_queries):
    # plan, targets, sections, assignments, agencies, and the reorganisations (4)
    for url in [f"/api/plans/{SLUG}/", f"/api/plans/{SLUG}/?year=2024", f"/api/plans/{SLUG}/?year=2026"]:
        with django_assert_num_queries(9):
            client.get(url)
