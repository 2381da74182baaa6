"""targets/progress.py against values computed by hand (PRODUCT.md §4)."""

import pytest

from targets.goals import Goal
from targets.progress import cagr, evaluate, fmt, status_for_ratio
from targets.sentences import share

PCT = dict(unit="%")


def level(comparison, value, horizon=2025, direction="higher", **kw):
    return Goal(kind="level", horizon=horizon, comparison=comparison, value=value, direction=direction, **(PCT | kw))


@pytest.mark.parametrize(
    ("ratio", "status"),
    [(1.5, "on_track"), (0.95, "on_track"), (0.9499, "acceleration_needed"), (0.60, "acceleration_needed"),
     (0.5999, "limited"), (0.0, "limited"), (-0.0001, "deterioration"), (-2, "deterioration")],
)  # fmt: skip
def test_thresholds_on_both_sides(ratio, status):
    assert status_for_ratio(ratio) == status


def test_cagr_by_hand():
    # (88/80)^(1/3) − 1 = 1.1^(1/3) − 1 = 0.032280
    assert cagr(88, 80, 2023, 2020) == pytest.approx(0.032280, abs=1e-6)


def test_cagr_ratio_needs_acceleration():
    # CAGR_o = 0.032280; CAGR_r = (95/80)^(1/5) − 1 = 0.034968; R = 0.92313
    p = evaluate(level(">=", 95), {2020: 80, 2023: 88}, 2023)
    assert (p.status, p.method) == ("acceleration_needed", "cagr")
    assert p.observed_pace == pytest.approx(0.032280, abs=1e-6)
    assert p.required_pace == pytest.approx(0.034968, abs=1e-6)
    assert p.ratio == pytest.approx(0.92313, abs=1e-4)
    # projected 2025 = 88 × 1.032280² = 93.772
    assert p.projected == pytest.approx(93.772, abs=1e-3)
    assert p.explanation == (
        "Từ 80% (năm 2020) tăng lên 88% (năm 2023), bình quân tăng 3,23%/năm (tương đối); cần tăng 3,50%/năm "
        "(tương đối) để đạt 95% vào năm 2025. Giữ nhịp này, năm 2025 ước đạt 94%, chưa đạt mục tiêu. Tốc độ hiện nay "
        "mới bằng 92,3% tốc độ cần thiết (từ 95% trở lên mới là đúng tiến độ)."
    )
    assert "CAGR" not in p.explanation and "tỷ số" not in p.explanation  # the method in small print only
    assert p.method_note == "Phương pháp: tốc độ tăng trưởng bình quân năm; tỷ số tiến độ 92,3%."


def test_cagr_ratio_on_track():
    # CAGR_o = 1.125^(1/3) − 1 = 0.040042; R = 0.040042 / 0.034968 = 1.1451
    p = evaluate(level(">=", 95), {2020: 80, 2021: 84, 2023: 90}, 2023)
    assert p.status == "on_track" and p.ratio == pytest.approx(1.1451, abs=1e-4)


def test_lower_is_better_cagr():
    # malnutrition 20 → 18 in 3 years, target < 15 by 2025.
    # CAGR_o = 0.9^(1/3) − 1 = −0.034511; CAGR_r = 0.75^(1/5) − 1 = −0.055912; R = 0.61724
    p = evaluate(level("<", 15, direction="lower"), {2020: 20, 2023: 18}, 2023)
    assert p.status == "acceleration_needed" and p.ratio == pytest.approx(0.61724, abs=1e-4)


def test_limited_progress():
    # 20 → 19.5: CAGR_o = 0.975^(1/3) − 1 = −0.008404; R = 0.008404 / 0.055912 = 0.15031
    p = evaluate(level("<", 15, direction="lower"), {2020: 20, 2023: 19.5}, 2023)
    assert p.status == "limited" and p.ratio == pytest.approx(0.15031, abs=1e-4)


def test_deterioration():
    p = evaluate(level("<", 15, direction="lower"), {2020: 20, 2023: 22}, 2023)
    assert p.status == "deterioration" and p.ratio < 0


def test_a_target_met_at_baseline_then_lost_is_deterioration():
    p = evaluate(level(">=", 95), {2020: 96, 2023: 94}, 2023)
    assert p.status == "deterioration"


def test_linear_pace_at_the_natural_limit():
    # 100% by 2025 from 70 (2020) to 85 (2023): observed 5/yr, required 30/5 = 6/yr, R = 0.8333
    goal = Goal(kind="limit", horizon=2025, comparison="=", value=100, natural_limit=100, unit="%")
    p = evaluate(goal, {2020: 70, 2023: 85}, 2023)
    assert (p.status, p.method) == ("acceleration_needed", "linear")
    assert (p.observed_pace, p.required_pace) == (5, 6)
    assert p.ratio == pytest.approx(0.83333, abs=1e-4)
    assert p.projected == 95  # 85 + 5 × 2


