"""The sign-in page shows a visitor without an account the way to the figures anyone may read."""

from django.test import Client

from tests.conftest import SLUG
from tests.reports.helpers import current_report


def test_the_sign_in_page_links_each_plan_s_public_page(client, plan):
    html = client.get("/dang-nhap/").content.decode()
    assert "Số liệu công khai, không cần đăng nhập" in html
    link = f'<a href="/cong-khai/{SLUG}/">{plan.display_title}</a>'
    assert link in html
    assert client.get(f"/cong-khai/{SLUG}/").status_code == 200  # and it opens without signing in


def test_a_plan_no_longer_followed_is_not_listed(client, plan):
    plan.is_active = False
    plan.save()
    html = client.get("/dang-nhap/").content.decode()
    assert f"/cong-khai/{SLUG}/" not in html and "Số liệu công khai" not in html


def test_a_form_from_a_stale_page_is_said_stale_not_forbidden(cast):
    """Browser pass 33: a form sent from a page older than the session (CSRF token gone) answered "Bạn không có
    quyền thực hiện thao tác này" above the right explanation."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["canbo.ldtbxh"])
    response = client.post(
        "/doi-mat-khau/", {"old_password": "x"}, headers={"referer": "http://testserver/doi-mat-khau/"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Trang đã cũ hoặc phiên làm việc đã hết hạn." in html and "không có quyền" not in html
    # browser pass 34: "tải lại trang (F5)" sent the stale form again; the way back opens the page afresh
    assert "F5" not in html and '<a class="btn btn-primary me-3" href="http://testserver/doi-mat-khau/">' in html
    assert "nội dung đang nhập dở vẫn được trình duyệt giữ lại" in html
    elsewhere = client.post("/doi-mat-khau/", {"old_password": "x"}, headers={"referer": "https://evil.example/"})
    assert "evil.example" not in elsewhere.content.decode()  # a page of another site is no way back


def test_the_sign_in_page_speaks_of_every_plan_not_one_district(client, plan):
    """Browser pass 33: the sign-in page described the portal as Bình Sơn's only, though it serves the province's
    plans."""
    html = client.get("/dang-nhap/").content.decode()
    assert "các kế hoạch triển khai Chiến lược công tác dân tộc" in html and "của tỉnh và các địa phương" in html
    assert "trên địa bàn huyện Bình Sơn.</p>" not in html


def test_a_page_asked_while_signed_out_says_why_the_sign_in_page_is_shown(client, cast, plan):
    """Browser pass 33: after signing out in another tab, a save landed on the sign-in page without a word."""
    report = current_report(plan, "LDTBXH")
    page = client.post(f"/bao-cao/{report.pk}/", {"difficulties": "Đang gõ"}, follow=True).content.decode()
    assert "Xin đăng nhập để mở tiếp trang vừa chọn; nội dung báo cáo đang gõ dở được trình duyệt giữ lại" in page
    assert "Xin đăng nhập để mở tiếp" not in client.get("/dang-nhap/").content.decode()  # asked for itself


def test_the_sign_out_address_opened_in_the_browser_gets_a_vietnamese_page(client, cast, plan):
    """Browser pass 39: opening /dang-xuat/ (signing out takes the button's POST) gave an empty 405, which the browser
    showed as its own English error. The portal's page says what to do, and nobody is signed out by it."""
    client.force_login(cast["canbo.ldtbxh"])
    response = client.get("/dang-xuat/")
    html = response.content.decode()
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert "Địa chỉ này không mở trực tiếp được." in html and "nút “Đăng xuất” ở thanh trên cùng" in html
    assert client.get("/doi-mat-khau/").status_code == 200  # still signed in
    assert Client().get("/dang-xuat/")["Location"].startswith("/dang-nhap/")  # signed out: the sign-in page
    client.force_login(cast["vanphong"])
    response = client.get(f"/bao-cao/{current_report(plan, 'LDTBXH').pk}/duyet/")  # a form's address, typed
    assert response.status_code == 405 and "nút “Đăng xuất”" not in response.content.decode()
    assert "Thao tác này chỉ thực hiện bằng nút trên trang của cổng." in response.content.decode()


def test_the_open_data_answers_a_head_request_as_a_get(client, plan):
    """Browser pass 39: link checkers and download tools ask HEAD first; the CSV answered 405."""
    for url in (f"/api/plans/{SLUG}/progress/?format=csv", f"/cong-khai/{SLUG}/bang-so-lieu.xlsx"):
        assert client.head(url).status_code == 200, url
        assert client.get(url).status_code == 200, url
    assert client.post(f"/api/plans/{SLUG}/progress/").status_code == 405  # the API's own 405, as before
