"""The figures the catalogue keeps instead of counting at read time (StandardClaimCount,
and each offering's review_count and review_average) equal a plain recount after every
change that can alter them, and the pages that read them make a fixed number of
queries at any size."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from catalogue.models import ConformanceClaim, Offering, Standard, StandardClaimCount
from catalogue.services import offering_withdraw
from recipes.models import Review
from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    StandardFactory,
    SupplierFactory,
)
from tests.pages import parse, text

pytestmark = pytest.mark.django_db


# --- claims per standard ----------------------------------------------------------------


def recounted_claims() -> dict[int, tuple[int, int]]:
    """standard id -> (verified, claimed) of public offerings' claims, counted one claim
    at a time with the in-memory rule (Offering.is_public)."""
    counts = {pk: [0, 0] for pk in Standard.objects.values_list("pk", flat=True)}
    for claim in ConformanceClaim.objects.select_related("offering__supplier"):
        if claim.offering.is_public:
            counts[claim.standard_id][0 if claim.is_verified else 1] += 1
    return {pk: tuple(pair) for pk, pair in counts.items()}


def stored_claims() -> dict[int, tuple[int, int]]:
    stored = dict.fromkeys(Standard.objects.values_list("pk", flat=True), (0, 0))
    for row in StandardClaimCount.objects.all():
        stored[row.standard_id] = (row.verified_count, row.claimed_count)
    return stored


def assert_claims_recounted():
    assert stored_claims() == recounted_claims()


@pytest.fixture
def claims():
    """Two suppliers; a published offering claiming two standards (one verified), a draft
    claiming one, and another supplier's offering claiming the other."""
    first, second = StandardFactory.create_batch(2)
    component = ComponentFactory()
    acme, other = SupplierFactory(), SupplierFactory()
    published = OfferingFactory(supplier=acme, components=[component])
    draft = OfferingFactory(supplier=acme, live=False, components=[component])
    elsewhere = OfferingFactory(supplier=other, components=[component])
    ConformanceClaimFactory(offering=published, standard=first, verified=True)
    ConformanceClaimFactory(offering=published, standard=second)
    ConformanceClaimFactory(offering=draft, standard=first)
    ConformanceClaimFactory(offering=elsewhere, standard=second)
    return {
        "first": first,
        "second": second,
        "published": published,
        "draft": draft,
        "elsewhere": elsewhere,
        "other": other,
    }


def test_claim_counts_follow_claims_saved_verified_moved_and_deleted(claims):
    assert stored_claims()[claims["first"].pk] == (1, 0)
    assert_claims_recounted()

    claim = ConformanceClaimFactory(offering=claims["elsewhere"], standard=claims["first"])
    assert stored_claims()[claims["first"].pk] == (1, 1)
    assert_claims_recounted()

    claim.verified_at = timezone.now()
    claim.save()
    assert stored_claims()[claims["first"].pk] == (2, 0)
    assert_claims_recounted()

    third = StandardFactory()
    claim.standard = third
    claim.save()
    assert stored_claims()[third.pk] == (1, 0)
    assert stored_claims()[claims["first"].pk] == (1, 0)
    assert_claims_recounted()

    claim.delete()
    assert stored_claims()[third.pk] == (0, 0)
    assert_claims_recounted()


def test_claim_counts_follow_offerings_published_unpublished_and_withdrawn(claims):
    draft = claims["draft"]
    draft.save_revision().publish()
    assert stored_claims()[claims["first"].pk] == (1, 1)
    assert_claims_recounted()

    # A revision that adds a claim counts once it is published.
    changed = draft.get_latest_revision_as_object()
    changed.claims.add(ConformanceClaim(standard=claims["second"], statement="Also this."))
    changed.save_revision().publish()
    assert stored_claims()[claims["second"].pk] == (0, 3)
    assert_claims_recounted()

    claims["published"].unpublish()
    assert stored_claims()[claims["second"].pk] == (0, 2)
    assert_claims_recounted()

    offering_withdraw(offering=Offering.objects.get(pk=draft.pk), user=None)
    assert stored_claims()[claims["first"].pk] == (0, 0)
    assert_claims_recounted()

    # Deleting an offering deletes its claims by cascade.
    claims["elsewhere"].delete()
    assert stored_claims()[claims["second"].pk] == (0, 0)
    assert_claims_recounted()


