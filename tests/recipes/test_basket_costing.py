"""The basket's cost arithmetic: unit conversions, ranges, rounding and missing figures."""

from decimal import Decimal

import pytest

from foundations.money import format_price
from recipes.costing import DEFAULT_POPULATION, Total, staff_users, yearly_estimate, yearly_volume

D = Decimal


def estimate(unit, price, price_max=None, population=100_000, volume=None, label="reports"):
    return yearly_estimate(
        pricing_unit=unit,
        price=None if price is None else D(price),
        price_max=None if price_max is None else D(price_max),
        population=population,
        volume=volume,
        volume_label=label,
    )


def test_per_transaction_price_is_multiplied_by_the_yearly_volume_with_the_working():
    """12,400 reports at 3p cost £372 a year, and the working says so."""
    result = estimate("per_transaction", "0.03", volume=12_400)
    assert (result.low, result.high) == (D("372.00"), D("372.00"))
    assert result.working == "12,400 reports a year × 3p"
    assert result.display == "£372"


def test_per_transaction_range_gives_a_yearly_range():
    """A price of 40p to 90p for 1,000 checks is £400 to £900 a year."""
    result = estimate("per_transaction", "0.40", "0.90", volume=1000, label="checks")
    assert (result.low, result.high) == (D("400.00"), D("900.00"))
    assert result.display == "£400 to £900"
    assert result.working == "1,000 checks a year × 40p to 90p"


def test_per_month_price_is_twelve_months():
    """£125.50 a month is £1,506 a year."""
    result = estimate("per_month", "125.50")
    assert result.low == D("1506.00")
    assert result.working == "12 months × £125.50"


def test_per_year_price_is_used_as_it_is():
    """A yearly price of £9,500 to £24,000 stays that range."""
    result = estimate("per_year", "9500", "24000")
    assert (result.low, result.high) == (D("9500.00"), D("24000.00"))


def test_per_user_price_uses_one_staff_user_per_ten_thousand_residents():
    """At 150,000 residents, 15 users at £540 to £720 cost £8,100 to £10,800 a year."""
    result = estimate("per_user", "540", "720", population=150_000)
    assert (result.low, result.high) == (D("8100.00"), D("10800.00"))
    assert result.working == "15 staff users × £540 to £720 a year"


def test_staff_users_round_up_and_have_a_floor_of_two():
    """150,001 residents need 16 users; a tiny council still counts 2."""
    assert staff_users(150_001) == 16
    assert staff_users(150_000) == 15
    assert staff_users(2_000) == 2


def test_volume_rounds_half_up_to_whole_transactions():
    """77.175 transactions round to 77, 2.75 to 3, and exactly 2.5 rounds up to 3."""
    assert yearly_volume(2_205, D("35")) == 77
    assert yearly_volume(1_100, D("2.5")) == 3  # 2.75 -> 3
    assert yearly_volume(1_000, D("2.5")) == 3  # 2.5 rounds half up, not to even
    assert yearly_volume(150_000, None) is None


def test_amounts_round_half_up_to_the_penny():
    """333 transactions at half a penny is £1.665, which rounds half up to £1.67."""
    result = estimate("per_transaction", "0.005", volume=333)
    assert result.low == D("1.67")


def test_per_transaction_price_without_a_volume_is_not_known():
    """With no recorded volume the estimate says it cannot be worked out, not £0."""
    result = estimate("per_transaction", "0.03", volume=None)
    assert not result.known
    assert result.display == "Not known"
    assert "records no yearly volume" in result.working


def test_missing_price_is_not_known():
    """An offering with no price is not costed."""
    result = estimate("per_year", None)
    assert not result.known


def test_price_max_below_price_is_treated_as_a_single_price():
    """A top of range below the bottom does not produce a negative range."""
    result = estimate("per_year", "500", "100")
    assert (result.low, result.high) == (D("500.00"), D("500.00"))


def test_totals_add_ranges_and_count_what_was_not_costed():
    """Adding £100 to £200 and £50 gives £150 to £250, with one unknown counted."""
    total = Total()
    total.add_estimate(estimate("per_year", "100", "200"))
    total.add_estimate(estimate("per_year", "50"))
    total.add_estimate(estimate("per_transaction", "0.03", volume=None))
    assert (total.low, total.high) == (D("150.00"), D("250.00"))
    assert total.unknown == 1
    assert total.display == "£150 to £250"


def test_figures_are_decimals_never_floats():
    """Every money figure the arithmetic returns is a Decimal."""
    result = estimate("per_transaction", "0.1", volume=3)
    assert isinstance(result.low, Decimal)
    assert result.low == D("0.30")  # 0.1 * 3 in float would be 0.30000000000000004


@pytest.mark.parametrize(
    ("amount", "text"),
    [("0.03", "3p"), ("0.5", "50p"), ("1", "£1"), ("1234.5", "£1,234.50"), ("0", "£0")],
)
def test_unit_prices_are_written_as_people_say_them(amount, text):
    """Prices under a pound are in pence; others in pounds with separators."""
    assert format_price(D(amount)) == text


def test_default_population_is_stated_as_150000():
    """The default population is the round figure the basket page states."""
    assert DEFAULT_POPULATION == 150_000
