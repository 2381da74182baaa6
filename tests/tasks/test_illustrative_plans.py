"""The two illustrative plans shipped beside Bình Sơn's (binhson_plan/plans/minh_hoa_*.yaml): they load whole, share
agencies with Bình Sơn's plan without changing them, and say "(minh họa)" wherever the plan shows."""

from pathlib import Path

import pytest
from django.core.management import call_command

from agencies.models import Agency
from targets.plan_file import read_plan_file
from tasks.models import Plan
from tests.reports.helpers import on

PLANS = Path(__file__).resolve().parents[2] / "binhson_plan" / "plans"
FILES = sorted(PLANS.glob("minh_hoa_*.yaml"))
INDICATORS = {"ty-le-ho-ngheo-dtts", "thu-nhap-dtts", "nuoc-sach", "bhyt-dtts", "lao-dong-qua-dao-tao"}
MARK = "(minh họa)"


def load(path) -> Plan:
    call_command("load_plan", str(path), stdout=open("/dev/null", "w"))
    return Plan.objects.get(slug=read_plan_file(path).plan["slug"])


@pytest.fixture
def illustrative(plan):
    """Bình Sơn's plan (the `plan` fixture) and the two illustrative ones, loaded."""
    return [load(path) for path in FILES]


def test_two_illustrative_plans_are_shipped_and_say_so_in_their_first_line():
    assert len(FILES) == 2
    for path in FILES:
        assert "TỆP MINH HỌA — KHÔNG PHẢI KẾ HOẠCH THẬT" in path.read_text(encoding="utf-8").splitlines()[1]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_loads_whole_every_agency_section_and_target(plan, path):
    data = read_plan_file(path)  # raises with every problem if the file is not valid
    loaded = load(path)
    assert loaded.is_illustrative and data.plan["illustrative"] is True
    assert set(loaded.agencies.values_list("code", flat=True)) == {a["code"] for a in data.agencies}
    assert set(loaded.sections.filter(is_active=True).values_list("code", flat=True)) == {s.code for s in data.sections}
    assert list(loaded.targets.filter(is_active=True).order_by("position").values_list("code", flat=True)) == [
        t["code"] for t in data.targets
    ]
    assert [s.number for s in data.sections if s.parent_code is None] == ["I", "II", "III", "IV", "V"]
    tasks = [s for s in data.sections if s.code.startswith("III.") and s.leads]
    assert 8 <= len(tasks) <= 15 and all(s.coordinating or _inherits(s, data) for s in tasks)
    assert 10 <= len(data.targets) <= 15
    assert {t["horizon"] for t in data.targets} == {2025, 2030, 2045}
    numeric = [t for t in data.targets if t["kind"] != "qualitative"]
    assert all(t.get("unit") and t.get("direction") for t in numeric)
    assert any(t.get("baseline_year") or t.get("period_start") for t in numeric)  # a baseline or a period start
    assert {t["indicator"] for t in data.targets if t.get("indicator")} <= INDICATORS
    assert len({t["indicator"] for t in data.targets if t.get("indicator")}) >= 4
    loading_again = load(path)  # loading twice changes nothing
    assert loading_again.pk == loaded.pk


def _inherits(section, data) -> bool:
    parents = {s.code: s for s in data.sections}
    parent = parents.get(section.parent_code)
    return bool(parent and (parent.coordinating or _inherits(parent, data)))


def test_their_shared_agencies_are_bình_sơns_unchanged_and_one_has_a_part_in_two_plans(plan, illustrative):
    before = {a.code: (a.name, a.short_name, a.symbol, a.kind) for a in plan.agencies.all()}
    shared = set(before) & {code for p in illustrative for code in p.agencies.values_list("code", flat=True)}
    assert {"BDT-TINH", "UBND-BK"} <= shared
    for path in [PLANS / "binh_son.yaml", *FILES]:
        load(path)
    after = {a.code: (a.name, a.short_name, a.symbol, a.kind) for a in Agency.objects.filter(code__in=before)}
    assert after == before  # loading any of the three files names the shared agencies alike
    for code, expected_plans in (("BDT-TINH", 2), ("UBND-BK", 2)):
        agency = Agency.objects.get(code=code)
        with_a_part = {a.section.plan_id for a in agency.assignments.select_related("section") if a.section.is_active}
        assert len(with_a_part) == expected_plans, code


def test_the_plan_list_and_page_say_minh_hoa_and_bình_sơn_does_not(client, cast, plan, illustrative):
    client.force_login(cast["lanhdao"])
    listing = client.get("/ke-hoach/").content.decode()
    for p in illustrative:
        assert str(p).endswith(MARK) and p.display_title.endswith(MARK)
        assert f"Kế hoạch {p.title} {MARK}" in listing
        page = client.get(f"/ke-hoach/{p.slug}/").content.decode()
        assert f'<h1 class="h3">Kế hoạch {p.title} {MARK}</h1>' in page
        assert MARK in page.split("</title>")[0]
    assert MARK not in client.get(f"/ke-hoach/{plan.slug}/").content.decode().split("</h1>")[0]
    assert not str(plan).endswith(MARK)


def test_the_api_marks_them(client, plan, illustrative):
    plans = {p["slug"]: p for p in client.get("/api/plans/").json()}
    for p in illustrative:
        assert plans[p.slug]["illustrative"] is True and plans[p.slug]["title"] == f"{p.title} {MARK}"
        assert client.get(f"/api/plans/{p.slug}/").json()["title"].endswith(MARK)
    assert plans[plan.slug]["illustrative"] is False and not plans[plan.slug]["title"].endswith(MARK)


@on("2026-12-06")
def test_the_dashboard_of_each_says_minh_hoa(client, cast, illustrative):
    client.force_login(cast["lanhdao"])
    for p in illustrative:
        response = client.get(f"/bang-dieu-khien/{p.slug}/2026/")
        assert response.status_code == 200
        assert f"Kế hoạch {p.title} {MARK}" in response.content.decode()
