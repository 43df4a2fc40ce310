"""The basket: a shopping list of components built from recipes, kept in the session.

The session holds only ids: for each component, the recipes that need it and the choice
made (an offering id, "have" for something the council already owns, or nothing yet),
plus the chosen council. Writes are the basket_* services; basket_read builds everything
a page or an export shows, in a fixed number of queries however many lines there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from catalogue.costs import (
    Assumptions,
    BasketChoice,
    BasketCosts,
    Estimate,
    PricedLine,
    Range,
    basket_costs,
    offering_yearly,
    yearly_volume,
)
from catalogue.models import (
    OFFERING_RANK_ORDER,
    Component,
    ConformanceClaim,
    Offering,
    OfferingComponentRank,
    Standard,
)
from catalogue.selectors import (
    SUMMARY_MAX_STANDARDS,
    component_offering_counts,
    pantry_have,
    standards_mask,
)
from foundations.money import format_money, format_range, pence

from .architecture import recipe_architecture_chosen
from .costing import recipe_inputs
from .models import RecipePage, SavedBasket

SESSION_KEY = "basket"
HAVE = "have"
OPEN = ""

# Larger than any real shopping list; stops a scripted client growing the session.
MAX_LINES = 60
MAX_RECIPES = 30


# --- the session ------------------------------------------------------------------------


def _state(session) -> dict:
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict):
        state = {}
    lines = state.get("lines")
    # The council is no longer kept here: it is the visitor's, site-wide, in the signed
    # costs cookie (catalogue.cost_choice).
    return {"lines": lines if isinstance(lines, dict) else {}}


def _store(session, state: dict) -> None:
    session[SESSION_KEY] = state
    session.modified = True


def basket_size(session) -> int:
    """How many lines the basket has, read from the session alone (no query)."""
    return len(_state(session)["lines"])


def basket_component_ids(session) -> list[int]:
    return [int(key) for key in _state(session)["lines"]]


def basket_add_recipe(*, session, recipe: RecipePage) -> int:
    """Add a line for each component the recipe needs, or add the recipe to the line a
    component already has. Returns how many new lines were made."""
    state = _state(session)
    recipes_in_basket = {r for line in state["lines"].values() for r in line["recipes"]}
    if recipe.pk not in recipes_in_basket and len(recipes_in_basket) >= MAX_RECIPES:
        return 0
    added = 0
    for component_id in dict.fromkeys(recipe.ingredient_ids("component")):
        key = str(component_id)
        line = state["lines"].get(key)
        if line is None:
            if len(state["lines"]) >= MAX_LINES:
                break
            line = state["lines"][key] = {"recipes": [], "choice": OPEN}
            added += 1
        if recipe.pk not in line["recipes"]:
            line["recipes"].append(recipe.pk)
    _store(session, state)
    return added


def basket_set_choices(*, session, choices: dict[int, str]) -> None:
    """Record the choice for each line: an offering id as a string, HAVE or OPEN."""
    state = _state(session)
    for component_id, choice in choices.items():
        line = state["lines"].get(str(component_id))
        if line is not None:
            line["choice"] = choice
            # "Not decided yet", chosen: their council's pantry no longer counts the line
            # as "already have" in this basket (basket_read).
            if choice == OPEN:
                line["decided"] = True
            else:
                line.pop("decided", None)
    _store(session, state)


def basket_remove_line(*, session, component_id: int) -> bool:
    """Take a component off the list. Returns False if it was not there."""
    state = _state(session)
    removed = state["lines"].pop(str(component_id), None) is not None
    _store(session, state)
    return removed


def basket_clear(*, session) -> None:
    """Empty the basket."""
    state = _state(session)
    state["lines"] = {}
    _store(session, state)


# --- reading the basket -----------------------------------------------------------------

# A phone shows every line's shortlist one under another: three products a line keep a
# basket of ten recipes readable (and under 150 KB); "See all" lists every one.
SHORTLIST_SIZE = 3


@dataclass
class Conformance:
    standard: Standard
    status: str  # "verified", "claimed" or "not claimed"
    required: bool

    @property
    def label(self) -> str:
        return self.status.capitalize()


@dataclass
class Option:
    """One offering that could fill a line, with how it meets the line's standards and its
    yearly cost for the council."""

    offering: Offering
    conformance: list[Conformance]
    estimate: Estimate

    @property
    def meets_required(self) -> bool:
        return all(c.status != "not claimed" for c in self.conformance if c.required)

    @property
    def verified_count(self) -> int:
        return sum(1 for c in self.conformance if c.status == "verified")

    @property
    def met_count(self) -> int:
        return sum(1 for c in self.conformance if c.status != "not claimed")


@dataclass
class Line:
    """One component of the basket: the recipes that need it, what it must meet, a short
    ranked list of products and what was chosen."""

    component: Component
    recipes: list[RecipePage]
    choice: str
    required_standards: list[Standard]
    recommended_standards: list[Standard]
    volume: int | None
    volume_label: str
    shortlist: list[Option] = field(default_factory=list)
    offering_count: int = 0
    conforming_count: int = 0
    offering: Offering | None = None
    from_pantry: bool = False
    unavailable: bool = False
    estimate: Estimate | None = None
    chosen_option: Option | None = None
    bill: PricedLine | None = None

    @property
    def field_name(self) -> str:
        return f"line-{self.component.pk}"

    @property
    def options(self) -> list[Option]:
        """The shortlist, with the chosen product added when it is not on it."""
        if self.chosen_option and all(
            o.offering.pk != self.chosen_option.offering.pk for o in self.shortlist
        ):
            return [*self.shortlist, self.chosen_option]
        return self.shortlist

    @property
    def conforming_fallback(self) -> bool:
        """True when no product claims every required standard, so every product counts."""
        return self.conforming_count == 0

    @property
    def choosable_count(self) -> int:
        return self.offering_count if self.conforming_fallback else self.conforming_count

    @property
    def status(self) -> str:
        if self.choice == HAVE:
            return "Already have"
        if self.unavailable:
            return "Chosen offering no longer available"
        if self.offering:
            return "Chosen"
        return "Not chosen yet"

    @property
    def shared_with(self) -> list[Component]:
        """The other components the chosen product also covers in this basket."""
        if self.bill is None or self.bill.have:
            return []
        return [c for c in self.bill.components if c.pk != self.component.pk]

    @property
    def setup_fee(self) -> Decimal | None:
        if self.offering and not self.unavailable and self.offering.setup_fee:
            return self.offering.setup_fee
        return None

    @property
    def reasons(self) -> list[tuple[RecipePage, str]]:
        """Why each recipe needs the component, read from the raw stream (no query)."""
        result = []
        for recipe in self.recipes:
            for item in recipe.ingredients.raw_data:
                value = item["value"]
                if item["type"] == "component" and str(value.get("component")) == str(
                    self.component.pk
                ):
                    result.append((recipe, value.get("why", "")))
        return result

    @property
    def outcomes(self) -> list[dict]:
        seen, result = set(), []
        for recipe in self.recipes:
            for block in recipe.outcomes:
                key = block.value["metric"]
                if key not in seen:
                    seen.add(key)
                    result.append({"recipe": recipe, **block.value})
        return result


@dataclass
class Basket:
    lines: list[Line]
    assumptions: Assumptions
    recipes: list[RecipePage]
    costs: BasketCosts

    shortlist_size = SHORTLIST_SIZE

    @property
    def council(self):
        return self.assumptions if self.assumptions.has_council else None

    @property
    def population(self) -> int:
        return self.assumptions.population

    @property
    def uses_default_population(self) -> bool:
        return not self.assumptions.has_council

    @property
    def unavailable_count(self) -> int:
        return sum(1 for line in self.lines if line.unavailable)

    @property
    def pantry_count(self) -> int:
        """Lines counted as "already have" because the council's pantry lists them."""
        return sum(1 for line in self.lines if line.from_pantry)

    @property
    def open_count(self) -> int:
        return sum(1 for line in self.lines if line.status == "Not chosen yet")

    # The totals, as the cost model worked them out (catalogue.costs.cost_totals).
    @property
    def yearly(self) -> Range:
        return self.costs.yearly

    @property
    def product_setup(self) -> Range:
        return self.costs.product_setup

    @property
    def recipe_setup(self) -> Range:
        return self.costs.recipe_setup

    @property
    def one_off(self) -> Range:
        return self.costs.one_off


