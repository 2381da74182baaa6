"""Progress of a target towards its milestone, by the Open SDG / Eurostat method (PRODUCT.md §4).

Pure functions: plain numbers in, a `Progress` out; no database. The caller passes the target's
definition as a `Goal`, its observations (year → value), and, for targets relative to a reference
series, the reference values (year → value).

- CAGR ratio: R = d · CAGR_observed / |CAGR_required|, both from the baseline.
- Linear pace ratio, wherever CAGR is meaningless (a zero target or baseline, values at a 0 or
  100 limit, percentages that must reach their natural limit):
  R = ((v_i − v_0)/(t_i − t_0)) / ((v_T − v_0)/(t_T − t_0)).
- Annual-change targets: the observed average yearly change against the required band.
Thresholds: R ≥ 0.95 on track; 0.60 ≤ R < 0.95 acceleration needed; 0 ≤ R < 0.60 limited; R < 0
deterioration. Target met → achieved; fewer than two data points → insufficient data.
"""

from dataclasses import dataclass, field

ON_TRACK, ACCELERATE, LIMITED = 0.95, 0.60, 0.0

STATUS_LABELS = {
    "achieved": "Đã đạt",
    "on_track": "Đúng tiến độ",
    "acceleration_needed": "Cần đẩy nhanh",
    "limited": "Chậm",
    "deterioration": "Đi xuống",
    "insufficient_data": "Chưa đủ dữ liệu",
    "qualitative": "Định tính",
}
METHOD_LABELS = {
    "cagr": "tốc độ tăng bình quân (CAGR)",
    "linear": "tốc độ tuyến tính",
    "annual_change": "mức thay đổi bình quân hằng năm",
    "qualitative": "đánh giá của đơn vị",
    "none": "",
}


@dataclass(frozen=True)
class Goal:
    """What a target asks, in plain values (see targets.models.Target)."""

    kind: str
    horizon: int
    comparison: str = ""
    value: float | None = None
    value_max: float | None = None
    direction: str = "higher"
    unit: str = ""
    natural_limit: float | None = None
    baseline_year: int | None = None
    period_start: int | None = None


@dataclass
class Progress:
    status: str
    method: str
    milestone: int
    explanation: str
    ratio: float | None = None
    observed_pace: float | None = None
    required_pace: float | None = None
    projected: float | None = None
    target_value: float | None = None
    details: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


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


def fmt(number: float | None, places: int = 2) -> str:
    """A number the Vietnamese way for explanations: 1.234,5."""
    if number is None:
        return "–"
    text = f"{number:,.{places}f}".rstrip("0").rstrip(".") if places else f"{number:,.0f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


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
) -> Progress:
    """The target's status in `year`, using observations up to that year."""
    if goal.kind == "qualitative":
        return _qualitative(goal, reported_status)
    year = min(year, goal.horizon)  # a milestone that has passed is judged on the values up to it
    series = {y: v for y, v in observations.items() if y <= year and v is not None}
    if goal.kind == "relative":
        reference = reference or {}
        series = {y: v / reference[y] for y, v in series.items() if reference.get(y)}
    if goal.kind == "annual_change":
        return _annual_change(goal, series)
    return _level(goal, series)


def nearest_open(horizons: list[int], year: int) -> int:
    """The milestone judged now: the earliest not yet passed (2025 until it has passed, then 2030,
    then 2045); once all have passed, the last."""
    ahead = sorted(h for h in horizons if h >= year)
    return ahead[0] if ahead else max(horizons)


def evaluate_milestones(goals: list[Goal], observations: dict[int, float], year: int,
                        reference: dict[int, float] | None = None, reported_status: str = "") -> dict:  # fmt: skip
    """One indicator's progress against each of its milestones, and against the nearest open one."""
    results = {g.horizon: evaluate(g, observations, year, reference, reported_status) for g in goals}
    return {"by_milestone": results, "nearest": results[nearest_open(list(results), year)]}


def _qualitative(goal: Goal, reported: str) -> Progress:
    labels = {"achieved": "Đã đạt", "progressing": "Đang thực hiện", "not_achieved": "Chưa đạt"}
    if not reported:
        return Progress(
            "insufficient_data", "qualitative", goal.horizon, "Chỉ tiêu định tính, chưa có đánh giá của đơn vị."
        )
    status = "achieved" if reported == "achieved" else "qualitative"
    explanation = f"Chỉ tiêu định tính; đơn vị đánh giá: {labels.get(reported, reported)}."
    return Progress(status, "qualitative", goal.horizon, explanation)


def _baseline(goal: Goal, series: dict[int, float]) -> tuple[int, float] | None:
    start = goal.baseline_year if goal.baseline_year in series else min(series)
    return start, series[start]


def _level(goal: Goal, series: dict[int, float]) -> Progress:
    if goal.kind == "multiple_of_baseline":
        if goal.baseline_year not in series:
            return Progress(
                "insufficient_data",
                "none",
                goal.horizon,
                (
                    "Chưa có số liệu năm gốc để tính mục tiêu."
                    if goal.baseline_year is None
                    else f"Chưa có số liệu năm gốc {goal.baseline_year} để tính mục tiêu."
                ),
            )
        target = goal.value * series[goal.baseline_year]
    else:
        # for a range, the bound that must be reached: the lower one when higher is better, else the upper
        target = goal.value_max if goal.comparison == "range" and goal.direction == "lower" else goal.value
    if not series:
        return Progress("insufficient_data", "none", goal.horizon, "Chưa có số liệu.", target_value=target)
    t1 = max(series)
    v1 = series[t1]
    if meets(goal, v1, target):
        return Progress(
            "achieved",
            "none",
            goal.horizon,
            f"Năm {t1} đạt {fmt(v1)}{_unit(goal)}, đã đạt mục tiêu {_goal_text(goal, target)}.",
            target_value=target,
            projected=v1,
        )
    if len(series) < 2:
        return Progress(
            "insufficient_data",
            "none",
            goal.horizon,
            f"Mới có số liệu năm {t1} ({fmt(v1)}{_unit(goal)}); cần ít nhất hai năm để đánh giá tiến độ.",
            target_value=target,
        )
    t0, v0 = _baseline(goal, series)
    if t0 == t1:
        t0 = min(series)
        v0 = series[t0]
    if _cagr_meaningless(goal, v0, v1, target):
        return _linear(goal, t0, v0, t1, v1, target)
    return _cagr(goal, t0, v0, t1, v1, target)


