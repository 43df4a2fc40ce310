from decimal import Decimal

from catalogue.cost_chart import RUNNING, SETUP, STAFF, build_chart, short_money
from catalogue.costs import Range


def r(low, high=None):
    return Range(Decimal(low), Decimal(high if high is not None else low))


def test_bars_are_drawn_in_percent_of_a_round_scale_with_ranges_dashed():
    """The widest bar sets a round scale; parts stack from their low figures and the
    range to the high figure is a separate dashed part."""
    chart = build_chart(
        chart_id="c",
        title="t",
        years=5,
        rows=[
            ("A", "", [(SETUP, r(1000)), (RUNNING, r(4000, 9000))]),
            ("Staff", "", [(STAFF, r(20000))]),
        ],
    )
    a, staff = chart.bars
    assert [t.label for t in chart.ticks] == ["£0", "£5k", "£10k", "£15k", "£20k"]
    assert [(s.x, s.width) for s in a.segments] == [("0.00%", "5.00%"), ("5.00%", "20.00%")]
    assert (a.range_x, a.range_width, a.has_range) == ("25.00%", "25.00%", True)
    assert staff.segments[0].width == "100.00%" and not staff.has_range
    assert chart.total == r(25000, 30000)


def test_an_empty_or_zero_chart_is_not_drawn():
    """No bars, or only zero costs: nothing to draw (the template shows nothing)."""
    assert build_chart(chart_id="c", title="t", years=5, rows=[]).is_empty
    assert build_chart(chart_id="c", title="t", years=5, rows=[("A", "", [(SETUP, r(0))])]).is_empty


def test_axis_labels_are_short():
    assert [short_money(Decimal(v)) for v in (0, 800, 25000, 1500000)] == [
        "£0",
        "£800",
        "£25k",
        "£1.5m",
    ]