def basket_page_lines(basket: Basket) -> list[dict]:
    """What the basket page shows of each line, as plain values worked out once. The page
    repeats a line's id, name and links a dozen times and each option's offering id four
    times; read through models, properties and {% url %} in the template they made the
    rendering 21 ms of the page's 44 ms of Python with ten recipes (14 ms now): a template
    finds a dict's key in one step, a model's attribute only after failing to subscript
    it, and renders an integer through the locale's number format. Each recipe's and
    standard's link is worked out once, however many lines share it."""
    recipe_links: dict[int, dict] = {}
    standard_links: dict[int, dict] = {}

    def recipe_link(recipe):
        if recipe.pk not in recipe_links:
            recipe_links[recipe.pk] = {"url": recipe.url, "title": recipe.title}
        return recipe_links[recipe.pk]

    def standard_link(standard):
        if standard.pk not in standard_links:
            standard_links[standard.pk] = {
                "url": standard.get_absolute_url(),
                "name": standard.display_name,
            }
        return standard_links[standard.pk]

    choices_url = reverse("basket:choices")
    compare_url = reverse("basket:compare")
    rows = []
    for line in basket.lines:
        component = line.component
        pk = str(component.pk)
        field_name = f"line-{pk}"
        chosen = line.offering if line.offering and not line.unavailable else None
        shortlist = line.shortlist
        rows.append(
            {
                "pk": pk,
                "field": field_name,
                "name": component.name,
                "name_lower": component.name.lower(),
                "url": component.get_absolute_url(),
                "recipes": [recipe_link(r) for r in line.recipes],
                "required": [standard_link(s) for s in line.required_standards],
                "recommended": [standard_link(s) for s in line.recommended_standards],
                "status": line.status + (f": {chosen.name}" if chosen else ""),
                "from_pantry": line.from_pantry,
                "estimate": line.estimate,
                "setup_fee": line.setup_fee,
                "chosen_name": chosen.name if chosen else "",
                "shared_with": [c.name.lower() for c in line.shared_with],
                "unavailable": line.unavailable,
                "withdrawn_name": line.offering.name if line.offering else "",
                "have": line.choice == HAVE,
                "open": not line.choice or line.unavailable,
                "fallback_count": line.offering_count if line.conforming_fallback else 0,
                "options": [
                    {
                        "value": str(option.offering.pk),
                        "id": f"{field_name}-{option.offering.pk}",
                        "checked": line.choice == str(option.offering.pk),
                        "name": option.offering.name,
                        "supplier": option.offering.supplier.name,
                        "is_sample": option.offering.supplier.is_sample,
                        "offering": option.offering,
                        "estimate": option.estimate,
                        "yearly": option.estimate.display,
                        "required": [
                            {"name": c.standard.display_name, "status": c.status}
                            for c in option.conformance
                            if c.required
                        ],
                    }
                    for option in line.options
                ],
                "choices_url": choices_url,
                "offering_count": line.offering_count,
                "choosable_count": line.choosable_count,
                "conforming_fallback": line.conforming_fallback,
                "offerings_url": reverse("basket:component_offerings", args=[component.pk]),
                "compare_url": (
                    f"{compare_url}?offerings=" + ",".join(o.offering.slug for o in shortlist[:4])
                    if len(shortlist) > 1
                    else ""
                ),
                "remove_url": reverse("basket:remove", args=[component.pk]),
            }
        )
    return rows


