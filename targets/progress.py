"""Progress of a target towards its milestone, by the Open SDG / Eurostat method (PRODUCT.md §4).

Pure functions: plain numbers in, a `Progress` out; no database. The caller passes the target's
definition as a `Goal`, its observations (year → value), and, for targets relative to a reference
series, the reference values (year → value).

- CAGR ratio: R = d · CAGR_observed / |CAGR_required|, both from the baseline.
- Linear pace ratio, wherever CAGR is meaningless (a zero target or baseline, values at a 0 or
  100 limit, percentages that must reach their natural limit):
  R = ((v_i − v_0)/(t_i − t_0)) / ((v_T − v_0)/(t_T − t_0)).
- Annual-change targets are judged on their level series: the observed average yearly change from
  the baseline (the year before the period) to the latest value, in points (điểm %/năm) or as a
  compound growth rate (%/năm), against the required band.
Thresholds: R ≥ 0.95 on track; 0.60 ≤ R < 0.95 acceleration needed; 0 ≤ R < 0.60 limited; R < 0
deterioration. A milestone whose year has data, or has passed, is judged once: met or not met, on
the value of that year or the latest before it. Fewer than two data points → insufficient data.

The sentence (`explanation`) is plain Vietnamese about the values it was judged on (`value_year`,
`value`); the method and the pace ratio go in `method_note`, for small print. A value of a year in
`estimates` (ước thực hiện) reads as an estimate there: "Năm 2025 ước đạt 30,2…", "(ước năm 2026)".
"""

from dataclasses import replace

from binhson_plan.number_format import fmt, joined
from targets.goals import ACCELERATE, LIMITED, METHOD_LABELS, ON_TRACK, QUALITATIVE_LABELS, Goal, Progress
from targets.sentences import (
    _alike,
    _decimals,
    _goal_text,
    _latest,
    _points_unit,
    _reached,
    _sentence,
    _share_of_pace,
    _stated,
    _times,
    _with_unit,
    _year,
    share,
    shown_places,
)


def cagr(v1: float, v0: float, t1: int, t0: int) -> float:
    """Compound annual growth rate between two observations."""
    return (v1 / v0) ** (1 / (t1 - t0)) - 1


def status_for_ratio(ratio: float) -> str:
    """The status a pace ratio earns, by the thresholds 0.95 / 0.60 / 0."""
    if ratio >= ON_TRACK:
        return "on_track"
    if ratio >= ACCELERATE:
        return "acceleration_needed"
    if ratio >= LIMITED:
        return "limited"
    return "deterioration"


def meets(goal: Goal, value: float, target: float | None = None) -> bool:
    """Whether one value satisfies the goal's comparison (target overrides goal.value)."""
    target = goal.value if target is None else target
    higher = goal.direction != "lower"
    match goal.comparison:
        case ">":
            return value > target
        case ">=":
            return value >= target
        case "<":
            return value < target
        case "<=":
            return value <= target
        case "range":  # within the band, or beyond it in the good direction
            return value >= goal.value if higher else value <= goal.value_max
        case _:  # "=": reaching the value counts, going beyond it in the good direction too
            return value >= target if higher else value <= target


def evaluate(
    goal: Goal,
    observations: dict[int, float],
    year: int,
    reference: dict[int, float] | None = None,
    reported_status: str = "",
    estimates=frozenset(),
) -> Progress:
    """The target's status in `year`, using observations up to that year (up to the milestone's
    year once it has passed: a passed milestone is judged on the values up to it). `estimates`: the
    years whose value is an estimate, which the sentence says so of."""
    if goal.kind == "qualitative":
        return _qualitative(goal, reported_status, passed=year > goal.horizon)
    cutoff = min(year, goal.horizon)
    series = {y: float(v) for y, v in observations.items() if y <= cutoff and v is not None}
    passed = year > goal.horizon
    estimates = frozenset(estimates)
    if goal.kind == "annual_change":
        return _annual_change(goal, series, passed, estimates)
    if goal.kind == "relative":
        return _relative(goal, series, reference or {}, passed, estimates)
    return _level(goal, series, passed, estimates)


def nearest_open(horizons: list[int], year: int) -> int:
    """The milestone judged now: the earliest not yet passed (2025 until it has passed, then 2030,
    then 2045); once all have passed, the last."""
    ahead = sorted(h for h in horizons if h >= year)
    return ahead[0] if ahead else max(horizons)


def evaluate_milestones(goals: list[Goal], observations: dict[int, float], year: int,
                        reference: dict[int, float] | None = None, reported_status: str = "",
                        estimates=frozenset()) -> dict:  # fmt: skip
    """One indicator's progress against each of its milestones, and against the nearest open one."""
    results = {g.horizon: evaluate(g, observations, year, reference, reported_status, estimates) for g in goals}
    return {"by_milestone": results, "nearest": results[nearest_open(list(results), year)]}


