"""Who may open what: every URL, anonymous and every role."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from agencies.models import Agency
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle, open_this_year
from reports.models import AgencyReport, PlanRole, Proposal, ReportingCycle, ReportState
from tasks.models import Plan
from tests.reports.helpers import another_plan, on, post_seen

SLUG = "binh-son-ctdt-2021-2030"
ROLES = ["quantri", "vanphong", "sodantoc", "lanhdao", "canbo.ldtbxh", "canbo.binhan"]

# Every page behind login; each role may read the plan, its agencies and targets.
PAGES = [
    "/",
    "/ke-hoach/",
    f"/ke-hoach/{SLUG}/",
    f"/ke-hoach/{SLUG}/chi-tieu/2025.02/",
    "/co-quan/",
    "/co-quan/KTHT/",
    "/doi-mat-khau/",
    "/doi-mat-khau/xong/",
]
PUBLIC = [
    "/dang-nhap/",
    "/api/plans/",
    f"/api/plans/{SLUG}/",
    "/api/indicators/",
    "/api/indicators/bhyt-dtts/",
    f"/cong-khai/{SLUG}/",
    f"/cong-khai/{SLUG}/bang-so-lieu.xlsx",
]
ADMIN = [
    "/quan-tri/",
    "/quan-tri/targets/target/",
    "/quan-tri/targets/indicator/",
    "/quan-tri/tasks/section/",
    "/quan-tri/agencies/agency/",
    "/quan-tri/agencies/knowndevice/",
]


def route_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from route_names(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_route_is_covered_by_these_tests():
    tested = {"", "ke-hoach/", "ke-hoach/<slug:slug>/", "ke-hoach/<slug:slug>/chi-tieu/<str:code>/", "co-quan/",
              "co-quan/<slug:code>/", "doi-mat-khau/", "doi-mat-khau/xong/", "dang-nhap/", "dang-xuat/",
              "api/plans/", "api/plans/<slug:slug>/", "api/indicators/", "api/indicators/<slug:code>/"}  # fmt: skip
    # A reviewer's override of a target's status: every role in tests/targets/test_status_override.py; the
    # correction of a value: tests/targets/test_history_in_admin.py.
    tested |= {"ke-hoach/<slug:slug>/chi-tieu/<str:code>/dieu-chinh-tinh-trang/",
               "ke-hoach/<slug:slug>/chi-tieu/<str:code>/dinh-chinh/"}  # fmt: skip
    # Report URLs: every role is tested in tests/reports/test_report_access.py.
    tested |= {"bao-cao/", "bao-cao/<int:pk>/", "bao-cao/<int:pk>/in/",
               "bao-cao/<int:pk>/minh-chung/<int:evidence_id>/", "bao-cao/<int:pk>/minh-chung/<int:evidence_id>/xoa/",
               "bao-cao/<int:pk>/duyet/", "bao-cao/<int:pk>/tra-lai/", "bao-cao/<int:pk>/mo-lai/",
               "bao-cao/<int:pk>/kien-nghi/<int:proposal_id>/", "bao-cao/<int:pk>/lich-su/", "tham-dinh/",
               "ky-bao-cao/",
               "ke-hoach/<slug:slug>/tham-dinh/", "ke-hoach/<slug:slug>/ky-bao-cao/",
               "ky-bao-cao/<int:pk>/", "bao-cao/<int:pk>/han-gui/", "tong-hop/<int:pk>/trang-thai/",
               "tong-hop/<int:pk>/tep/<str:kind>/", "tong-hop/<int:pk>/chinh-thuc/"}  # fmt: skip
    # The favicon is public on purpose (every browser asks for it): tests/test_demo_pages.py.
    tested |= {"favicon.ico"}
    # The public page's workbook, public like the page: PUBLIC above and
    # tests/reports/dashboard/test_public_workbook.py.
    tested |= {"cong-khai/<slug:slug>/bang-so-lieu.xlsx"}
    # Dashboard, public page and progress API: tests/reports/dashboard/test_dashboard.py; import: tests/targets/.
    tested |= {"bang-dieu-khien/", "bang-dieu-khien/<slug:slug>/<int:year>/",
               "bang-dieu-khien/<slug:slug>/<int:year>/<slug:table>.xlsx", "nhap-so-lieu/", "cong-khai/<slug:slug>/",
               "ke-hoach/<slug:slug>/nhap-so-lieu/",
               "api/plans/<slug:slug>/progress/"}  # fmt: skip
    # Consolidated report and printing: tests/reports/consolidated/test_consolidated_pages.py and test_consolidated.py.
    tested |= {"tong-hop/", "ke-hoach/<slug:slug>/tong-hop/"}
    # Offline entry in Excel, every role: tests/reports/offline/test_offline_entry.py.
    tested |= {"bao-cao/<int:pk>/excel/", "bao-cao/<int:pk>/excel/tai-len/", "ky-bao-cao/<int:pk>/excel.zip"}
    # The province view and its yearly summary, every role: tests/province/test_overview.py and test_summary.py.
    tested |= {"tinh/", "tinh/bang-tinh.xlsx", "tinh/tong-hop/", "tinh/tong-hop/<int:pk>/tep/<str:kind>/"}
    # A report, a consolidated report and a cycle under their plan: every role × every address in
    # test_every_role_at_every_address_under_the_plan below; the old plan-less addresses above (the roles through
    # their 301) and their 301 itself in test_an_old_address_sends_a_get_on_for_good below.
    tested |= {f"ke-hoach/<slug:slug>/{route}" for route in UNDER_PLAN}
    assert set(route_names(get_resolver().url_patterns)) == tested


@pytest.mark.parametrize("url", PAGES + ADMIN)
def test_it_sends_anonymous_visitors_to_login(client, plan, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].split("?")[0] in {"/dang-nhap/", "/quan-tri/login/"}


@pytest.mark.parametrize("url", PUBLIC)
def test_it_serves_public_pages_without_login(client, plan, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("url", PAGES)
def test_every_role_reads_the_plan(client, cast, username, url):
    client.force_login(cast[username])
    response = client.get(url, follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("url", ADMIN)
def test_only_the_administrator_enters_admin(client, cast, username, url):
    client.force_login(cast[username])
    response = client.get(url)
    if username == "quantri":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"].startswith("/quan-tri/login/")


def test_logout_needs_a_post(client, cast):
    client.force_login(cast["vanphong"])
    assert client.get("/dang-xuat/").status_code == 405
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get(f"/ke-hoach/{SLUG}/").status_code == 302


def test_login_with_a_wrong_password_says_so_in_vietnamese(client, cast):
    response = client.post("/dang-nhap/", {"username": "vanphong", "password": "sai-mat-khau"})
    assert response.status_code == 200
    page = response.content.decode()
    wrong = "Tên đăng nhập hoặc mật khẩu không đúng. Xin gõ lại; tên đăng nhập và mật khẩu đều phân biệt chữ hoa"
    assert f"{wrong} và chữ thường" in page
    assert "Vui lòng điền vào" not in page  # not Django's stock wording
    assert 'value="vanphong"' in page  # what was typed stays


def test_login_with_the_demo_password_lands_on_the_agency_report(client, cast):
    open_this_year()  # the nightly job of the year's first day opened it
    response = client.post("/dang-nhap/", {"username": "canbo.binhan", "password": "binhson-demo"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(f"/ke-hoach/{SLUG}/bao-cao/")
    assert "Báo cáo năm" in response.content.decode() and "Ủy ban nhân dân xã Bình An" in response.content.decode()


def test_unknown_pages_answer_404_in_vietnamese(client, cast):
    client.force_login(cast["lanhdao"])
    for url in [f"/ke-hoach/{SLUG}/chi-tieu/9999.99/", "/co-quan/KHONG-CO/", "/ke-hoach/khong-co/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()


# Two plans: a reviewer is appointed to one plan (vanphong: Bình Sơn's) or to every plan (sodantoc, the Sở).
OTHER = "ke-hoach-khac-minh-hoa"


@pytest.fixture
def plan_b(plan):
    """Plan B with a cycle of 2026, a sent report of Bình An's with a proposal, and a consolidated version."""
    other = another_plan(plan, OTHER, "Kế hoạch khác trên địa bàn huyện Minh Họa")
    day = datetime.date
    cycle = ReportingCycle.objects.create(
        plan=other, year=2026, opens_on=day(2026, 1, 1), due_on=day(2026, 12, 5), data_cutoff=day(2026, 11, 30)
    )
    report = AgencyReport.objects.create(cycle=cycle, agency=Agency.objects.get(code="UBND-BA"),
                                         state=ReportState.SUBMITTED, submitted_at=timezone.now())  # fmt: skip
    proposal = Proposal.objects.create(report=report, text="Đề nghị hỗ trợ kinh phí.")
    consolidated = ConsolidatedReport.request(other, 2026)
    return {"plan": other, "cycle": cycle, "report": report, "proposal": proposal, "consolidated": consolidated}