def _cagr_meaningless(goal: Goal, v0: float, v1: float, target: float) -> bool:
    at_limit = goal.unit.strip() == "%" and any(v in (0, 100) for v in (v0, v1, target))
    return goal.kind in ("zero", "limit") or min(v0, v1, target) <= 0 or at_limit


def _sign(goal: Goal) -> int:
    return -1 if goal.direction == "lower" else 1


def _linear(goal, t0, v0, t1, v1, target) -> Progress:
    observed = (v1 - v0) / (t1 - t0)
    required = (target - v0) / (goal.horizon - t0) if goal.horizon != t0 else 0
    if required * _sign(goal) <= 0:  # the baseline already met the target; it no longer does
        ratio = -1.0
    else:
        ratio = observed / required
    projected = _bounded(goal, v1 + observed * (goal.horizon - t1))
    return _paced(goal, "linear", ratio, observed, required, projected, target, t0, v0, t1, v1)


def _cagr(goal, t0, v0, t1, v1, target) -> Progress:
    observed = cagr(v1, v0, t1, t0)
    required = cagr(target, v0, goal.horizon, t0) if goal.horizon != t0 else 0
    if required * _sign(goal) <= 0:
        ratio = -1.0
    else:
        ratio = _sign(goal) * observed / abs(required)
    projected = _bounded(goal, v1 * (1 + observed) ** (goal.horizon - t1))
    return _paced(goal, "cagr", ratio, observed, required, projected, target, t0, v0, t1, v1)


def _bounded(goal: Goal, value: float) -> float:
    if goal.unit.strip() == "%":
        return min(100.0, max(0.0, value))
    return max(0.0, value) if goal.kind != "annual_change" else value


def _paced(goal, method, ratio, observed, required, projected, target, t0, v0, t1, v1) -> Progress:
    status = status_for_ratio(ratio)
    if method == "cagr":
        paces = f"thay đổi bình quân {fmt(observed * 100)}%/năm, cần {fmt(required * 100)}%/năm"
    else:
        paces = f"thay đổi bình quân {fmt(observed)}{_unit(goal)}/năm, cần {fmt(required)}{_unit(goal)}/năm"
    explanation = (
        f"Từ {fmt(v0)}{_unit(goal)} (năm {t0}) đến {fmt(v1)}{_unit(goal)} (năm {t1}): {paces} "
        f"để đạt {_goal_text(goal, target)} vào năm {goal.horizon} (tỷ số {fmt(ratio)}, theo {METHOD_LABELS[method]}); "
        f"giữ nhịp này, năm {goal.horizon} ước đạt {fmt(projected)}{_unit(goal)}."
    )
    return Progress(
        status,
        method,
        goal.horizon,
        explanation,
        ratio=ratio,
        observed_pace=observed,
        required_pace=required,
        projected=projected,
        target_value=target,
    )


def _annual_change(goal: Goal, series: dict[int, float]) -> Progress:
    """The series holds each year's change in the good direction (growth rate, points of decrease,
    share of labour moved); the band's lower bound is the least change that keeps pace."""
    # without a stated period, the years since the previous milestone (2026–2030 for a 2030 target)
    start = goal.period_start or goal.horizon - 4
    period = {y: v for y, v in series.items() if y >= start}
    required = goal.value
    if not period:
        return Progress(
            "insufficient_data",
            "annual_change",
            goal.horizon,
            f"Chưa có số liệu thay đổi hằng năm từ năm {start}.",
            required_pace=required,
        )
    observed = sum(period.values()) / len(period)
    last = max(period)
    band = f"{fmt(goal.value)}–{fmt(goal.value_max)}" if goal.comparison == "range" else fmt(goal.value)
    text = (
        f"Bình quân {len(period)} năm ({start}–{last}): {fmt(observed)}{_unit(goal)}, "
        f"yêu cầu {band}{_unit(goal)} (theo {METHOD_LABELS['annual_change']}"
    )
    ratio = observed / required if required else None
    if last >= goal.horizon and observed >= required:
        status = "achieved"
    elif len(period) < 2 or ratio is None:
        return Progress(
            "insufficient_data",
            "annual_change",
            goal.horizon,
            text + "); cần ít nhất hai năm số liệu.",
            observed_pace=observed,
            required_pace=required,
        )
    else:
        status = status_for_ratio(ratio)
    return Progress(
        status,
        "annual_change",
        goal.horizon,
        text + f", tỷ số {fmt(ratio)}).",
        ratio=ratio,
        observed_pace=observed,
        required_pace=required,
        projected=observed,
    )


def _unit(goal: Goal) -> str:
    unit = goal.unit.strip()
    if not unit:
        return ""
    return unit if unit.startswith("%") else f" {unit}"


def _goal_text(goal: Goal, target: float) -> str:
    symbols = {">": "trên ", ">=": "", "<": "dưới ", "<=": "không quá ", "=": "", "range": ""}
    return f"{symbols.get(goal.comparison, '')}{fmt(target)}{_unit(goal)}"