# ---- qualitative --------------------------------------------------------------------------------


def _qualitative(goal: Goal, reported: str, passed: bool) -> Progress:
    if not reported:
        return Progress(
            "insufficient_data", "qualitative", goal.horizon, "Chỉ tiêu định tính, chưa có đánh giá của đơn vị."
        )
    label = QUALITATIVE_LABELS.get(reported, reported)
    if reported == "achieved":
        status = "met" if passed else "achieved"
    else:
        status = "not_met" if passed else "qualitative"
    when = f"Mốc {goal.horizon} đã qua; " if passed else ""
    return Progress(
        status, "qualitative", goal.horizon, _sentence(f"{when}chỉ tiêu định tính, đơn vị đánh giá: {label.lower()}."),
        final=passed, method_note=f"Căn cứ: {METHOD_LABELS['qualitative']}.", details={"assessment": label.lower()},
    )  # fmt: skip


# ---- levels -------------------------------------------------------------------------------------


def _level(goal: Goal, series: dict[int, float], passed: bool, estimates=frozenset()) -> Progress:
    if goal.kind == "multiple_of_baseline":
        if goal.baseline_year not in series:
            have = f" (mới có số liệu {_latest(goal, series, estimates)})" if series else ""
            text = f"Chưa có số liệu năm gốc {goal.baseline_year} để tính mục tiêu{have}."
            return _insufficient(goal, text, series)
        target = goal.value * series[goal.baseline_year]
    else:
        # for a range, the bound that must be reached: the lower one when higher is better, else the upper
        target = goal.value_max if goal.comparison == "range" and goal.direction == "lower" else goal.value
    if not series:
        text = (
            f"Chưa có số liệu đến năm {goal.horizon} để đánh giá mốc {goal.horizon}." if passed else "Chưa có số liệu."
        )
        return _insufficient(goal, text, series, target=target)
    t1, v1 = max(series), series[max(series)]
    if passed or t1 >= goal.horizon:
        return _judged(goal, series, t1, v1, target, passed, estimates)
    if meets(goal, v1, target):
        return _result(goal, "achieved", "none", f"Năm {t1} {_reached(t1, estimates)} {_with_unit(goal, v1)}"
                       f"{_times(goal, series, v1)}, "
                       f"đã đạt mục tiêu {_goal_text(goal, target)} của mốc {goal.horizon}.", series, t1, v1,
                       target=target, projected=v1)  # fmt: skip
    if len(series) < 2:
        text = (f"Mới có số liệu năm {t1} ({_stated(goal, v1, t1, estimates)}); cần thêm số liệu ít nhất một năm "
                "nữa để đánh giá tiến độ.")  # fmt: skip
        return _insufficient(goal, text, series, target=target)
    t0, v0 = _baseline(goal, series)
    if t0 == t1:
        t0 = min(series)
        v0 = series[t0]
    if _cagr_meaningless(goal, v0, v1, target):
        return _paced(goal, "linear", series, t0, v0, t1, v1, target, estimates)
    return _paced(goal, "cagr", series, t0, v0, t1, v1, target, estimates)


def _relative(goal: Goal, raw: dict[int, float], reference: dict[int, float], passed: bool,
              estimates=frozenset()) -> Progress:  # fmt: skip
    """The ratio of the series to its reference series, judged as a level; the sentence gives both."""
    ratios = {y: v / reference[y] for y, v in raw.items() if reference.get(y)}
    against = goal.reference_label or "chuỗi tham chiếu"
    if raw and not ratios:
        last = max(raw)
        text = (f"Có số liệu năm {last} ({_stated(goal, raw[last], last, estimates)}) nhưng chưa có số liệu {against} "
                f"năm {last} để so sánh.")  # fmt: skip
        return _insufficient(goal, text, raw)
    ratio_goal = replace(goal, kind="level", unit=goal.target_unit or "lần")
    progress = _level(ratio_goal, ratios, passed, estimates)
    if ratios:
        t1 = max(ratios)
        progress.explanation = (
            f"Năm {t1}{' (ước)' if t1 in estimates else ''}: {_with_unit(goal, raw[t1])}, "
            f"bằng {fmt(ratios[t1], shown_places(ratios[t1]))} lần {against} "
            f"({_with_unit(goal, reference[t1])}). " + progress.explanation
        )
        progress.value_year, progress.value = t1, raw[t1]
        progress.details["ratio_value"] = ratios[t1]
    return progress