def plan_pages(b) -> list[str]:
    """Every page of plan B a reviewer or a reader opens (GET)."""
    slug, report, cycle, built = b["plan"].slug, b["report"].pk, b["cycle"].pk, b["consolidated"].pk
    return [f"/ke-hoach/{slug}/tham-dinh/", f"/ke-hoach/{slug}/ky-bao-cao/", f"/ke-hoach/{slug}/nhap-so-lieu/",
            f"/ke-hoach/{slug}/tong-hop/", f"/bang-dieu-khien/{slug}/2026/",
            f"/bang-dieu-khien/{slug}/2026/chi-tieu.xlsx",
            f"/bao-cao/{report}/", f"/ky-bao-cao/{cycle}/", f"/tong-hop/{built}/trang-thai/"]  # fmt: skip


def plan_files(b) -> list[str]:
    report, cycle, built = b["report"].pk, b["cycle"].pk, b["consolidated"].pk
    return [f"/bao-cao/{report}/in/", f"/bao-cao/{report}/excel/", f"/ky-bao-cao/{cycle}/excel.zip",
            f"/tong-hop/{built}/tep/pdf/"]  # fmt: skip


def plan_actions(b) -> list[tuple[str, dict]]:
    """Every reviewer's action on plan B, its report, cycle and consolidated report (POST)."""
    slug, report, cycle, built = b["plan"].slug, b["report"].pk, b["cycle"].pk, b["consolidated"].pk
    return [
        (f"/bao-cao/{report}/duyet/", {}),
        (f"/bao-cao/{report}/tra-lai/", {"reason": "Bổ sung số liệu.", "correction_due_on": "15/12/2026"}),
        (f"/bao-cao/{report}/mo-lai/", {"reason": "Sửa số liệu."}),
        (f"/bao-cao/{report}/han-gui/", {"due_on": "20/12/2026"}),
        (f"/bao-cao/{report}/kien-nghi/{b['proposal'].pk}/", {f"p{b['proposal'].pk}-response": "Đã xem."}),
        (f"/ky-bao-cao/{cycle}/", {"opens_on": "01/01/2026", "due_on": "10/12/2026", "data_cutoff": "30/11/2026"}),
        (f"/ke-hoach/{slug}/ky-bao-cao/", {"year": "2025"}),
        (f"/ke-hoach/{slug}/tong-hop/", {"number": "…/BC-UBND", "report_date": "06/12/2026"}),
        (f"/ke-hoach/{slug}/nhap-so-lieu/", {}),
        (f"/tong-hop/{built}/chinh-thuc/", {}),
    ]


