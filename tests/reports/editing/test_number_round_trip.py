"""Every number the report form shows is accepted unchanged when the page is saved again untouched."""

from decimal import Decimal

import pytest

from tests.reports.helpers import current_report, rendered_form_data

AMOUNTS = [0, 999, 1000, 500_000, 999_999, 1_000_000, 1_250_000_000]


def save_untouched(client, report):
    page = client.get(f"/bao-cao/{report.pk}/")
    assert page.status_code == 200
    return client.post(f"/bao-cao/{report.pk}/", rendered_form_data(page.content.decode()) | {"action": "save"})


@pytest.mark.parametrize("amount", AMOUNTS)
def test_a_saved_budget_in_dong_is_accepted_again_unchanged(client, cast, plan, amount):
    report = current_report(plan, "LDTBXH")
    entry = report.task_entries.filter(role="lead").order_by("section__position").first()
    entry.budget_used = amount
    entry.save()
    client.force_login(cast["canbo.ldtbxh"])
    response = save_untouched(client, report)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.budget_used == amount


@pytest.mark.parametrize(
    ("agency", "username", "code", "value"),
    [
        ("LDTBXH", "canbo.ldtbxh", "2025.22", "0"),  # a percentage
        ("LDTBXH", "canbo.ldtbxh", "2025.22", "95.5"),
        ("LDTBXH", "canbo.ldtbxh", "2025.22", "100"),
        ("LDTBXH", "canbo.ldtbxh", "2030.10", "4.5"),  # a percentage with a decimal
        *[("TCKH", None, "2025.01", str(amount)) for amount in AMOUNTS],  # income, a decimal with no ceiling
        ("TCKH", None, "2025.01", "1250.75"),
        ("TCKH", None, "2025.01", "1250000.5"),
        ("TCKH", None, "2030.06", "0.69"),  # an index
        ("TCKH", None, "2030.06", "0.655"),  # three decimals: "0,655" is not a thousands group
        ("LDTBXH", "canbo.ldtbxh", "2025.22", "12.345"),  # three decimals after two digits: shown as 12,3450
    ],
)
def test_a_saved_target_value_is_accepted_again_unchanged(client, cast, plan, agency, username, code, value):
    from agencies.models import Membership

    report = current_report(plan, agency)
    user = cast[username] if username else cast["canbo.ldtbxh"]
    if not username:  # a staff member of the agency that owns the target
        Membership.objects.filter(user=user).update(agency=report.agency)
    entry = report.target_entries.get(target__code=code)
    entry.value = Decimal(value)
    entry.save()
    client.force_login(user)
    response = save_untouched(client, report)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.value == Decimal(value)


@pytest.mark.parametrize("missing", [float("nan"), Decimal("NaN"), float("inf")])
def test_the_number_filter_refuses_nan_instead_of_printing_it(missing):
    from binhson_plan.number_format import vn_number

    with pytest.raises(ValueError, match="not a number to print"):
        vn_number(missing)


def test_a_single_thousands_group_is_still_ambiguous_for_decimals_but_not_for_dong():
    from targets.numbers import NumberFormatError, parse_number

    assert parse_number("500.000", integer=True) == 500_000
    assert parse_number("1,250", integer=True) == 1250
    with pytest.raises(NumberFormatError, match="hai cách"):
        parse_number("1.250")
