"""Outcome charts: before-and-after bars for one measure, and the range councils measured.

Drawn as inline SVG by templates/pictures/, from figures the page already has (no query),
with values written by the same outcome_value the tables beside them use. The shapes
carry their meaning in words and patterns as well as colour: each bar is labelled
"Before" or "After", the before bar is striped, and the values are written on the chart.
"""

from decimal import Decimal

from django import template

from .plumbing import outcome_value

register = template.Library()

CHART_WIDTH = 400
LABEL_WIDTH = 80  # the "Before" and "After" labels
BAR_SPACE = CHART_WIDTH - LABEL_WIDTH - 110  # room after a bar for its value
BAR_HEIGHT = 28
ROW = 40


def _scale_top(unit: str, values: list[Decimal]) -> Decimal:
    """The value a full-length bar stands for: 100 for a percentage, else the largest."""
    largest = max((v for v in values if v is not None), default=Decimal("0"))
    if unit == "percent":
        return max(Decimal("100"), largest)
    return largest if largest > 0 else Decimal("1")


def _length(value, top) -> float:
    return max(float(Decimal(value) / top) * BAR_SPACE, 2.0) if value else 2.0


@register.inclusion_tag("pictures/outcome_bars.html")
def outcome_bars(metric, value, baseline, unit, prefix, number):
    """Before-and-after bars for one outcome: the baseline (when there is one) and the
    figure measured or targeted after. prefix and number make its ids unique on a page."""
    chart_id = f"{prefix}-{number}"
    values = [Decimal(str(value))] + ([Decimal(str(baseline))] if baseline is not None else [])
    top = _scale_top(unit, values)
    rows = []
    if baseline is not None:
        rows.append(("Before", baseline, "before"))
    rows.append(("After", value, "after"))
    bars = []
    for n, (label, figure, kind) in enumerate(rows):
        length = _length(figure, top)
        bars.append(
            {
                "label": label,
                "kind": kind,
                "text": outcome_value(figure, unit),
                "y": 10 + n * ROW,
                "text_y": 10 + n * ROW + 21,
                "length": f"{length:.1f}",
                "value_x": f"{LABEL_WIDTH + length + 8:.1f}",
            }
        )
    summary = ". ".join(f"{bar['label']}: {bar['text']}" for bar in bars)
    return {
        "chart_id": chart_id,
        "metric": metric,
        "bars": bars,
        "height": 20 + len(bars) * ROW,
        "width": CHART_WIDTH,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "summary": f"{metric}. {summary}.",
    }


@register.inclusion_tag("pictures/outcome_range.html")
def outcome_range(summary, prefix, number):
    """The lowest, median and highest figure councils measured for one outcome (a
    summarise_outcomes() entry), on one scale."""
    chart_id = f"{prefix}-{number}"
    unit = summary["unit"]
    top = _scale_top(unit, [summary["maximum"]])
    low, mid, high = (
        LABEL_WIDTH + _length(summary[key], top) for key in ("minimum", "median", "maximum")
    )
    texts = {key: outcome_value(summary[key], unit) for key in ("minimum", "median", "maximum")}
    councils = summary["councils"]
    description = (
        f"{summary['metric']}, measured by {councils} council{'s' if councils != 1 else ''}: "
        f"lowest {texts['minimum']}, median {texts['median']}, highest {texts['maximum']}."
    )
    return {
        "chart_id": chart_id,
        "summary": summary,
        "texts": texts,
        "width": CHART_WIDTH,
        "axis_x": LABEL_WIDTH,
        "axis_end": LABEL_WIDTH + BAR_SPACE,
        "low": f"{low:.1f}",
        "high": f"{high:.1f}",
        "span": f"{max(high - low, 2.0):.1f}",
        "mid": f"{mid:.1f}",
        "description": description,
    }
