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
    assert visitor.get("/tham-dinh/", HTTP_HOST="portal.example.invalid").status_code == 400


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/ke-hoach/%00/"),
        (None, "/cong-khai/binh-son-ctdt-2021-2030/?nam=%00"),
        (None, "/api/plans/binh-son-ctdt-2021-2030/progress/?year=2024%00"),
        ("quantri", "/quan-tri/reports/agencyreport/?q=%00"),
        ("quantri", "/quan-tri/reports/agencyreport/?state=%00"),
        ("quantri", "/quan-tri/auth/user/?username__startswith=ab%00c"),
        ("lanhdao", "/bang-dieu-khien/binh-son-ctdt-2021-2030/2026/?agency=%00&status=x"),
        ("vanphong", "/tong-hop/?nam=2026%00"),
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
