"""Shared fixtures: the page tree, data shared by a group of tests, a clean cache."""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from catalogue.reference_data import reference_data_load
from patterns_site.services import page_tree_ensure


@pytest.fixture(autouse=True)
def clear_cache():
    """Wagtail caches the site root paths, and page ids change from test to test."""
    cache.clear()
    yield
    cache.clear()


@contextmanager
def search_index_paused():
    """Save without updating the search index, which is most of the cost of saving a page
    or snippet. Only for building data that no search in the test looks for."""
    backends = {
        name: {**config, "AUTO_UPDATE": False}
        for name, config in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        yield


@pytest.fixture
def unindexed():
    """For tests that build a lot of data and never search it."""
    with search_index_paused():
        yield


@pytest.fixture(scope="session")
def shared_data(django_db_setup, django_db_blocker):
    """A context manager for class- or module-scoped fixtures whose data is slow to build.

    What is created inside it is shared by every test in that scope and rolled back when
    the scope ends. Each test still runs in its own savepoint inside it, so a test may
    change the shared data without the next test seeing the change. Every test in the
    scope must use the fixture, or it would see data it did not ask for. The data is not
    search-indexed unless search_index=True.
    """

    @contextmanager
    def rolled_back(*, search_index=False):
        with django_db_blocker.unblock(), transaction.atomic():
            if search_index:
                yield
            else:
                with search_index_paused():
                    yield
            transaction.set_rollback(True)

    return rolled_back


@pytest.fixture
def page_tree(db):
    """The home page at the site root and the recipe index at /recipes/."""
    return page_tree_ensure()


@pytest.fixture
def home_page(page_tree):
    return page_tree[0]


@pytest.fixture
def recipe_index(page_tree):
    return page_tree[1]


@pytest.fixture(scope="module")
def reference_data(shared_data):
    """Councils, service areas and the LGSL from fixtures/open_data, loaded once for a
    module: loading takes seconds."""
    with shared_data():
        yield reference_data_load()
