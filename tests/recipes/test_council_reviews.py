"""'Is it any good?': council staff review a recipe, or a product their council records
using; editors approve a review before it is public; one per council per thing; the
supplier replies once; anyone reports a review and editors hide it; the aggregate rating
on the page and in schema.org JSON-LD is one figure."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from recipes.models import Review, ReviewReport
from recipes.services import council_moderation_workflow_ensure
from tests.factories import (
    AdoptionFactory,
    ComponentFactory,
    CouncilMembershipFactory,
    OfferingFactory,
    RecipePageFactory,
    SupplierMembershipFactory,
    UserFactory,
)
from tests.pages import page_text, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(recipe_index):
    council_moderation_workflow_ensure(model="review")
    component = ComponentFactory(name="Payments", slug="payments")
    offering = OfferingFactory(name="PayThing", slug="paything", components=[component])
    recipe = RecipePageFactory(title="Pay for a permit", components=[component])
    officer = CouncilMembershipFactory(council__name="Leeds", council__slug="leeds")
    return {"offering": offering, "recipe": recipe, "officer": officer}


def review_url(membership, thing):
    kind = "recipe_review" if hasattr(thing, "url_path") else "offering_review"
    return reverse(
        f"council_portal:{kind}",
        kwargs={"council_slug": membership.council.slug, "thing_id": thing.pk},
    )


def write(client, membership, thing, rating=4, worked="It **worked**.", did_not_work=""):
    client.force_login(membership.user)
    return client.post(
        review_url(membership, thing),
        {"rating": str(rating), "worked": worked, "did_not_work": did_not_work},
    )


def approve(review):
    task_state = Review.objects.get(pk=review.pk).current_workflow_task_state
    task_state.task.specific.on_action(task_state, UserFactory(is_superuser=True), "approve")


def json_ld(response):
    scripts = parse(response).find_all("script", type="application/ld+json")
    return [json.loads(script.string) for script in scripts]


def test_a_recipe_review_is_public_once_approved_with_one_aggregate(client, setting):
    """A review waits for an editor; once approved the recipe page shows the average and
    count, the review with its mark, and the same figures as schema.org AggregateRating."""
    assert write(client, setting["officer"], setting["recipe"])["Location"].endswith("/leeds/")
    review = Review.objects.get()
    assert not review.live
    assert "Rated" not in page_text(Client().get(setting["recipe"].url))

    approve(review)
    other = CouncilMembershipFactory(council__name="Bradford", council__slug="bradford")
    approve(
        write(Client(), other, setting["recipe"], rating=5)
        and Review.objects.get(council=other.council)
    )
    response = Client().get(setting["recipe"].url)
    text = page_text(response)
    assert "Rated 4.5 out of 5 by 2 councils" in text
    assert "Reported by the council's verified staff" in text
    assert "<strong>worked</strong>" in response.content.decode()
    rating = next(
        data["aggregateRating"] for data in json_ld(response) if "aggregateRating" in data
    )
    assert rating == {
        "@type": "AggregateRating",
        "ratingValue": "4.5",
        "ratingCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_only_councils_that_record_using_an_offering_review_it(client, setting):
    """Leeds may review PayThing only once one of its adoptions records using it."""
    response = write(client, setting["officer"], setting["offering"])
    assert response.status_code == 400
    assert "Only councils that record using a product can review it" in page_text(response)
    assert not Review.objects.exists()

    adoption = AdoptionFactory(council=setting["officer"].council, recipe=setting["recipe"])
    adoption.offerings_used.add(setting["offering"])
    adoption.save()
    response = write(client, setting["officer"], setting["offering"])
    assert response.status_code == 302, page_text(response)[-1500:]
    approve(Review.objects.get())
    text = page_text(Client().get(setting["offering"].get_absolute_url()))
    assert "Rated 4.0 out of 5 by 1 council" in text


def test_a_supplier_cannot_review_its_own_offering(client, setting):
    """Council staff who are also members of the offering's supplier are refused."""
    SupplierMembershipFactory(user=setting["officer"].user, supplier=setting["offering"].supplier)
    adoption = AdoptionFactory(council=setting["officer"].council, recipe=setting["recipe"])
    adoption.offerings_used.add(setting["offering"])
    adoption.save()
    response = write(client, setting["officer"], setting["offering"])
    assert response.status_code == 400
    assert "You cannot review your own organisation's product" in page_text(response)
    assert not Review.objects.exists()


def test_one_review_per_council_edited_in_place(client, setting):
    """Writing again changes the council's one review; the public keeps the approved
    version until the change is approved."""
    write(client, setting["officer"], setting["recipe"], rating=2, worked="Slow start.")
    approve(Review.objects.get())
    write(client, setting["officer"], setting["recipe"], rating=5, worked="Now it flies.")
    assert Review.objects.count() == 1
    text = page_text(Client().get(setting["recipe"].url))
    assert "Slow start" in text and "Now it flies" not in text
    approve(Review.objects.get())
    text = page_text(Client().get(setting["recipe"].url))
    assert "Now it flies" in text and "Rated 5.0 out of 5 by 1 council" in text


