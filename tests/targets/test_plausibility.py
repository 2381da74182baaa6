"""targets/plausibility.py: which values need a word of explanation, on both sides of every threshold."""

import pytest

from targets.plausibility import band, flagged_years, jump_reasons, yearly_changes

STEADY = {2021: 10.0, 2022: 12.0, 2023: 13.0, 2024: 15.0}  # yearly changes 2, 1, 2: largest 2


@pytest.mark.parametrize(("value", "flagged"), [(45, False), (45.1, True), (15, False), (14.9, True)])
def test_a_percentage_may_move_15_points_a_year(value, flagged):
    assert bool(jump_reasons({2025: 30.0}, 2026, value, unit="%")) == flagged


def test_the_15_points_are_per_year_across_a_gap():
    assert not jump_reasons({2020: 70.0}, 2024, 100, unit="%")  # 7,5 points a year
    assert jump_reasons({2022: 40.0}, 2024, 70.2, unit="%") == [
        "tăng từ 40% (năm 2022) lên 70,2% (năm 2024): 15,1 điểm % mỗi năm, quá 15 điểm %"
    ]


def test_the_band_is_three_times_the_largest_yearly_change():
    assert yearly_changes(STEADY) == [2, 1, 2]
    assert band(STEADY, percentage=False) == 6
    assert not jump_reasons(STEADY, 2025, 21, unit="tỷ đồng")  # +6
    assert not jump_reasons(STEADY, 2025, 9, unit="tỷ đồng")  # −6
    assert jump_reasons(STEADY, 2025, 21.1, unit="tỷ đồng") == [
        "tăng từ 15 tỷ đồng (năm 2024) lên 21,1 tỷ đồng (năm 2025): 6,1 tỷ đồng mỗi năm, ngoài mức thay đổi "
        "thường thấy của chuỗi số liệu (tối đa 6 tỷ đồng mỗi năm)"
    ]
    assert jump_reasons(STEADY, 2025, 8.9, unit="tỷ đồng")


def test_a_percentage_gets_the_band_below_15_points():
    assert not jump_reasons(STEADY, 2025, 21, unit="%")
    reasons = jump_reasons(STEADY, 2025, 21.5, unit="%")
    assert reasons and "tối đa 6 điểm % mỗi năm" in reasons[0]


def test_the_band_needs_three_yearly_changes():
    short = {2022: 12.0, 2023: 13.0, 2024: 15.0}
    assert band(short, percentage=True) is None
    assert not jump_reasons(short, 2025, 25, unit="%")  # 10 points: only the 15-point rule applies


@pytest.mark.parametrize(("value", "flagged"), [(99, False), (98.9, True), (100, False)])
def test_a_flat_series_still_allows_one_point(value, flagged):
    flat = {2021: 100.0, 2022: 100.0, 2023: 100.0, 2024: 100.0}
    assert bool(jump_reasons(flat, 2025, value, unit="%")) == flagged


@pytest.mark.parametrize(("value", "flagged"), [(50.5, False), (50.6, True)])
def test_a_flat_level_still_allows_one_percent_of_itself(value, flagged):
    flat = {2021: 50.0, 2022: 50.0, 2023: 50.0, 2024: 50.0}
    assert bool(jump_reasons(flat, 2025, value, unit="triệu đồng/lao động")) == flagged


@pytest.mark.parametrize(("value", "flagged"), [(40.5, False), (40.6, True), (13.5, False), (13.4, True)])
def test_a_short_series_that_is_not_a_percentage_may_move_half_of_itself(value, flagged):
    # 27 → 40,5 is +50 %; 27 → 13,5 is −50 %
    assert bool(jump_reasons({2024: 27.0}, 2025, value, unit="triệu đồng/người/năm")) == flagged


def test_the_half_is_per_year_across_a_gap():
    assert not jump_reasons({2022: 20.0}, 2024, 39, unit="triệu đồng/người/năm")  # +95 % in 2 years
    assert jump_reasons({2022: 20.0}, 2024, 41, unit="triệu đồng/người/năm")


@pytest.mark.parametrize(
    ("limit", "direction", "value", "flagged"),
    [(1, "higher", 1, False), (1, "higher", 1.01, True), (0, "lower", 0, False), (0, "lower", -0.1, True)],
)
def test_a_level_beyond_its_natural_limit(limit, direction, value, flagged):
    reasons = jump_reasons({}, 2025, value, unit="chỉ số", natural_limit=limit, direction=direction)
    assert bool(reasons) == flagged
    if flagged:
        assert "giới hạn tự nhiên" in reasons[0]


def test_a_value_put_between_two_years_is_checked_against_both():
    reasons = jump_reasons({2023: 40.0, 2025: 42.0}, 2024, 70, unit="%")
    assert len(reasons) == 2
    assert "từ 40% (năm 2023) lên 70% (năm 2024)" in reasons[0]
    assert "giảm từ 70% (năm 2024) xuống 42% (năm 2025)" in reasons[1]


def test_a_recorded_series_flags_only_the_value_that_moved():
    flags = flagged_years({2021: 0.0, 2022: 0.0, 2023: 50.0, 2024: 50.0}, unit="%")
    assert list(flags) == [2023]
    assert flagged_years({2021: 10.0, 2022: 12.0, 2023: 14.0}, unit="%") == {}


@pytest.mark.parametrize(("value", "flagged"), [(0, False), (50, False), (100, True)])
def test_a_percentage_over_two_communes_moves_by_steps_of_50_points(value, flagged):
    # 2030.04: two communes, so one commune reaching the standard is 50 points, not an anomaly; both in one year is
    assert bool(jump_reasons({2025: 0.0}, 2026, value, unit="%", natural_limit=100, step=50)) == flagged
    assert jump_reasons({2025: 0.0}, 2026, 50, unit="%", natural_limit=100)  # without its step it would be


def test_a_steps_series_is_not_flagged_when_a_commune_reaches_the_standard():
    series = {2020: 0.0, 2021: 0.0, 2022: 0.0, 2023: 50.0, 2024: 50.0, 2025: 50.0, 2026: 100.0}  # the demo year's
    assert flagged_years(series, unit="%", natural_limit=100, step=50) == {}
    assert "quá 50 điểm %" in jump_reasons({2025: 0.0}, 2026, 100, unit="%", step=50)[0]


def test_a_change_is_never_said_to_exceed_a_limit_it_equals_as_shown():
    """Browser pass 8: 63 → 64,2 read "1,2 năm mỗi năm, ngoài mức thay đổi thường thấy … (tối đa 1,2 năm mỗi năm)":
    64,2 − 63 is 1,2000000000000028 in floating point. Every reason's change, as shown, is above its limit as shown."""
    import random
    import re

    rnd, contradictions = random.Random(8), []
    for _ in range(3000):
        start = round(rnd.uniform(50, 70), 1)
        steps = [round(rnd.choice([0.1, 0.2, 0.3, 0.4]), 1) for _ in range(4)]
        series = {2021 + n: round(start + sum(steps[:n]), 1) for n in range(4)}
        value = round(series[2024] + rnd.choice([0.3, 0.6, 0.9, 1.2, 1.5]), 1)
        for reason in jump_reasons(series, 2025, value, unit="năm"):
            found = re.search(r": ([\d.,]+) năm mỗi năm.*tối đa ([\d.,]+) năm", reason)
            if found:
                shown, limit = (float(x.replace(".", "").replace(",", ".")) for x in found.groups())
                if shown <= limit:
                    contradictions.append(reason)
    assert contradictions == []
