"""What the demo (`make run`: DEMO_MODE, served by runserver with DEBUG on) shows where people look first:
the portal's own Vietnamese 404 and 500 pages, never Django's English debug pages with the list of every
address; and an icon at /favicon.ico."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import override_settings

from reports import access

DEMO = override_settings(DEBUG=True, DEMO_MODE=True)


@pytest.mark.parametrize("who", [None, "vanphong", "canbo.ldtbxh"])
def test_a_made_up_address_in_the_demo_shows_the_portals_404(client, cast, who):
    if who:
        client.force_login(cast[who])
    with DEMO:
        response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang bạn yêu cầu." in html
    assert "Page not found" not in html and "URLconf" not in html and "dang-nhap/ [name=" not in html
    assert "Dữ liệu minh họa" in html  # the portal's page, with its demo banner


def test_a_missing_report_in_the_demo_shows_the_portals_404(client, cast):
    client.force_login(cast["vanphong"])
    with DEMO:
        response = client.get("/bao-cao/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang bạn yêu cầu." in html and "Page not found" not in html


def test_an_address_without_its_slash_still_moves_to_the_page_in_the_demo(client, cast):
    client.force_login(cast["vanphong"])
    with DEMO:
        response = client.get("/tham-dinh")
    assert response.status_code == 301 and response["Location"] == "/tham-dinh/"


def test_a_server_error_in_the_demo_shows_the_portals_500(client, cast, monkeypatch):
    def broken(user):
        raise RuntimeError("lỗi thử")

    monkeypatch.setattr(access, "user_agency", broken)
    client.force_login(cast["vanphong"])
    with DEMO:
        response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Hệ thống gặp sự cố" in html
    assert "Traceback" not in html and "lỗi thử" not in html and "RuntimeError" not in html


@pytest.mark.parametrize(
    ("who", "method", "url"),
    [
        ("lanhdao", "get", "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/"),
        ("lanhdao", "post", "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/"),
        ("canbo.gddt", "get", "{other}"),
    ],
)
def test_a_refusal_in_the_demo_is_a_403_with_its_reason_not_a_server_error(client, cast, plan, who, method, url):
    from tests.reports.helpers import current_report

    other = current_report(plan, "LDTBXH")  # another agency's report, for the staff of GD&ĐT
    client.force_login(cast[who])
    with DEMO:
        response = getattr(client, method)(url.format(other=f"/bao-cao/{other.pk}/"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Hệ thống gặp sự cố" not in html and "Dữ liệu minh họa" in html
    # the portal's refusal with its reason ("… tài khoản lãnh đạo, theo dõi (chỉ xem).", "Bạn chỉ xem được báo cáo
    # của đơn vị mình.")
    assert "Bạn không có quyền thực hiện thao tác này." in html and "chỉ" in html.lower()


def test_outside_the_demo_debug_pages_stay_for_developers(client, cast):
    with override_settings(DEBUG=True, DEMO_MODE=False):
        response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "Không tìm thấy trang bạn yêu cầu." not in response.content.decode()


@pytest.mark.parametrize("who", [None, "vanphong"])
def test_favicon(client, cast, who):
    if who:
        client.force_login(cast[who])
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == static("img/favicon.ico")
    icon = Path(finders.find("img/favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an icon file (16, 32 and 48 px)
    page = client.get("/dang-nhap/").content.decode()
    assert 'rel="icon"' in page and "favicon.ico" in page
