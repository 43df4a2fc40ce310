"""Shared fixtures: the page tree, a clean cache per test, and counting queries."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recipes.demo_data import page_tree_ensure


@pytest.fixture(autouse=True)
def clear_cache():
    """Wagtail caches the site root paths; page ids change from test to test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_tree(db):
    """The home page at the site root and the recipe index at /recipes/."""
    home, index = page_tree_ensure()
    return home, index


@pytest.fixture
def home_page(page_tree):
    return page_tree[0]


@pytest.fixture
def recipe_index(page_tree):
    return page_tree[1]


@pytest.fixture
def count_queries(client):
    """GET a URL and return the response and the number of SQL queries it took."""

    def get(url):
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        return response, len(context.captured_queries)

    return get
