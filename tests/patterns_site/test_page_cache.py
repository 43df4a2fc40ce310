"""Anonymous page caching: repeat visits are served from the cache, and an editor's
change shows at once."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.factories import ComponentFactory, RecipePageFactory
from tests.pages import parse, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_tree")]


@pytest.fixture(autouse=True)
def page_cache():
    with override_settings(PAGE_CACHE_SECONDS=300):
        yield


def get_counting(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_second_anonymous_visit_is_served_from_cache(client):
    """The second request for a page makes no database query."""
    ComponentFactory(name="Take payments", slug="take-payments")
    first, first_queries = get_counting(client, "/components/")
    second, second_queries = get_counting(client, "/components/")
    assert first_queries > 0
    assert second_queries == 0
    assert second["X-Page-Cache"] == "hit"
    assert text(parse(second)) == text(parse(first))


def test_cached_page_gets_a_fresh_nonce(client):
    """Each response, cached or not, carries its own CSP nonce matching its scripts."""
    nonces = []
    for _ in range(2):
        response = client.get("/components/")
        script_nonce = parse(response).find("script", src=True)["nonce"]
        assert f"'nonce-{script_nonce}'" in response["Content-Security-Policy"]
        nonces.append(script_nonce)
    assert nonces[0] != nonces[1]


def test_publishing_shows_the_change_at_once(client):
    """After an editor publishes a new title, the next visitor sees it."""
    recipe = RecipePageFactory(title="Report a missed bin", slug="missed-bin")
    assert "Report a missed bin" in text(parse(client.get(recipe.url)).find("h1"))
    client.get(recipe.url)
    recipe.title = "Report a missed bin collection"
    recipe.save_revision().publish()
    assert text(parse(client.get(recipe.url)).find("h1")) == "Report a missed bin collection"


def test_catalogue_edit_shows_on_lists_at_once(client):
    """Saving a component invalidates the cached component list."""
    component = ComponentFactory(name="Take payments", slug="take-payments")
    client.get("/components/")
    component.name = "Take card payments"
    component.save()
    assert "Take card payments" in text(parse(client.get("/components/")))


def test_visitor_with_a_session_is_not_served_shared_pages(client):
    """Someone with a session (a basket, or signed in) always gets a fresh page."""
    ComponentFactory(name="Take payments", slug="take-payments")
    client.get("/components/")
    client.cookies["sessionid"] = "abc"
    response, queries = get_counting(client, "/components/")
    assert queries > 0
    assert "X-Page-Cache" not in response


def test_recipe_page_with_a_form_is_cached_and_its_form_still_works(page_tree):
    """The recipe page is served from the cache, yet its 'add to basket' form carries a
    token valid for each visitor's own cookie."""
    from django.test import Client

    recipe = RecipePageFactory(title="Report a missed bin", slug="missed-bin")
    Client().get(recipe.url)  # someone else's visit fills the cache
    visitor = Client(enforce_csrf_checks=True)
    response, queries = get_counting(visitor, recipe.url)
    assert response["X-Page-Cache"] == "hit"
    assert queries == 0
    form = parse(response).find("form", action="/basket/add/")
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    assert "csrftoken" in response.cookies
    posted = visitor.post(
        "/basket/add/", {"csrfmiddlewaretoken": token, "recipe": recipe.pk}, follow=False
    )
    assert posted.status_code in (302, 303)


def test_a_hit_is_sent_compressed_without_compressing_again(page_tree):
    """A browser that accepts gzip gets the stored compressed page with its own nonce and
    token in it: the same page as a miss, its form working, and never compressed again."""
    import gzip
    from unittest import mock

    from bs4 import BeautifulSoup
    from django.test import Client

    recipe = RecipePageFactory(title="Report a missed bin", slug="missed-bin")
    first = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br").get(recipe.url)
    assert first["Content-Encoding"] == "gzip" and "X-Page-Cache" not in first
    visitor = Client(enforce_csrf_checks=True, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    with mock.patch("django.middleware.gzip.compress_string") as compress:
        response = visitor.get(recipe.url)
    assert compress.call_count == 0
    assert response["X-Page-Cache"] == "hit"
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"] and "Cookie" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)
    page = BeautifulSoup(gzip.decompress(response.content), "html.parser")
    assert text(page) == text(BeautifulSoup(gzip.decompress(first.content), "html.parser"))
    nonce = page.find("script", src=True)["nonce"]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    token = page.find("form", action="/basket/add/").find(
        "input", attrs={"name": "csrfmiddlewaretoken"}
    )["value"]
    posted = visitor.post("/basket/add/", {"csrfmiddlewaretoken": token, "recipe": recipe.pk})
    assert posted.status_code in (302, 303)
    # A client that does not accept gzip gets the same page uncompressed.
    plain = Client().get(recipe.url)
    assert plain["X-Page-Cache"] == "hit" and not plain.has_header("Content-Encoding")
    assert text(parse(plain)) == text(page)


def test_saving_a_basket_does_not_empty_the_cache(client):
    """A visitor sharing a basket cannot flush everyone's cached pages."""
    from foundations.content_cache import content_version
    from recipes.models import SavedBasket

    before = content_version()
    SavedBasket.objects.create(snapshot={"lines": []})
    assert content_version() == before


@pytest.fixture
def session_client(client):
    """A visitor with a session (a basket, say): the page cache never serves them."""
    client.get("/")
    session = client.session
    session["basket"] = {}
    session.save()
    return client


def test_rendered_pages_reuse_shared_data_until_content_changes(session_client):
    """A visitor with a session gets rendered pages; the recipe data every visitor sees
    alike is reused, and an adoption recorded afterwards shows on the next view."""
    from tests.factories import AdoptionFactory, CouncilFactory

    recipe = RecipePageFactory(title="Report a missed bin", slug="missed-bin")
    with override_settings(CONTENT_DATA_CACHE_SECONDS=300):
        first, first_queries = get_counting(session_client, recipe.url)
        second, second_queries = get_counting(session_client, recipe.url)
        assert "X-Page-Cache" not in second
        assert second_queries < first_queries
        AdoptionFactory(recipe=recipe, council=CouncilFactory(name="Kirklees Council"))
        third = session_client.get(recipe.url)
    assert "Kirklees Council" not in text(parse(first))
    assert "Kirklees Council" in text(parse(third))


def test_a_management_command_makes_cached_pages_stale(client, tmp_path):
    """Content loaded outside a web request (an import, a data load) shows at once."""
    import json

    from django.core.management import call_command

    assert "Book a room" not in text(parse(client.get("/components/")))
    fixture = tmp_path / "component.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "catalogue.component",
                    "fields": {
                        "name": "Book a room",
                        "slug": "book-a-room",
                        "category": "booking",
                        "summary": "Reserve council rooms.",
                    },
                }
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert "Book a room" in text(parse(client.get("/components/")))
