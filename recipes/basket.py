"""The basket: a shopping list of components built from recipes, kept in the session.

The session holds only ids: for each component, the recipes that need it and the choice
made (an offering id, "have" for something the council already owns, or nothing yet),
plus the chosen council. Writes are the basket_* services; basket_read builds everything
a page or an export shows, in a fixed number of queries however many lines there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from catalogue.models import (
    Component,
    ConformanceClaim,
    Council,
    Offering,
    Standard,
    public_offering_q,
)
from foundations.money import format_money, format_range, pence

from .costing import DEFAULT_POPULATION, Estimate, Total, yearly_estimate, yearly_volume
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
    return {
        "lines": lines if isinstance(lines, dict) else {},
        "council": state.get("council"),
    }


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
    _store(session, state)


def basket_remove_line(*, session, component_id: int) -> bool:
    """Take a component off the list. Returns False if it was not there."""
    state = _state(session)
    removed = state["lines"].pop(str(component_id), None) is not None
    _store(session, state)
    return removed


def basket_clear(*, session) -> None:
    """Empty the basket, keeping the chosen council."""
    state = _state(session)
    state["lines"] = {}
    _store(session, state)


def basket_set_council(*, session, council: Council | None) -> None:
    state = _state(session)
    state["council"] = council.pk if council else None
    _store(session, state)


# --- reading the basket -----------------------------------------------------------------


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
    """One offering that could fill a line, with how it meets the line's standards."""

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
    component: Component
    recipes: list[RecipePage]
    choice: str
    required_standards: list[Standard]
    recommended_standards: list[Standard]
    volume: int | None
    volume_label: str
    options: list[Option] = field(default_factory=list)
    offering: Offering | None = None
    unavailable: bool = False
    estimate: Estimate | None = None

    @property
    def field_name(self) -> str:
        return f"line-{self.component.pk}"

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
    def chosen_option(self) -> Option | None:
        for option in self.options:
            if self.offering and option.offering.pk == self.offering.pk:
                return option
        return None

    @property
    def matching_options(self) -> list[Option]:
        return [o for o in self.options if o.meets_required and o.offering.is_public]

    @property
    def other_options(self) -> list[Option]:
        return [o for o in self.options if not o.meets_required and o.offering.is_public]

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
    council: Council | None
    population: int
    recipes: list[RecipePage]
    yearly: Total
    product_setup: Total
    recipe_setup: Total
    one_off: Total

    @property
    def uses_default_population(self) -> bool:
        return self.council is None or not self.council.population

    @property
    def unavailable_count(self) -> int:
        return sum(1 for line in self.lines if line.unavailable)


def _line_volume(recipes: list[RecipePage], population: int) -> tuple[int | None, str]:
    volumes = [
        (yearly_volume(population, r.volume_per_1000_residents), r.volume_driver)
        for r in recipes
        if r.volume_per_1000_residents is not None
    ]
    if not volumes:
        return None, "transactions"
    label = volumes[0][1] if len(volumes) == 1 and volumes[0][1] else "transactions"
    return sum(v for v, _ in volumes), label


def council_population(council: Council | None) -> int:
    if council and council.population:
        return council.population
    return DEFAULT_POPULATION


def offerings_for(component_ids, *, include_ids=()) -> list[Offering]:
    """Published offerings for the components, plus any offerings asked for by id even if
    withdrawn since (so a stale choice can be flagged), with supplier and claims."""
    wanted = public_offering_q() & Q(components__in=component_ids)
    if include_ids:
        wanted |= Q(pk__in=include_ids)
    return list(
        Offering.objects.filter(wanted)
        .distinct()
        .select_related("supplier")
        .prefetch_related(
            "components",
            Prefetch("claims", queryset=ConformanceClaim.objects.select_related("standard")),
        )
        .order_by("name")
    )


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


