"""The cost model's arithmetic (catalogue.costs): unit conversions, population bands,
scaling, staff effort, ranges, rounding, one bill per product, missing figures."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from catalogue.costs import (
    DEFAULT_POPULATION,
    Assumptions,
    BasketChoice,
    Range,
    RecipeInputs,
    band_for,
    basket_costs,
    offering_yearly,
    role_for,
    scale_factor,
    staff_users,
    yearly_estimate,
    yearly_volume,
)
from foundations.money import format_money, format_price, format_rounded

D = Decimal


def estimate(unit, price, price_max=None, population=100_000, volume=None, label="reports"):
    return yearly_estimate(
        pricing_unit=unit,
        price=None if price is None else D(price),
        price_max=None if price_max is None else D(price_max),
        assumptions=Assumptions(population=population),
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
    assert "no yearly volume recorded" in result.working


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
    total = (
        estimate("per_year", "100", "200").range
        + estimate("per_year", "50").range
        + estimate("per_transaction", "0.03", volume=None).range
    )
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


@pytest.mark.parametrize(
    ("amount", "text"),
    [("3.1", "£3.10"), ("3.10", "£3.10"), ("1234.5", "£1,234.50"), ("12400", "£12,400")],
)
def test_exact_money_always_shows_two_places_of_pence(amount, text):
    """£3.10, never £3.1; whole pounds without pence."""
    assert format_money(D(amount)) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("87264.67", "£87,300"),
        ("166770.80", "£166,800"),
        ("1050", "£1,100"),
        ("999.50", "£1,000"),
        ("540.40", "£540"),
        ("0", "£0"),
    ],
)
def test_ranges_and_totals_round_to_the_nearest_hundred_pounds(amount, text):
    """From £1,000 up to the nearest £100, below it to the pound, half up."""
    assert format_rounded(D(amount)) == text


def test_range_display_is_rounded_and_exact_display_is_not():
    """£87,264.67 to £166,770.80 reads £87,300 to £166,800; the exact figures stay."""
    total = Range(D("87264.67"), D("166770.80"))
    assert total.display == "£87,300 to £166,800"
    assert total.exact_display == "£87,264.67 to £166,770.80"


@pytest.mark.parametrize(
    ("population", "band"),
    [(40_000, "up_to_100k"), (100_000, "up_to_100k"), (100_001, "to_250k"), (812_000, "over_500k")],
)
def test_population_bands(population, band):
    """A council falls in the band its population is up to."""
    assert band_for(population).key == band


def test_scale_factor_is_the_square_root_of_the_population_ratio_within_limits():
    """600,000 is four times 150,000, so × 2; tiny and huge councils are clamped."""
    assert scale_factor(600_000) == D("2.00")
    assert scale_factor(150_000) == D("1.00")
    assert scale_factor(1_000) == D("0.50")
    assert scale_factor(50_000_000) == D("3")


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Product manager", "product_manager"),
        ("Delivery manager", "product_manager"),
        ("Service designer", "designer"),
        ("Content designer", "designer"),
        ("User researcher", "user_researcher"),
        ("Developer", "developer"),
        ("Technical architect", "developer"),
        ("Waste operations lead", "council_staff"),
        ("", "council_staff"),
    ],
)
def test_free_text_roles_map_to_a_rate(text, role):
    """A recipe's role as written finds its day rate; anyone else is council staff."""
    assert role_for(text).key == role


@dataclass
class FakeOffering:
    pk: int
    name: str
    pricing_unit: str
    price: Decimal
    price_max: Decimal | None = None
    setup_fee: Decimal | None = None
    bands: list = field(default_factory=list)

    @property
    def price_bands(self):
        offering = self

        class Manager:
            def all(self):
                return offering.bands

        return Manager()


@dataclass
class FakeBand:
    band: str
    price: Decimal
    price_max: Decimal | None = None


@dataclass
class FakeComponent:
    pk: int
    name: str