def test_linear_pace_when_a_value_sits_at_zero():
    # 0% (2021) → 30% (2023), target ≥ 50% in 2025: CAGR breaks at zero; slope 15, required 12.5, R = 1.2
    p = evaluate(level(">=", 50), {2021: 0, 2023: 30}, 2023)
    assert (p.method, p.status) == ("linear", "on_track") and p.ratio == pytest.approx(1.2)


def test_zero_target_uses_linear_pace():
    # 10 (2020) → 6 (2024), zero by 2030: slope −1, required −1, R = 1.0; projected 6 − 6 = 0
    goal = Goal(kind="zero", horizon=2030, comparison="=", value=0, direction="lower", unit="%", natural_limit=0)
    p = evaluate(goal, {2020: 10, 2024: 6}, 2024)
    assert (p.method, p.status, p.ratio, p.projected) == ("linear", "on_track", 1.0, 0)
    assert evaluate(goal, {2020: 10, 2029: 0}, 2029).status == "achieved"


def test_achieved_and_maintained_at_the_limit():
    assert evaluate(level(">=", 95), {2023: 96}, 2023).status == "achieved"
    limit = Goal(kind="limit", horizon=2025, comparison="=", value=100, natural_limit=100, unit="%")
    p = evaluate(limit, {2021: 100, 2022: 100, 2023: 100}, 2023)
    assert p.status == "achieved" and "đã đạt mục tiêu 100%" in p.explanation
    assert evaluate(level(">", 98), {2023: 98}, 2023).status == "insufficient_data"  # "trên 98%": 98 is not above


def test_fewer_than_two_points_is_insufficient_data():
    p = evaluate(level(">=", 95), {2023: 80}, 2023)
    assert p.status == "insufficient_data" and "Mới có số liệu năm 2023 (80%)" in p.explanation  # says which
    assert (p.value_year, p.value) == (2023, 80)
    empty = evaluate(level(">=", 95), {}, 2023)
    assert empty.status == "insufficient_data" and empty.explanation == "Chưa có số liệu."


def test_only_observations_up_to_the_year_count():
    p = evaluate(level(">=", 95), {2020: 80, 2023: 88, 2024: 99}, 2023)
    assert p.status == "acceleration_needed"


def test_multiple_of_baseline():
    # income 20 (2020) → 30 (2023), target > 2 × 20 = 40 by 2025:
    # CAGR_o = 1.5^(1/3) − 1 = 0.144714; CAGR_r = 2^(1/5) − 1 = 0.148698; R = 0.97321
    goal = Goal(kind="multiple_of_baseline", horizon=2025, comparison=">", value=2, baseline_year=2020, unit="lần")
    p = evaluate(goal, {2020: 20, 2023: 30}, 2023)
    assert (p.status, p.method, p.target_value) == ("on_track", "cagr", 40)
    assert p.ratio == pytest.approx(0.97321, abs=1e-4)
    missing = evaluate(goal, {2021: 20, 2023: 30}, 2023)
    assert missing.status == "insufficient_data" and "năm gốc 2020" in missing.explanation


def test_relative_to_a_reference_series():
    goal = Goal(kind="relative", horizon=2030, comparison="=", value=0.5, unit="lần")
    # ratios 30/75 = 0.4 and 45/90 = 0.5: reached
    assert evaluate(goal, {2020: 30, 2024: 45}, 2024, reference={2020: 75, 2024: 90}).status == "achieved"
    # 0.4 → 0.45: CAGR_o = 1.125^(1/4) − 1 = 0.029884; CAGR_r = 1.25^(1/10) − 1 = 0.022565; R = 1.32437
    p = evaluate(goal, {2020: 30, 2024: 45}, 2024, reference={2020: 75, 2024: 100})
    assert p.status == "on_track" and p.ratio == pytest.approx(1.32437, abs=1e-4)
    # a year without a reference value cannot be used
    assert evaluate(goal, {2020: 30, 2024: 45}, 2024, reference={2020: 75}).status == "insufficient_data"


def test_a_ratio_is_written_with_one_rounding_in_its_sentence():
    # 2,3 / 2,8 = 0,8214…: the sentence gives it as 0,821 both times, never 0,82 then 0,821
    goal = Goal(kind="relative", horizon=2025, comparison="=", value=1, unit="%", target_unit="lần",
                reference_label="tỷ lệ dân số là người DTTS")  # fmt: skip
    p = evaluate(goal, {2020: 1.8, 2025: 2.3}, 2026, reference={2020: 2.6, 2025: 2.8})
    assert p.explanation == (
        "Năm 2025: 2,3%, bằng 0,821 lần tỷ lệ dân số là người DTTS (2,8%). Mốc 2025 đã qua. Năm 2025 đạt 0,821 lần, "
        "chưa đạt mục tiêu 1 lần."
    )


