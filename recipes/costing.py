"""Cost arithmetic for the basket: turning an offering's price into a yearly figure for
one council, with the working shown.

Everything is Decimal, rounded half up to the penny, and never goes through float.
Where a figure cannot be worked out (a per-transaction price with no recorded volume)
the estimate says so instead of guessing.
"""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from catalogue.models import Offering
from foundations.money import format_price, format_range, pence

ZERO = Decimal("0.00")

# Used when no council is chosen: a round figure close to the median population of a
# current English local authority (152,452 across 329 councils in mySociety's mid-2020
# estimates, fixtures/open_data/uk_local_authorities.csv), stated on the page.
DEFAULT_POPULATION = 150_000

# Per-user prices are for named staff users. We assume one staff user of a product for
# every 10,000 residents, rounded up, and never fewer than MINIMUM_STAFF_USERS.
RESIDENTS_PER_STAFF_USER = 10_000
MINIMUM_STAFF_USERS = 2

PER_USER = Offering.PricingUnit.PER_USER
PER_TRANSACTION = Offering.PricingUnit.PER_TRANSACTION
PER_MONTH = Offering.PricingUnit.PER_MONTH
PER_YEAR = Offering.PricingUnit.PER_YEAR


def yearly_volume(population: int, per_1000_residents: Decimal | None) -> int | None:
    """Yearly transactions for a population, rounded half up to a whole transaction, or
    None when the recipe records no volume."""
    if per_1000_residents is None:
        return None
    volume = Decimal(population) * Decimal(per_1000_residents) / Decimal(1000)
    return int(volume.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def staff_users(population: int) -> int:
    """Named staff users assumed for a per-user price: one per 10,000 residents, rounded
    up, at least two."""
    users = (Decimal(population) / Decimal(RESIDENTS_PER_STAFF_USER)).to_integral_value(
        rounding=ROUND_CEILING
    )
    return max(int(users), MINIMUM_STAFF_USERS)


@dataclass(frozen=True)
class Estimate:
    """A yearly cost as a range (low equals high for a single price), with the working.
    known is False when the figure could not be worked out."""

    low: Decimal = ZERO
    high: Decimal = ZERO
    working: str = ""
    known: bool = True

    @property
    def is_range(self) -> bool:
        return self.known and self.low != self.high

    @property
    def display(self) -> str:
        if not self.known:
            return "Not known"
        return format_range(self.low, self.high)

    @property
    def shows_working(self) -> bool:
        """False when the working only restates the figure, as for a yearly price:
        "£9,500 (£9,500 a year)" says nothing twice."""
        return bool(self.working) and self.working != f"{self.display} a year"


def yearly_estimate(
    *,
    pricing_unit: str,
    price: Decimal | None,
    price_max: Decimal | None,
    population: int,
    volume: int | None,
    volume_label: str = "transactions",
) -> Estimate:
    """The yearly cost of one offering for a council of the given population.

    volume is the yearly number of transactions (for per-transaction prices); it may be
    None when no recipe in the basket records one.
    """
    if price is None:
        return Estimate(known=False, working="No price recorded")
    low_price = Decimal(price)
    high_price = Decimal(price_max) if price_max is not None else low_price
    if high_price < low_price:
        high_price = low_price
    price_text = format_range(low_price, high_price, formatter=format_price)

    if pricing_unit == PER_YEAR:
        quantity, working = 1, f"{price_text} a year"
    elif pricing_unit == PER_MONTH:
        quantity, working = 12, f"12 months × {price_text}"
    elif pricing_unit == PER_USER:
        quantity = staff_users(population)
        working = f"{quantity:,} staff users × {price_text} a year"
    elif pricing_unit == PER_TRANSACTION:
        if volume is None:
            return Estimate(
                known=False,
                working=f"{price_text} per transaction; the recipe records no yearly volume",
            )
        quantity = volume
        working = f"{volume:,} {volume_label} a year × {price_text}"
    else:
        return Estimate(known=False, working="Unknown pricing unit")
    return Estimate(
        low=pence(low_price * quantity), high=pence(high_price * quantity), working=working
    )


@dataclass
class Total:
    """A running total of ranges, counting the parts that could not be costed."""

    low: Decimal = ZERO
    high: Decimal = ZERO
    unknown: int = 0
    parts: list[str] = field(default_factory=list)

    def add(self, low: Decimal, high: Decimal | None = None) -> None:
        self.low = pence(self.low + Decimal(low))
        self.high = pence(self.high + Decimal(high if high is not None else low))

    def add_estimate(self, estimate: Estimate) -> None:
        if estimate.known:
            self.add(estimate.low, estimate.high)
        else:
            self.unknown += 1

    @property
    def display(self) -> str:
        return format_range(self.low, self.high)
