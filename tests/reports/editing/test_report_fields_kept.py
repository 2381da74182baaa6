"""The report page's fields are rendered by crispy-forms once for what they are made of and kept (issue 20): the page
opened again reads the same, field for field, as crispy-forms renders it, and shows what was saved since."""

import re

import pytest

from reports.templatetags import report_fields
from tests.reports.helpers import ReportPage, on

pytestmark = pytest.mark.season


def page(client, report) -> str:
    """The report page as a browser receives it, without the form's CSRF token (new at every opening)."""
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


@pytest.fixture
def rendered(monkeypatch):
    """How many fields crispy-forms rendered for `|report_field`."""
    calls = []
    crispy, addon = report_fields.as_crispy_field, report_fields.crispy_addon
    monkeypatch.setattr(report_fields, "as_crispy_field", lambda field: calls.append(field.html_name) or crispy(field))
    monkeypatch.setattr(
        report_fields, "crispy_addon", lambda field, *text: calls.append(field.html_name) or addon(field, *text)
    )
    monkeypatch.setattr(report_fields, "_RENDERED", {})
    return calls


def test_a_page_opened_again_renders_no_field_again_and_reads_the_same(client, cast, report, rendered, monkeypatch):
    with on("2026-12-06"):
        client.force_login(cast["canbo.ldtbxh"])
        first = page(client, report)
        assert len(rendered) > 20  # every text, date, choice and file field of the page
        assert any(name.endswith("-budget_used") for name in rendered)  # and those with a unit after them
        rendered.clear()
        again = page(client, report)
        assert rendered == [] and again == first
        monkeypatch.setattr(
            report_fields, "_made_of", lambda field, *around: None
        )  # nothing kept: crispy-forms every time
        assert page(client, report) == first


def test_what_was_saved_since_is_shown_not_what_was_kept(client, cast, report, rendered):
    with on("2026-12-06"):
        client.force_login(cast["canbo.ldtbxh"])
        typed = ReportPage(report).lead("III.3.b.3", results="Kết quả lần đầu.")
        assert client.post(f"/bao-cao/{report.pk}/", typed.data()).status_code == 302
        assert "Kết quả lần đầu." in page(client, report)
        rendered.clear()
        typed = ReportPage(report).lead("III.3.b.3", results="Kết quả đã sửa.")
        assert client.post(f"/bao-cao/{report.pk}/", typed.data()).status_code == 302
        html = page(client, report)
        assert "Kết quả đã sửa." in html and "Kết quả lần đầu." not in html.split('id="lich-su-thay-doi"')[0]
        assert [name for name in rendered if name.endswith("-results")] == [
            ReportPage(report).field("lead", "III.3.b.3", "results")
        ]  # only the field that changed rendered afresh


def test_a_page_posted_back_with_errors_renders_its_fields_afresh(client, cast, report, rendered):
    with on("2026-12-06"):
        client.force_login(cast["canbo.ldtbxh"])
        page(client, report)
        rendered.clear()
        typed = ReportPage(report).lead("III.3.b.3", budget_used="mười triệu")
        response = client.post(f"/bao-cao/{report.pk}/", typed.data())
        assert response.status_code == 422 and "không phải là số" in response.content.decode()
        assert len(rendered) > 20  # a posted form: rendered with its errors, never from what was kept
