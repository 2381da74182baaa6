"""Progress computed from approved data is cached per plan and year, and recomputed as soon as a value is
approved, imported or corrected: fewer queries, never a stale figure."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from targets.recording import record_value
from tests.conftest import DATA, queries_of
from tests.reports.helpers import ReportPage, current_report, post_seen

SLUG = "binh-son-ctdt-2021-2030"
PAGES = {
    "public": f"/cong-khai/{SLUG}/",
    "api": f"/api/plans/{SLUG}/progress/?year=2026",
    "dashboard": f"/bang-dieu-khien/{SLUG}/2026/",
    "target": f"/ke-hoach/{SLUG}/chi-tieu/2030.03/",
}


@pytest.fixture
def imported(plan):
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    return plan


@pytest.mark.parametrize("page", ["public", "api"])
def test_a_cached_public_page_runs_two_queries(client, imported, page):
    """The plan and its targets; the progress of every target comes from the cache."""
    first, second, third = (queries_of(client, PAGES[page]) for _ in range(3))
    assert second == third == 2 and first > second + 5


@pytest.mark.parametrize(("page", "saved"), [("dashboard", 7), ("target", 10)])
def test_a_cached_page_saves_the_progress_queries(client, cast, imported, page, saved):
    """Counted as a difference: what a signed-in page costs besides (session, roles) is not the cache's;
    at least the queries of the progress (values, references, assessments, indicator groups) are saved."""
    client.force_login(cast["lanhdao"])
    client.get(PAGES["dashboard"])  # this year's cycle is created on first view
    cache.clear()
    first, second, third = (queries_of(client, PAGES[page]) for _ in range(3))
    assert first - second >= saved and third == second


def test_an_approval_shows_at_once_on_every_cached_page(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["lanhdao"])
    before = {name: client.get(url).content.decode() for name, url in PAGES.items()}
    assert all("13,9" not in html for html in before.values())
    client.force_login(cast["canbo.ldtbxh"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().target("2030.03", value="13,9")
                .data("submit"))  # fmt: skip
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    client.force_login(cast["lanhdao"])
    assert "13,9" in client.get(PAGES["public"]).content.decode()
    assert "13,9" in client.get(PAGES["dashboard"]).content.decode()
    assert "13,9" in client.get(PAGES["target"]).content.decode()
    api = client.get(PAGES["api"]).json()
    assert next(t for t in api["targets"] if t["code"] == "2030.03")["values"] == {"2026": 13.9}


def test_an_import_and_a_correction_show_at_once(client, cast, plan):
    client.force_login(cast["lanhdao"])
    assert "27,5" not in client.get(PAGES["public"]).content.decode()
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    assert "27,5" in client.get(PAGES["public"]).content.decode()
    target = plan.targets.get(code="2030.03")
    record_value(target, 2020, 31, source="Đính chính", reason="Số liệu gốc công bố lại.")
    html = client.get(PAGES["public"]).content.decode()
    assert "2020: 31" in html and "2020: 27,5" not in html
    assert "Số liệu gốc công bố lại." in client.get(PAGES["target"]).content.decode()


def test_pages_still_answer_when_the_cache_server_is_down(client, cast, imported):
    dead = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    client.force_login(cast["lanhdao"])
    with override_settings(CACHES=dead):
        for url in PAGES.values():
            assert client.get(url).status_code == 200, url
        assert client.get("/healthz").json()["checks"]["cache"] == "error"
