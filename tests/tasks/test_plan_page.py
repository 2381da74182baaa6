"""The plan at a glance: every part, target and task of the plan, with its agencies."""

from django.core.management import call_command
from django.utils.html import escape

from agencies.models import Agency
from tests.conftest import DATA

SLUG = "binh-son-ctdt-2021-2030"


def test_it_renders_every_target_and_task(client, cast, plan):
    client.force_login(cast["canbo.binhan"])
    page = client.get(f"/ke-hoach/{SLUG}/").content.decode()
    for target in plan.targets.all():
        assert f'id="chi-tieu-{target.code}"' in page
        assert escape(target.statement) in page
        assert escape(target.name) in page
    for section in plan.sections.all():
        assert f'id="muc-{section.code}"' in page
        for paragraph in section.content.splitlines():
            assert escape(paragraph) in page, section.code
        assert escape(section.lead_text) in page
        assert escape(section.coordinating_text) in page
    assert (
        page.index('id="muc-I"')
        < page.index('id="muc-II"')
        < page.index('id="muc-III"')
        < page.index('id="muc-IV"')
        < page.index('id="muc-V"')
    )


def test_it_shows_targets_the_vietnamese_way(client, cast, plan):
    client.force_login(cast["lanhdao"])
    page = client.get(f"/ke-hoach/{SLUG}/").content.decode()
    assert "4–4,5 điểm %/năm" in page
    assert "&gt; 0,69 chỉ số" in page
    assert "≥ 95%" in page
    assert "08/08/2022" in page
    assert "trước ngày 05/12 hằng năm" in page
    assert "2021–2030" in page and "2.021" not in page


def test_it_shows_per_item_leads(client, cast, plan):
    client.force_login(cast["lanhdao"])
    page = client.get(f"/ke-hoach/{SLUG}/").content.decode()
    item = page[page.index('id="muc-III.2.d.3"') : page.index('id="muc-III.2.d.4"')]
    assert "Trung tâm Y tế" in item and "/co-quan/TTYT/" in item
    inherited = page[page.index('id="muc-III.2.a.2"') : page.index('id="muc-III.2.a.3"')]
    assert "Phòng NN&amp;PTNT (theo mục trên)" in inherited


def test_it_runs_the_same_queries_for_any_plan_size(client, cast, plan, django_assert_num_queries):
    client.force_login(cast["lanhdao"])
    call_command("load_plan", str(DATA / "tiny_plan.yaml"), stdout=open("/dev/null", "w"))
    # 8 for the page (one of them the reorganisations, none here), 1 for the menu's province link (the viewer's
    # plan roles: province.context_processors), 1 for the year's issuer (the bodies the reporting rules name); the
    # session is not written (issue 20: at most every five minutes).
    with django_assert_num_queries(10):
        assert client.get(f"/ke-hoach/{SLUG}/").status_code == 200
    with django_assert_num_queries(10):
        assert client.get("/ke-hoach/tra-bong-thu-nghiem/").status_code == 200


def test_home_lists_plans_when_there_are_several(client, cast, plan):
    client.force_login(cast["lanhdao"])  # leadership: every plan (staff see only those where their agency has a part)
    assert client.get("/ke-hoach/").status_code == 200
    call_command("load_plan", str(DATA / "tiny_plan.yaml"), stdout=open("/dev/null", "w"))
    page = client.get("/ke-hoach/").content.decode()
    assert "Thử nghiệm nạp kế hoạch của một huyện khác" in page and f"/ke-hoach/{SLUG}/" in page


def test_every_agency_named_in_part_three_has_a_page_of_its_tasks(client, cast, plan):
    client.force_login(cast["canbo.ldtbxh"])
    named = Agency.objects.filter(assignments__section__code__startswith="III").distinct()
    assert named.count() == 22
    for agency in named:
        page = client.get(f"/co-quan/{agency.code}/").content.decode()
        assert escape(agency.name) in page
        for section in plan.sections.led_by(agency):
            assert f"#muc-{section.code}" in page, (agency.code, section.code)
        for section in plan.sections.coordinated_by(agency):
            assert f"#muc-{section.code}" in page, (agency.code, section.code)


def test_an_agency_page_lists_its_targets(client, cast, plan):
    client.force_login(cast["canbo.gddt"])
    page = client.get("/co-quan/GDDT/").content.decode()
    assert "Nhiệm vụ chủ trì tham mưu (7)" in page  # III.2.d.2, and III.3.a with its five items
    for code in ["2025.05", "2025.12", "2025.16"]:
        assert f"/chi-tieu/{code}/" in page
    assert "Chỉ tiêu phụ trách (6)" in page


def test_the_agency_page_runs_a_constant_number_of_queries(client, cast, plan, django_assert_num_queries):
    client.force_login(cast["lanhdao"])
    # 8 (one the reorganisations, none here), 1 for the menu's province link; the session is not written
    with django_assert_num_queries(9):
        client.get("/co-quan/KTHT/")
    with django_assert_num_queries(9):
        client.get("/co-quan/BDT-TINH/")


def test_the_target_page_explains_the_target(client, cast, plan):
    client.force_login(cast["lanhdao"])
    target = plan.targets.get(code="2025.01")
    target.values.create(year=2024, value="1250000.5", source="Nhập thử")
    page = client.get("/ke-hoach/binh-son-ctdt-2021-2030/chi-tieu/2025.01/").content.decode()
    assert escape(target.statement) in page
    assert "Gấp số lần so với năm gốc" in page and "&gt; 2 lần" in page
    assert "1.250.000,5" in page and "2024" in page
    sub = client.get("/ke-hoach/binh-son-ctdt-2021-2030/chi-tieu/2030.08/").content.decode()
    assert "/chi-tieu/2030.08.1/" in sub
