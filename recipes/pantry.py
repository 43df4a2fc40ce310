"""Reads for what a page says to one visitor about their own council: the signed-in staff
member's council and its pantry (what it already runs), and the council a recipe page
compares adopters with ("councils like mine").

Personal content: a page that shows any of it is for one visitor only. The page cache
never stores pages for visitors with a session (everyone signed in has one), and the
recipe page marks such responses private (RecipePage.serve).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from catalogue.cost_choice import assumptions_from_request
from catalogue.models import Council
from catalogue.selectors import Pantry, council_pantry, pantry_have, user_council_memberships

from .models import summarise_outcomes

STAFF_ATTRIBUTE = "_plumbing_staff_council"
PANTRY_ATTRIBUTE = "_plumbing_pantry"

# "Similar population": within this factor of the council compared with, either way.
POPULATION_FACTOR = 2
ADOPTERS_ALL = "all"
ADOPTERS_LIKE_MINE = "like-mine"
ADOPTERS_CHOICES = ("", ADOPTERS_ALL, ADOPTERS_LIKE_MINE)


def staff_council(request) -> Council | None:
    """The council the signed-in user works for (the first by name if several), or None
    for anyone else. One query, once per request."""
    if not hasattr(request, STAFF_ATTRIBUTE):
        council = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = user_council_memberships(user).order_by("council__name").first()
            council = membership.council if membership else None
        setattr(request, STAFF_ATTRIBUTE, council)
    return getattr(request, STAFF_ATTRIBUTE)


def staff_pantry(request) -> Pantry | None:
    """The pantry of the signed-in staff member's council (None for anyone else): what
    the basket counts as "already have" and the recipe page counts as "already has"."""
    if not hasattr(request, PANTRY_ATTRIBUTE):
        council = staff_council(request)
        setattr(request, PANTRY_ATTRIBUTE, council_pantry(council) if council else None)
    return getattr(request, PANTRY_ATTRIBUTE)


def recipe_pantry_match(recipe, pantry: Pantry | None) -> dict | None:
    """How many of the components a recipe needs the council already has, and which:
    {"have": [ids], "have_count", "total"}; None without a pantry."""
    if pantry is None:
        return None
    needed = list(dict.fromkeys(recipe.ingredient_ids("component")))
    have = pantry_have(needed, pantry)
    return {"have": have, "have_count": len(have), "total": len(needed)}


# --- councils like mine ---------------------------------------------------------------


@dataclass
class LikeMine:
    """The council a recipe page compares adopters with, and the rule: the same council
    type and, when both populations are known, a population within POPULATION_FACTOR."""

    council: Council
    reason: str  # "your council" (staff) or "the council you chose"

    @property
    def low(self) -> int | None:
        if not self.council.population:
            return None
        return -(-self.council.population // POPULATION_FACTOR)  # rounded up

    @property
    def high(self) -> int | None:
        if not self.council.population:
            return None
        return self.council.population * POPULATION_FACTOR

    def includes(self, other: Council) -> bool:
        if other.council_type_id != self.council.council_type_id:
            return False
        if self.low is None or not other.population:
            return True
        return self.low <= other.population <= self.high

    @property
    def description(self) -> str:
        """Like "metropolitan districts with about 400,000 to 1.6 million people"."""
        kind = self.council.council_type.plural_name_in_sentence
        if self.low is None:
            return kind
        return f"{kind} with about {people(self.low)} to {people(self.high)} people"


def people(count: int) -> str:
    """A population in words, to two significant figures: 400,000; 1.6 million; 95,000."""
    digits = len(str(count))
    rounded = int(round(Decimal(count), -(digits - 2))) if digits > 2 else count
    if rounded >= 1_000_000:
        millions = (Decimal(rounded) / 1_000_000).normalize()
        return f"{millions:f} million"
    return f"{rounded:,}"


def like_mine_for(request) -> LikeMine | None:
    """The staff member's own council when signed in, else the council the visitor chose
    for costs (the cookie, catalogue.cost_choice); None when there is neither. At most
    one query beyond staff_council."""
    council = staff_council(request)
    if council is not None:
        return LikeMine(council=council, reason="your council")
    assumptions = assumptions_from_request(request)
    if not assumptions.has_council:
        return None
    chosen = (
        Council.objects.select_related("council_type").filter(slug=assumptions.council_slug).first()
    )
    return LikeMine(council=chosen, reason="the council you chose") if chosen else None


def adopters_context(request, *, adoptions: list) -> dict:
    """The recipe page's "cooked by" for this visitor: adopters like their council first,
    and the outcomes summary of those adopters alone when ?adopters=like-mine."""
    choice = request.GET.get("adopters", "")
    invalid = choice not in ADOPTERS_CHOICES
    like = like_mine_for(request)
    context = {
        "like_mine": like,
        "adopters_choice": ADOPTERS_LIKE_MINE if choice == ADOPTERS_LIKE_MINE else ADOPTERS_ALL,
        "adopters_invalid": invalid,
        "like_mine_ids": set(),
        "outcomes_like_mine": False,
    }
    if like is None:
        return context
    like_ids = {a.pk for a in adoptions if like.includes(a.council)}
    context["like_mine_ids"] = like_ids
    # Stable: within each group the page's own order (status, then council name).
    context["adoptions"] = sorted(adoptions, key=lambda a: a.pk not in like_ids)
    if choice == ADOPTERS_LIKE_MINE:
        context["adoption_outcomes"] = summarise_outcomes(
            [a for a in adoptions if a.pk in like_ids]
        )
        context["outcomes_like_mine"] = True
    return context


def recipe_personal_context(request, page, context: dict) -> dict:
    """What the recipe page adds for this visitor (see the module docstring)."""
    extra = adopters_context(request, adoptions=context.get("adoptions", []))
    pantry = staff_pantry(request)
    extra["pantry_match"] = recipe_pantry_match(page, pantry)
    extra["pantry_council"] = pantry.council if pantry else None
    extra["personal"] = pantry is not None
    # Only measures two or more councils reported have a range to draw.
    outcomes = extra.get("adoption_outcomes", context.get("adoption_outcomes", []))
    extra["outcome_ranges"] = any(outcome["councils"] > 1 for outcome in outcomes)
    return extra
