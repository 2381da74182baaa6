"""The open-data API: public, read-only JSON of plans, agencies, targets and tasks."""

import pytest
from django.utils import timezone

from tests.conftest import DATA

SLUG = "binh-son-ctdt-2021-2030"


def find(tasks, code):
    for task in tasks:
        if task["code"] == code:
            return task
        found = find(task["children"], code)
        if found:
            return found
    return None


def test_it_lists_the_plans(client, plan):
    data = client.get("/api/plans/").json()
    assert [p["slug"] for p in data] == [SLUG]
    assert data[0]["report_due"] == {"day": 5, "month": 12}
    assert data[0]["url"] == f"http://testserver/api/plans/{SLUG}/"


def test_the_plan_has_its_metadata_agencies_targets_and_tasks(client, plan):
    data = client.get(f"/api/plans/{SLUG}/").json()
    assert data["title"].startswith("Triển khai thực hiện Chiến lược công tác dân tộc")
    assert data["issued_on"] == "2022-08-08"
    assert data["signer"] == {
        "authority": "KT. CHỦ TỊCH",
        "position": "PHÓ CHỦ TỊCH",
        "name": "Phạm Quang Sự",
    }
    assert (data["period_start"], data["period_end"], data["vision_year"]) == (2021, 2030, 2045)
    assert data["reports_to"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert {"code": "UBND-BK", "name": "Ủy ban nhân dân xã Bình Khương", "short_name": "UBND xã Bình Khương",
            "kind": "commune", "is_active": True, "ended_on": None, "successors": [],
            "predecessors": []} in data["agencies"]  # fmt: skip
    assert data["year"] is None and data["as_of"] == timezone.localdate().isoformat()
    assert len(data["agencies"]) == 24 and len(data["targets"]) == 52


def test_targets_carry_their_structure(client, plan):
    targets = {t["code"]: t for t in client.get(f"/api/plans/{SLUG}/").json()["targets"]}
    assert targets["2025.02"] == {
        "code": "2025.02",
        "horizon": 2025,
        "statement": "Tỷ lệ hộ nghèo trong đồng bào dân tộc thiểu số mỗi năm giảm từ 4- 4,5%.",
        "name": "Giảm tỷ lệ hộ nghèo DTTS hằng năm",
        "unit": "điểm %/năm",
        "kind": "annual_change",
        "comparison": "range",
        "value": 4,
        "value_max": 4.5,
        "direction": "lower",
        "baseline_year": None,
        "period_start": 2021,
        "measured_unit": "%",  # judged on the poverty rate, the series it shares with 2030.03 and 2045.02
        "reference": None,
        "indicator": "ty-le-ho-ngheo-dtts",
        "natural_limit": None,
        "section": "II.2.a",
        "parent": None,
        "responsible_agency": "LDTBXH",
        "owner": "LDTBXH",  # who answers for it on the answer's date (`as_of`): no reorganisation here
    }
    assert targets["2030.06"]["value"] == 0.69
    assert targets["2030.08.1"]["parent"] == "2030.08"
    assert targets["2045.03"]["kind"] == "qualitative" and targets["2045.03"]["value"] is None


def test_tasks_are_a_tree_in_document_order_with_agency_codes(client, plan):
    tasks = client.get(f"/api/plans/{SLUG}/").json()["tasks"]
    assert [t["code"] for t in tasks] == ["III.1", "III.2", "III.3", "III.4", "III.5", "III.6"]
    culture = find(tasks, "III.3")
    assert [c["code"] for c in culture["children"]] == [f"III.3.{x}" for x in "abcdđeg"]
    assert find(tasks, "III.1")["lead_agencies"] == ["VPH"]
    assert find(tasks, "III.1")["coordinating_agencies"] == ["TCNV", "UBND-BA", "UBND-BK"]
    infrastructure = find(tasks, "III.2.d")
    assert infrastructure["lead_agencies"] == []
    assert [c["lead_agencies"] for c in infrastructure["children"]] == [
        ["KTHT"],
        ["GDDT"],
        ["TTYT"],
        ["VHTT"],
        ["NNPTNT"],
        ["KTHT"],
        ["VHTT"],
        ["KTHT"],
    ]
    assert find(tasks, "III.2.a.3")["lead_agencies"] == ["NNPTNT"]  # inherited from III.2.a
    assert find(tasks, "III.4")["lead_agencies"] == ["CAH", "BCHQS"]
    assert set(find(tasks, "III.2.a")) == {
        "code", "number", "title", "content", "lead_agencies", "leads", "coordinating_agencies",
        "lead_agencies_in_plan", "coordinating_agencies_in_plan", "lead_text", "coordinating_text", "children",
    }  # fmt: skip


def test_an_unknown_plan_is_a_json_404(client, plan):
    response = client.get("/api/plans/khong-co/")
    assert response.status_code == 404
    assert response.json() == {"error": "Không tìm thấy kế hoạch."}


def test_it_is_read_only(client, plan):
    assert client.post(f"/api/plans/{SLUG}/").status_code == 405
    assert client.delete("/api/plans/").status_code == 405


@pytest.mark.parametrize("url", ["/api/plans/", f"/api/plans/{SLUG}/"])
def test_it_runs_a_constant_number_of_queries(client, plan, django_assert_num_queries, tmp_path, url):
    from django.core.management import call_command

    # plan, targets, sections, assignments, agencies, and the reorganisations (none: their links are not read)
    with django_assert_num_queries(1 if url == "/api/plans/" else 6):
        client.get(url)
    call_command("load_plan", str(DATA / "tiny_plan.yaml"), stdout=open("/dev/null", "w"))
    with django_assert_num_queries(1 if url == "/api/plans/" else 6):
        client.get(url)
    with django_assert_num_queries(6):
        client.get("/api/plans/tra-bong-thu-nghiem/")
