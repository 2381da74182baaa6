"""Server-side SVG charts: they need no JavaScript, print as they are, and can go into the PDF report."""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

from binhson_plan.number_format import fmt
from targets.goals import Progress


def sparkline(series: dict[int, float], width: int = 110, height: int = 26, unit: str = "", estimates=()) -> str:
    """A small line of the yearly values, with the latest one marked; read out with their unit, and "(ước)" after
    the value of a year in `estimates` (ước thực hiện)."""
    if not series:
        return mark_safe(f'<svg width="{width}" height="{height}" role="img" aria-label="Chưa có số liệu"></svg>')
    years = sorted(series)
    low, high = min(series.values()), max(series.values())
    span_y = (high - low) or 1
    span_x = (years[-1] - years[0]) or 1

    def point(year):
        x = 3 + (year - years[0]) / span_x * (width - 6)
        y = height - 3 - (series[year] - low) / span_y * (height - 6)
        return x, y

    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in map(point, years))
    last_x, last_y = point(years[-1])
    estimated = {year: " (ước)" if year in estimates else "" for year in years}
    label = escape("; ".join(f"{y}: {with_unit(series[y], unit)}{estimated[y]}" for y in years))
    return mark_safe(
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f'<polyline fill="none" stroke="#0d6efd" stroke-width="1.5" points="{points}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" fill="#0d6efd"/></svg>'
    )


def with_unit(value: float, unit: str) -> str:
    """A value as the explanations write it: "14,2%", "27 triệu đồng/người/năm"."""
    unit, text = (unit or "").strip(), fmt(value, 4)  # as stored: an index of 0,655 is not 0,66
    return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}".strip()


def required_path(progress: Progress, change_unit: str, direction: str) -> dict[int, float]:
    """For an annual-change target, the level its series must follow from the baseline to the milestone at
    the least required yearly change: points for "điểm %/năm", a compound rate for "%/năm"."""
    t0, v0, pace = progress.baseline_year, progress.baseline_value, progress.required_pace
    if t0 is None or v0 is None or pace is None:
        return {}
    sign = -1 if direction == "lower" else 1
    if "điểm" in change_unit:
        return {year: v0 + sign * pace * (year - t0) for year in range(t0, progress.milestone + 1)}
    return {year: v0 * (1 + sign * pace / 100) ** (year - t0) for year in range(t0, progress.milestone + 1)}