def _line_volume(recipes: list[RecipePage], assumptions: Assumptions) -> tuple[int | None, str]:
    volumes = [
        (yearly_volume(assumptions.population, r.volume_per_1000_residents), r.volume_driver)
        for r in recipes
        if r.volume_per_1000_residents is not None
    ]
    if not volumes:
        return None, "transactions"
    label = volumes[0][1] if len(volumes) == 1 and volumes[0][1] else "transactions"
    return sum(v for v, _ in volumes), label


def conformance_of(offering: Offering, standards, required_ids=()) -> list[Conformance]:
    claims = {claim.standard_id: claim for claim in offering.claims.all()}
    result = []
    for standard in standards:
        claim = claims.get(standard.pk)
        status = "not claimed"
        if claim is not None:
            status = "verified" if claim.is_verified else "claimed"
        result.append(Conformance(standard, status, standard.pk in required_ids))
    return result


# What no option, line or export of a basket shows: the long texts of the offering and
# its supplier (a basket reads a hundred offerings).
OPTION_DEFERRED = [
    "description",
    "description_html",
    "supplier__description",
    "supplier__description_html",
]


def offerings_with_prices():
    """Offerings with what an option shows: supplier, claims, price bands. Options know
    their standards (the line's): a claim needs only its ids and date."""
    return (
        Offering.objects.select_related("supplier")
        .defer(*OPTION_DEFERRED)
        .prefetch_related(
            "price_bands",
            Prefetch(
                "claims",
                queryset=ConformanceClaim.objects.only(
                    "pk", "offering_id", "standard_id", "verified_at"
                ),
            ),
        )
    )


