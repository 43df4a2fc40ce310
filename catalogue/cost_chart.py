"""The cost breakdown chart of the recipe page and the basket: set-up, running and staff
costs over the years of the total cost of ownership, one bar for each component (or each
product bill in the basket), drawn by templates/components/cost-chart.html as plain SVG.

Why not a charting library: pygal (3.1.3, the one we tried) writes a <style> element,
style="" attributes and a <script> into every chart, all blocked by our
Content-Security-Policy (no inline styles or scripts). Here the geometry is worked out in
Python as percentages of the widest bar, and the template draws <rect>s with classes, so
the stylesheet colours them, the bars stretch to any width (320 px without sideways
scrolling) and patterns, not colour alone, tell the parts apart on paper.

The figures are the cost model's (catalogue.costs): nothing here adds up money except the
position of each part along its bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .costs import ZERO, Range

SETUP = "setup"
RUNNING = "running"
STAFF = "staff"
KIND_LABELS = {
    SETUP: "Set-up (one-off)",
    RUNNING: "Running",
    STAFF: "Staff effort",
}


@dataclass(frozen=True)
class Segment:
    """One part of a bar, drawn from x to x + width (percent of the chart's width) at its
    low figure; high is kept for the table."""

    kind: str
    amount: Range
    x: str
    width: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def display(self) -> str:
        return self.amount.display


@dataclass(frozen=True)
class Bar:
    label: str
    note: str
    segments: tuple[Segment, ...]
    total: Range
    range_x: str  # where the dashed "up to" part starts, percent
    range_width: str  # its width; "0" when the total is one figure
    unknown: bool = False

    @property
    def has_range(self) -> bool:
        return self.total.high > self.total.low

    @property
    def display(self) -> str:
        return self.total.display

    @property
    def parts(self) -> dict[str, Segment]:
        return {segment.kind: segment for segment in self.segments}


@dataclass(frozen=True)
class Tick:
    x: str
    label: str
    anchor: str  # SVG text-anchor: the first label starts at 0, the last ends at 100%


@dataclass(frozen=True)
class CostChart:
    chart_id: str
    title: str
    years: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    total: Range
    kinds: tuple[str, ...] = field(default=(SETUP, RUNNING, STAFF))

    @property
    def legend(self) -> list[tuple[str, str]]:
        return [(kind, KIND_LABELS[kind]) for kind in self.kinds]

    @property
    def has_range(self) -> bool:
        return any(bar.has_range for bar in self.bars)

    @property
    def is_empty(self) -> bool:
        return not self.bars or self.total.high <= 0


def _percent(amount: Decimal, scale: Decimal) -> str:
    if scale <= 0:
        return "0"
    value = (Decimal(amount) * 100 / scale).quantize(Decimal("0.01"))
    return f"{max(value, Decimal(0)):f}%"


def _nice_step(top: Decimal) -> Decimal:
    """A round tick step giving four or five ticks up to top: 1, 2, 2.5 or 5 × 10^n."""
    if top <= 0:
        return Decimal(1)
    rough = top / 4
    power = Decimal(10) ** (len(str(int(rough))) - 1)
    for multiple in (1, 2, Decimal("2.5"), 5, 10):
        step = power * multiple
        if step >= rough:
            return step
    return power * 10


def short_money(amount: Decimal) -> str:
    """An axis label: £0, £800, £25k, £1.5m."""
    amount = Decimal(amount)
    if amount >= 1_000_000:
        return f"£{(amount / 1_000_000).normalize():f}m"
    if amount >= 1000:
        return f"£{(amount / 1000).normalize():f}k"
    return f"£{amount.normalize():f}"


def _bar(label: str, note: str, parts: list[tuple[str, Range]], scale: Decimal) -> Bar:
    segments, cursor = [], ZERO
    total = Range()
    for kind, amount in parts:
        total = total + amount
        if amount.high <= 0 and amount.low <= 0:
            continue
        segments.append(Segment(kind, amount, _percent(cursor, scale), _percent(amount.low, scale)))
        cursor += amount.low
    return Bar(
        label=label,
        note=note,
        segments=tuple(segments),
        total=total,
        range_x=_percent(total.low, scale),
        range_width=_percent(total.high - total.low, scale),
        unknown=total.unknown > 0,
    )


def build_chart(
    *, chart_id: str, title: str, years: int, rows: list[tuple[str, str, list[tuple[str, Range]]]]
) -> CostChart:
    """rows: (label, note, [(kind, Range), ...]) for each bar, in order."""
    totals = [sum((amount for _, amount in parts), Range()) for _, _, parts in rows]
    top = max((t.high for t in totals), default=ZERO)
    step = _nice_step(top)
    scale = step * max(int((top / step).to_integral_value(rounding="ROUND_CEILING")), 1)
    bars = tuple(_bar(label, note, parts, scale) for label, note, parts in rows)
    count = int(scale / step)
    ticks = tuple(
        Tick(
            _percent(step * i, scale),
            short_money(step * i),
            "start" if i == 0 else ("end" if i == count else "middle"),
        )
        for i in range(count + 1)
    )
    grand = sum(totals, Range())
    return CostChart(chart_id, title, years, bars, ticks, grand)


def _running(yearly: Range, years: int) -> Range:
    return yearly.times(years)


def _people_rows(costs, years: int) -> list[tuple[str, str, list[tuple[str, Range]]]]:
    rows = []
    if not costs.recipe_setup.is_zero:
        rows.append(
            (
                "The recipe's own set-up work",
                "People and configuration, scaled to the council",
                [(SETUP, costs.recipe_setup)],
            )
        )
    if not costs.staff.is_zero:
        days = f"{costs.staff_days.normalize():f}"
        rows.append(("Staff effort", f"{days} days by role × day rates", [(STAFF, costs.staff)]))
    return rows


def recipe_chart(costs, *, chart_id: str = "recipe-costs") -> CostChart:
    """A recipe's costs by component, from the cheapest conforming product to the dearest
    (catalogue.costs.RecipeCosts)."""
    years = costs.assumptions.years
    rows = []
    for item in costs.components:
        note = ""
        if item.offering_count == 0:
            note = "No product listed yet"
        elif item.yearly.unknown:
            note = "Yearly cost not known for some products"
        rows.append(
            (
                item.component.name,
                note,
                [(SETUP, item.setup), (RUNNING, _running(item.yearly, years))],
            )
        )
    rows += _people_rows(costs, years)
    return build_chart(
        chart_id=chart_id, title=f"Cost over {years} years, by component", years=years, rows=rows
    )


def basket_chart(costs, *, chart_id: str = "basket-costs") -> CostChart:
    """A basket's costs by product bill (catalogue.costs.BasketCosts): one bar for each
    product, naming the components it covers, then the recipes' set-up work and staff."""
    years = costs.assumptions.years
    rows = []
    for line in costs.lines:
        if line.have or line.offering is None:
            continue
        note = f"for {line.covers.lower()}" if line.covers else ""
        if not line.yearly.known:
            note = (note + ". " if note else "") + "Yearly cost not known"
        setup = Range(line.setup_fee, line.setup_fee)
        rows.append(
            (
                line.offering.name,
                note,
                [(SETUP, setup), (RUNNING, _running(line.yearly.range, years))],
            )
        )
    rows += _people_rows(costs, years)
    return build_chart(
        chart_id=chart_id, title=f"Cost over {years} years, by product", years=years, rows=rows
    )
