"""Who may open what: every URL, anonymous and every role."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from reports.cycles.opening import open_this_year

SLUG = "binh-son-ctdt-2021-2030"
ROLES = ["quantri", "vanphong", "lanhdao", "canbo.ldtbxh", "canbo.binhan"]

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
    tested |= {"bao-cao/", "bao-cao/<int:pk>/", "bao-cao/<int:pk>/minh-chung/<int:evidence_id>/",
               "bao-cao/<int:pk>/minh-chung/<int:evidence_id>/xoa/", "bao-cao/<int:pk>/duyet/",
               "bao-cao/<int:pk>/tra-lai/", "bao-cao/<int:pk>/mo-lai/",
               "bao-cao/<int:pk>/kien-nghi/<int:proposal_id>/", "tham-dinh/", "ky-bao-cao/",
               "ky-bao-cao/<int:pk>/", "bao-cao/<int:pk>/han-gui/"}  # fmt: skip
    # The favicon is public on purpose (every browser asks for it): tests/test_demo_pages.py.
    tested |= {"favicon.ico"}
    # The public page's workbook, public like the page: PUBLIC above and
    # tests/reports/dashboard/test_public_workbook.py.
    tested |= {"cong-khai/<slug:slug>/bang-so-lieu.xlsx"}
    # Dashboard, public page and progress API: tests/reports/dashboard/test_dashboard.py; import: tests/targets/.
    tested |= {"bang-dieu-khien/", "bang-dieu-khien/<slug:slug>/<int:year>/",
               "bang-dieu-khien/<slug:slug>/<int:year>/<slug:table>.xlsx", "nhap-so-lieu/", "cong-khai/<slug:slug>/",
               "api/plans/<slug:slug>/progress/"}  # fmt: skip
    # Consolidated report and printing: tests/reports/consolidated/test_consolidated_pages.py and test_consolidated.py.
    tested |= {"tong-hop/", "tong-hop/<int:pk>/trang-thai/", "tong-hop/<int:pk>/tep/<str:kind>/",
               "tong-hop/<int:pk>/chinh-thuc/", "bao-cao/<int:pk>/in/"}  # fmt: skip
    # Offline entry in Excel, every role: tests/reports/offline/test_offline_entry.py.
    tested |= {"bao-cao/<int:pk>/excel/", "bao-cao/<int:pk>/excel/tai-len/", "ky-bao-cao/<int:pk>/excel.zip"}
    # The province view and its yearly summary, every role: tests/province/test_overview.py and test_summary.py.
    tested |= {"tinh/", "tinh/bang-tinh.xlsx", "tinh/tong-hop/", "tinh/tong-hop/<int:pk>/tep/<str:kind>/"}
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
    assert "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác" in page
    assert 'value="vanphong"' in page  # what was typed stays


def test_login_with_the_demo_password_lands_on_the_agency_report(client, cast):
    open_this_year()  # the nightly job of the year's first day opened it
    response = client.post("/dang-nhap/", {"username": "canbo.binhan", "password": "binhson-demo"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/bao-cao/")
    assert "Báo cáo năm" in response.content.decode() and "Ủy ban nhân dân xã Bình An" in response.content.decode()


def test_unknown_pages_answer_404_in_vietnamese(client, cast):
    client.force_login(cast["lanhdao"])
    for url in [f"/ke-hoach/{SLUG}/chi-tieu/9999.99/", "/co-quan/KHONG-CO/", "/ke-hoach/khong-co/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()
