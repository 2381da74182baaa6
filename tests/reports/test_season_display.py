"""What the dashboard, the target pages, the public page and the consolidated report show of the demo year on
06/12/2026, the day after the due date: no year still to come judged, the reviewing body of the year's issuer,
estimates marked "(ước)", and values sent but not yet approved shown as such, never a draft's."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from targets.models import Target
from targets.overrides import override_status
from tasks.models import ReportIssuer
from tests.reports.helpers import on
from tests.reports.real_year import flat

pytestmark = pytest.mark.season

SLUG = "binh-son-ctdt-2021-2030"
DASHBOARD = f"/bang-dieu-khien/{SLUG}/2026/"
PUBLIC = f"/cong-khai/{SLUG}/"


@pytest.fixture
def demo(plan, settings, tmp_path):
    """The demo year as seeded on 06/12/2026; the test runs on that day."""
    settings.MEDIA_ROOT = tmp_path
    with on("2026-12-06"):
        call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())
        yield plan


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return flat(response.content.decode())


def login(client, username):
    """Log in as a demo user as seed_demo left them (it resets their passwords)."""
    client.force_login(get_user_model().objects.get(username=username))


def row_of(text: str, code: str) -> str:
    start = text.index(f'id="ct-{code}"')
    return text[start : text.index("</tr>", start)]


def test_the_public_page_offers_years_up_to_this_one_and_never_judges_a_year_to_come(client, demo):
    text = page(client, PUBLIC)
    assert '<option value="2026" selected>' in text and 'value="2027"' not in text and 'value="2045"' not in text
    later = page(client, f"{PUBLIC}?nam=2030")
    assert "Năm 2030 chưa đến nên chưa có số liệu để đánh giá; trang đang hiển thị năm 2026." in later
    assert "Tình trạng năm 2026" in later and "Tình trạng năm 2030" not in later
    assert "Năm 2030 chưa đến" not in page(client, f"{PUBLIC}?nam=2025")


def test_the_dashboard_sends_a_year_to_come_to_this_year_with_a_word(client, demo):
    login(client, "lanhdao")
    response = client.get(f"/bang-dieu-khien/{SLUG}/2030/", follow=True)
    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert "Năm 2030 chưa đến nên chưa có số liệu để đánh giá; đang hiển thị năm 2026." in response.content.decode()
    export = client.get(f"/bang-dieu-khien/{SLUG}/2030/chi-tieu.xlsx")
    assert export.status_code == 302 and export["Location"] == DASHBOARD
    assert client.get(f"/bang-dieu-khien/{SLUG}/2025/").status_code == 200


def test_a_status_override_names_the_reviewing_body_of_the_years_issuer(client, demo):
    ReportIssuer.objects.create(
        plan=demo, from_year=2026, issuing_body="Ủy ban nhân dân xã Bình Sơn", place="Bình Sơn",
        signer_position="CHỦ TỊCH", signer_name="Nguyễn Văn A", reviewing_body="Văn phòng HĐND và UBND xã Bình Sơn",
    )  # fmt: skip
    target = Target.objects.get(plan=demo, code="2030.06")
    override_status(
        target,
        2026,
        "on_track",
        "Số liệu năm 2026 của tỉnh chưa công bố.",
        by=get_user_model().objects.get(username="vanphong"),
    )
    said = "Văn phòng HĐND và UBND xã Bình Sơn điều chỉnh:"
    assert said in row_of(page(client, PUBLIC), "2030.06")
    assert "Văn phòng huyện" not in page(client, PUBLIC)
    login(client, "vanphong")
    dashboard = page(client, DASHBOARD)
    assert said in row_of(dashboard, "2030.06") and "Văn phòng huyện điều chỉnh" not in dashboard
    detail = page(client, f"/ke-hoach/{SLUG}/chi-tieu/2030.06/")
    assert said in detail and "Văn phòng huyện điều chỉnh" not in detail
    assert "Điều chỉnh tình trạng (Văn phòng HĐND và UBND xã Bình Sơn)" in detail


def test_an_estimate_is_marked_uoc_on_the_dashboard_and_the_public_page(client, demo):
    public = row_of(page(client, PUBLIC), "2030.01")  # 2025 and 2026 are estimates in the demo, 2024 is not
    assert "2024: 2.381,8 tỷ đồng;" in public
    assert "2025: 2.560,4 tỷ đồng (ước);" in public and "2026: 2.755 tỷ đồng (ước)</td>" in public
    login(client, "lanhdao")
    dashboard = row_of(page(client, DASHBOARD), "2030.01")
    assert "2.755 tỷ đồng (ước)<div" in dashboard
    assert "(ước)" not in row_of(page(client, DASHBOARD), "2025.03")  # an approved value, not an estimate