def test_annual_change_is_derived_from_the_level_series():
    # poverty falls 4–4.5 points a year from 2021, judged on the poverty rate from its 2020 baseline:
    # 27.5 (2020) → 17.0 (2023): (17.0 − 27.5) / 3 = −3.5 points a year; R = 3.5 / 4 = 0.875
    goal = Goal(kind="annual_change", horizon=2025, comparison="range", value=4, value_max=4.5,
                direction="lower", unit="%", change_unit="điểm %/năm", period_start=2021)  # fmt: skip
    p = evaluate(goal, {2020: 27.5, 2021: 23.3, 2022: 20.3, 2023: 17.0}, 2023)
    assert (p.status, p.method) == ("acceleration_needed", "annual_change")
    assert p.observed_pace == pytest.approx(3.5) and p.ratio == pytest.approx(0.875)
    assert p.explanation == (
        "Giảm bình quân 3,5 điểm %/năm từ năm 2020 đến năm 2023 (27,5% → 17%); cần giảm 4,0–4,5 điểm %/năm. Tốc độ "
        "hiện nay mới bằng 87,5% tốc độ cần thiết (từ 95% trở lên mới là đúng tiến độ)."
    )
    # the 2025 milestone, judged once in its year: 27.5 → 6.0 is 4.3 points a year: met
    done = evaluate(goal, {2020: 27.5, 2025: 6.0}, 2025)
    assert (done.status, done.final) == ("met", True)
    # judged after it passed, on the latest value before it (2024), and the sentence says so
    late = evaluate(goal, {2020: 27.5, 2024: 14.7, 2026: 9.0}, 2026)
    assert (late.status, late.value_year) == ("not_met", 2024)  # 12.8 / 4 = 3.2 a year
    assert late.explanation.startswith("Mốc 2025 đã qua. Chưa có số liệu năm 2025; tính đến năm 2024")
    only_baseline = evaluate(goal, {2020: 27.5}, 2021)
    assert only_baseline.status == "insufficient_data" and "Mới có số liệu năm 2020" in only_baseline.explanation
    no_baseline = evaluate(goal, {2022: 20.0, 2023: 17.0}, 2023)
    assert no_baseline.status == "insufficient_data" and "năm gốc 2020" in no_baseline.explanation


def test_growth_band_over_a_stated_period_is_a_compound_rate_of_the_level():
    # 7–8 %/year over 2026–2030 from the 2025 level: 1000 → 1075 → 1150.25 is 7.25 %/year; R = 1.0357
    goal = Goal(kind="annual_change", horizon=2030, comparison="range", value=7, value_max=8, unit="tỷ đồng",
                change_unit="%/năm", period_start=2026)  # fmt: skip
    p = evaluate(goal, {2024: 900, 2025: 1000, 2026: 1075, 2027: 1150.25}, 2027)
    assert p.status == "on_track" and p.observed_pace == pytest.approx(7.2497, abs=1e-3)
    assert p.explanation.startswith("Tăng bình quân 7,25%/năm từ năm 2025 đến năm 2027")


def test_a_passed_milestone_is_judged_once_at_its_year():
    goal = level(">=", 95)
    # in its own year, 94.5 against ≥ 95 is not met: no pace, no projection
    own_year = evaluate(goal, {2020: 80, 2025: 94.5}, 2025)
    assert (own_year.status, own_year.final, own_year.value_year) == ("not_met", True, 2025)
    assert own_year.explanation == "Năm 2025 đạt 94,5%, chưa đạt mục tiêu 95%."
    # a year later it stays judged on 2025, whatever 2026 says
    later = evaluate(goal, {2020: 80, 2025: 94.5, 2026: 97}, 2026)
    assert (later.status, later.value) == ("not_met", 94.5) and later.explanation.startswith("Mốc 2025 đã qua.")
    met = evaluate(goal, {2020: 80, 2024: 96}, 2027)
    assert met.status == "met" and "số liệu gần nhất trước mốc (năm 2024) là 96%, đạt" in met.explanation
    nothing = evaluate(goal, {2026: 99}, 2026)
    assert nothing.status == "insufficient_data" and "Chưa có số liệu đến năm 2025" in nothing.explanation