def basket_read(*, session) -> Basket:
    """Everything the basket shows: lines with their options and costs, the council and
    totals. A fixed number of queries whatever the number of lines."""
    state = _state(session)
    raw_lines = state["lines"]
    council = None
    if state["council"]:
        council = Council.objects.select_related("council_type").filter(pk=state["council"]).first()
    population = council_population(council)

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
    chosen_ids = [
        int(line["choice"]) for line in raw_lines.values() if str(line.get("choice", "")).isdigit()
    ]
    offerings = offerings_for(component_ids, include_ids=chosen_ids)
    by_id = {o.pk: o for o in offerings}
    by_component: dict[int, list[Offering]] = {}
    for offering in offerings:
        for component in offering.components.all():
            by_component.setdefault(component.pk, []).append(offering)

    lines = []
    for key, raw in raw_lines.items():
        component = components.get(int(key))
        if component is None:
            continue
        line_recipes = [recipes[r] for r in raw.get("recipes", []) if r in recipes]
        component_standards = list(component.standards.all())
        recipe_wants = set().union(*(recipe_standard_ids[r.pk] for r in line_recipes))
        required = [s for s in component_standards if s.pk in recipe_wants]
        # "Required": standards the component should meet that the recipe also names;
        # the component's other standards are recommended.
        required_ids = {s.pk for s in required}
        recommended = [s for s in component_standards if s.pk not in required_ids]
        volume, label = _line_volume(line_recipes, population)
        line = Line(
            component=component,
            recipes=line_recipes,
            choice=str(raw.get("choice", OPEN)),
            required_standards=required,
            recommended_standards=recommended,
            volume=volume,
            volume_label=label,
        )
        for offering in by_component.get(component.pk, []):
            if not offering.is_public:
                continue
            line.options.append(
                Option(
                    offering=offering,
                    conformance=conformance_of(offering, required + recommended, required_ids),
                    estimate=_estimate(offering, population, volume, label),
                )
            )
        line.options.sort(
            key=lambda o: (not o.meets_required, -o.met_count, -o.verified_count, o.offering.name)
        )
        if line.choice.isdigit():
            offering = by_id.get(int(line.choice))
            provides = offering is not None and any(
                c.pk == component.pk for c in offering.components.all()
            )
            if offering is None or not provides:
                line.unavailable = True
                line.offering = None
            else:
                line.offering = offering
                line.unavailable = not offering.is_public
            if not line.unavailable:
                line.estimate = _estimate(offering, population, volume, label)
        lines.append(line)
    lines.sort(key=lambda line: line.component.name)

    basket_recipes = sorted(
        {r.pk: r for line in lines for r in line.recipes}.values(), key=lambda r: r.title
    )
    yearly, product_setup, recipe_setup = Total(), Total(), Total()
    for line in lines:
        if line.estimate is not None:
            yearly.add_estimate(line.estimate)
        if line.setup_fee:
            product_setup.add(line.setup_fee)
    for recipe in basket_recipes:
        recipe_setup.add(recipe.setup_cost_min, max(recipe.setup_cost_max, recipe.setup_cost_min))
    one_off = Total()
    one_off.add(product_setup.low, product_setup.high)
    one_off.add(recipe_setup.low, recipe_setup.high)
    return Basket(
        lines=lines,
        council=council,
        population=population,
        recipes=basket_recipes,
        yearly=yearly,
        product_setup=product_setup,
        recipe_setup=recipe_setup,
        one_off=one_off,
    )


def _estimate(offering: Offering, population: int, volume: int | None, label: str) -> Estimate:
    return yearly_estimate(
        pricing_unit=offering.pricing_unit,
        price=offering.price,
        price_max=offering.price_max,
        population=population,
        volume=volume,
        volume_label=label,
    )


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
    return {
        "version": 1,
        "saved_at": timezone.now().isoformat(),
        "council": None
        if basket.council is None
        else {"id": basket.council.pk, "name": basket.council.name, "slug": basket.council.slug},
        "population": basket.population,
        "uses_default_population": basket.uses_default_population,
        "lines": lines,
        "totals": {
            "yearly": _total_json(basket.yearly),
            "product_setup": _total_json(basket.product_setup),
            "recipe_setup": _total_json(basket.recipe_setup),
            "one_off": _total_json(basket.one_off),
        },
    }


def _total_json(total: Total) -> dict:
    return {
        "low": str(total.low),
        "high": str(total.high),
        "display": total.display,
        "not_costed": total.unknown,
    }


def basket_save(*, session) -> SavedBasket:
    """Store a read-only snapshot of the session basket under an unguessable id."""
    return SavedBasket.objects.create(snapshot=basket_snapshot(basket_read(session=session)))


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
    offerings that are still published and the council. Returns the number of lines."""
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
    council = snapshot.get("council")
    _store(session, {"lines": lines, "council": council["id"] if council else None})
    return len(lines)


# --- comparing offerings ----------------------------------------------------------------


def offering_comparison(*, session, slugs: list[str]) -> dict:
    """Published offerings side by side, in the order asked, with their conformance to
    the standards of the components they provide and a yearly cost at the basket's
    council. Per-transaction prices use the volume of the basket's recipes that need the
    component; without one the yearly cost is not known. A fixed number of queries."""
    state = _state(session)
    council = None
    if state["council"]:
        council = Council.objects.filter(pk=state["council"]).first()
    population = council_population(council)
    found = {
        o.slug: o
        for o in Offering.objects.public()
        .filter(slug__in=slugs)
        .select_related("supplier")
        .prefetch_related(
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
                    [recipes[r] for r in line.get("recipes", []) if r in recipes], population
                )
                if volume is not None:
                    break
        columns.append(
            {
                "offering": offering,
                "estimate": _estimate(offering, population, volume, label),
                "conformance": conformance_of(offering, ordered_standards),
            }
        )
    return {
        "missing": missing,
        "columns": columns,
        "standards": ordered_standards,
        "council": council,
        "population": population,
        "uses_default_population": council is None or not council.population,
    }