def test_claim_counts_follow_suppliers_unpublished_and_published(claims):
    other = claims["other"]
    other.unpublish()
    assert stored_claims()[claims["second"].pk] == (0, 1)
    assert_claims_recounted()

    other.save_revision().publish()
    assert stored_claims()[claims["second"].pk] == (0, 2)
    assert_claims_recounted()


def test_standard_pages_show_the_stored_counts(client, claims):
    """The list and a standard's page read the counts the claims above make (the draft's
    claim is in neither)."""
    rows = [text(row) for row in parse(client.get("/standards/")).select("tbody tr")]
    (row,) = [row for row in rows if row.startswith(claims["first"].name)]
    assert row.endswith(" 0 1")  # no component should meet it; one public claim

    page = text(parse(client.get(claims["first"].get_absolute_url())).find("main"))
    assert "1 product claims to meet it: 1 verified by an editor and 0 claimed" in page


def test_a_full_rebuild_restores_the_counts(claims):
    """seed_scale inserts claims in bulk (no save) and then rebuilds everything."""
    from catalogue.services import component_price_summary_rebuild

    ConformanceClaim.objects.bulk_create(
        [ConformanceClaim(offering=claims["elsewhere"], standard=claims["first"])]
    )
    assert stored_claims() != recounted_claims()
    component_price_summary_rebuild()
    assert_claims_recounted()


# --- offerings' ratings -----------------------------------------------------------------


def recounted_rating(offering) -> tuple[int, Decimal | None]:
    """How many public reviews and their mean, from the reviews one at a time."""
    ratings = [
        review.rating
        for review in Review.objects.filter(offering=offering)
        if review.live and review.hidden_at is None
    ]
    if not ratings:
        return 0, None
    mean = Decimal(sum(ratings)) / len(ratings)
    return len(ratings), mean.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)


def stored_rating(offering) -> tuple[int, Decimal | None]:
    offering = Offering.objects.get(pk=offering.pk)
    return offering.review_count, offering.review_average


def assert_rating_recounted(*offerings):
    for offering in offerings:
        assert stored_rating(offering) == recounted_rating(offering)


def review_of(offering, rating, **values):
    return Review.objects.create(
        council=CouncilFactory(), offering=offering, rating=rating, worked="It worked.", **values
    )


def test_ratings_follow_reviews_written_hidden_unpublished_moved_and_deleted():
    rated, other = OfferingFactory(), OfferingFactory()
    assert stored_rating(rated) == (0, None)

    five = review_of(rated, 5, live=True)
    review_of(rated, 4, live=True)
    review_of(rated, 1, live=False)  # waiting for an editor: not counted
    assert stored_rating(rated) == (2, Decimal("4.5"))
    assert_rating_recounted(rated, other)

    # An editor hides a review: the change applies at once, outside the revision.
    five.hidden_at = timezone.now()
    five.save_revision()
    assert stored_rating(rated) == (1, Decimal("4"))
    assert_rating_recounted(rated)

    five.hidden_at = None
    five.save_revision()
    assert_rating_recounted(rated)

    five.unpublish()
    assert stored_rating(rated) == (1, Decimal("4"))
    assert_rating_recounted(rated)

    five.save_revision().publish()
    assert stored_rating(rated) == (2, Decimal("4.5"))

    five = Review.objects.get(pk=five.pk)  # as published
    five.offering = other
    five.save()
    assert stored_rating(rated) == (1, Decimal("4"))
    assert stored_rating(other) == (1, Decimal("5"))
    assert_rating_recounted(rated, other)

    five.delete()
    assert stored_rating(other) == (0, None)
    assert_rating_recounted(rated, other)

    # Deleting a council deletes its reviews by cascade, which calls no delete().
    review_of(other, 2, live=True).council.delete()
    assert stored_rating(other) == (0, None)
    assert_rating_recounted(rated, other)


