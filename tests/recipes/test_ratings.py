"""Councils' ratings are one figure wherever they appear: the offering and recipe pages,
their schema.org AggregateRating, and the JSON API's detail and list answers, which count
them without a query per item."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recipes.models import Review
from tests.factories import ComponentFactory, CouncilFactory, OfferingFactory, RecipePageFactory
from tests.pages import page_text, parse

pytestmark = pytest.mark.django_db


def review(thing, rating, **kwargs):
    field = "offering" if isinstance(thing, type(OfferingFactory.build())) else "recipe"
    values = {"live": True, **kwargs, field: thing}
    return Review.objects.create(
        council=CouncilFactory(), rating=rating, worked="Sample.", **values
    )


def aggregate(response):
    for script in parse(response).find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        if "aggregateRating" in data:
            return data["aggregateRating"]
    return None


def test_page_json_ld_and_api_agree_on_an_offering_and_a_recipe(client, recipe_index):
    """Ratings 5, 4 and 4 (and a hidden 1 and an unapproved 1, which do not count) are
    4.3 from 3 councils on the page, in JSON-LD and in the API's detail and list."""
    offering = OfferingFactory(name="PayThing", slug="paything", components=[ComponentFactory()])
    recipe = RecipePageFactory(title="Pay for a permit", slug="pay-for-a-permit")
    for thing in (offering, recipe):
        for rating in (5, 4, 4):
            review(thing, rating)
        review(thing, 1, hidden_at=timezone.now())
        review(thing, 1, live=False)

    for page_url, api_detail, api_list in (
        (offering.get_absolute_url(), "/api/offerings/paything/", "/api/offerings/"),
        (recipe.url, "/api/recipes/pay-for-a-permit/", "/api/recipes/"),
    ):
        response = client.get(page_url)
        assert "Rated 4.3 out of 5 by 3 councils" in page_text(response)
        assert aggregate(response) == {
            "@type": "AggregateRating",
            "ratingValue": "4.3",
            "ratingCount": 3,
            "bestRating": 5,
            "worstRating": 1,
        }
        assert client.get(api_detail).json()["rating"] == {"count": 3, "average": "4.3"}
        (item,) = client.get(api_list).json()["results"]
        assert item["rating"] == {"count": 3, "average": "4.3"}


def test_unrated_items_have_a_null_average(client, recipe_index):
    """With no public review the API says count 0 and average null; no JSON-LD rating."""
    offering = OfferingFactory(slug="quiet")
    review(offering, 5, live=False)
    assert client.get("/api/offerings/quiet/").json()["rating"] == {"count": 0, "average": None}
    assert aggregate(client.get(offering.get_absolute_url())) is None


@pytest.mark.parametrize("url", ["/api/offerings/?page_size=100", "/api/recipes/?sort=rating"])
def test_rated_api_lists_make_the_same_queries_at_any_size(client, recipe_index, url):
    """A page of many rated items costs as many queries as a page of two."""

    def add(number):
        for index in range(number):
            if "offerings" in url:
                thing = OfferingFactory(components=[ComponentFactory()])
            else:
                thing = RecipePageFactory()
            review(thing, 1 + index % 5)
            review(thing, 5)

    def count_queries():
        client.get(url)  # Wagtail caches the site's root paths on first use.
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert all(item["rating"]["count"] == 2 for item in response.json()["results"])
        return len(queries), response.json()["count"]

    add(2)
    small, small_count = count_queries()
    add(15)
    large, large_count = count_queries()
    assert large_count > small_count
    assert large == small