def test_the_supplier_replies_once_and_nobody_else_can(client, setting):
    """A member of the offering's supplier replies publicly, once; anyone else gets 404."""
    adoption = AdoptionFactory(council=setting["officer"].council, recipe=setting["recipe"])
    adoption.offerings_used.add(setting["offering"])
    adoption.save()
    write(client, setting["officer"], setting["offering"])
    review = Review.objects.get()
    approve(review)
    url = reverse("council_portal:review_reply", kwargs={"review_id": review.pk})
    for outsider in (setting["officer"].user, SupplierMembershipFactory().user):
        client.force_login(outsider)
        assert client.post(url, {"reply": "Not us"}).status_code == 404
    member = SupplierMembershipFactory(supplier=setting["offering"].supplier).user
    client.force_login(member)
    assert client.post(url, {"reply": "Thanks, <script>x()</script>fixed."}).status_code == 302
    assert client.post(url, {"reply": "Again"}).status_code == 200
    review.refresh_from_db()
    assert "Again" not in review.supplier_reply
    response = Client().get(setting["offering"].get_absolute_url())
    assert "The supplier replied" in page_text(response)
    assert "<script>x()" not in response.content.decode()


def test_anyone_reports_a_review_and_editors_hide_it(client, setting):
    """An anonymous visitor's report reaches editors; a hidden review leaves the page
    and the aggregate at once, without a new approval."""
    write(client, setting["officer"], setting["recipe"])
    review = Review.objects.get()
    approve(review)
    url = reverse("council_portal:review_report", kwargs={"review_id": review.pk})
    anonymous = Client()
    assert anonymous.post(url, {"reason": ""}).status_code == 400
    assert anonymous.post(url, {"reason": "x" * 1001}).status_code == 400
    assert anonymous.post(url, {"reason": "Abusive"}).status_code == 200
    assert ReviewReport.objects.get().reason == "Abusive"

    review = Review.objects.get()
    review.hidden_at = timezone.now()
    review.save_revision(user=UserFactory(is_superuser=True))
    text = page_text(Client().get(setting["recipe"].url))
    assert "Rated" not in text and "No council has reviewed it yet" in text
    assert Client().get(url).status_code == 404


def test_another_councils_staff_get_404(client, setting):
    """Bradford's officer cannot write under Leeds's name."""
    bradford = CouncilMembershipFactory(council__slug="bradford")
    client.force_login(bradford.user)
    response = client.post(
        review_url(setting["officer"], setting["recipe"]), {"rating": "1", "worked": "x"}
    )
    assert response.status_code == 404
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "", "worked": "Fine"}, "Select a rating from 1 to 5"),
        ({"rating": "6", "worked": "Fine"}, "Select a rating from 1 to 5"),
        ({"rating": "3", "worked": ""}, "Enter what worked"),
        ({"rating": "3", "worked": "x" * 2001}, "must be 2,000 characters or fewer"),
    ],
)
def test_mistakes_get_a_gov_uk_error_summary(client, setting, data, message):
    client.force_login(setting["officer"].user)
    response = client.post(review_url(setting["officer"], setting["recipe"]), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Review.objects.exists()


def test_reports_are_rate_limited_per_reporter_and_once_per_review(client, setting, settings):
    """Ten reports an hour from one address, then the GOV.UK 429 page; reporting the same
    review again is thanked but neither recorded nor counted; another address and a
    signed-in officer (behind the same address) have their own allowance."""
    reviews = []
    for number in range(12):
        membership = CouncilMembershipFactory()
        recipe = RecipePageFactory(title=f"Recipe {number}")
        reviews.append(
            Review.objects.create(council=membership.council, recipe=recipe, rating=3, worked="x")
        )
    Review.objects.update(live=True)

    def report(client, review, address="192.0.2.1"):
        url = reverse("council_portal:review_report", kwargs={"review_id": review.pk})
        return client.post(url, {"reason": "Abusive"}, REMOTE_ADDR=address)

    anonymous = Client()
    for review in reviews[:10]:
        assert report(anonymous, review).status_code == 200
    assert report(anonymous, reviews[0]).status_code == 200  # the same again: counts once
    assert ReviewReport.objects.count() == 10
    limited = report(anonymous, reviews[10])
    assert limited.status_code == 429
    assert "You have reported a lot of reviews" in page_text(limited)
    assert ReviewReport.objects.count() == 10

    assert report(Client(), reviews[10], address="192.0.2.2").status_code == 200
    officer = Client()
    officer.force_login(setting["officer"].user)
    assert report(officer, reviews[11]).status_code == 200
    assert ReviewReport.objects.count() == 12
