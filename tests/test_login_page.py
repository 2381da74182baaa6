"""The sign-in page shows a visitor without an account the way to the figures anyone may read."""

from tests.conftest import SLUG


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