def test_publishing_an_offering_revision_keeps_its_rating():
    """Revisions hold the figures as they were when saved (here the stale instance
    publishes its own revision); the offering's are recounted as it is saved."""
    offering = OfferingFactory()
    revision = offering.save_revision()
    review_of(offering, 3, live=True)
    review_of(offering, 4, live=True)

    revision.publish()

    assert stored_rating(offering) == (2, Decimal("3.5"))
    assert_rating_recounted(offering)


def test_a_full_rebuild_restores_the_ratings():
    offering = OfferingFactory()
    review_of(offering, 2, live=True)
    Offering.objects.filter(pk=offering.pk).update(review_count=0, review_average=None)
    from catalogue.services import component_price_summary_rebuild

    component_price_summary_rebuild()
    assert stored_rating(offering) == (1, Decimal("2"))


# --- queries at any size ----------------------------------------------------------------


def offerings_rated(count):
    supplier = SupplierFactory()
    component = ComponentFactory()
    for number in range(count):
        offering = OfferingFactory(supplier=supplier, components=[component])
        ConformanceClaimFactory(offering=offering, verified=number % 2)
        review_of(offering, 1 + number % 5, live=True)


@pytest.mark.usefixtures("unindexed")
@pytest.mark.parametrize("url", ["/offerings/?sort=rating", "/standards/"])
def test_best_rated_offerings_and_standards_list_make_the_same_queries_at_any_size(
    client, django_assert_max_num_queries, url
):
    offerings_rated(3)
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        small_page = parse(client.get(url))
    offerings_rated(27)
    with django_assert_max_num_queries(12) as large:
        large_page = parse(client.get(url))

    assert len(large) == len(small)
    assert len(text(large_page.find("main"))) > len(text(small_page.find("main")))


# --- public offerings in all ------------------------------------------------------------


def stored_total() -> int:
    from catalogue.selectors import public_offering_total

    return public_offering_total()


def assert_total_recounted():
    assert stored_total() == sum(1 for o in Offering.objects.all() if o.is_public)


def test_public_offering_total_follows_every_change_to_who_is_public(claims, client, page_tree):
    """Published, unpublished, withdrawn, deleted, and with its supplier unpublished and
    published again (a supplier with offerings cannot be deleted): the stored total is
    what a recount gives each time, and the home page shows it."""
    from catalogue.models import PublicOfferingTotal

    assert PublicOfferingTotal.objects.get().count == stored_total() == 2
    claims["draft"].save_revision().publish()
    assert stored_total() == 3
    assert_total_recounted()

    claims["published"].unpublish()
    assert stored_total() == 2
    assert_total_recounted()

    offering_withdraw(offering=Offering.objects.get(pk=claims["draft"].pk), user=None)
    assert stored_total() == 1
    assert_total_recounted()

    claims["other"].unpublish()
    assert stored_total() == 0
    assert_total_recounted()
    claims["other"].save_revision().publish()
    assert stored_total() == 1

    # One without components or claims, then its deletion.
    bare = OfferingFactory(supplier=claims["other"])
    assert stored_total() == 2
    assert_total_recounted()
    bare.delete()
    assert stored_total() == 1
    assert_total_recounted()

    claims["elsewhere"].delete()
    assert stored_total() == 0
    assert_total_recounted()

    OfferingFactory()
    home = text(parse(client.get("/")).find("main"))
    assert stored_total() == 1
    assert ", 1 offering and " in home


def test_a_full_rebuild_restores_the_public_offering_total(claims):
    from catalogue.services import component_price_summary_rebuild

    Offering.objects.filter(pk=claims["published"].pk).update(live=False)  # no save
    assert stored_total() == 2
    component_price_summary_rebuild()
    assert stored_total() == 1
    assert_total_recounted()