def test_a_population_band_price_replaces_the_list_price():
    """A product priced £20,000 a year, or £60,000 for councils over 500,000, costs
    £60,000 for Leeds and £20,000 for Rutland."""
    offering = FakeOffering(
        1, "Forms", "per_year", D("20000"), bands=[FakeBand("over_500k", D("60000"))]
    )
    leeds = offering_yearly(offering, Assumptions(population=812_000), None)
    rutland = offering_yearly(offering, Assumptions(population=40_000), None)
    assert (leeds.low, leeds.high) == (D("60000.00"), D("60000.00"))
    assert "over 500,000" in leeds.working
    assert rutland.low == D("20000.00")


def recipe(key=1, **changes):
    values = {
        "key": key,
        "title": f"Recipe {key}",
        "setup_min": D("1000"),
        "setup_max": D("2000"),
        "people": (("Developer", D("10")), ("Service lead", D("4"))),
        "staff_days": D("14"),
        "volume_per_1000_residents": D("10"),
        "volume_driver": "reports",
    }
    values.update(changes)
    return RecipeInputs(**values)


def test_one_product_for_two_components_is_billed_once():
    """A forms product chosen for two components is one line: one set-up fee, one yearly
    price, saying what it covers; the saving is shown."""
    forms = FakeOffering(7, "Forms", "per_year", D("9500"), D("24000"), setup_fee=D("3000"))
    check, build = FakeComponent(1, "Check eligibility"), FakeComponent(2, "Build online forms")
    costs = basket_costs(
        [
            BasketChoice(check, forms, False, (1,)),
            BasketChoice(build, forms, False, (1,)),
        ],
        [recipe()],
        Assumptions(),
    )
    assert len(costs.lines) == 1
    assert costs.lines[0].covers == "Check eligibility and Build online forms"
    assert costs.product_setup == Range(D("3000"), D("3000"))
    assert costs.yearly == Range(D("9500"), D("24000"))
    assert costs.sharing_saving == Range(D("12500.00"), D("27000.00"))


def test_per_transaction_volume_counts_each_recipe_once_for_a_shared_product():
    """A per-transaction product covering two components of one recipe pays for the
    recipe's transactions once, not twice."""
    notify = FakeOffering(3, "Send", "per_transaction", D("0.10"))
    a, b = FakeComponent(1, "A"), FakeComponent(2, "B")
    costs = basket_costs(
        [BasketChoice(a, notify, False, (1,)), BasketChoice(b, notify, False, (1,))],
        [recipe()],
        Assumptions(population=100_000),
    )
    assert costs.yearly == Range(D("100.00"), D("100.00"))  # 1,000 reports × 10p


def test_already_have_costs_nothing():
    """A component the council already has adds no fee and no yearly cost."""
    costs = basket_costs(
        [BasketChoice(FakeComponent(1, "A"), None, True, (1,))], [recipe()], Assumptions()
    )
    assert costs.lines[0].have
    assert costs.yearly.is_zero and costs.product_setup.is_zero


def test_staff_effort_is_days_by_role_times_day_rates_scaled_to_the_council():
    """10 developer days at £650 and 4 council staff days at £300 cost £7,700 at the
    reference size; a council four times larger doubles the days."""
    costs = basket_costs([], [recipe()], Assumptions())
    assert costs.staff == Range(D("7700.00"), D("7700.00"))
    bigger = basket_costs([], [recipe()], Assumptions(population=600_000))
    assert bigger.staff == Range(D("15400.00"), D("15400.00"))
    assert bigger.recipe_setup == Range(D("2000.00"), D("4000.00"))


def test_total_cost_of_ownership_is_set_up_plus_staff_plus_five_years_running():
    """TCO = one-off + staff + 5 × yearly."""
    forms = FakeOffering(7, "Forms", "per_year", D("1000"), setup_fee=D("500"))
    costs = basket_costs(
        [BasketChoice(FakeComponent(1, "A"), forms, False, (1,))], [recipe()], Assumptions()
    )
    expected = D("500") + D("1000") + D("7700") + 5 * D("1000")
    assert costs.tco.low == expected


def test_changed_day_rates_change_the_staff_cost():
    """A council that pays developers £800 a day sees it in the staff cost."""
    rates = tuple(
        (key, D("800") if key == "developer" else rate) for key, rate in Assumptions().day_rates
    )
    costs = basket_costs([], [recipe()], Assumptions(day_rates=rates))
    assert costs.staff.low == D("9200.00")
