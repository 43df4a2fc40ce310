"""The home page and the recipe index find the child a URL names, already specific, in
one query (foundations.page_routing), and answer every other path as Wagtail would."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recipes.models import RecipeIndexPage
from tests.factories import RecipePageFactory
from tests.pages import parse, text

pytestmark = pytest.mark.django_db


def page_queries(client, path):
    """The response and the queries that read wagtailcore_page rows, for a GET of path."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    reads = [q["sql"] for q in queries if '"wagtailcore_page"' in q["sql"]]
    return response, reads


def test_a_recipe_is_found_in_one_query_a_level(client, recipe_index):
    """Below the site's root, each level is one query by slug that reads the specific
    row (Wagtail reads a plain Page by slug, then its specific row: two)."""
    RecipePageFactory(title="Pay a parking fine", slug="parking-fine")
    response, reads = page_queries(client, "/recipes/parking-fine/")
    assert response.status_code == 200
    assert text(parse(response).find("h1")) == "Pay a parking fine"
    by_slug = [sql for sql in reads if '"wagtailcore_page"."slug" = ' in sql]
    assert len(by_slug) == 2
    assert '"recipes_recipeindexpage"' in by_slug[0]
    assert '"recipes_recipepage"' in by_slug[1]
    specific_by_id = [
        sql
        for sql in reads
        if '"recipes_recipepage"' in sql and 'WHERE "recipes_recipepage"."page_ptr_id" =' in sql
    ]
    assert specific_by_id == []


@pytest.mark.parametrize(
    "path",
    ["/recipes/no-such-recipe/", "/recipes/draft-recipe/", "/recipes/parking-fine/more/", "/nope/"],
)
def test_what_is_not_there_or_not_live_is_404(client, recipe_index, path):
    RecipePageFactory(slug="parking-fine")
    draft = RecipePageFactory(slug="draft-recipe")
    draft.unpublish()
    assert client.get(path).status_code == 404


def test_a_child_of_another_type_is_still_found(client, recipe_index):
    """Data that bypassed the admin's rules (a second index below the first) routes as
    Wagtail would route it."""
    recipe_index.add_child(instance=RecipeIndexPage(title="Odd list", slug="odd"))
    response = client.get("/recipes/odd/")
    assert response.status_code == 200
    assert text(parse(response).find("h1")) == "Odd list"
