"""Numbers and target values shown the Vietnamese way."""

from decimal import Decimal

import pytest

from binhson_plan.number_format import vn_number
from targets.models import Target
from targets.templatetags.plan_format import target_value


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1250000.5000"), "1.250.000,5"),
        (Decimal("4.5"), "4,5"),
        (Decimal("100.0000"), "100"),
        (Decimal("0.69"), "0,69"),
        (1250000, "1.250.000"),
        (Decimal("-3.25"), "-3,25"),
        (None, "–"),
    ],
)
def test_vn_number(value, shown):
    assert vn_number(value) == shown


def test_target_value_phrases():
    assert target_value(Target(kind="annual_change", comparison="range", value=4, value_max=Decimal("4.5"),
                               unit="điểm %/năm")) == "4–4,5 điểm %/năm"  # fmt: skip
    assert target_value(Target(kind="level", comparison=">=", value=95, unit="%")) == "≥ 95%"
    assert target_value(Target(kind="level", comparison="<", value=15, unit="%")) == "< 15%"
    assert target_value(Target(kind="qualitative")) == "Định tính"
