"""The fifteenth probe: a correction dropped the value's note (the agency's note that explained a flagged jump). The
correction form carries it forward, prefilled and editable, and each version's note shows in the value's history."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from targets.models import TargetValue
from targets.recording import record_value

NOTE = "Tăng mạnh do sáp nhập xã Bình Thạnh vào thị trấn."


@pytest.fixture
def url(plan):
    record_value(plan.targets.get(code="2030.04"), 2025, Decimal("80"), as_of=datetime.date(2025, 12, 31),
                 source="Báo cáo năm 2025", note=NOTE)  # fmt: skip
    return reverse("tasks:value_correction", args=[plan.slug, "2030.04"])


def current():
    return TargetValue.objects.current().get(target__code="2030.04", year=2025)


def test_a_correction_keeps_the_note_of_the_value_it_replaces(client, cast, url):
    client.force_login(cast["vanphong"])
    assert client.post(url, {"year": 2025, "value": "56", "as_of": "", "reason": "x"}).status_code == 302
    assert (current().value, current().note) == (Decimal("56"), NOTE)


def test_the_note_is_prefilled_editable_and_shown_in_the_history(client, cast, plan, url):
    client.force_login(cast["vanphong"])
    page = client.get(f"{url}?nam=2025").content.decode()
    assert 'name="note"' in page and f">\n{NOTE}</textarea>" in page and "Ghi chú" in page
    data = {"year": 2025, "value": "57", "as_of": "31/12/2025", "note": "Theo Cục Thống kê, đã gồm xã sáp nhập.",
            "reason": "Số liệu công bố lại."}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert (current().value, current().note) == (Decimal("57"), "Theo Cục Thống kê, đã gồm xã sáp nhập.")
    history = client.get(reverse("tasks:target_detail", args=[plan.slug, "2030.04"])).content.decode()
    assert f"Ghi chú: {NOTE}" in history and "Ghi chú: Theo Cục Thống kê, đã gồm xã sáp nhập." in history
