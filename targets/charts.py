"""Server-side SVG charts: they need no JavaScript, print as they are, and can go into the PDF report."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from targets.progress import Progress, fmt


def sparkline(series: dict[int, float], width: int = 110, height: int = 26) -> str:
    """A small line of the yearly values, with the latest one marked."""
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
    label = escape("; ".join(f"{y}: {fmt(series[y])}" for y in years))
    return mark_safe(
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
        f'<polyline fill="none" stroke="#0d6efd" stroke-width="1.5" points="{points}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" fill="#0d6efd"/></svg>'
    )


def trajectory_chart(
    series: dict[int, float], progress: Progress, unit: str, start_year: int, width: int = 640, height: int = 260
) -> str:
    """Yearly values (solid), the trajectory required to reach the milestone (dashed) and the
    projection at the current pace (dotted)."""
    left, right, top, bottom = 56, 16, 16, 36
    years = sorted(series)
    first = min([*years, start_year])
    last = max([*years, progress.milestone])
    target = progress.target_value if progress.method != "annual_change" else progress.required_pace
    values = list(series.values()) + [v for v in (target, progress.projected) if v is not None]
    if not values:
        return mark_safe('<p class="text-muted">Chưa có số liệu để vẽ biểu đồ.</p>')
    low, high = min(0.0, min(values)), max(values) * 1.08 or 1
    x = lambda year: left + (year - first) / ((last - first) or 1) * (width - left - right)  # noqa: E731
    y = lambda value: top + (high - value) / ((high - low) or 1) * (height - top - bottom)  # noqa: E731
    parts = [
        f'<svg width="100%" viewBox="0 0 {width} {height}" role="img" aria-label="Biểu đồ số liệu theo năm" '
        'style="max-width:100%;font-family:sans-serif;font-size:11px">'
    ]
    for value in (low, (low + high) / 2, high):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#e9ecef"/>'
        )
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{escape(fmt(value))}</text>')
    step = 1 if last - first <= 12 else 5
    for year in range(first, last + 1, step):
        parts.append(f'<text x="{x(year):.1f}" y="{height - 14}" text-anchor="middle">{year}</text>')
    if target is not None:
        if progress.method == "annual_change":
            parts.append(
                f'<line x1="{x(first):.1f}" x2="{x(last):.1f}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                'stroke="#198754" stroke-width="1.5" stroke-dasharray="6 4"/>'
            )
        elif years:
            base_year = start_year if start_year in series else years[0]
            parts.append(
                f'<line x1="{x(base_year):.1f}" y1="{y(series[base_year]):.1f}" x2="{x(progress.milestone):.1f}" '
                f'y2="{y(target):.1f}" stroke="#198754" stroke-width="1.5" stroke-dasharray="6 4"/>'
            )
        parts.append(
            f'<circle cx="{x(progress.milestone):.1f}" cy="{y(target):.1f}" r="4" fill="none" stroke="#198754" '
            'stroke-width="2"/>'
        )
    if progress.projected is not None and years and progress.method in ("cagr", "linear"):
        parts.append(
            f'<line x1="{x(years[-1]):.1f}" y1="{y(series[years[-1]]):.1f}" x2="{x(progress.milestone):.1f}" '
            f'y2="{y(progress.projected):.1f}" stroke="#6c757d" stroke-width="1.5" stroke-dasharray="2 3"/>'
        )
    if years:
        points = " ".join(f"{x(year):.1f},{y(series[year]):.1f}" for year in years)
        parts.append(f'<polyline fill="none" stroke="#0d6efd" stroke-width="2" points="{points}"/>')
        for year in years:
            parts.append(
                f'<circle cx="{x(year):.1f}" cy="{y(series[year]):.1f}" r="3" fill="#0d6efd">'
                f"<title>{year}: {escape(fmt(series[year]))} {escape(unit)}</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