def conforming_q(required: dict[int, int], order: dict[int, list[int]]) -> Q:
    """Rank rows (catalogue.OfferingComponentRank) of offerings that claim every standard
    each component requires: required maps component id -> standards mask."""
    wanted = Q(pk__in=[])
    for component_id, mask in required.items():
        if mask == 0:
            wanted |= Q(component_id=component_id)
            continue
        bits = len(order.get(component_id, []))
        supersets = [m for m in range(1 << bits) if m & mask == mask]
        wanted |= Q(component_id=component_id, claimed_mask__in=supersets)
    return wanted


# The shortlist's order after "claims every required standard", as the index
# catalogue.OfferingComponentRank "offering_rank_order" sorts: each component's best rows
# are read from the index and the scan stops at the limit.
RANK_ORDER_SQL = ", ".join(
    [
        *(f"{field[1:]} DESC" if field.startswith("-") else field for field in OFFERING_RANK_ORDER),
        "offering_id",
    ]
)
RANK_COLUMNS = (
    "component_id, offering_id, claimed_mask, claimed_count, verified_count, "
    "rating_hundredths, rating_count, price, name"
)
# At most this many of a council's own products are read for one basket (a pantry holds
# a few dozen).
PREFERRED_LIMIT = 500


def _best_ranks_sql(component_required, counts, order, limit, preferred=()) -> tuple[str, list]:
    """One UNION ALL of index scans that stop at the limit: per component, up to `limit`
    rows that claim every required standard and, when fewer do, the best `limit` of all;
    and the rows of the `preferred` offerings (the council's own) for these components.
    Written as SQL because the ORM can neither put LIMIT inside a compound statement on
    SQLite nor build 60 querysets cheaply (it took 80 ms of Python for a 31-line basket)."""
    table = OfferingComponentRank._meta.db_table
    # Our own table, columns and order; every value is a parameter.
    select = (
        f"SELECT * FROM (SELECT {RANK_COLUMNS} FROM {table} WHERE component_id = %s{{where}} "  # noqa: S608
        f"ORDER BY {RANK_ORDER_SQL} LIMIT %s) AS part{{n}}"
    )
    parts, params = [], []
    if preferred:
        components, offerings = list(component_required), sorted(preferred)[:PREFERRED_LIMIT]
        parts.append(
            f"SELECT * FROM (SELECT {RANK_COLUMNS} FROM {table} "  # noqa: S608
            f"WHERE component_id IN ({', '.join(['%s'] * len(components))}) "
            f"AND offering_id IN ({', '.join(['%s'] * len(offerings))})) AS preferred"
        )
        params += [*components, *offerings]
    for component_id, mask in component_required.items():
        total, conforming = counts[component_id]
        if mask and conforming:
            bits = len(order.get(component_id, []))
            supersets = [m for m in range(1 << bits) if m & mask == mask]
            where = f" AND claimed_mask IN ({', '.join(['%s'] * len(supersets))})"
            parts.append(select.format(where=where, n=len(parts)))
            params += [component_id, *supersets, limit]
        if total and (not mask or conforming < limit):
            parts.append(select.format(where="", n=len(parts)))
            params += [component_id, limit]
    return " UNION ALL ".join(parts), params


