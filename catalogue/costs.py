"""The one cost model, from a recipe's ingredients to a council's basket.

Pure functions on Decimal: no request, no query, no float. The recipe page, the recipe
cards, the basket, the comparison, the exports, the API and the structured data all call
these, so a figure shown in two places is worked out once.

The model, in words (the README's "How costs are worked out" says the same):

- A product's yearly price is turned into a yearly cost for one council: per year as it
  is, per month × 12, per user × named staff users (one per RESIDENTS_PER_STAFF_USER
  residents, at least MINIMUM_STAFF_USERS), per transaction × the recipe's yearly volume
  for the council's population. Where the product states a price for the council's
  population band, that price is used instead of its list price.
- A recipe's own set-up work and its staff effort are written for a council of
  REFERENCE_POPULATION residents, and scale with the square root of the population ratio
  (clamped between SCALE_MIN and SCALE_MAX): a council four times the size does not need
  four times the configuration, but it does need more.
- Staff effort is days by role × the day rate for that role.
- One-off = product set-up fees + the recipe's own set-up work; the total cost of ownership
  over `years` = one-off + staff effort + years × yearly running.

Money is exact inside (rounded half up to the penny only where a price is multiplied);
ranges and totals are rounded for reading by format_rounded, and exports keep the exact
figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from foundations.money import format_money, format_price, format_range, format_rounded, pence

ZERO = Decimal("0.00")

# The pricing units an offering can state (catalogue.models.Offering.PricingUnit values).
PER_YEAR = "per_year"
PER_MONTH = "per_month"
PER_TRANSACTION = "per_transaction"
PER_USER = "per_user"

# Used when no council is chosen: a round figure close to the median population of a
# current English local authority (152,452 across 329 councils in mySociety's mid-2020
# estimates, fixtures/open_data/uk_local_authorities.csv), stated on the page. Recipes'
# own set-up and staff estimates are written for a council of this size.
DEFAULT_POPULATION = 150_000
REFERENCE_POPULATION = DEFAULT_POPULATION
SCALE_MIN = Decimal("0.5")
SCALE_MAX = Decimal("3")

# Per-user prices are for named staff users. We assume one staff user of a product for
# every 10,000 residents, rounded up, and never fewer than MINIMUM_STAFF_USERS. An
# assumption for this demonstration, editable by the visitor.
RESIDENTS_PER_STAFF_USER = 10_000
MINIMUM_STAFF_USERS = 2
YEARS = 5


# --- ranges -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    """An exact low-to-high amount; unknown counts the parts that could not be costed."""

    low: Decimal = ZERO
    high: Decimal = ZERO
    unknown: int = 0

    def __add__(self, other: Range) -> Range:
        return Range(
            pence(self.low + other.low), pence(self.high + other.high), self.unknown + other.unknown
        )

    def __sub__(self, other: Range) -> Range:
        return Range(pence(self.low - other.low), pence(self.high - other.high), self.unknown)

    def times(self, factor) -> Range:
        factor = Decimal(factor)
        return Range(pence(self.low * factor), pence(self.high * factor), self.unknown)

    def contains(self, other: Range) -> bool:
        return self.low <= other.low and other.high <= self.high

    @property
    def is_zero(self) -> bool:
        return self.low == 0 and self.high == 0

    @property
    def display(self) -> str:
        """Rounded for reading (format_rounded)."""
        return format_range(self.low, self.high, formatter=format_rounded)

    @property
    def exact_display(self) -> str:
        return format_range(self.low, self.high)


def range_sum(ranges: Iterable[Range]) -> Range:
    total = Range()
    for item in ranges:
        total = total + item
    return total


# --- population bands and roles ---------------------------------------------------------


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    up_to: int | None  # None: no upper limit


# Fixed bands, so a supplier states a price per band and the catalogue can summarise
# prices per band exactly. Chosen to split English councils roughly into small districts,
# typical districts and unitaries, large unitaries and counties, and the largest.
POPULATION_BANDS = (
    Band("up_to_100k", "Up to 100,000 residents", 100_000),
    Band("to_250k", "100,001 to 250,000 residents", 250_000),
    Band("to_500k", "250,001 to 500,000 residents", 500_000),
    Band("over_500k", "Over 500,000 residents", None),
)
BAND_CHOICES = [(band.key, band.label) for band in POPULATION_BANDS]
BANDS_BY_KEY = {band.key: band for band in POPULATION_BANDS}


def band_for(population: int) -> Band:
    for band in POPULATION_BANDS:
        if band.up_to is None or population <= band.up_to:
            return band
    return POPULATION_BANDS[-1]


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    day_rate: Decimal
    keywords: tuple[str, ...]


# Default day rates: round figures for this demonstration, not a published rate card; a
# council should use its own (the form on /costs/ changes them for the visitor). Role
# names follow the government Digital, Data and Technology (DDaT) Capability Framework;
# anyone else on a recipe's team (a service or operations lead, an officer) is council
# staff at an in-house rate.
ROLES = (
    Role("product_manager", "Product or delivery manager", Decimal("600"), ("product", "delivery")),
    Role(
        "designer",
        "Service, interaction or content designer",
        Decimal("550"),
        ("designer", "design", "content"),
    ),
    Role("user_researcher", "User researcher", Decimal("550"), ("research",)),
    Role(
        "developer",
        "Developer or technical architect",
        Decimal("650"),
        ("developer", "engineer", "architect", "technical", "integration"),
    ),
    Role("analyst", "Business or data analyst", Decimal("500"), ("analyst", "data")),
    Role("council_staff", "Council staff (leads and officers)", Decimal("300"), ()),
)
ROLES_BY_KEY = {role.key: role for role in ROLES}
DEFAULT_DAY_RATES = tuple((role.key, role.day_rate) for role in ROLES)
OTHER_ROLE = ROLES_BY_KEY["council_staff"]


def role_for(text: str) -> Role:
    """The rate role a recipe's free-text role belongs to ("Waste operations lead" is
    council staff, "Developer" a developer)."""
    words = (text or "").lower()
    for role in ROLES:
        if any(keyword in words for keyword in role.keywords):
            return role
    return OTHER_ROLE


# --- the assumptions --------------------------------------------------------------------


@dataclass(frozen=True)
class Assumptions:
    """Everything the costs depend on besides the catalogue and the recipes: the council
    (or the default population), and the visitor's changes to users and day rates."""

    population: int = DEFAULT_POPULATION
    council_name: str = ""
    council_slug: str = ""
    residents_per_staff_user: int = RESIDENTS_PER_STAFF_USER
    minimum_staff_users: int = MINIMUM_STAFF_USERS
    day_rates: tuple[tuple[str, Decimal], ...] = DEFAULT_DAY_RATES
    years: int = YEARS

    @classmethod
    def default(cls) -> Assumptions:
        return cls()

    def with_council(self, *, name: str, slug: str, population: int | None) -> Assumptions:
        return replace(
            self, council_name=name, council_slug=slug, population=population or DEFAULT_POPULATION
        )

    def without_council(self) -> Assumptions:
        return replace(self, council_name="", council_slug="", population=DEFAULT_POPULATION)

    @property
    def has_council(self) -> bool:
        return bool(self.council_slug)

    @property
    def uses_default_population(self) -> bool:
        return self.population == DEFAULT_POPULATION and not self.has_council

    @property
    def rates(self) -> dict[str, Decimal]:
        return dict(self.day_rates)

    def day_rate(self, role: Role) -> Decimal:
        return self.rates.get(role.key, role.day_rate)

    @property
    def rates_changed(self) -> bool:
        return self.day_rates != DEFAULT_DAY_RATES

    @property
    def staff_users(self) -> int:
        return staff_users(
            self.population,
            residents_per_user=self.residents_per_staff_user,
            minimum=self.minimum_staff_users,
        )

    @property
    def scale_factor(self) -> Decimal:
        return scale_factor(self.population)

    @property
    def band(self) -> Band:
        return band_for(self.population)

    def rows(self) -> list[tuple[str, str, str]]:
        """(what, value, where it comes from) for "How we work out the costs"."""
        if self.has_council:
            population_source = "Mid-2020 estimate, mySociety's register of councils"
        else:
            population_source = (
                "Default: close to the median English council (152,452 across 329 councils)"
            )
        rows = [
            ("Population", f"{self.population:,}", population_source),
            ("Population band", self.band.label, "Products that price by band use this price"),
            (
                "Named staff users of a per-user product",
                f"{self.staff_users:,} (one per {self.residents_per_staff_user:,} residents, "
                f"at least {self.minimum_staff_users})",
                "Assumption; change it if you know your numbers",
            ),
            (
                "Scale of the recipe's own set-up and staff effort",
                f"× {self.scale_factor} of a {REFERENCE_POPULATION:,}-resident council",
                "Square root of the population ratio, between × 0.5 and × 3",
            ),
        ]
        for role in ROLES:
            rows.append(
                (
                    f"Day rate: {role.label}",
                    format_money(self.day_rate(role)),
                    "Default for this demonstration, not a published rate card"
                    if self.day_rate(role) == role.day_rate
                    else "Your figure",
                )
            )
        rows.append(
            ("Years of running in the total cost", str(self.years), "A typical contract length")
        )
        return rows


