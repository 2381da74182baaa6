"""The province view's indicator table: for each indicator of the province, every plan's target measuring it in
the year, as that plan's progress answer shows it; counts by status; the plans without data; and a province-wide
figure only where the indicator defines how to make one (never an invented aggregate)."""

import datetime
from dataclasses import dataclass, field

from binhson_plan.collation import sort_key as vietnamese_order
from binhson_plan.number_format import with_unit
from province.queries import plan_label
from targets.api import indicator_targets
from targets.goals import STATUS_CHOICES, status_group
from targets.models import Aggregation, Indicator


@dataclass
class Measure:
    """One plan's target measuring the indicator, and its progress row (targets.api._progress_row)."""

    plan: object
    target: object
    row: dict

    @property
    def plan_label(self) -> str:
        return plan_label(self.plan)

    @property
    def status(self) -> str:
        """The status the lists count: a reviewer's override when there is one, every reached milestone as "met"."""
        override = self.row["override"]
        return status_group(override["status"] if override else self.row["status"])

    @property
    def computed_status(self) -> str:
        """The status computed from the figures, shown first; a reviewer's override beside it, as on every page."""
        return status_group(self.row["status"])

    @property
    def override_made(self) -> str:
        """Who made the override and on which day: "Nguyễn Thị Thẩm Định, 08/12/2026"."""
        override = self.row["override"]
        day = datetime.date.fromisoformat(override["at"][:10])
        return f"{override['by']}, {day:%d/%m/%Y}"


@dataclass
class Block:
    indicator: Indicator
    measures: list[Measure] = field(default_factory=list)
    without_data: list = field(default_factory=list)  # plans measuring it with no value up to the year
    not_measured: list = field(default_factory=list)  # active plans with no target measuring it
    counts: dict = field(default_factory=dict)
    province: str = ""  # the province-wide figure, or why there is none, in words

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def without_data_labels(self) -> list[str]:
        return [plan_label(plan) for plan in self.without_data]

    @property
    def not_measured_labels(self) -> list[str]:
        return [plan_label(plan) for plan in self.not_measured]


def latest_by_plan(measures) -> dict:
    """Plan → (value, "năm 2024" or "ước năm 2026", year) of its series (its targets of one indicator share it):
    the latest value up to the year."""
    latest = {}
    for m in measures:
        if m.row["value"] is None or m.row["value_year"] <= latest.get(m.plan, (None, "", 0))[2]:
            continue  # a milestone already past is judged on its own year's value: the latest is another's
        estimate = "ước " if m.row["value_is_estimate"] else ""
        latest[m.plan] = (m.row["value"], f"{estimate}năm {m.row['value_year']}", m.row["value_year"])
    return latest


def province_figure(indicator, latest: dict, measuring: list, year: int) -> str:
    """A sum for a count when every plan measuring it has the year's value; else the spread, and why no total."""
    if not latest:
        return "Chưa có kế hoạch nào có số liệu."
    values = sorted(latest.items(), key=lambda item: item[1][0])
    (low_plan, (low, low_when, _)), (high_plan, (high, high_when, _)) = values[0], values[-1]
    if len(values) == 1:
        spread = (
            f"Chỉ {plan_label(low_plan)} có số liệu: {with_unit(low, indicator.unit)} ({low_when}); "
            f"1/{len(measuring)} kế hoạch có số liệu."
        )
    else:
        spread = (
            f"Từ {with_unit(low, indicator.unit)} ({plan_label(low_plan)}, {low_when}) đến "
            f"{with_unit(high, indicator.unit)} ({plan_label(high_plan)}, {high_when}); "
            f"{len(latest)}/{len(measuring)} kế hoạch có số liệu."
        )
    if indicator.aggregation == Aggregation.SUM:
        of_year = [value for value, _, value_year in latest.values() if value_year == year]
        if len(of_year) == len(measuring):
            return f"Toàn tỉnh (cộng {len(measuring)} kế hoạch): {with_unit(sum(of_year), indicator.unit)} năm {year}."
        return f"{spread} Chưa cộng toàn tỉnh: chưa đủ số liệu năm {year} của mọi kế hoạch."
    if indicator.aggregation == Aggregation.WEIGHTED_MEAN:
        return f"{spread} Chưa tính bình quân toàn tỉnh: các kế hoạch chưa báo cáo quyền số ({indicator.denominator})."
    return f"{spread} Chỉ số này không cộng gộp toàn tỉnh."


# A filter narrows the rows and their counts, not the province-wide figure: the one plan's own value is in its row,
# and the spread over every plan is what the Sở places it against
ACROSS_EVERY_PLAN = "Tính trên mọi kế hoạch, không theo bộ lọc: "


def measured_indicators(plans):
    """The indicators some active target of `plans` measures."""
    return Indicator.objects.filter(targets__is_active=True, targets__plan__in=plans).distinct()


def indicator_blocks(plans, year, code="", status="", plan_slug="") -> list[Block]:
    """The table, filtered by indicator code, status and plan: a fixed number of queries whatever the plans."""
    indicators = measured_indicators(plans)
    if code:
        indicators = indicators.filter(code=code)
    indicators = sorted(indicators, key=lambda i: vietnamese_order(i.name))
    by_indicator = indicator_targets(indicators, year)
    order = {plan.pk: n for n, plan in enumerate(plans)}
    plans_by_pk = {plan.pk: plan for plan in plans}
    blocks = []
    for indicator in indicators:
        measures = [
            Measure(plans_by_pk[target.plan_id], target, row)
            for target, row in by_indicator.get(indicator.pk, [])
            if target.plan_id in plans_by_pk
        ]
        measures.sort(key=lambda m: (order[m.plan.pk], m.target.horizon, m.target.position))
        measuring = list(dict.fromkeys(m.plan for m in measures))
        latest = latest_by_plan(measures)
        block = Block(
            indicator,
            without_data=[plan for plan in measuring if plan not in latest],
            not_measured=[plan for plan in plans if plan not in measuring],
            counts=dict.fromkeys(STATUS_CHOICES, 0),
            province=province_figure(indicator, latest, measuring, year),
        )
        block.measures = [
            m for m in measures if (not status or m.status == status) and (not plan_slug or m.plan.slug == plan_slug)
        ]
        if status or plan_slug:  # the figure stays the province's, beside the filtered rows: said so, not implied
            block.province = f"{ACROSS_EVERY_PLAN}{block.province[:1].lower()}{block.province[1:]}"
        for m in block.measures:  # the rows shown: a filter narrows the counts with them
            block.counts[m.status] += 1
        blocks.append(block)
    return blocks