def test_qualitative_targets_follow_the_reported_status():
    goal = Goal(kind="qualitative", horizon=2025)
    assert evaluate(goal, {}, 2025, reported_status="achieved").status == "achieved"
    progressing = evaluate(goal, {}, 2025, reported_status="progressing")
    assert progressing.status == "qualitative" and "đang thực hiện" in progressing.explanation
    assert evaluate(goal, {}, 2025).status == "insufficient_data"
    assert evaluate(goal, {}, 2026, reported_status="progressing").status == "not_met"  # the milestone passed
    assert evaluate(goal, {}, 2026, reported_status="achieved").status == "met"


def test_every_result_carries_a_vietnamese_sentence_and_its_milestone():
    p = evaluate(level(">=", 95, horizon=2030), {2020: 80, 2023: 88}, 2023)
    assert p.milestone == 2030 and p.label == "Đúng tiến độ" and p.explanation.endswith(".")


def test_numbers_in_explanations_use_a_decimal_comma():
    assert (fmt(1234.5), fmt(0.69), fmt(4.0), fmt(None)) == ("1.234,5", "0,69", "4", "–")


def test_the_nearest_open_milestone():
    from targets.progress import nearest_open

    assert nearest_open([2025, 2030, 2045], 2023) == 2025
    assert nearest_open([2025, 2030, 2045], 2025) == 2025
    assert nearest_open([2025, 2030, 2045], 2026) == 2030
    assert nearest_open([2025, 2030, 2045], 2031) == 2045
    assert nearest_open([2025, 2030], 2040) == 2030


def test_one_indicator_against_each_milestone():
    from targets.progress import evaluate_milestones

    # poverty rate: < 10% by 2030, zero by 2045; 27.5 (2020) → 14.2 (2024)
    goals = [level("<", 10, horizon=2030, direction="lower"),
             Goal(kind="zero", horizon=2045, comparison="=", value=0, direction="lower", unit="%")]  # fmt: skip
    result = evaluate_milestones(goals, {2020: 27.5, 2024: 14.2}, 2024)
    assert set(result["by_milestone"]) == {2030, 2045}
    assert result["nearest"] is result["by_milestone"][2030]
    # 2030 by CAGR: (14.2/27.5)^(1/4) − 1 = −0.152307; (10/27.5)^(1/10) − 1 = −0.096212; R = 1.5830
    assert result["nearest"].ratio == pytest.approx(1.5830, abs=1e-4)
    # 2045 by linear pace: slope −3.325/yr, required −27.5/25 = −1.1/yr, R = 3.0227
    assert result["by_milestone"][2045].ratio == pytest.approx(3.0227, abs=1e-4)


def test_a_late_assessment_does_not_change_a_passed_qualitative_milestone(plan):
    from targets.models import Assessment
    from targets.status import plan_progress

    target = plan.targets.get(code="2025.09")  # qualitative, milestone 2025
    Assessment.objects.create(target=target, year=2025, status="progressing")
    Assessment.objects.create(target=target, year=2026, status="achieved")  # said a year too late
    assert plan_progress([target], 2026)[target.pk].status == "not_met"
    assert plan_progress([target], 2025)[target.pk].status == "qualitative"


def test_an_on_track_pace_short_of_the_goal_says_it_is_still_on_track_and_its_share_as_a_percent():
    """2030.17 of the demo: "Đúng tiến độ" beside a projection just short of 50%. The sentence names the status and
    why; its levels share one number of decimals (46,10% … 48,00% … 49,98%, not 46,1% … 48% … 49,98%); the share of
    the pace reads 99,5% in the sentence and in the small print alike (not 99% there and 0,995 here)."""
    p = evaluate(level("=", 50, horizon=2030), {2020: 46.1, 2021: 46.5, 2022: 46.9, 2024: 47.6, 2025: 48.0}, 2026)
    assert p.status == "on_track" and p.ratio == pytest.approx(0.99464, abs=1e-5)
    assert p.explanation == (
        "Từ 46,10% (năm 2020) tăng lên 48,00% (năm 2025), bình quân tăng 0,81%/năm (tương đối); cần tăng 0,82%/năm "
        "(tương đối) để đạt 50% vào năm 2030. Giữ nhịp này, năm 2030 ước đạt 49,98%, sát mục tiêu. Vẫn đúng tiến độ "
        "vì tốc độ hiện nay bằng 99,5% tốc độ cần thiết (từ 95% trở lên là đúng tiến độ)."
    )
    assert p.method_note == "Phương pháp: tốc độ tăng trưởng bình quân năm; tỷ số tiến độ 99,5%."


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [(0.995, "99,5%"), (0.9496, "94,9%"), (0.95, "95,0%"), (0.5999, "59,9%"), (0.9997, "99,9%"), (1.0864, "108,6%")],
)
def test_a_share_of_the_pace_is_a_percent_that_never_reads_as_a_threshold_not_reached(ratio, shown):
    assert share(ratio) == shown