def test_a_reviewer_of_one_plan_cannot_read_review_or_build_for_another(client, cast, plan_b):
    with on("2026-12-06"):
        client.force_login(cast["vanphong"])
        for url in plan_pages(plan_b) + plan_files(plan_b):
            assert client.get(url).status_code in (403, 404), url
        for url, data in plan_actions(plan_b):
            assert client.post(url, data).status_code in (403, 404), url
        plan_b["report"].refresh_from_db()
        assert plan_b["report"].state == ReportState.SUBMITTED and plan_b["report"].due_on is None
        assert not ReportingCycle.objects.filter(plan=plan_b["plan"], year=2025).exists()
        assert ConsolidatedReport.objects.filter(plan=plan_b["plan"]).count() == 1
        refusal = "Bạn không được giao thẩm định kế hoạch “huyện Minh Họa”."  # the plan's short title
        assert plan_b["plan"].short_title == "huyện Minh Họa"
        for url in (f"/ke-hoach/{OTHER}/tham-dinh/", f"/bao-cao/{plan_b['report'].pk}/",
                    f"/bang-dieu-khien/{OTHER}/2026/", f"/ke-hoach/{OTHER}/tong-hop/"):  # fmt: skip
            page = client.get(url).content.decode()
            assert refusal in page and "Văn phòng huyện" not in page.split("<main")[-1], url


