"""The cache server (Redis) down: the pages that keep locks and prints there answer as usual, unguarded, instead of
a 500 (the tenth probe: a report's print and the workbook upload failed with "Lỗi hệ thống")."""

from django.test import override_settings

from binhson_plan.upload_lock import a_print_slot, one_print_at_a_time
from targets.models import TargetValue
from tests.reports.helpers import current_report
from tests.reports.offline.workbook_helpers import DIFFICULTIES, download, upload
from tests.targets.test_import_limits import GOOD, post

DEAD = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def test_a_print_is_drawn_while_the_cache_server_is_down(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    with override_settings(CACHES=DEAD):
        response = client.get(f"/bao-cao/{report.pk}/in/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_a_workbook_is_taken_while_the_cache_server_is_down(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    book = download(client, report)
    book[DIFFICULTIES]["A2"] = "Thiếu cán bộ chuyên trách ở hai xã."
    with override_settings(CACHES=DEAD):
        assert upload(client, report, book).status_code == 302
    report.refresh_from_db()
    assert report.difficulties == "Thiếu cán bộ chuyên trách ở hai xã."


def test_values_are_imported_while_the_cache_server_is_down(client, cast, plan):
    client.force_login(cast["vanphong"])
    with override_settings(CACHES=DEAD):
        assert post(client, GOOD).status_code == 302
    assert TargetValue.objects.filter(target__code="2025.01", year=2021).exists()


def test_the_print_limits_still_hold_on_the_machine_while_the_cache_server_is_down(client, cast, plan, settings):
    """The eleventh probe: with Redis down, six prints were drawn at once and the public page waited 13 s."""
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    with override_settings(CACHES=DEAD):
        with one_print_at_a_time(cast["canbo.ldtbxh"]) as ours:  # the account's first print, drawn on this machine
            assert ours
            assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 429
        slots = [a_print_slot() for _ in range(settings.PRINT_CONCURRENT_DRAWS)]
        assert all(slot.__enter__() for slot in slots)  # every slot held by other accounts' prints
        try:
            assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 503
        finally:
            for slot in slots:
                slot.__exit__(None, None, None)
        assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 200  # released: drawn


def test_signing_in_and_working_go_on_while_the_cache_server_is_down(client, cast, plan, settings):
    """The nineteenth probe: sessions kept through Redis (`cached_db`) made every sign-in and every signed-in page
    answer 500 while Redis was down. Sessions live in the database only."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    report = current_report(plan, "LDTBXH")
    with override_settings(CACHES=DEAD):
        response = client.post("/dang-nhap/", {"username": "canbo.ldtbxh", "password": "binhson-demo"})
        assert response.status_code == 302
        assert client.get(f"/bao-cao/{report.pk}/").status_code == 200
        assert client.post("/dang-xuat/").status_code == 302