def _judged(goal: Goal, series, t1: int, v1: float, target: float, passed: bool, estimates=frozenset()) -> Progress:
    """A milestone whose year has data, or has passed: met or not, on the value of its year or the
    latest before it, and the sentence says which."""
    met = meets(goal, v1, target)
    outcome = "đạt" if met else "chưa đạt"
    if t1 == goal.horizon:
        value = f"{_with_unit(goal, v1)}{_times(goal, series, v1)}"
        text = f"Năm {t1} {_reached(t1, estimates)} {value}, {outcome} mục tiêu {_goal_text(goal, target)}."
    else:
        text = (f"Chưa có số liệu năm {goal.horizon}; số liệu gần nhất trước mốc (năm {t1}) là "
                f"{_stated(goal, v1, t1, estimates)}{_times(goal, series, v1)}, {outcome} mục tiêu "
                f"{_goal_text(goal, target)}.")  # fmt: skip
    if passed:
        text = f"Mốc {goal.horizon} đã qua. " + text
    return _result(goal, "met" if met else "not_met", "milestone", text, series, t1, v1, target=target, final=True)


def _baseline(goal: Goal, series: dict[int, float]) -> tuple[int, float]:
    start = goal.baseline_year if goal.baseline_year in series else min(series)
    return start, series[start]


def _cagr_meaningless(goal: Goal, v0: float, v1: float, target: float) -> bool:
    at_limit = goal.unit.strip() == "%" and any(v in (0, 100) for v in (v0, v1, target))
    return goal.kind in ("zero", "limit") or min(v0, v1, target) <= 0 or at_limit


def _sign(goal: Goal) -> int:
    return -1 if goal.direction == "lower" else 1


def _paced(goal, method, series, t0, v0, t1, v1, target, estimates=frozenset()) -> Progress:
    if method == "linear":
        observed = (v1 - v0) / (t1 - t0)
        required = (target - v0) / (goal.horizon - t0)
        projected = _bounded(goal, v1 + observed * (goal.horizon - t1))
        pace = _points_unit(goal)
        seen, needed = (joined(text, pace) for text in _alike(abs(observed), abs(required)))
    else:
        observed = cagr(v1, v0, t1, t0)
        required = cagr(target, v0, goal.horizon, t0)
        projected = _bounded(goal, v1 * (1 + observed) ** (goal.horizon - t1))
        # a compound rate of a percentage is a relative change: say so, so it is not read as points
        pace = "%/năm (tương đối)" if goal.unit.strip() == "%" else "%/năm"
        seen, needed = (joined(text, pace) for text in _alike(abs(observed) * 100, abs(required) * 100))
    if required * _sign(goal) <= 0:  # the baseline already met the target; it no longer does
        ratio = -1.0
    else:
        ratio = _sign(goal) * observed / abs(required)
    status = status_for_ratio(ratio)
    # the projection as precise as the values it comes from, as they are written: 70,2 and 71,6 → 73,0
    places = max(_decimals(fmt(v0, shown_places(v0))), _decimals(fmt(v1, shown_places(v1))))
    short = not meets(goal, projected, target)
    while places < 3 and meets(goal, round(projected, places), target) == short:  # 94,6 must not read as 95
        places += 1

    def level(value: float) -> str:  # the levels of one sentence with one number of decimals: 46,10 → 49,98
        return joined(fmt(value, places, keep=True), goal.unit)

    if v1 == v0:
        estimated = [str(y) for y in (t0, t1) if y in estimates]
        said = f" (số liệu năm {' và '.join(estimated)} là số ước)" if estimated else ""
        movement = f"Giữ nguyên {level(v1)} từ năm {t0} đến năm {t1}{said}"
    else:
        trend = "tăng" if observed > 0 else "giảm"
        movement = (f"Từ {level(v0)} ({_year(t0, estimates)}) {'tăng lên' if v1 > v0 else 'giảm còn'} "
                    f"{level(v1)} ({_year(t1, estimates)}), bình quân {trend} {seen}")  # fmt: skip
    close = (", sát mục tiêu" if status == "on_track" else ", chưa đạt mục tiêu") if short else ""
    text = (
        f"{movement}; cần {'tăng' if required > 0 else 'giảm'} {needed} để đạt {_goal_text(goal, target)} "
        f"vào năm {goal.horizon}. Giữ nhịp này, năm {goal.horizon} ước đạt "
        f"{level(projected)}{close}.{_share_of_pace(status, ratio)}"
    )
    return _result(goal, status, method, text, series, t1, v1, target=target, ratio=ratio,
                   observed=observed, required=required, projected=projected, t0=t0, v0=v0)  # fmt: skip


def _bounded(goal: Goal, value: float) -> float:
    if goal.unit.strip() == "%":
        return min(100.0, max(0.0, value))
    return max(0.0, value)