def test_the_provinces_reviewer_reaches_every_plan(client, cast, plan, plan_b):
    with on("2026-12-06"):
        open_cycle(plan, 2026)
        client.force_login(cast["sodantoc"])
        own = [f"/ke-hoach/{SLUG}/{page}/" for page in ("tham-dinh", "ky-bao-cao", "nhap-so-lieu", "tong-hop")]
        for url in plan_pages(plan_b) + own:
            assert client.get(url).status_code == 200, url
        assert f"/ke-hoach/{SLUG}/tham-dinh/" in client.get("/tham-dinh/").content.decode()  # two plans: a list
        response = post_seen(client, f"/bao-cao/{plan_b['report'].pk}/duyet/")
        assert response.status_code == 302 and response["Location"] == f"/ke-hoach/{OTHER}/tham-dinh/"
        plan_b["report"].refresh_from_db()
        assert plan_b["report"].state == ReportState.APPROVED


def test_the_old_addresses_lead_a_reviewer_of_one_plan_to_it(client, cast, plan_b):
    client.force_login(cast["vanphong"])
    for page in ("tham-dinh", "ky-bao-cao", "nhap-so-lieu", "tong-hop"):
        response = client.get(f"/{page}/?nam=2025")
        assert response.status_code == 302 and response["Location"] == f"/ke-hoach/{SLUG}/{page}/?nam=2025"


def test_a_reviewer_of_no_plan_is_told_so(client, cast, plan):
    PlanRole.objects.filter(user=cast["vanphong"]).delete()
    client.force_login(cast["vanphong"])
    page = client.get("/tham-dinh/").content.decode()
    assert "Tài khoản của bạn chưa được phân công thẩm định kế hoạch nào." in page
    assert client.get(f"/ke-hoach/{SLUG}/tham-dinh/").status_code == 403


def test_leadership_reads_every_plan_and_reviews_none(client, cast, plan_b):
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        slug = plan_b["plan"].slug
        for url in (
            f"/ke-hoach/{slug}/tong-hop/",
            f"/bang-dieu-khien/{slug}/2026/",
            f"/bao-cao/{plan_b['report'].pk}/",
        ):
            assert client.get(url).status_code == 200, url
        for url in (f"/ke-hoach/{slug}/tham-dinh/", f"/ke-hoach/{slug}/ky-bao-cao/", f"/ke-hoach/{slug}/nhap-so-lieu/"):
            assert client.get(url).status_code == 403, url
        assert f"/ke-hoach/{SLUG}/tong-hop/" in client.get("/tong-hop/").content.decode()  # two plans: a list


def test_an_unknown_or_inactive_plan_is_not_found(client, cast, plan_b):
    Plan.objects.filter(slug=OTHER).update(is_active=False)
    client.force_login(cast["sodantoc"])
    for slug in ("khong-co", OTHER):
        assert client.get(f"/ke-hoach/{slug}/tham-dinh/").status_code == 404


