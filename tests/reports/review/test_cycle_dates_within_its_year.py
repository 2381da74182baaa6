"""The fifteenth probe: the 2026 cycle took a due date of 01/01/2040 or 31/12/2031, an opening on 01/01/2027 with the
report due 05/01/2027, and a cut-off of 01/01/2026 for a report due in December. Each date is bounded by the cycle's
year (reports.review.forms.CycleDatesForm), refused next to its field with everything typed kept."""

import pytest

from reports.models import ReportingCycle
from tests.reports.editing.test_report_input import field_error
from tests.reports.helpers import current_report

DATES = {"opens_on": "01/01/2026", "due_on": "05/12/2026", "data_cutoff": "31/12/2026", "locks_on": ""}
DUE = "Hạn báo cáo phải trong năm 2026 hoặc đến 31/01/2027."
OPENS = "Ngày mở nhập liệu phải trong năm 2026 (từ 01/01/2026 đến 31/12/2026)."
CUTOFF = "Ngày số liệu tính đến không được sớm hơn 30 ngày trước hạn báo cáo 05/12/2026: chọn từ 05/11/2026 trở đi."


@pytest.fixture
def cycle(plan):
    return current_report(plan, "LDTBXH").cycle


@pytest.mark.parametrize(
    ("typed", "field", "said"),
    [
        ({"due_on": "01/01/2040"}, "due_on", DUE),
        ({"due_on": "31/12/2031"}, "due_on", DUE),
        ({"due_on": "01/02/2027"}, "due_on", DUE),
        ({"opens_on": "01/01/2027", "due_on": "05/01/2027"}, "opens_on", OPENS),
        ({"data_cutoff": "01/01/2026"}, "data_cutoff", CUTOFF),
    ],
)
def test_a_cycle_date_outside_the_cycle_s_year_is_refused_next_to_it(client, cast, cycle, typed, field, said):
    client.force_login(cast["vanphong"])
    before = [cycle.opens_on, cycle.due_on, cycle.data_cutoff, cycle.locks_on]
    data = DATES | typed
    response = client.post(f"/ky-bao-cao/{cycle.pk}/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert said in field_error(html, field), field_error(html, field)
    assert all(f'value="{value}"' in html for value in data.values() if value)  # everything typed stays
    cycle = ReportingCycle.objects.get(pk=cycle.pk)
    assert [cycle.opens_on, cycle.due_on, cycle.data_cutoff, cycle.locks_on] == before


def test_the_rules_are_said_beside_the_fields_and_dates_within_them_are_saved(client, cast, cycle):
    client.force_login(cast["vanphong"])
    html = client.get(f"/ky-bao-cao/{cycle.pk}/").content.decode()
    assert "Sau ngày mở nhập liệu, trong năm 2026 hoặc đến 31/01/2027." in html
    assert (
        "không sớm hơn 30 ngày trước hạn báo cáo" in html and "Trong năm 2026 (từ 01/01/2026 đến 31/12/2026)." in html
    )
    data = DATES | {"due_on": "15/01/2027", "data_cutoff": "31/12/2026", "locks_on": "31/01/2027"}
    assert client.post(f"/ky-bao-cao/{cycle.pk}/", data).status_code == 302
    cycle.refresh_from_db()
    assert (str(cycle.due_on), str(cycle.data_cutoff), str(cycle.locks_on)) == (
        "2027-01-15",
        "2026-12-31",
        "2027-01-31",
    )
