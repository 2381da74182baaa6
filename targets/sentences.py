"""How a target's progress is put in words (the sentences of targets.progress): values with their units and
estimates, paces as shares of the pace required, goals, years."""

import math

from binhson_plan.number_format import fmt, joined
from targets.goals import ACCELERATE, ON_TRACK, Goal


def _decimals(text: str) -> int:
    """How many decimals a formatted number shows: "3,3" → 1, "1.234" → 0."""
    return len(text.rpartition(",")[2]) if "," in text else 0


def _alike(first: float, second: float) -> tuple[str, str]:
    """Two paces of one sentence with one number of decimals (3,30 and 3,12), more when that alone tells
    two different paces apart (0,813 and 0,815, not 0,81 and 0,81)."""
    places = max(_decimals(fmt(first)), _decimals(fmt(second)))
    while places < 4 and first != second and fmt(first, places) == fmt(second, places):
        places += 1
    return fmt(first, places, keep=True), fmt(second, places, keep=True)


def share(ratio: float) -> str:
    """A pace ratio as a share of the pace required, with one decimal: 0,995 → "99,5%"; cut rather than rounded where
    rounding would read as a threshold not reached (0,9496 → 94,9%, not 95,0%; 0,9997 → 99,9%, not 100,0%)."""
    shown = round(ratio * 100, 1)
    if any((ratio >= limit) != (shown >= limit * 100) for limit in (ON_TRACK, ACCELERATE, 1.0)):
        shown = math.floor(round(ratio * 1000, 6)) / 10
    return f"{fmt(shown, 1, keep=True)}%"


def _share_of_pace(status: str, ratio: float | None) -> str:
    """Why a pace below the one required is still on track, or why it needs speeding up, in plain words:
    " Vẫn đúng tiến độ vì tốc độ hiện nay bằng 99,5% tốc độ cần thiết (từ 95% trở lên là đúng tiến độ)." """
    if status not in ("on_track", "acceleration_needed") or ratio is None or ratio >= 1:
        return ""
    if status == "on_track":  # the status in words, so "sát mục tiêu" before it does not read as a contradiction
        why = f"tốc độ hiện nay bằng {share(ratio)} tốc độ cần thiết (từ 95% trở lên là đúng tiến độ)"
        return f" Vẫn đúng tiến độ vì {why}."
    return f" Tốc độ hiện nay mới bằng {share(ratio)} tốc độ cần thiết (từ 95% trở lên mới là đúng tiến độ)."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _latest(goal: Goal, series, estimates=frozenset()) -> str:
    """ "năm 2022 (21,4%)", or "các năm 2021, 2022 (gần nhất: 21,4%)"."""
    last = max(series)
    if len(series) == 1:
        return f"năm {last} ({_stated(goal, series[last], last, estimates)})"
    years = ", ".join(str(y) for y in sorted(series))
    return f"các năm {years} (năm {last}: {_stated(goal, series[last], last, estimates)})"


def _reached(year: int, estimates) -> str:
    """ "đạt", or "ước đạt" for a value that is an estimate (ước thực hiện)."""
    return "ước đạt" if year in estimates else "đạt"


def _year(year: int, estimates) -> str:
    """ "năm 2026", or "ước năm 2026" for a year whose value is an estimate."""
    return f"ước năm {year}" if year in estimates else f"năm {year}"


def _stated(goal: Goal, value: float, year: int, estimates) -> str:
    """A value with its unit, "ước 33,5 triệu đồng" when the year's value is an estimate."""
    return f"ước {_with_unit(goal, value)}" if year in estimates else _with_unit(goal, value)


def _unit(goal: Goal) -> str:
    return joined("", goal.unit)


def _with_unit(goal: Goal, value: float) -> str:
    """A value with its unit, as precise as a reader needs: 0,655 (an index), 61,5, 1.850,1 (tỷ đồng)."""
    return f"{fmt(value, shown_places(value))}{_unit(goal)}"


def shown_places(value: float) -> int:
    """Decimals to show a value with: three below 10 (0,655, 0,821), two below 1.000, one above."""
    size = abs(value)
    return 3 if size < 10 else 2 if size < 1000 else 1


def _points_unit(goal: Goal) -> str:
    """A level in % moves in percentage points; any other level in its own unit."""
    unit = goal.unit.strip()
    return "điểm %/năm" if unit == "%" else f"{unit}/năm".strip("/") if unit else "đơn vị/năm"


def _times(goal: Goal, series, value: float) -> str:
    """For a multiple of the baseline: ", gấp 1,8 lần năm 2020"."""
    if goal.kind != "multiple_of_baseline" or not series.get(goal.baseline_year):
        return ""
    return f", gấp {fmt(value / series[goal.baseline_year])} lần năm {goal.baseline_year}"


def _goal_text(goal: Goal, target: float) -> str:
    symbols = {">": "trên ", ">=": "", "<": "dưới ", "<=": "không quá ", "=": "", "range": ""}
    if goal.kind == "multiple_of_baseline":
        times = f"{symbols.get(goal.comparison, '')}{fmt(goal.value)} lần năm {goal.baseline_year}"
        return f"{times} ({_with_unit(goal, target)})"
    if goal.comparison == "range" and goal.value_max is not None:
        return f"{fmt(goal.value)}–{fmt(goal.value_max)}{_unit(goal)}"
    return f"{symbols.get(goal.comparison, '')}{fmt(target)}{_unit(goal)}"
