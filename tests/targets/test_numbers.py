"""Reading numbers typed the Vietnamese way, or the English way where unambiguous."""

from decimal import Decimal

import pytest

from targets.numbers import NumberFormatError, parse_number


@pytest.mark.parametrize(
    ("typed", "value"),
    [("4,5", "4.5"), ("4.5", "4.5"), ("1.250.000", "1250000"), ("1,250,000", "1250000"), ("1.250.000,75", "1250000.75"),
     ("1,250,000.75", "1250000.75"), ("0,69", "0.69"), ("0.500", "0.5"), ("0,500", "0.5"), ("98%", "98"),
     ("-3,2", "-3.2"), ("12", "12"), ("1 250 000", "1250000"), ("12,5", "12.5"), ("1234,5", "1234.5")],
)  # fmt: skip
def test_it_reads(typed, value):
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["1.250", "1,250", "12.500", "999,000"])
def test_a_thousand_or_a_decimal_is_refused_as_ambiguous(typed):
    with pytest.raises(NumberFormatError, match="có thể hiểu hai cách"):
        parse_number(typed)


@pytest.mark.parametrize("typed", ["abc", "4,5,6", "1.25.0", "", "  ", "1e5", "--3", "4,5đ"])
def test_it_refuses_what_is_not_a_number(typed):
    with pytest.raises(NumberFormatError):
        parse_number(typed)


@pytest.mark.parametrize(("typed", "unit"), [("72,5%", "%"), ("7%", "%/năm"), ("3%", "điểm %/năm"), ("72,5%", None)])
def test_a_percent_sign_is_read_where_the_unit_is_a_percentage(typed, unit):
    assert parse_number(typed, unit=unit) == Decimal(typed.removesuffix("%").replace(",", "."))


@pytest.mark.parametrize(
    ("unit", "message"), [("năm", "tính bằng năm"), ("đồng", "tính bằng đồng"), ("", "không tính bằng %")]
)
def test_a_percent_sign_is_refused_where_the_unit_is_not_a_percentage(unit, message):
    with pytest.raises(NumberFormatError, match=f"“72,5%” có dấu %, nhưng giá trị này {message}"):
        parse_number("72,5%", unit=unit)