def test_a_reviewer_of_another_plan_neither_overrides_nor_corrects_this_plans_targets(client, cast, plan_b):
    PlanRole.objects.filter(user=cast["vanphong"]).update(plan=plan_b["plan"])  # now the other plan's reviewer
    client.force_login(cast["vanphong"])
    target = f"/ke-hoach/{SLUG}/chi-tieu/2030.03/"
    for url in (f"{target}dieu-chinh-tinh-trang/", f"{target}dinh-chinh/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"year": 2026, "status": "met", "value": "1", "reason": "x"}).status_code == 403, url
    page = client.get(target).content.decode()
    assert 'id="dieu-chinh-tinh-trang"' not in page and "Đính chính số liệu" not in page
    client.force_login(cast["sodantoc"])
    assert client.get(f"{target}dieu-chinh-tinh-trang/").status_code == 200
    assert client.get(f"{target}dinh-chinh/").status_code == 200


# Two real plans: Bình Sơn's (vanphong reviews it) and the illustrative Trà Bồng plan, whose agencies include Bình
# Khương commune (canbo.binhkhuong) but not Bình An (canbo.binhan). The plan as issued is what the public page and the
# open data show; its target pages show more (recorded values and who recorded them, values sent and not approved,
# overrides and their reasons, goal history): only for those who read the plan and staff with a part in it.
TRA_BONG = "minh-hoa-tra-bong-ctdt-2021-2030"
TRA_BONG_FILE = Path(__file__).resolve().parents[1] / "binhson_plan" / "plans" / "minh_hoa_tra_bong.yaml"


@pytest.fixture
def tra_bong(plan):
    call_command("load_plan", str(TRA_BONG_FILE), stdout=io.StringIO())
    return Plan.objects.get(slug=TRA_BONG)


def target_pages(plan) -> list[str]:
    return [f"/ke-hoach/{plan.slug}/chi-tieu/{code}/" for code in plan.targets.values_list("code", flat=True)]


REFUSED_TRA_BONG = "Bạn không được giao theo dõi kế hoạch “{title} (minh họa)”."


@pytest.mark.parametrize("username", ["vanphong", "canbo.binhan"])
def test_who_does_not_read_a_plan_is_refused_its_target_pages_naming_it(client, cast, tra_bong, username):
    client.force_login(cast[username])
    pages = target_pages(tra_bong)
    assert len(pages) >= 10
    for url in pages:
        response = client.get(url)
        assert response.status_code == 403, url
        assert REFUSED_TRA_BONG.format(title=tra_bong.title) in response.content.decode(), url


def test_a_reviewer_of_another_plan_opens_the_plan_as_issued_as_the_public_does(client, cast, tra_bong):
    client.force_login(cast["vanphong"])
    for url in target_pages(tra_bong):  # nor overrides a status or corrects a value there
        for action in ("dieu-chinh-tinh-trang/", "dinh-chinh/"):
            assert client.get(url + action).status_code == 403, url + action
    assert client.get(f"/ke-hoach/{TRA_BONG}/").status_code == 200
    assert client.get(f"/cong-khai/{TRA_BONG}/").status_code == 200
    assert f"/ke-hoach/{TRA_BONG}/" in client.get("/ke-hoach/").content.decode()


def test_staff_see_only_the_plans_where_their_agency_has_a_part(client, cast, tra_bong):
    client.force_login(cast["canbo.binhan"])
    response = client.get(f"/ke-hoach/{TRA_BONG}/")
    assert response.status_code == 403
    assert REFUSED_TRA_BONG.format(title=tra_bong.title) in response.content.decode()
    plans = client.get("/ke-hoach/").content.decode()
    assert f"/ke-hoach/{TRA_BONG}/" not in plans and f"/ke-hoach/{SLUG}/" in plans
    client.force_login(cast["canbo.binhkhuong"])  # Bình Khương has a part in both plans
    plans = client.get("/ke-hoach/").content.decode()
    assert f"/ke-hoach/{TRA_BONG}/" in plans and f"/ke-hoach/{SLUG}/" in plans
    for url in [f"/ke-hoach/{TRA_BONG}/", *target_pages(tra_bong)]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", ["quantri", "sodantoc", "lanhdao"])
def test_those_who_read_every_plan_open_its_target_pages(client, cast, tra_bong, username):
    client.force_login(cast[username])
    for url in [f"/ke-hoach/{TRA_BONG}/", *target_pages(tra_bong)]:
        assert client.get(url).status_code == 200, url


def test_an_agency_page_shows_staff_nothing_of_the_plans_where_their_agency_has_no_part(client, cast, tra_bong):
    client.force_login(cast["canbo.binhan"])  # Bình An: Bình Sơn's plan only
    page = client.get("/co-quan/TRB-PDT/").content.decode()  # an agency of Trà Bồng's plan only
    assert f"/ke-hoach/{TRA_BONG}/" not in page
    assert "Đơn vị không chủ trì nhiệm vụ nào." in page and "Đơn vị không phụ trách chỉ tiêu nào." in page
    client.force_login(cast["canbo.binhkhuong"])  # Bình Khương has a part in Trà Bồng's plan
    assert f"/ke-hoach/{TRA_BONG}/" in client.get("/co-quan/TRB-PDT/").content.decode()


# Reports, consolidated reports and cycles are addressed under their plan (issue 19 point 7). Bình Sơn's report of
# the Phòng Lao động (a draft with a file, a proposal), its cycle of 2026 and a consolidated version built.
UNDER_PLAN = [
    "bao-cao/<int:pk>/",
    "bao-cao/<int:pk>/minh-chung/<int:evidence_id>/",
    "bao-cao/<int:pk>/minh-chung/<int:evidence_id>/xoa/",
    "bao-cao/<int:pk>/duyet/",
    "bao-cao/<int:pk>/tra-lai/",
    "bao-cao/<int:pk>/mo-lai/",
    "bao-cao/<int:pk>/han-gui/",
    "bao-cao/<int:pk>/kien-nghi/<int:proposal_id>/",
    "bao-cao/<int:pk>/lich-su/",
    "bao-cao/<int:pk>/in/",
    "bao-cao/<int:pk>/excel/",
    "bao-cao/<int:pk>/excel/tai-len/",
    "ky-bao-cao/<int:pk>/",
    "ky-bao-cao/<int:pk>/excel.zip",
    "tong-hop/<int:pk>/trang-thai/",
    "tong-hop/<int:pk>/tep/<str:kind>/",
    "tong-hop/<int:pk>/chinh-thuc/",
]
OWNER = {"canbo.ldtbxh"}
REVIEWERS = {"vanphong", "sodantoc"}
READERS = REVIEWERS | {"lanhdao", "quantri"}
# (method, address after /ke-hoach/<slug>/, the report's state, the roles that may, their status)
UNDER_PLAN_RULES = [
    ("get", "bao-cao/{pk}/", "draft", OWNER | READERS, 200),
    ("post", "bao-cao/{pk}/", "draft", OWNER, 302),
    ("get", "bao-cao/{pk}/minh-chung/{ev}/", "draft", OWNER, 200),
    ("get", "bao-cao/{pk}/minh-chung/{ev}/", "submitted", OWNER | READERS, 200),
    ("post", "bao-cao/{pk}/minh-chung/{ev}/xoa/", "draft", OWNER, 302),
    ("post", "bao-cao/{pk}/duyet/", "submitted", REVIEWERS, 302),
    ("post", "bao-cao/{pk}/tra-lai/", "submitted", REVIEWERS, 302),
    ("post", "bao-cao/{pk}/mo-lai/", "approved", REVIEWERS, 302),
    ("post", "bao-cao/{pk}/han-gui/", "draft", REVIEWERS, 302),
    ("post", "bao-cao/{pk}/kien-nghi/{proposal}/", "submitted", REVIEWERS, 302),
    ("get", "bao-cao/{pk}/lich-su/", "draft", OWNER, 200),  # a draft's history is its agency's own
    ("get", "bao-cao/{pk}/lich-su/", "submitted", OWNER | READERS, 200),
    ("get", "bao-cao/{pk}/in/", "draft", OWNER, 200),
    ("get", "bao-cao/{pk}/excel/", "submitted", OWNER | REVIEWERS, 200),
    ("post", "bao-cao/{pk}/excel/tai-len/", "draft", OWNER, 400),  # no file: the refusal page, to its agency only
    ("get", "ky-bao-cao/{cycle}/", "draft", REVIEWERS, 200),
    ("post", "ky-bao-cao/{cycle}/", "draft", REVIEWERS, 302),
    ("get", "ky-bao-cao/{cycle}/excel.zip", "draft", REVIEWERS, 200),
    ("get", "tong-hop/{built}/trang-thai/", "draft", READERS, 200),
    ("get", "tong-hop/{built}/tep/pdf/", "draft", READERS, 200),
    ("post", "tong-hop/{built}/chinh-thuc/", "draft", REVIEWERS, 302),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def under_plan(plan):
    """Bình Sơn's report of the Phòng Lao động with a file and a proposal, its cycle, a consolidated version built."""
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.consolidated.models import BuildState
    from reports.models import Evidence
    from tests.reports.helpers import current_report

    report = current_report(plan, "LDTBXH")
    entry = report.task_entries.filter(role="lead").first()
    evidence = Evidence.objects.create(entry=entry, file=SimpleUploadedFile("a.pdf", PDF), original_name="a.pdf",
                                       content_type="application/pdf", size=1)  # fmt: skip
    proposal = report.proposals.create(text="Kiến nghị thử")
    built = ConsolidatedReport.request(plan, 2026)
    built.pdf.save("ban-1.pdf", ContentFile(PDF), save=False)
    built.state = BuildState.READY
    built.save()
    return {"report": report, "pk": report.pk, "ev": evidence.pk, "proposal": proposal.pk,
            "cycle": report.cycle_id, "built": built.pk}  # fmt: skip


def under_plan_data(url, ids) -> dict:
    from tests.reports.helpers import ReportPage, as_seen

    if url.endswith(f"/bao-cao/{ids['pk']}/"):
        return ReportPage(ids["report"]).data()
    if "/ky-bao-cao/" in url:
        return {"opens_on": "01/01/2026", "due_on": "10/12/2026", "data_cutoff": "30/11/2026"}
    data = {"reason": "Bổ sung.", "correction_due_on": "15/12/2026", "due_on": "20/12/2026",
            f"p{ids['proposal']}-state": "answered", f"p{ids['proposal']}-response": "Đã chuyển."}  # fmt: skip
    return as_seen(url, data) if "/bao-cao/" in url else data


@pytest.mark.parametrize("username", ["anonymous", *ROLES])
@pytest.mark.parametrize(("method", "address", "state", "allowed", "status"), UNDER_PLAN_RULES)
def test_every_role_at_every_address_under_the_plan(client, cast, under_plan, username, method, address, state,
                                                     allowed, status):  # fmt: skip
    AgencyReport.objects.filter(pk=under_plan["pk"]).update(state=state)
    url = f"/ke-hoach/{SLUG}/" + address.format(**under_plan)
    if username != "anonymous":
        client.force_login(cast[username])
    response = client.get(url) if method == "get" else client.post(url, under_plan_data(url, under_plan))
    if username == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), url
    elif username in allowed:
        assert response.status_code == status, (url, response.content[:300])
    else:
        assert response.status_code == 403, url


def test_every_address_under_the_plan_has_its_rules():
    from django.urls import reverse

    names = {"bao-cao/<int:pk>/minh-chung/<int:evidence_id>/": "evidence"}  # one of each, for the count
    covered = {rule[1].replace("{pk}", "<int:pk>").replace("{ev}", "<int:evidence_id>")
               .replace("{proposal}", "<int:proposal_id>").replace("{cycle}", "<int:pk>").replace("{built}", "<int:pk>")
               .replace("tep/pdf/", "tep/<str:kind>/") for rule in UNDER_PLAN_RULES}  # fmt: skip
    assert covered == set(UNDER_PLAN) and reverse("reports:" + names[UNDER_PLAN[1]], args=[SLUG, 1, 2])


@pytest.mark.parametrize("username", ["canbo.ldtbxh", "vanphong", "sodantoc", "lanhdao", "quantri"])
def test_an_id_under_another_plans_address_is_not_found(client, cast, under_plan, plan_b, username):
    """Bình Sơn's report, cycle and consolidated version under plan B's slug: the answer to an id that does not
    exist, for everyone, the Sở and plan B's own reviewer included: a 404 (a page that is not for the user's role
    at all, such as a cycle's for agency staff, is refused before any id is looked up, missing or not); nothing
    changes."""
    PlanRole.objects.filter(user=cast["vanphong"]).update(plan=plan_b["plan"])  # now plan B's reviewer
    client.force_login(cast[username])
    missing = {"pk": 999999, "ev": 999999, "proposal": 999999, "cycle": 999999, "built": 999999}
    for method, address, state, allowed, _ in UNDER_PLAN_RULES:
        AgencyReport.objects.filter(pk=under_plan["pk"]).update(state=state)
        answers, data = [], under_plan_data(f"/ke-hoach/{SLUG}/" + address.format(**under_plan), under_plan)
        for slug, ids in ((OTHER, under_plan), (SLUG, missing)):
            url = f"/ke-hoach/{slug}/" + address.format(**ids)
            response = client.get(url) if method == "get" else client.post(url, data)
            answers.append(response.status_code)
        assert answers[0] == answers[1], (address, answers)
        if address.startswith("bao-cao/") or username in allowed or username in REVIEWERS:
            assert answers[0] == 404, address
    assert client.get(f"/ke-hoach/{SLUG}/bao-cao/{under_plan['pk']}/").status_code != 404  # under its own plan: found
    report = AgencyReport.objects.get(pk=under_plan["pk"])
    assert report.due_on is None and report.proposals.get().response == ""
    assert report.task_entries.filter(evidence__pk=under_plan["ev"]).exists()
    assert not ConsolidatedReport.objects.filter(is_final=True).exists()


@pytest.mark.parametrize(("method", "address", "state", "allowed", "status"), UNDER_PLAN_RULES)
def test_an_old_address_sends_a_get_on_for_good(cast, under_plan, method, address, state, allowed, status):
    """/bao-cao/<id>/… (links in e-mails sent, bookmarks): a GET is sent on (301) to the address under the plan,
    its query kept, for whoever asks (access is checked there); an unknown id is a 404; anonymous visitors log in
    first."""
    from django.test import Client

    browser = Client()  # not the tests' client, which follows these redirects
    old = "/" + address.format(**under_plan)
    assert browser.get(old)["Location"] == f"/dang-nhap/?next={old}"
    browser.force_login(cast["canbo.binhan"])  # who may not open it: told so at the new address
    response = browser.get(f"{old}?nam=2026")
    assert response.status_code == 301 and response["Location"] == f"/ke-hoach/{SLUG}{old}?nam=2026"
    unknown = "/" + address.format(pk=999999, ev=999999, proposal=999999, cycle=999999, built=999999)
    assert browser.get(unknown).status_code == 404


def test_a_form_opened_before_the_addresses_changed_still_posts_to_its_old_one(client, cast, under_plan):
    from tests.reports.helpers import post_seen

    AgencyReport.objects.filter(pk=under_plan["pk"]).update(state="submitted")
    client.force_login(cast["vanphong"])
    response = post_seen(client, f"/bao-cao/{under_plan['pk']}/duyet/")
    assert response.status_code == 302 and response["Location"] == f"/ke-hoach/{SLUG}/tham-dinh/"
    assert AgencyReport.objects.get(pk=under_plan["pk"]).state == "approved"
    client.force_login(cast["canbo.binhan"])  # the old address checks access as before
    assert client.post(f"/bao-cao/{under_plan['pk']}/mo-lai/", {"reason": "x"}).status_code == 403


def test_the_pages_of_a_report_and_the_dashboard_name_their_plan_in_the_tab(client, cast, under_plan, plan):
    import re

    def title(url):
        return re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S).group(1)

    report = f"/ke-hoach/{SLUG}/bao-cao/{under_plan['pk']}/"
    client.force_login(cast["canbo.ldtbxh"])  # the report as its agency edits it
    assert f"– {plan.short_title} –" in title(report)
    client.force_login(cast["vanphong"])  # as others read it
    AgencyReport.objects.filter(pk=under_plan["pk"]).update(state="submitted")
    assert f"– {plan.short_title} –" in title(report)
    assert title(f"/bang-dieu-khien/{SLUG}/2026/").startswith(f"Bảng điều khiển năm 2026 – {plan.short_title} –")
