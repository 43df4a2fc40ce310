"""The basket's shortlist reads each component's best offerings from an index; it must
give the order a plain sort of every offering gives, at every combination of claims."""

import random
from decimal import Decimal

import pytest
from django.utils import timezone

from catalogue.models import OfferingComponentRank
from catalogue.selectors import standards_mask
from catalogue.services import component_price_summary_rebuild
from recipes.basket import ranked_offerings
from recipes.models import Review
from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    StandardFactory,
)

pytestmark = pytest.mark.django_db


def plain_ranking(component_required, order, limit, preferred=frozenset()):
    """Every rank row of each component, sorted as the shortlist promises: those claiming
    every required standard first, then standards claimed, verified, the council's own
    (preferred), rating, how many rated, price, name, id."""
    ranked, counts = {}, {}
    for component_id, mask in component_required.items():
        rows = list(OfferingComponentRank.objects.filter(component_id=component_id))
        rows.sort(
            key=lambda r, mask=mask: (
                r.claimed_mask & mask != mask,
                -r.claimed_count,
                -r.verified_count,
                r.offering_id not in preferred,
                -r.rating_hundredths,
                -r.rating_count,
                r.price,
                r.name,
                r.offering_id,
            )
        )
        if rows:
            ranked[component_id] = [r.offering_id for r in rows[:limit]]
        conforming = sum(1 for r in rows if r.claimed_mask & mask == mask)
        counts[component_id] = (len(rows), conforming)
    return ranked, counts


def test_the_shortlist_matches_a_plain_sort_of_every_offering():
    """Three components with three standards each, 60 offerings with random claims,
    prices and names (some alike, so the later keys decide), ranked for every mask of
    required standards, with shortlists shorter and longer than what conforms."""
    rng = random.Random(20261201)
    standards = StandardFactory.create_batch(4)
    components = [
        ComponentFactory(standards=rng.sample(standards, 3), slug=f"ranked-{n}") for n in range(3)
    ]
    components.append(ComponentFactory(slug="ranked-empty", standards=standards[:2]))
    for n in range(60):
        offering = OfferingFactory(
            name=f"Product {rng.choice('ABC')}",
            price=Decimal(rng.choice([100, 200, 300])),
            components=rng.sample(components[:3], rng.randint(1, 3)),
        )
        for standard in rng.sample(standards, rng.randint(0, 4)):
            ConformanceClaimFactory(
                offering=offering, standard=standard, verified=rng.random() < 0.3
            )
        if n % 17 == 0:
            offering.unpublish()
    component_price_summary_rebuild()
    # Ratings as reviews would leave them (some alike, so count and price decide).
    ranks = list(OfferingComponentRank.objects.all())
    for rank in rng.sample(ranks, len(ranks) // 2):
        OfferingComponentRank.objects.filter(offering_id=rank.offering_id).update(
            rating_hundredths=rng.choice([250, 400, 450]), rating_count=rng.randint(1, 3)
        )
    preferred = frozenset(rng.sample(sorted({r.offering_id for r in ranks}), 8))
    order = {c.pk: sorted(s.pk for s in c.standards.all()) for c in components}
    checked = 0
    for mask in range(8):
        for limit in (1, 5, 40):
            for mine in (frozenset(), preferred):
                required = {c.pk: mask & ((1 << len(order[c.pk])) - 1) for c in components}
                expected = plain_ranking(required, order, limit, mine)
                found = ranked_offerings(required, order, limit=limit, preferred=mine)
                assert found == expected, (mask, limit, bool(mine))
                checked += 1
    assert checked == 48
    # The data reached every case: some lines with conforming products, some without.
    _, counts = plain_ranking({c.pk: 7 for c in components}, order, 5)
    assert any(0 < conforming < total for total, conforming in counts.values())
    assert counts[components[-1].pk] == (0, 0)


def test_a_required_standard_beyond_the_components_own_is_left_out():
    """standards_mask ignores a standard the component does not list, so the line is
    ranked as if nothing more were required."""
    standard, other = StandardFactory.create_batch(2)
    component = ComponentFactory(standards=[standard])
    OfferingFactory(components=[component])
    component_price_summary_rebuild()
    order = {component.pk: [standard.pk]}
    mask = standards_mask(order[component.pk], {other.pk})
    ranked, counts = ranked_offerings({component.pk: mask}, order)
    assert counts[component.pk] == (1, 1) and len(ranked[component.pk]) == 1


def test_councils_ratings_and_the_councils_own_products_order_equally_good_products(
    django_capture_on_commit_callbacks,
):
    """Three products that claim the same standards: the council's own comes first, then
    the best rated (its reviews reach the ranks when published, hidden or deleted), then
    the cheapest; a product that claims fewer standards stays below them all."""
    standard = StandardFactory()
    component = ComponentFactory(standards=[standard])
    cheap, rated, mine, weaker = (
        OfferingFactory(name=name, price=Decimal(price), components=[component])
        for name, price in (("Cheap", 10), ("Rated", 50), ("Mine", 90), ("Weaker", 1))
    )
    for offering in (cheap, rated, mine):
        ConformanceClaimFactory(offering=offering, standard=standard)
    component_price_summary_rebuild()
    order = {component.pk: [standard.pk]}

    def shortlist(preferred=frozenset()):
        ranked, _counts = ranked_offerings({component.pk: 1}, order, preferred=preferred)
        return list(ranked[component.pk])

    assert shortlist() == [cheap.pk, rated.pk, mine.pk]
    with django_capture_on_commit_callbacks(execute=True):
        review = Review.objects.create(
            council=CouncilFactory(), offering=rated, rating=4, worked="Sample.", live=True
        )
    assert shortlist() == [rated.pk, cheap.pk, mine.pk]
    assert shortlist(frozenset({mine.pk, weaker.pk})) == [mine.pk, rated.pk, cheap.pk]

    # A hidden review no longer counts; the rebuild keeps the ratings it reads.
    with django_capture_on_commit_callbacks(execute=True):
        review.hidden_at = timezone.now()
        review.save()
    assert shortlist() == [cheap.pk, rated.pk, mine.pk]
    with django_capture_on_commit_callbacks(execute=True):
        review.hidden_at = None
        review.save()
    component_price_summary_rebuild(component_ids=[component.pk])
    assert shortlist() == [rated.pk, cheap.pk, mine.pk]
    with django_capture_on_commit_callbacks(execute=True):
        review.delete()
    assert shortlist() == [cheap.pk, rated.pk, mine.pk]
