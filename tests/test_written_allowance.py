"""Probe 36: an account grows the database through any form, not only the report's save. A reviewer re-posting a
report's unchanged due date wrote a whole copy of the report (83 kB) into its history a post, 69 GB a day at nginx's
pace; corrections of one value with long reasons in a loop, 7 GB a day, and the target's page listed every version
(21 times slower). Every POST now counts what it writes against the account's day (SAVED_TEXT_BYTES_PER_DAY), the
report's save as before; past it, the account's posts are refused until midnight, its pages still shown."""

import datetime
import random

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from reports.models import AgencyReport
from targets.models import TargetValue
from targets.recording import record_value
from tests.reports.helpers import current_report, on

pytestmark = pytest.mark.season
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ "
CODE = "2030.04"


def text(seed: int, length: int) -> str:
    return "".join(random.Random(seed).choices(LETTERS, k=length))


def test_a_due_date_posted_unchanged_writes_nothing(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    AgencyReport.objects.filter(pk=report.pk).update(difficulties=text(0, 20_000))
    with on("2026-11-20", "15:00"):
        client.force_login(cast["vanphong"])
        url = f"/ke-hoach/{plan.slug}/bao-cao/{report.pk}/han-gui/"
        assert client.post(url, {"due_on": "10/12/2026"}).status_code == 302
        rows = report.history.count()
        for _ in range(5):
            answer = client.post(url, {"due_on": "10/12/2026"}, follow=True)
            assert "Hạn gửi không thay đổi: không có gì được ghi." in answer.content.decode()
    assert report.history.count() == rows
    report.refresh_from_db()
    assert report.due_on == datetime.date(2026, 12, 10)


@override_settings(SAVED_TEXT_BYTES_PER_DAY=300_000)
def test_due_dates_changed_in_a_loop_stop_at_the_days_allowance(client, cast, plan):
    """Each change writes the report whole into its history: its staff's 20 000 characters (≈ 45 kB) with it."""
    report = current_report(plan, "LDTBXH")
    AgencyReport.objects.filter(pk=report.pk).update(difficulties=text(0, 20_000))
    url = f"/ke-hoach/{plan.slug}/bao-cao/{report.pk}/han-gui/"
    with on("2026-11-20", "15:00"):
        client.force_login(cast["vanphong"])
        answers = [client.post(url, {"due_on": f"{10 + n % 2}/12/2026"}).status_code for n in range(10)]
        assert 302 in answers and answers[-1] == 429
        refused = answers.index(429)
        assert answers[refused:] == [429] * (10 - refused)  # refused from then on
        assert 3 <= refused <= 8  # ≈ 45 kB twice (the row and its copy) a change: three to four of 300 kB
        rows = report.history.count()
        page = client.post(url, {"due_on": "10/12/2026"})
        html = page.content.decode()
        assert page.status_code == 429 and "Tài khoản đã ghi quá nhiều hôm nay" in html
        assert "Xin ghi lại sau <strong>00:00 ngày 21/11/2026</strong>" in html
        assert report.history.count() == rows  # nothing written
        assert client.get(f"/ke-hoach/{plan.slug}/bao-cao/{report.pk}/").status_code == 200  # pages still shown
        assert client.post("/dang-xuat/").status_code == 302  # and signing out
        client.force_login(cast["vanphong"])
        client.force_login(cast["sodantoc"])  # another account is not touched
        assert client.post(url, {"due_on": "12/12/2026"}).status_code == 302
    with on("2026-11-21", "07:30"):  # the next day: whole again
        client.force_login(cast["vanphong"])
        assert client.post(url, {"due_on": "10/12/2026"}).status_code == 302


@override_settings(SAVED_TEXT_BYTES_PER_DAY=100_000)
def test_corrections_in_a_loop_stop_at_the_days_allowance(client, cast, plan):
    target = plan.targets.get(code=CODE)
    record_value(target, 2026, 50, is_estimate=True, source="Báo cáo năm 2026")
    url = f"/ke-hoach/{plan.slug}/chi-tieu/{CODE}/dinh-chinh/?nam=2026"

    def correct(n):
        data = {"year": 2026, "value": str(10 + n % 2), "is_estimate": "on", "reason": text(n, 2000),
                "note": text(n + 1, 2000)}  # fmt: skip
        return client.post(url, data).status_code

    with on("2026-12-06", "10:00"):
        client.force_login(cast["vanphong"])  # within the day: a session ends after 8 hours
        answers = [correct(n) for n in range(20)]
        refused = answers.index(429)
        assert answers[:refused] == [302] * refused and answers[refused:] == [429] * (20 - refused)
        assert 5 <= refused <= 15  # ≈ 9 kB a version (2 × 2 000 letters), its history and the one it replaces
        versions = TargetValue.objects.filter(target=target, year=2026).count()
        assert versions == refused + 1
        assert client.get(f"/ke-hoach/{plan.slug}/chi-tieu/{CODE}/").status_code == 200


def test_a_targets_page_lists_its_values_a_hundred_to_a_page(client, cast, plan):
    target = plan.targets.get(code=CODE)
    url = f"/ke-hoach/{plan.slug}/chi-tieu/{CODE}/"
    with on("2026-12-06", "10:00"):
        client.force_login(cast["lanhdao"])
        record_value(target, 2025, 40, source="Nhập thử")
        client.get(url)  # figures cached
        with CaptureQueriesContext(connection) as one_version:
            assert client.get(url).status_code == 200
        for n in range(249):
            record_value(target, 2026, 10 + n % 2, is_estimate=True, source="Đính chính", reason=f"Lần {n}")
        client.get(url)
        with CaptureQueriesContext(connection) as many:
            first = client.get(url).content.decode()
        assert len(many) <= len(one_version) + 1  # the count of versions: the same few queries
        assert first.count("Đã thay bằng bản sau") == 99 and "Trang 1/3 (250 phiên bản số liệu" in first
        last = client.get(f"{url}?trang=3").content.decode()
        assert "Lần 248" in last and "Lần 148" not in last and "Trang 3/3" in last
        assert client.get(f"{url}?trang=abc").status_code == 200 and client.get(f"{url}?trang=99").status_code == 200
