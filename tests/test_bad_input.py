"""Requests no person sends, which used to end in a server error: a Host header the portal does not
answer to, NUL characters in the address or a filter. Each gets a Vietnamese 400 page, and no error page
shows the text of an exception."""

import pytest

LEAKS = ["Traceback", "Exception", "Error:", "errno", "ALLOWED_HOSTS", "matches the given query", "NUL", "0x00"]


@pytest.fixture
def visitor(client, settings):
    settings.DEBUG = False  # what production shows
    client.raise_request_exception = False
    return client


def assert_no_leak(page: str):
    assert not [word for word in LEAKS if word in page], page


@pytest.mark.parametrize("path", ["/", "/dang-nhap/", "/api/plans/", "/khong-co-trang-nay/"])
def test_a_host_outside_allowed_hosts_is_a_400(visitor, plan, path):
    response = visitor.get(path, HTTP_HOST="portal.example.invalid")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Yêu cầu không hợp lệ." in page
    assert_no_leak(page)


def test_a_host_outside_allowed_hosts_is_a_400_for_a_signed_in_user_too(visitor, cast):
    visitor.force_login(cast["vanphong"])
    assert (
        visitor.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/", HTTP_HOST="portal.example.invalid").status_code
        == 400
    )


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/ke-hoach/%00/"),
        (None, "/cong-khai/binh-son-ctdt-2021-2030/?nam=%00"),
        (None, "/cong-khai/binh-son-ctdt-2021-2030/bang-so-lieu.xlsx?nam=%00"),
        (None, "/api/plans/binh-son-ctdt-2021-2030/progress/?year=2024%00"),
        ("quantri", "/quan-tri/reports/agencyreport/?q=%00"),
        ("quantri", "/quan-tri/reports/agencyreport/?state=%00"),
        ("quantri", "/quan-tri/auth/user/?username__startswith=ab%00c"),
        ("lanhdao", "/bang-dieu-khien/binh-son-ctdt-2021-2030/2026/?agency=%00&status=x"),
        ("vanphong", "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026%00"),
    ],
)
def test_a_nul_character_in_the_address_or_a_filter_is_a_400(visitor, cast, who, path):
    if who:
        visitor.force_login(cast[who])
    response = visitor.get(path)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Địa chỉ có ký tự không hợp lệ" in page
    assert_no_leak(page)


def test_the_pages_of_unknown_things_show_no_exception_text(visitor, cast):
    visitor.force_login(cast["vanphong"])
    for path in ["/bao-cao/999999/", "/tong-hop/999999/trang-thai/", "/ke-hoach/khong-co/", "/co-quan/khong-co/"]:
        response = visitor.get(path)
        assert response.status_code == 404, path
        assert "Không tìm thấy trang bạn yêu cầu." in response.content.decode()
        assert_no_leak(response.content.decode())


@pytest.mark.parametrize("cookie", ["a" * 32, "b" * 64, None])
@pytest.mark.parametrize("charset", ["utf-16", "UTF-16LE", "latin-1", "cp1258"])
@pytest.mark.parametrize("path", ["/dang-nhap/", "/", "/bao-cao/1/", "/khong-co-trang-nay/", "/api/plans/"])
def test_a_form_posted_in_another_character_set_is_a_400(plan, cookie, charset, path):
    """Issue 17, finding 6b: an anonymous POST in `charset=utf-16` with any csrftoken cookie was gunicorn's bare
    500 (the CSRF check read the form again while the 400 and 500 pages were made)."""
    from django.test import Client

    visitor = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if cookie:
        visitor.cookies["csrftoken"] = cookie
    body = f"username=lanhdao&password=x&csrfmiddlewaretoken={cookie}".encode(charset)
    response = visitor.generic("POST", path, body, content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dữ liệu gửi lên không đọc được (không theo bảng mã UTF-8)." in page
    assert_no_leak(page)


def test_a_signed_in_form_posted_in_utf_16_is_a_400_and_saves_nothing(cast, plan):
    from reports.models import AgencyReport
    from tests.conftest import PortalClient
    from tests.reports.helpers import ReportPage, current_report

    report = current_report(plan, "LDTBXH")
    staff = PortalClient(enforce_csrf_checks=True, raise_request_exception=False)
    staff.force_login(cast["canbo.ldtbxh"])
    staff.get(f"/bao-cao/{report.pk}/")
    token = staff.cookies["csrftoken"].value
    data = ReportPage(report).data() | {"difficulties": "Gửi bằng UTF-16", "csrfmiddlewaretoken": token}
    from urllib.parse import urlencode

    response = staff.generic(
        "POST", f"/bao-cao/{report.pk}/", urlencode(data).encode("utf-16"),
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )  # fmt: skip
    assert response.status_code == 400
    assert AgencyReport.objects.get(pk=report.pk).difficulties == ""


def test_a_form_posted_as_utf8_under_another_name_of_it_is_read(cast, plan):
    from django.test import Client

    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/dang-nhap/")
    token = visitor.cookies["csrftoken"].value
    body = f"username=lanhdao&password=sai-m%E1%BA%ADt-kh%E1%BA%A9u&csrfmiddlewaretoken={token}".encode()
    response = visitor.generic(
        "POST", "/dang-nhap/", body, content_type="application/x-www-form-urlencoded; charset=UTF8"
    )
    assert response.status_code == 200  # the login form again, with its message: the form was read
    assert 'value="lanhdao"' in response.content.decode()
