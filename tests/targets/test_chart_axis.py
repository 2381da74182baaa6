"""The target page's chart reads its value axis at round numbers: 0, 10, 20, … rather than 0, 20,09, 40,18."""

import io
import re
from decimal import Decimal

from django.core.management import call_command

from tests.conftest import DATA
from tests.reports.helpers import on

SLUG = "binh-son-ctdt-2021-2030"
TICK = re.compile(r'text-anchor="end"[^>]*>([^<]*)</text>')  # the value axis's labels
POINT = re.compile(r"<title>(\d{4}): ([0-9.,]+)")


def number(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


@on("2026-11-20")
def test_every_chart_axis_steps_by_a_round_number_and_holds_every_value(client, cast, plan):
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    client.force_login(cast["vanphong"])
    charts = 0
    for code in plan.targets.values_list("code", flat=True):
        html = client.get(f"/ke-hoach/{SLUG}/chi-tieu/{code}/").content.decode()
        if 'id="bieu-do"' not in html:
            continue
        chart = html[html.index('id="bieu-do"') : html.index("</figure>", html.index('id="bieu-do"'))]
        ticks = [number(t) for t in TICK.findall(chart)]
        if not ticks:
            continue  # no values yet: the page says so in words
        charts += 1
        steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
        assert len(ticks) >= 2 and len(steps) == 1, (code, ticks)
        step = steps.pop()
        mantissa = step.scaleb(-step.adjusted()).normalize()
        assert mantissa in {1, 2, Decimal("2.5"), 5}, (code, ticks)
        assert all(t % step == 0 for t in ticks), (code, ticks)
        assert ticks[0] <= 0, (code, ticks)  # from zero, as every level the plan counts
        for year, value in POINT.findall(chart):
            assert ticks[0] <= number(value) <= ticks[-1], (code, year, value, ticks)
    assert charts >= 10
