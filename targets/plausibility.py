"""Values that jump: a value far from what its own series makes plausible needs a word of explanation.

Pure functions, no database. A value `v` of year `y` is checked against the rest of its series (every other
year), through its nearest earlier and nearest later observations, as a change per year:

- a percentage that moves more than PERCENT_POINTS (15) points a year;
- a change larger than the series' own band: as in DHIS2's min–max outlier detection, the band comes from
  the series itself. We take the largest yearly change observed between its other values, times
  BAND_FACTOR (3), never narrower than BAND_FLOOR_POINTS (1 point) for a percentage or BAND_FLOOR_SHARE
  (1 %) of the level otherwise. The band needs MIN_CHANGES (3) yearly changes of history. We chose the
  largest change rather than mean ± 3 SD because the plan's series are short (a handful of yearly
  values) and often move at an almost constant pace: their SD is close to zero and would flag an
  ordinary year, while the largest change keeps the series' own rhythm;
- while the series is too short for a band, a level other than a percentage that moves by more than
  SHORT_SERIES_SHARE (50 %) of itself in a year (the rule the portal used before);
- a level beyond its natural limit (above a ceiling the target may reach, below a floor).

A percentage counted over few units (`step`: 50 points for two communes) moves by whole steps: no threshold
is narrower than one step, so one more commune reaching the standard (0% → 50%) is not an anomaly.

Each reason is one Vietnamese phrase; an empty list means the value is plausible.
"""

from binhson_plan.number_format import fmt

PERCENT_POINTS = 15
BAND_FACTOR = 3
BAND_FLOOR_POINTS = 1
BAND_FLOOR_SHARE = 0.01
MIN_CHANGES = 3
SHORT_SERIES_SHARE = 0.5


def _fmt(number: float, places: int = 4) -> str:
    """Up to four decimals, as values are stored (an index of 0,655 is not 0,66)."""
    return fmt(number, places)


def yearly_changes(series: dict[int, float]) -> list[float]:
    """The change per year between consecutive observations of a series (gaps spread over their years)."""
    years = sorted(series)
    return [(series[b] - series[a]) / (b - a) for a, b in zip(years, years[1:], strict=False)]


def band(series: dict[int, float], percentage: bool) -> float | None:
    """The largest yearly change the series makes plausible, or None while its history is too short."""
    changes = yearly_changes(series)
    if len(changes) < MIN_CHANGES:
        return None
    largest = max(abs(change) for change in changes)
    level = max(abs(v) for v in series.values())
    floor = BAND_FLOOR_POINTS if percentage else BAND_FLOOR_SHARE * level
    return max(BAND_FACTOR * largest, floor)


def jump_reasons(
    series: dict[int, float],
    year: int,
    value: float,
    *,
    unit: str = "",
    natural_limit: float | None = None,
    direction: str = "higher",
    step: float | None = None,
) -> list[str]:
    """Why `value` for `year` needs an explanation, given the other values of its series; [] when it does
    not. `unit` is the unit of the values ("%" makes it a percentage); `step`, the smallest move it makes."""
    value = float(value)
    others = {y: float(v) for y, v in series.items() if y != year and v is not None}
    unit = unit.strip()
    percentage = unit == "%"
    allowed = band(others, percentage)
    step = float(step or 0)
    if allowed is not None:
        allowed = max(allowed, step)
    most_points = max(PERCENT_POINTS, step)
    per = "điểm %" if percentage else unit
    reasons = []
    for neighbour in _neighbours(others, year):
        change = (value - others[neighbour]) / abs(year - neighbour)
        moved = _movement(others[neighbour], neighbour, value, year, unit)
        # compared as shown, to four decimals: 64,2 − 63 is 1,2000000000000028 in floating point, and a change
        # equal to the limit it is told it exceeds would read as a contradiction
        change = round(change, 4)
        if percentage and abs(change) > round(most_points, 4):
            reasons.append(f"{moved}: {_fmt(abs(change))} điểm % mỗi năm, quá {_fmt(most_points)} điểm %")
        elif allowed is not None and abs(change) > round(allowed, 4):
            reasons.append(
                f"{moved}: {_fmt(abs(change))} {per} mỗi năm, ngoài mức thay đổi thường thấy của chuỗi số liệu "
                f"(tối đa {_fmt(allowed)} {per} mỗi năm)".replace("  ", " ")
            )
        elif allowed is None and not percentage and others[neighbour]:
            share = abs(change) / abs(others[neighbour])
            if share > SHORT_SERIES_SHARE:
                reasons.append(f"{moved}: {_fmt(share * 100, 1)}% mỗi năm, quá {_fmt(SHORT_SERIES_SHARE * 100)}%")
    if natural_limit is not None:
        limit = float(natural_limit)
        if (direction != "lower" and value > limit) or (direction == "lower" and value < limit):
            side = "trên" if direction != "lower" else "dưới"
            reasons.append(f"{_with(value, unit)} {side} giới hạn tự nhiên {_with(limit, unit)}")
    return reasons


def _with(number: float, unit: str) -> str:
    return f"{_fmt(number)}{unit}" if unit.startswith("%") else f"{_fmt(number)} {unit}".strip()


def _movement(a: float, year_a: int, b: float, year_b: int, unit: str) -> str:
    """The move in words, in the order of the years: "tăng từ 40% (năm 2024) lên 70% (năm 2025)"."""
    if year_a > year_b:
        a, year_a, b, year_b = b, year_b, a, year_a
    verb, to = ("tăng", "lên") if b > a else ("giảm", "xuống")
    return f"{verb} từ {_with(a, unit)} (năm {year_a}) {to} {_with(b, unit)} (năm {year_b})"


def _neighbours(others: dict[int, float], year: int) -> list[int]:
    """The nearest earlier and the nearest later year that have a value."""
    before = [y for y in others if y < year]
    after = [y for y in others if y > year]
    return ([max(before)] if before else []) + ([min(after)] if after else [])


def flagged_years(series: dict[int, float], **target) -> dict[int, list[str]]:
    """Every value of a recorded series that jumped when it came, judged against the years before it
    (one jump is one flag, on the value that moved): {year: reasons}."""
    flags = {}
    for year, value in series.items():
        reasons = jump_reasons({y: v for y, v in series.items() if y < year}, year, value, **target)
        if reasons:
            flags[year] = reasons
    return flags


def describe(reasons: list[str]) -> str:
    """The reasons as one sentence: "Số liệu thay đổi bất thường: …"."""
    return "Số liệu thay đổi bất thường: " + "; ".join(reasons) + "." if reasons else ""