# ---- annual changes, derived from the level series ---------------------------------------------


def _annual_change(goal: Goal, series: dict[int, float], passed: bool, estimates=frozenset()) -> Progress:
    """The observed average yearly change of the level series from the baseline (the year before the
    period) to the latest value, in the good direction, against the band."""
    start = (goal.period_start or goal.horizon - 4) - 1
    band = f"{fmt(goal.value)}–{fmt(goal.value_max)}" if goal.comparison == "range" else fmt(goal.value)
    verb = "giảm" if goal.direction == "lower" else "tăng"
    unit = goal.change_unit or "%/năm"
    points = "điểm" in unit
    if start not in series:
        have = f"; mới có số liệu {_latest(goal, series, estimates)}" if series else ""
        text = f"Chưa có số liệu năm gốc {start} để tính mức {verb} bình quân{have}."
        return _insufficient(goal, text, series, method="annual_change")
    later = [y for y in series if y > start]
    if not later:
        text = (f"Mới có số liệu năm {start} ({_stated(goal, series[start], start, estimates)}); cần thêm số liệu "
                "ít nhất một năm sau đó để tính mức thay đổi.")  # fmt: skip
        return _insufficient(goal, text, series, method="annual_change")
    t1 = max(later)
    v0, v1 = series[start], series[t1]
    if points:
        change = (v1 - v0) / (t1 - start)
    elif v0 > 0 and v1 > 0:
        change = cagr(v1, v0, t1, start) * 100
    else:
        text = (f"Không tính được tốc độ tăng bình quân khi số liệu bằng 0 ({_stated(goal, v0, start, estimates)} "
                f"năm {start}, {_stated(goal, v1, t1, estimates)} năm {t1}).")  # fmt: skip
        return _insufficient(goal, text, series)
    observed = _sign(goal) * change  # in the good direction
    # the observed change and the band it is held against, with one number of decimals
    bounds = [goal.value, goal.value_max] if goal.comparison == "range" else [goal.value]
    places = max(_decimals(fmt(number)) for number in [abs(change), *bounds])
    band = "–".join(fmt(number, places, keep=True) for number in bounds)
    moved = ("giảm" if change < 0 else "tăng") + f" bình quân {joined(fmt(abs(change), places, keep=True), unit)}"
    text = (f"{_sentence(moved)} từ năm {start} đến năm {t1} ({_stated(goal, v0, start, estimates)} → "
            f"{_stated(goal, v1, t1, estimates)}); cần {verb} {joined(band, unit)}.")  # fmt: skip
    required = goal.value
    met = observed >= required - 1e-9
    if passed or t1 >= goal.horizon:
        status, final = ("met" if met else "not_met"), True
        if t1 < goal.horizon:
            text = (
                f"Chưa có số liệu năm {goal.horizon}; tính đến năm {t1} (gần nhất trước mốc): "
                + text[0].lower()
                + text[1:]
            )
        if passed:
            text = f"Mốc {goal.horizon} đã qua. " + text
        ratio = observed / required if required else None
    else:
        ratio = observed / required if required else None
        status, final = (status_for_ratio(ratio) if ratio is not None else "insufficient_data"), False
        text += _share_of_pace(status, ratio)
    result = _result(goal, status, "annual_change", text, series, t1, v1, ratio=ratio, observed=observed,
                     required=required, projected=observed, t0=start, v0=v0, final=final)  # fmt: skip
    return result


# ---- sentences ----------------------------------------------------------------------------------


def _result(goal, status, method, text, series, t1, v1, *, target=None, ratio=None, observed=None, required=None,
            projected=None, t0=None, v0=None, final=False) -> Progress:  # fmt: skip
    if t0 is None and series:
        t0 = goal.baseline_year if goal.baseline_year in series else min(series)
        v0 = series[t0]
    note = f"Phương pháp: {METHOD_LABELS[method]}" if METHOD_LABELS.get(method) else ""
    if note and ratio is not None and not final:
        note += f"; tỷ số tiến độ {share(ratio)}"  # as the sentence says it: 99,5%, never 99% here and 0,995 there
    return Progress(
        status, method, goal.horizon, text, ratio=ratio, observed_pace=observed, required_pace=required,
        projected=projected, target_value=target, value_year=t1, value=v1, baseline_year=t0, baseline_value=v0,
        final=final, method_note=f"{note}." if note else "",
    )  # fmt: skip


def _insufficient(goal, text, series, target=None, method="none") -> Progress:
    latest = max(series) if series else None
    return Progress(
        "insufficient_data", method, goal.horizon, text, target_value=target, value_year=latest,
        value=series.get(latest) if series else None,
    )  # fmt: skip
