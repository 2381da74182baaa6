"""The target page shows the values of a report sent and not yet approved, marked "Chưa duyệt", to whoever reads sent
reports and to the agency that sent them; never a draft's, and never to another agency's staff."""

import pytest

from tests.reports.helpers import ReportPage, current_report

SLUG = "binh-son-ctdt-2021-2030"
PAGE = f"/ke-hoach/{SLUG}/chi-tieu/2030.08/"
AGENCY = "Phòng Lao động - Thương binh và Xã hội"


@pytest.fixture
def report(plan):
    return current_report(plan, "LDTBXH")


def pending_rows(client) -> str:
    page = client.get(PAGE).content.decode()
    return page.split('id="chua-duyet"')[1].split("</table>")[0] if 'id="chua-duyet"' in page else ""


def test_a_sent_value_shows_marked_not_yet_approved_and_a_draft_never(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything().target("2030.08", value="42,5", as_of="30/11/2026", is_estimate=True)
    assert client.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    reviewer = type(client)()
    reviewer.force_login(cast["vanphong"])
    assert pending_rows(reviewer) == ""  # a draft is the agency's own
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit"))
    report.refresh_from_db()
    assert report.state == "submitted"
    for username in ("vanphong", "lanhdao", "quantri", "canbo.ldtbxh"):
        client.force_login(cast[username])
        rows = pending_rows(client)
        assert "42,5% (ước)" in rows and "Chưa duyệt" in rows and AGENCY in rows, username
        assert "2026" in rows
    client.force_login(cast["canbo.binhan"])  # another agency's staff
    assert pending_rows(client) == ""
    assert client.get(PAGE).status_code == 200


def test_values_pending_cost_no_query_of_their_own(client, cast, report, django_assert_max_num_queries):
    """Two queries (this year's and last year's reports awaiting approval), whatever they hold."""
    from tests.conftest import queries_of

    client.force_login(cast["vanphong"])
    client.get(PAGE)
    before = queries_of(client, PAGE)
    staff = type(client)()
    staff.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything().target("2030.08", value="42,5", as_of="30/11/2026")
    staff.post(f"/bao-cao/{report.pk}/", page.data("submit"))
    client.get(PAGE)
    with django_assert_max_num_queries(before):
        assert "Chưa duyệt" in client.get(PAGE).content.decode()
    assert before <= 30


def test_the_target_page_names_its_plan_in_the_tab(client, cast, plan):
    """Three plans each have a target 2025.01: the tab says whose (third browser pass)."""
    client.force_login(cast["lanhdao"])
    page = client.get(PAGE).content.decode()
    assert f"<title>Chỉ tiêu 2030.08 – {plan.short_title}" in page
