"""Property-based checks (Hypothesis) that a status, the value it speaks about and its sentence never
disagree, for random series and every kind of target. The hand-computed cases are in test_progress.py."""

from hypothesis import given, settings
from hypothesis import strategies as st

from targets.goals import Goal
from targets.progress import evaluate, fmt, meets, status_for_ratio
from targets.sentences import shown_places

PACE = {"on_track", "acceleration_needed", "limited", "deterioration"}
YEARS = st.integers(min_value=2020, max_value=2046)


@st.composite
def goals(draw):
    kind = draw(st.sampled_from(["level", "limit", "zero", "multiple_of_baseline", "relative", "annual_change"]))
    horizon = draw(st.sampled_from([2025, 2030, 2045]))
    direction = draw(st.sampled_from(["higher", "lower"]))
    if kind == "limit":
        return Goal(kind="limit", horizon=horizon, comparison="=", value=100, natural_limit=100, unit="%")
    if kind == "zero":
        return Goal(kind="zero", horizon=horizon, comparison="=", value=0, direction="lower", unit="%")
    if kind == "multiple_of_baseline":
        return Goal(kind=kind, horizon=horizon, comparison=">", value=2, baseline_year=2020, unit="triệu đồng")
    if kind == "relative":
        return Goal(kind=kind, horizon=horizon, comparison="=", value=0.5, unit="triệu đồng", target_unit="lần",
                    reference_label="thu nhập bình quân chung cả nước")  # fmt: skip
    if kind == "annual_change":
        points = draw(st.booleans())
        return Goal(kind=kind, horizon=horizon, comparison="range", value=4, value_max=4.5, direction=direction,
                    unit="%" if points else "tỷ đồng", change_unit="điểm %/năm" if points else "%/năm",
                    period_start=horizon - 4)  # fmt: skip
    comparison = draw(st.sampled_from([">", ">=", "<", "<=", "="]))
    value = draw(st.floats(min_value=1, max_value=99, allow_nan=False).map(lambda v: round(v, 1)))
    return Goal(kind="level", horizon=horizon, comparison=comparison, value=value, direction=direction, unit="%")


def series_for(goal):
    top = 100 if goal.unit == "%" else 5000
    value = st.floats(min_value=0, max_value=top, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3))
    return st.dictionaries(YEARS, value, max_size=8)


@st.composite
def cases(draw):
    goal = draw(goals())
    series = draw(series_for(goal))
    reference = draw(st.dictionaries(YEARS, st.floats(min_value=1, max_value=200).map(lambda v: round(v, 1))))
    year = draw(st.integers(min_value=2021, max_value=2046))
    return goal, series, reference, year


@settings(max_examples=1000, deadline=None, derandomize=True)  # the same examples in every CI run
@given(cases())
def test_value_status_and_sentence_agree(case):
    goal, series, reference, year = case
    progress = evaluate(goal, series, year, reference)
    cutoff = min(year, goal.horizon)
    usable = {y: v for y, v in series.items() if y <= cutoff}
    if goal.kind == "relative":
        usable = {y: v for y, v in usable.items() if reference.get(y)}
    text = progress.explanation

    assert text and text.endswith(".") and text[0].isupper()
    assert "CAGR" not in text and "tỷ số" not in text  # the method is small print, never the sentence
    if progress.value is not None:  # the value shown is the one the sentence speaks of, in its year
        assert progress.value_year <= cutoff
        # as precise as it is shown, or as the most precise level of its sentence (46,10% beside 49,98%)
        places = range(shown_places(progress.value), 4)
        written = {fmt(progress.value, shown_places(progress.value))} | {
            fmt(progress.value, p, keep=True) for p in places
        }
        assert any(w in text for w in written) and str(progress.value_year) in text
    if progress.status in PACE:
        assert len(usable) >= 2 and progress.value_year == max(usable)
        assert progress.status == status_for_ratio(progress.ratio)
        assert not progress.final and progress.value_year < goal.horizon and year <= goal.horizon
    if progress.status == "insufficient_data":
        assert progress.ratio is None
        if len(usable) == 1 and goal.kind in ("level", "limit", "zero"):
            assert f"năm {max(usable)}" in text  # it says which point exists
    else:
        assert progress.value_year is not None
    if progress.status in ("met", "not_met"):
        assert progress.final and (year > goal.horizon or progress.value_year >= goal.horizon)
    if goal.kind in ("level", "limit", "zero") and progress.status in ("achieved", "met", "not_met"):
        assert meets(goal, progress.value, progress.target_value) == (progress.status != "not_met")
    if goal.kind in ("level", "limit", "zero") and usable and progress.status == "insufficient_data":
        assert len(usable) == 1 and not meets(goal, usable[max(usable)], progress.target_value)
    if goal.unit == "%" and progress.method == "linear":
        assert "điểm %/năm" in text  # a percentage moves in percentage points
    if goal.kind == "annual_change" and progress.status in PACE | {"met", "not_met"}:
        assert goal.change_unit in text