def axis_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values from at or below `low` to at or above `high`, about `count` steps apart, each step 1, 2, 2,5
    or 5 times a power of ten: the axis reads 0, 10, 20, … rather than 0, 20,09, 40,18."""
    raw = ((high - low) or abs(high) or 1) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step), max(math.ceil(high / step), math.floor(low / step) + 1)
    return [round(i * step, 10) for i in range(first, last + 1)]


def trajectory_chart(
    series: dict[int, float],
    progress: Progress,
    unit: str,
    start_year: int,
    width: int = 640,
    height: int = 260,
    *,
    change_unit: str = "",
    direction: str = "higher",
    notes: dict[int, str] | None = None,
) -> tuple[str, frozenset[str]]:
    """Yearly values (solid), the trajectory required to reach the milestone (dashed) and the projection at
    the current pace (dotted), and which of them were drawn ("values", "required", "projection", "goal"), so the
    legend names only those (browser pass 27: a dotted line named under a chart that had none).
    Every value is in `unit`, the unit of the series drawn (for an annual-change
    target, its level series; the required path then follows the yearly change in `change_unit`); `notes`
    adds a word to a year's tooltip (what a ratio is made of)."""
    left, right, top, bottom = 56, 16, 22, 36
    years = sorted(series)
    first = min([*years, start_year])
    last = max([*years, progress.milestone])
    path = required_path(progress, change_unit, direction) if progress.method == "annual_change" else {}
    target = path.get(progress.milestone) if path else progress.target_value
    values = list(series.values()) + list(path.values()) + [v for v in (target,) if v is not None]
    if progress.method in ("cagr", "linear") and progress.projected is not None:
        values.append(progress.projected)
    if not values:
        return mark_safe('<p class="text-muted">Chưa có số liệu để vẽ biểu đồ.</p>'), frozenset()
    drawn = set()
    ticks = axis_ticks(min(0.0, min(values)), max(values))
    low, high = ticks[0], ticks[-1]
    x = lambda year: left + (year - first) / ((last - first) or 1) * (width - left - right)  # noqa: E731
    y = lambda value: top + (high - value) / ((high - low) or 1) * (height - top - bottom)  # noqa: E731
    parts = [
        f'<svg width="100%" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Biểu đồ số liệu theo năm ({escape(unit.strip() or "không đơn vị")})" '
        'style="max-width:100%;font-family:sans-serif;font-size:11px">',
        f'<text x="4" y="12" class="chart-unit">{escape(unit.strip())}</text>',
    ]
    for value in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#e9ecef"/>'
        )
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{escape(fmt(value))}</text>')
    step = 1 if last - first <= 12 else 5
    for year in range(first, last + 1, step):
        parts.append(f'<text x="{x(year):.1f}" y="{height - 14}" text-anchor="middle">{year}</text>')
    if path:
        drawn.add("required")
        glue = "" if change_unit.startswith("%") else " "  # "7%/năm", as everywhere else
        points = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in path.items())
        parts.append(
            f'<polyline fill="none" stroke="#198754" stroke-width="1.5" stroke-dasharray="6 4" points="{points}">'
            f"<title>Lộ trình cần đạt: {escape(fmt(progress.required_pace))}{glue}{escape(change_unit)}</title>"
            "</polyline>"
        )
    elif target is not None and years:
        drawn.add("required")
        base_year = start_year if start_year in series else years[0]
        parts.append(
            f'<line x1="{x(base_year):.1f}" y1="{y(series[base_year]):.1f}" x2="{x(progress.milestone):.1f}" '
            f'y2="{y(target):.1f}" stroke="#198754" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    if target is not None:
        drawn.add("goal")
        goal = round(target, 1 if abs(target) >= 100 else 2)  # "3.591,1 tỷ đồng", not "3.591,0935"
        parts.append(
            f'<circle cx="{x(progress.milestone):.1f}" cy="{y(target):.1f}" r="4" fill="none" stroke="#198754" '
            f'stroke-width="2"><title>Mục tiêu năm {progress.milestone}: {escape(with_unit(goal, unit))}'
            "</title></circle>"
        )
    if progress.projected is not None and years and progress.method in ("cagr", "linear"):
        drawn.add("projection")
        parts.append(
            f'<line x1="{x(years[-1]):.1f}" y1="{y(series[years[-1]]):.1f}" x2="{x(progress.milestone):.1f}" '
            f'y2="{y(progress.projected):.1f}" stroke="#6c757d" stroke-width="1.5" stroke-dasharray="2 3"/>'
        )
    if years:
        drawn.add("values")
        points = " ".join(f"{x(year):.1f},{y(series[year]):.1f}" for year in years)
        parts.append(f'<polyline fill="none" stroke="#0d6efd" stroke-width="2" points="{points}"/>')
        for year in years:
            note = f" ({notes[year]})" if notes and year in notes else ""
            parts.append(
                f'<circle cx="{x(year):.1f}" cy="{y(series[year]):.1f}" r="3" fill="#0d6efd">'
                f"<title>{year}: {escape(with_unit(series[year], unit))}{escape(note)}</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts)), frozenset(drawn)


def target_chart(
    target, series: dict[int, float], refs: dict[int, float], progress: Progress, first: int, estimates=()
) -> tuple[str, frozenset[str]]:
    """The target page's chart, each value in the unit it is measured in: the level series (income in
    triệu đồng/người/năm, the poverty rate in %), or for a target relative to a reference series the ratio
    (lần), each point saying what it is made of, and "ước" where it is an estimate."""
    start = target.baseline_year or target.period_start or first
    if target.kind == "relative":
        shown = {y: v / refs[y] for y, v in series.items() if refs.get(y)}
        against = target.reference[:1].lower() + target.reference[1:] if target.reference else "chuỗi tham chiếu"
        notes = {
            y: f"{with_unit(series[y], target.input_unit)}{' ước' if y in estimates else ''}; {against}: "
            f"{with_unit(refs[y], target.input_unit)}"
            for y in shown
        }
        return trajectory_chart(shown, progress, target.unit or "lần", start, notes=notes)
    return trajectory_chart(
        series, progress, target.input_unit, start, change_unit=target.unit, direction=target.direction or "higher",
        notes={y: "ước" for y in series if y in estimates},
    )  # fmt: skip


def chart_legend(target, lines: frozenset[str], goal: str) -> str:
    """The words under the target page's chart, naming only the lines `target_chart` drew (a passed milestone's
    chart has no projection, a chart without a goal no circle): "Đường liền: số liệu (%); đường gạch: …". `goal`: the
    milestone as a short phrase (plan_format.target_value)."""
    said = []
    if "values" in lines:
        if target.kind == "relative":
            against = (target.reference or "chuỗi tham chiếu").lower()
            said.append(f"đường liền: số liệu, tính bằng số lần {against} (di chuột vào từng điểm để xem số liệu "
                        f"{target.input_unit})")  # fmt: skip
        else:
            said.append(f"đường liền: số liệu ({target.input_unit})" if target.input_unit else "đường liền: số liệu")
    if "required" in lines:
        pace = ""
        if target.kind == "annual_change":
            pace = f" (mức {'giảm' if target.direction == 'lower' else 'tăng'} {goal})"
        said.append(f"đường gạch: lộ trình cần đạt{pace}")
    if "projection" in lines:
        said.append("đường chấm: ước theo nhịp hiện nay")
    if "goal" in lines:
        said.append(f"vòng tròn: mục tiêu năm {target.horizon}")
    text = "; ".join(said)
    return f"{text[:1].upper()}{text[1:]}." if text else ""