def staff_users(
    population: int,
    *,
    residents_per_user: int = RESIDENTS_PER_STAFF_USER,
    minimum: int = MINIMUM_STAFF_USERS,
) -> int:
    """Named staff users assumed for a per-user price: one per residents_per_user, rounded
    up, at least minimum."""
    users = (Decimal(population) / Decimal(max(residents_per_user, 1))).to_integral_value(
        rounding=ROUND_CEILING
    )
    return max(int(users), minimum)


def scale_factor(population: int) -> Decimal:
    """How the recipe's own set-up and staff effort scale: sqrt(population / 150,000),
    to two places, between 0.5 and 3."""
    ratio = (Decimal(population) / Decimal(REFERENCE_POPULATION)).sqrt()
    ratio = ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(max(ratio, SCALE_MIN), SCALE_MAX)


def yearly_volume(population: int, per_1000_residents) -> int | None:
    """Yearly transactions for a population, rounded half up to a whole transaction, or
    None when the recipe records no volume."""
    if per_1000_residents is None:
        return None
    volume = Decimal(population) * Decimal(per_1000_residents) / Decimal(1000)
    return int(volume.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- one product's yearly cost ----------------------------------------------------------


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
    def range(self) -> Range:
        if not self.known:
            return Range(unknown=1)
        return Range(self.low, self.high)

    @property
    def shows_working(self) -> bool:
        """False when the working only restates the figure, as for a yearly price:
        "£9,500 (£9,500 a year)" says nothing twice."""
        return bool(self.working) and self.working != f"{self.display} a year"


def unit_quantity(pricing_unit: str, assumptions: Assumptions, volume: int | None):
    """How many of the priced unit a council buys in a year, and how to say it; None
    quantity when it cannot be known (a per-transaction price with no recorded volume)."""
    if pricing_unit == PER_YEAR:
        return 1, "a year"
    if pricing_unit == PER_MONTH:
        return 12, "12 months"
    if pricing_unit == PER_USER:
        users = assumptions.staff_users
        return users, f"{users:,} staff users"
    if pricing_unit == PER_TRANSACTION:
        if volume is None:
            return None, "no yearly volume recorded"
        return volume, f"{volume:,}"
    return None, "unknown pricing unit"


def yearly_estimate(
    *,
    pricing_unit: str,
    price,
    price_max,
    assumptions: Assumptions,
    volume: int | None,
    volume_label: str = "transactions",
    band_note: str = "",
) -> Estimate:
    """The yearly cost of a price for the council in the assumptions. volume is the yearly
    number of transactions (for per-transaction prices), None when no recipe records one."""
    if price is None:
        return Estimate(known=False, working="No price recorded")
    low_price = Decimal(price)
    high_price = Decimal(price_max) if price_max is not None else low_price
    high_price = max(high_price, low_price)
    price_text = format_range(low_price, high_price, formatter=format_price)
    quantity, said = unit_quantity(pricing_unit, assumptions, volume)
    suffix = f" ({band_note})" if band_note else ""
    if quantity is None:
        return Estimate(known=False, working=f"{price_text} {said}{suffix}")
    if pricing_unit == PER_YEAR:
        working = f"{price_text} a year"
    elif pricing_unit == PER_MONTH:
        working = f"12 months × {price_text}"
    elif pricing_unit == PER_USER:
        working = f"{said} × {price_text} a year"
    else:
        working = f"{said} {volume_label} a year × {price_text}"
    return Estimate(
        low=pence(low_price * quantity),
        high=pence(high_price * quantity),
        working=working + suffix,
    )


def offering_band_price(offering, band: Band):
    """(price, price_max, note): the price the offering states for the band, or its list
    price. Reads offering.price_bands.all(), so prefetch it."""
    for price_band in offering.price_bands.all():
        if price_band.band == band.key:
            return price_band.price, price_band.price_max, f"price for {band.label.lower()}"
    return offering.price, offering.price_max, ""


def offering_yearly(
    offering, assumptions: Assumptions, volume: int | None, volume_label: str = "transactions"
) -> Estimate:
    """An offering's yearly cost for the council, as the offering states its price."""
    price, price_max, note = offering_band_price(offering, assumptions.band)
    return yearly_estimate(
        pricing_unit=offering.pricing_unit,
        price=price,
        price_max=price_max,
        assumptions=assumptions,
        volume=volume,
        volume_label=volume_label,
        band_note=note,
    )


# --- a recipe's own costs ---------------------------------------------------------------


@dataclass(frozen=True)
class RecipeInputs:
    """What the model needs from a recipe (read by recipes.costing.recipe_inputs)."""

    key: int
    title: str
    setup_min: Decimal
    setup_max: Decimal
    people: tuple[tuple[str, Decimal], ...]  # (role as written, days)
    staff_days: Decimal  # used when no people are listed
    volume_per_1000_residents: Decimal | None
    volume_driver: str = ""

    def volume(self, assumptions: Assumptions) -> int | None:
        return yearly_volume(assumptions.population, self.volume_per_1000_residents)


@dataclass(frozen=True)
class StaffLine:
    role: Role
    days: Decimal  # scaled to the council
    day_rate: Decimal
    cost: Decimal


def staff_lines(recipes: Sequence[RecipeInputs], assumptions: Assumptions) -> list[StaffLine]:
    """Days by role across the recipes, scaled to the council, × the day rates."""
    days: dict[str, Decimal] = {}
    for recipe in recipes:
        people = recipe.people or (
            ((OTHER_ROLE.label, recipe.staff_days),) if recipe.staff_days else ()
        )
        for role_text, role_days in people:
            role = role_for(role_text)
            days[role.key] = days.get(role.key, ZERO) + Decimal(role_days or 0)
    factor = assumptions.scale_factor
    lines = []
    for role in ROLES:
        if role.key not in days:
            continue
        scaled = (days[role.key] * factor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        rate = assumptions.day_rate(role)
        lines.append(StaffLine(role, scaled, rate, pence(scaled * rate)))
    return lines


@dataclass(frozen=True)
class CostTotals:
    """The totals every page shows, worked out in one place (cost_totals)."""

    product_setup: Range
    recipe_setup: Range
    staff: Range
    staff_by_role: tuple[StaffLine, ...]
    yearly: Range
    assumptions: Assumptions

    @property
    def one_off(self) -> Range:
        return self.product_setup + self.recipe_setup

    @property
    def tco(self) -> Range:
        """Total cost of ownership over assumptions.years: set-up + staff + years × running."""
        return self.one_off + self.staff + self.yearly.times(self.assumptions.years)

    @property
    def staff_days(self) -> Decimal:
        return sum((line.days for line in self.staff_by_role), ZERO)


def cost_totals(
    *,
    product_setup: Range,
    yearly: Range,
    recipes: Sequence[RecipeInputs],
    assumptions: Assumptions,
) -> CostTotals:
    """The one function that turns product costs and recipes into the totals: the recipe
    page and the basket both end here."""
    factor = assumptions.scale_factor
    recipe_setup = range_sum(
        Range(Decimal(r.setup_min), max(Decimal(r.setup_max), Decimal(r.setup_min)))
        for r in recipes
    ).times(factor)
    by_role = tuple(staff_lines(recipes, assumptions))
    staff_total = sum((line.cost for line in by_role), ZERO)
    return CostTotals(
        product_setup=product_setup,
        recipe_setup=recipe_setup,
        staff=Range(staff_total, staff_total),
        staff_by_role=by_role,
        yearly=yearly,
        assumptions=assumptions,
    )


# --- the recipe page: a range across the market ----------------------------------------


@dataclass(frozen=True)
class PriceSummary:
    """Prices of the public offerings of one component that meet a set of standards, in
    one population band and one pricing unit (catalogue.ComponentPriceSummary)."""

    pricing_unit: str
    offering_count: int
    price_low: Decimal
    price_high: Decimal
    setup_low: Decimal
    setup_high: Decimal


@dataclass(frozen=True)
class ComponentCost:
    component: object
    setup: Range
    yearly: Range
    offering_count: int
    conforming: bool  # False: no product claims every standard, so the range is all of them


def component_cost(
    component,
    summaries: Sequence[PriceSummary],
    assumptions: Assumptions,
    volume: int | None,
    *,
    conforming: bool = True,
) -> ComponentCost:
    """The range of one component's yearly and set-up cost across the summarised offerings:
    the cheapest product's cost to the dearest's."""
    yearly_low = yearly_high = None
    setup_low = setup_high = None
    count = 0
    unknown = 0
    for row in summaries:
        count += row.offering_count
        quantity, _ = unit_quantity(row.pricing_unit, assumptions, volume)
        low_setup, high_setup = Decimal(row.setup_low), Decimal(row.setup_high)
        setup_low = low_setup if setup_low is None else min(setup_low, low_setup)
        setup_high = high_setup if setup_high is None else max(setup_high, high_setup)
        if quantity is None:
            unknown += row.offering_count
            continue
        low = pence(Decimal(row.price_low) * quantity)
        high = pence(max(Decimal(row.price_high), Decimal(row.price_low)) * quantity)
        yearly_low = low if yearly_low is None else min(yearly_low, low)
        yearly_high = high if yearly_high is None else max(yearly_high, high)
    yearly = Range(unknown=1) if yearly_low is None else Range(yearly_low, yearly_high)
    setup = Range(setup_low or ZERO, setup_high or ZERO)
    return ComponentCost(component, setup, yearly, count, conforming and count > 0)


class TotalsReader:
    """The totals of a recipe's or a basket's costs, as cost_totals worked them out, read
    straight off it (recipe page and basket alike)."""

    product_setup = property(lambda self: self.totals.product_setup)
    recipe_setup = property(lambda self: self.totals.recipe_setup)
    staff = property(lambda self: self.totals.staff)
    staff_by_role = property(lambda self: self.totals.staff_by_role)
    staff_days = property(lambda self: self.totals.staff_days)
    yearly = property(lambda self: self.totals.yearly)
    one_off = property(lambda self: self.totals.one_off)
    tco = property(lambda self: self.totals.tco)
    assumptions = property(lambda self: self.totals.assumptions)


@dataclass(frozen=True)
class RecipeCosts(TotalsReader):
    components: tuple[ComponentCost, ...]
    totals: CostTotals

    @property
    def unpriced_components(self) -> list[ComponentCost]:
        return [c for c in self.components if c.offering_count == 0]


def recipe_costs(
    recipe: RecipeInputs, components: Sequence[ComponentCost], assumptions: Assumptions
) -> RecipeCosts:
    """A recipe's costs for the council: each component from its cheapest to its dearest
    product, plus the recipe's own set-up work and staff effort."""
    totals = cost_totals(
        product_setup=range_sum(c.setup for c in components),
        yearly=range_sum(c.yearly for c in components),
        recipes=[recipe],
        assumptions=assumptions,
    )
    return RecipeCosts(tuple(components), totals)


# --- the basket: what was chosen --------------------------------------------------------


@dataclass(frozen=True)
class BasketChoice:
    """One component line of a basket as the cost model sees it: the chosen offering
    (None when nothing is chosen), whether the council already has it, and the recipes
    that need it."""

    component: object
    offering: object | None
    have: bool
    recipe_keys: tuple[int, ...]


@dataclass
class PricedLine:
    """One bill: an offering with the components it covers (one set-up fee, one yearly
    price however many components it serves), or one component the council already has."""

    offering: object | None
    components: list = field(default_factory=list)
    have: bool = False
    setup_fee: Decimal = ZERO
    yearly: Estimate = field(default_factory=Estimate)
    years: int = YEARS

    @property
    def five_year(self) -> Range:
        return Range(self.setup_fee, self.setup_fee) + self.yearly.range.times(self.years)

    @property
    def covers(self) -> str:
        names = [c.name for c in self.components]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class BasketCosts(TotalsReader):
    lines: tuple[PricedLine, ...]
    totals: CostTotals
    before_sharing: CostTotals  # as if each component line were billed on its own

    @property
    def sharing_saving(self) -> Range:
        return (self.before_sharing.one_off + self.before_sharing.yearly) - (
            self.totals.one_off + self.totals.yearly
        )

    @property
    def shared_lines(self) -> list[PricedLine]:
        return [line for line in self.lines if len(line.components) > 1 and not line.have]


def basket_costs(
    choices: Sequence[BasketChoice], recipes: Sequence[RecipeInputs], assumptions: Assumptions
) -> BasketCosts:
    """The basket's bills and totals. An offering chosen for several components is one
    line; a per-transaction price counts the transactions of each recipe once; "already
    have" costs nothing; a line with nothing chosen adds nothing."""
    by_key = {r.key: r for r in recipes}
    lines: dict[object, PricedLine] = {}
    line_recipes: dict[object, dict[int, RecipeInputs]] = {}
    separate_setup, separate_yearly = Range(), Range()
    for choice in choices:
        if choice.have:
            lines[("have", choice.component.pk)] = PricedLine(
                None, [choice.component], have=True, years=assumptions.years
            )
            continue
        if choice.offering is None:
            continue
        key = ("offering", choice.offering.pk)
        line = lines.setdefault(
            key,
            PricedLine(
                choice.offering,
                setup_fee=Decimal(choice.offering.setup_fee or 0),
                years=assumptions.years,
            ),
        )
        line.components.append(choice.component)
        wanted = line_recipes.setdefault(key, {})
        component_recipes = {k: by_key[k] for k in choice.recipe_keys if k in by_key}
        wanted.update(component_recipes)
        separate_setup = separate_setup + Range(line.setup_fee, line.setup_fee)
        separate_yearly = (
            separate_yearly
            + _offering_estimate(choice.offering, component_recipes.values(), assumptions).range
        )
    for key, line in lines.items():
        if not line.have:
            line.yearly = _offering_estimate(line.offering, line_recipes[key].values(), assumptions)
    priced = tuple(lines.values())
    totals = cost_totals(
        product_setup=range_sum(Range(line.setup_fee, line.setup_fee) for line in priced),
        yearly=range_sum(line.yearly.range for line in priced if not line.have),
        recipes=recipes,
        assumptions=assumptions,
    )
    before = cost_totals(
        product_setup=separate_setup,
        yearly=separate_yearly,
        recipes=recipes,
        assumptions=assumptions,
    )
    return BasketCosts(priced, totals, before)


def _offering_estimate(offering, recipes: Iterable[RecipeInputs], assumptions: Assumptions):
    volumes = [r.volume(assumptions) for r in recipes]
    known = [v for v in volumes if v is not None]
    drivers = [r.volume_driver for r in recipes if r.volume_per_1000_residents is not None]
    label = drivers[0] if len(drivers) == 1 and drivers[0] else "transactions"
    return offering_yearly(offering, assumptions, sum(known) if known else None, label)
