"""The fifteenth probe: the values import and the correction recorded 2026's value on 06/12/2026 with no date and not
as an estimate, replacing the approved estimate. As on the report form (targets.as_of): no date is the day typed while
the year runs, and a value of a year not ended yet is an estimate."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.models import TargetValue
from targets.recording import record_value
from tests.reports.helpers import on

pytestmark = pytest.mark.season
TODAY = datetime.date(2026, 12, 6)


@pytest.fixture
def approved_estimates(plan):
    """2026's values approved as estimates "as of" 30/11/2026."""
    record_value(plan.targets.get(code="2030.04"), 2026, Decimal("50"), as_of=datetime.date(2026, 11, 30),
                 is_estimate=True, source="Báo cáo năm 2026")  # fmt: skip
    return plan


def current(code):
    value = TargetValue.objects.current().get(target__code=code, year=2026)
    return value.value, value.as_of, value.is_estimate


def test_an_import_records_a_running_year_s_value_as_an_estimate_dated_the_day_typed(client, cast, approved_estimates):
    rows = "target_code,year,value,as_of,note\n2030.04,2026,55,,x\n2030.04,2025,54,,y\n"
    with on("2026-12-06"):
        client.force_login(cast["vanphong"])
        upload = SimpleUploadedFile("so-lieu.csv", rows.encode())
        response = client.post(reverse("reports:import", args=[approved_estimates.slug]), {"file": upload}, follow=True)
    assert "1 giá trị của năm chưa kết thúc được ghi là số ước thực hiện." in response.content.decode()
    assert current("2030.04") == (Decimal("55"), TODAY, True)
    ended = TargetValue.objects.current().get(target__code="2030.04", year=2025)
    assert (ended.as_of, ended.is_estimate) == (datetime.date(2025, 12, 31), False)  # a year over: its last day


def test_a_correction_of_a_running_year_is_an_estimate_dated_the_day_typed(client, cast, plan, approved_estimates):
    url = reverse("tasks:value_correction", args=[plan.slug, "2030.04"])
    with on("2026-12-06"):
        client.force_login(cast["vanphong"])
        page = client.get(f"{url}?nam=2026").content.decode()
        box = page[
            page.rindex("<input", 0, page.index('name="is_estimate"')) : page.index(
                ">", page.index('name="is_estimate"')
            )
        ]
        assert "checked" in box, box  # a running year's value starts as an estimate
        response = client.post(url, {"year": 2026, "value": "56", "as_of": "", "reason": "x"}, follow=True)
    assert "Đã ghi số liệu năm 2026 đính chính (số ước thực hiện: năm chưa kết thúc)" in response.content.decode()
    assert current("2030.04") == (Decimal("56"), TODAY, True)


def test_a_correction_of_an_ended_year_chosen_on_the_running_years_page_is_not_an_estimate(
    client, cast, plan, approved_estimates
):
    """Browser pass 37: the page opened on 2026 (a running year: "Ước thực hiện" ticked); the reviewer chose 2024,
    was asked to look at 2024's figure first, and saved the page as it came back: 2024's corrected value was recorded
    as an estimate, "(ước)" in the consolidated report and on the public page, with "năm chưa kết thúc"."""
    url = reverse("tasks:value_correction", args=[plan.slug, "2030.04"])
    with on("2026-12-06"):
        client.force_login(cast["vanphong"])
        page = client.get(f"{url}?nam=2026").content.decode()
        based_on = re.search(r'name="based_on" value="([^"]*)"', page).group(1)
        typed = {"year": 2024, "value": "41", "as_of": "", "reason": "Cục Thống kê công bố lại.", "is_estimate": "on",
                 "based_on": based_on}  # fmt: skip
        refused = client.post(url, typed)
        assert refused.status_code == 409
        again = refused.content.decode()
        box = again[again.rindex("<input", 0, again.index('name="is_estimate"')) : again.index(
            ">", again.index('name="is_estimate"'))]  # fmt: skip
        assert "checked" not in box, box  # 2024 is over: its own figure's box, not 2026's
        assert 'value="41"' in again and "Cục Thống kê công bố lại." in again  # what was typed stays
        resent = typed | {"based_on": re.search(r'name="based_on" value="([^"]*)"', again).group(1)}
        del resent["is_estimate"]  # the box as the page now shows it
        saved = client.post(url, resent, follow=True).content.decode()
    assert "Đã ghi số liệu năm 2024 đính chính; bản cũ vẫn lưu trong lịch sử." in saved
    version = TargetValue.objects.current().get(target__code="2030.04", year=2024)
    assert (version.value, version.is_estimate) == (Decimal("41"), False)


@pytest.mark.parametrize("typed_note", ["", "Ghi chú mới gõ cho năm 2024."])
def test_a_year_chosen_on_another_years_page_keeps_that_years_note(client, cast, plan, approved_estimates, typed_note):
    """Browser pass 40: "the note of the value recorded is kept into the correction", said the help text; choosing
    2025 on 2026's page, the second post saved 2025's corrected value with 2026's note (empty): 2025's own was lost.
    A note the reviewer typed is kept as typed."""
    target = plan.targets.get(code="2030.04")
    record_value(target, 2024, Decimal("40"), as_of=datetime.date(2024, 12, 31), source="Báo cáo năm 2024",
                 note="Số liệu của Cục Thống kê.")  # fmt: skip
    url = reverse("tasks:value_correction", args=[plan.slug, "2030.04"])
    with on("2026-12-06"):
        client.force_login(cast["vanphong"])
        page = client.get(f"{url}?nam=2026").content.decode()
        based_on = re.search(r'name="based_on" value="([^"]*)"', page).group(1)
        typed = {"year": 2024, "value": "41", "as_of": "", "reason": "Cục Thống kê công bố lại.", "note": typed_note,
                 "based_on": based_on}  # fmt: skip
        again = client.post(url, typed)
        assert again.status_code == 409
        html = again.content.decode()
        note = re.search(r'<textarea name="note"[^>]*>\s*([^<]*)</textarea>', html).group(1).strip()
        assert note == (typed_note or "Số liệu của Cục Thống kê.")
        resent = typed | {"note": note, "based_on": re.search(r'name="based_on" value="([^"]*)"', html).group(1)}
        assert client.post(url, resent).status_code == 302
    version = TargetValue.objects.current().get(target__code="2030.04", year=2024)
    assert (version.value, version.note) == (Decimal("41"), typed_note or "Số liệu của Cục Thống kê.")