def ranked_offerings(
    component_required: dict[int, int], order, *, limit=SHORTLIST_SIZE, preferred=frozenset()
):
    """Each component's best offerings, in two queries at any catalogue size: those that
    claim every required standard first, then by standards claimed, standards verified,
    whether the council already has it (`preferred`: offering ids), councils' rating
    (average, then how many), price and name. Returns component id -> [offering id], and
    component id -> (public offerings, conforming offerings). (A window over every row of
    every component ranked thousands of rows a line: 220 ms for a 31-line basket at
    50,000 offerings, against 5 ms.)"""
    if not component_required:
        return {}, {}
    counts = component_offering_counts(component_required)
    sql, params = _best_ranks_sql(component_required, counts, order, limit, preferred)
    if not sql:
        return {}, counts
    by_component: dict[int, dict[int, tuple]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor:
            component_id, offering_id, claimed_mask, claimed, verified = row[:5]
            rating, rated, price, name = row[5:]
            mask = component_required[component_id]
            key = (
                claimed_mask & mask != mask,
                -claimed,
                -verified,
                offering_id not in preferred,
                -rating,
                -rated,
                price,
                name,
                offering_id,
            )
            by_component.setdefault(component_id, {})[offering_id] = key
    ranked = {
        component_id: sorted(keys, key=keys.get)[:limit]
        for component_id, keys in by_component.items()
    }
    return ranked, counts


def line_required(component: Component, recipe_standard_ids: set[int]):
    """(required, recommended) standards of a component for the recipes that need it:
    required are the component's standards the recipes name too."""
    component_standards = list(component.standards.all())
    required = [s for s in component_standards if s.pk in recipe_standard_ids]
    required_ids = {s.pk for s in required}
    recommended = [s for s in component_standards if s.pk not in required_ids]
    return required, recommended


def basket_read(
    *, session, assumptions: Assumptions | None = None, pantry=None, shortlists: bool = True
) -> Basket:
    """Everything the basket shows: lines with their shortlists and costs, and the totals
    from the cost model. A fixed number of queries whatever the number of lines or the
    size of the catalogue.

    pantry (catalogue.selectors.Pantry, for a council's staff) makes every line whose
    component the council already has "already have", unless the user chose otherwise
    for this basket. shortlists=False leaves the shortlists (and the counts of offerings)
    out, for what shows only the choices and their bills (the pictures, the exports, a
    saved choice's message): ranking them and reading their offerings was two thirds of
    the architecture page's Python."""
    assumptions = assumptions or Assumptions()
    state = _state(session)
    in_pantry = set(pantry_have([int(key) for key in state["lines"]], pantry))
    raw_lines = state["lines"]
    component_ids = [int(key) for key in raw_lines]
    components = {
        c.pk: c
        for c in Component.objects.filter(pk__in=component_ids).prefetch_related("standards")
    }
    recipe_ids = {r for line in raw_lines.values() for r in line.get("recipes", [])}
    recipes = {
        r.pk: r for r in RecipePage.objects.live().filter(pk__in=recipe_ids).order_by("title")
    }
    recipe_standard_ids = {pk: set(r.ingredient_ids("standard")) for pk, r in recipes.items()}
    order = {
        pk: sorted(s.pk for s in c.standards.all())[:SUMMARY_MAX_STANDARDS]
        for pk, c in components.items()
    }

    drafts = []
    required_masks = {}
    for key, raw in raw_lines.items():
        component = components.get(int(key))
        if component is None:
            continue
        line_recipes = [recipes[r] for r in raw.get("recipes", []) if r in recipes]
        wants = set().union(*(recipe_standard_ids[r.pk] for r in line_recipes))
        required, recommended = line_required(component, wants)
        required_masks[component.pk] = standards_mask(
            order.get(component.pk, []), {s.pk for s in required}
        )
        volume, label = _line_volume(line_recipes, assumptions)
        choice = str(raw.get("choice", OPEN))
        from_pantry = component.pk in in_pantry and (
            choice == HAVE or (choice == OPEN and not raw.get("decided"))
        )
        drafts.append(
            Line(
                component=component,
                recipes=line_recipes,
                choice=HAVE if from_pantry else choice,
                from_pantry=from_pantry,
                required_standards=required,
                recommended_standards=recommended,
                volume=volume,
                volume_label=label,
            )
        )
    ranked, counts = (
        ranked_offerings(
            required_masks, order, preferred=pantry.offering_ids if pantry else frozenset()
        )
        if shortlists
        else ({}, {})
    )
    chosen_ids = [int(line.choice) for line in drafts if line.choice.isdigit()]
    wanted_ids = {pk for ids in ranked.values() for pk in ids} | set(chosen_ids)
    by_id = offerings_with_prices().in_bulk(list(wanted_ids)) if wanted_ids else {}
    # Whether each chosen offering still provides its line's component (a supplier may
    # have changed it since): pairs, not every chosen offering's components as objects.
    provided = (
        set(
            Offering.components.through.objects.filter(offering_id__in=chosen_ids).values_list(
                "offering_id", "component_id"
            )
        )
        if chosen_ids
        else set()
    )

    choices = []
    for line in drafts:
        component = line.component
        required_ids = {s.pk for s in line.required_standards}
        standards = line.required_standards + line.recommended_standards
        line.offering_count, line.conforming_count = counts.get(component.pk, (0, 0))

        def option(offering, line=line, standards=standards, required_ids=required_ids):
            return Option(
                offering=offering,
                conformance=conformance_of(offering, standards, required_ids),
                estimate=offering_yearly(offering, assumptions, line.volume, line.volume_label),
            )

        for offering_id in ranked.get(component.pk, []):
            offering = by_id.get(offering_id)
            if offering is not None and offering.is_public:
                line.shortlist.append(option(offering))
        if line.choice.isdigit():
            offering = by_id.get(int(line.choice))
            provides = (int(line.choice), component.pk) in provided
            if offering is None or not provides:
                line.unavailable = True
            else:
                line.offering = offering
                line.unavailable = not offering.is_public
                if not line.unavailable:
                    line.chosen_option = option(offering)
                    line.estimate = line.chosen_option.estimate
        choices.append(
            BasketChoice(
                component=component,
                offering=line.offering if line.offering and not line.unavailable else None,
                have=line.choice == HAVE,
                recipe_keys=tuple(r.pk for r in line.recipes),
            )
        )
    lines = sorted(drafts, key=lambda line: line.component.name)

    basket_recipes = sorted(
        {r.pk: r for line in lines for r in line.recipes}.values(), key=lambda r: r.title
    )
    costs = basket_costs(choices, [recipe_inputs(r) for r in basket_recipes], assumptions)
    bills = {}
    for bill in costs.lines:
        for component in bill.components:
            bills[component.pk] = bill
    for line in lines:
        line.bill = bills.get(line.component.pk)
    return Basket(lines=lines, assumptions=assumptions, recipes=basket_recipes, costs=costs)


def basket_architectures(basket: Basket) -> list[dict]:
    """For each recipe in a basket, its architecture picture with the products chosen
    (or "Already have") named in their boxes."""
    chosen = {}
    for line in basket.lines:
        if line.choice == HAVE:
            chosen[line.component.slug] = "Already have"
        elif line.offering is not None and not line.unavailable:
            chosen[line.component.slug] = line.offering
    return [
        recipe_architecture_chosen(recipe, chosen, id_prefix=f"your-architecture-{n}")
        for n, recipe in enumerate(basket.recipes, start=1)
        if recipe.architecture
    ]


def component_offerings(*, component: Component, required_ids, conforming_only: bool):
    """All public offerings of one component for the "see all" page, best first: those
    claiming every required standard (when conforming_only, only those)."""
    order = {component.pk: sorted(s.pk for s in component.standards.all())[:SUMMARY_MAX_STANDARDS]}
    mask = standards_mask(order[component.pk], required_ids)
    meets = conforming_q({component.pk: mask}, order)
    ranks = OfferingComponentRank.objects.filter(component=component)
    total, conforming = component_offering_counts({component.pk: mask})[component.pk]
    if conforming_only and conforming:
        ranks = ranks.filter(meets)
    ranks = ranks.annotate(
        meets=Case(When(meets, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-meets", *OFFERING_RANK_ORDER, "offering_id")
    return ranks, total, conforming


# --- saving and sharing -----------------------------------------------------------------


def _money_or_none(value) -> str | None:
    return None if value is None else str(pence(value))


def basket_snapshot(basket: Basket) -> dict:
    """A JSON-safe copy of the basket as it is now: lines, prices, estimates, totals."""
    lines = []
    for line in basket.lines:
        offering = line.offering if not line.unavailable else None
        estimate = line.estimate
        lines.append(
            {
                "component": {
                    "id": line.component.pk,
                    "name": line.component.name,
                    "slug": line.component.slug,
                },
                "recipes": [{"id": r.pk, "title": r.title, "url": r.url} for r in line.recipes],
                "choice": line.choice if line.choice == HAVE or offering else OPEN,
                "status": line.status,
                "standards_required": [s.display_name for s in line.required_standards],
                "billed_with": [c.name for c in line.shared_with],
                "offering": None
                if offering is None
                else {
                    "id": offering.pk,
                    "slug": offering.slug,
                    "name": offering.name,
                    "supplier": offering.supplier.name,
                    "supplier_is_sample": offering.supplier.is_sample,
                    "pricing_unit": offering.pricing_unit,
                    "pricing_unit_label": offering.get_pricing_unit_display(),
                    "price": _money_or_none(offering.price),
                    "price_max": _money_or_none(offering.price_max),
                    "setup_fee": _money_or_none(offering.setup_fee),
                    "gcloud_service_id": offering.gcloud_service_id,
                    "gcloud_url": offering.gcloud_url,
                },
                "yearly": None
                if estimate is None
                else {
                    "known": estimate.known,
                    "low": str(estimate.low),
                    "high": str(estimate.high),
                    "display": estimate.display,
                    "working": estimate.working,
                },
            }
        )
    costs = basket.costs
    assumptions = basket.assumptions
    return {
        "version": 2,
        "saved_at": timezone.now().isoformat(),
        "council": None
        if not assumptions.has_council
        else {"name": assumptions.council_name, "slug": assumptions.council_slug},
        "population": assumptions.population,
        "uses_default_population": basket.uses_default_population,
        "assumptions": [
            {"what": what, "value": value, "source": source}
            for what, value, source in assumptions.rows()
        ],
        "lines": lines,
        # One bill per product, however many components it covers (exact figures).
        "bills": [
            {
                "offering": None
                if bill.have
                else {"id": bill.offering.pk, "name": bill.offering.name},
                "covers": [c.name for c in bill.components],
                "already_have": bill.have,
                "setup_fee": str(bill.setup_fee),
                "yearly": _range_json(bill.yearly.range),
                "yearly_working": bill.yearly.working,
                "five_year": _range_json(bill.five_year),
            }
            for bill in costs.lines
        ],
        "staff": [
            {
                "role": line.role.label,
                "days": str(line.days),
                "day_rate": str(line.day_rate),
                "cost": str(line.cost),
            }
            for line in costs.staff_by_role
        ],
        "totals": {
            "yearly": _range_json(costs.yearly),
            "product_setup": _range_json(costs.product_setup),
            "recipe_setup": _range_json(costs.recipe_setup),
            "one_off": _range_json(costs.one_off),
            "staff": _range_json(costs.staff),
            "total_cost_of_ownership": _range_json(costs.tco),
            "years": assumptions.years,
            "saved_by_sharing": _range_json(costs.sharing_saving),
        },
    }


def _range_json(total: Range) -> dict:
    return {
        "low": str(total.low),
        "high": str(total.high),
        "display": total.display,
        "not_costed": total.unknown,
    }


def basket_save(*, session, assumptions: Assumptions, pantry=None) -> SavedBasket:
    """Store a read-only snapshot of the session basket under an unguessable id."""
    basket = basket_read(session=session, assumptions=assumptions, pantry=pantry, shortlists=False)
    return SavedBasket.objects.create(snapshot=basket_snapshot(basket))


def saved_basket_changes(snapshot: dict) -> list[dict]:
    """What changed in the catalogue since the basket was saved: offerings withdrawn or
    unpublished, and changed prices. One query."""
    saved = {
        line["offering"]["id"]: line for line in snapshot.get("lines", []) if line.get("offering")
    }
    current = {
        o.pk: o for o in Offering.objects.filter(pk__in=list(saved)).select_related("supplier")
    }
    changes = []
    for offering_id, line in saved.items():
        then = line["offering"]
        now = current.get(offering_id)
        component = line["component"]["name"]
        if now is None or not now.is_public:
            changes.append(
                {
                    "component": component,
                    "offering": then["name"],
                    "change": "withdrawn",
                    "text": f"{then['name']} is no longer available.",
                }
            )
            continue
        before = _price_text(then["price"], then["price_max"], then["pricing_unit_label"])
        after = _price_text(
            _money_or_none(now.price), _money_or_none(now.price_max), now.get_pricing_unit_display()
        )
        if before != after:
            changes.append(
                {
                    "component": component,
                    "offering": then["name"],
                    "change": "price",
                    "text": f"{then['name']}: price changed from {before} to {after}.",
                }
            )
        if then.get("setup_fee") != _money_or_none(now.setup_fee):
            changes.append(
                {
                    "component": component,
                    "offering": then["name"],
                    "change": "setup_fee",
                    "text": (
                        f"{then['name']}: set-up fee changed from "
                        f"{_fee_text(then.get('setup_fee'))} to "
                        f"{_fee_text(_money_or_none(now.setup_fee))}."
                    ),
                }
            )
    return changes


def _price_text(price, price_max, unit_label) -> str:
    if price is None:
        return "no price"
    low = Decimal(price)
    high = Decimal(price_max) if price_max is not None else None
    return f"{format_range(low, high)} {unit_label}"


def _fee_text(fee) -> str:
    return "none" if fee is None else format_money(Decimal(fee))


def basket_copy_saved(*, session, saved: SavedBasket) -> int:
    """Replace the session basket's lines with a saved basket's, keeping choices of
    offerings that are still published. Returns the number of lines."""
    snapshot = saved.snapshot
    offering_ids = [
        line["offering"]["id"] for line in snapshot.get("lines", []) if line.get("offering")
    ]
    public_ids = set(
        Offering.objects.public().filter(pk__in=offering_ids).values_list("pk", flat=True)
    )
    lines = {}
    for line in snapshot.get("lines", [])[:MAX_LINES]:
        choice = OPEN
        if line.get("choice") == HAVE:
            choice = HAVE
        elif line.get("offering") and line["offering"]["id"] in public_ids:
            choice = str(line["offering"]["id"])
        lines[str(line["component"]["id"])] = {
            "recipes": [r["id"] for r in line.get("recipes", [])][:MAX_RECIPES],
            "choice": choice,
        }
    _store(session, {"lines": lines})
    return len(lines)


# --- comparing offerings ----------------------------------------------------------------


def offering_comparison(*, session, slugs: list[str], assumptions: Assumptions) -> dict:
    """Published offerings side by side, in the order asked, with their conformance to
    the standards of the components they provide and a yearly cost for the council.
    Per-transaction prices use the volume of the basket's recipes that need the
    component; without one the yearly cost is not known. A fixed number of queries."""
    state = _state(session)
    found = {
        o.slug: o
        for o in Offering.objects.public()
        .filter(slug__in=slugs)
        .select_related("supplier")
        .prefetch_related(
            "price_bands",
            Prefetch("components", queryset=Component.objects.prefetch_related("standards")),
            Prefetch("claims", queryset=ConformanceClaim.objects.select_related("standard")),
        )
    }
    missing = [slug for slug in slugs if slug not in found]
    offerings = [found[slug] for slug in slugs if slug in found]

    standards: dict[int, Standard] = {}
    for offering in offerings:
        for component in offering.components.all():
            for standard in component.standards.all():
                standards.setdefault(standard.pk, standard)
        for claim in offering.claims.all():
            standards.setdefault(claim.standard_id, claim.standard)
    ordered_standards = sorted(standards.values(), key=lambda s: s.display_name.lower())

    basket_lines = state["lines"]
    recipe_ids = {
        r
        for offering in offerings
        for component in offering.components.all()
        for r in basket_lines.get(str(component.pk), {}).get("recipes", [])
    }
    recipes = {r.pk: r for r in RecipePage.objects.live().filter(pk__in=recipe_ids)}

    columns = []
    for offering in offerings:
        volume, label = None, "transactions"
        for component in offering.components.all():
            line = basket_lines.get(str(component.pk))
            if line:
                volume, label = _line_volume(
                    [recipes[r] for r in line.get("recipes", []) if r in recipes], assumptions
                )
                if volume is not None:
                    break
        columns.append(
            {
                "offering": offering,
                "estimate": offering_yearly(offering, assumptions, volume, label),
                "conformance": conformance_of(offering, ordered_standards),
            }
        )
    return {
        "missing": missing,
        "columns": columns,
        "standards": ordered_standards,
        "assumptions": assumptions,
        "population": assumptions.population,
        "uses_default_population": not assumptions.has_council,
    }
