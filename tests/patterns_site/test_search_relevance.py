"""Search puts the obvious answer first: for each query in search_relevance.csv, the
first result on the demo content is the one a council officer expects. Runs on
PostgreSQL and on SQLite (make test runs this module on both)."""

import csv
import importlib
from pathlib import Path

import pytest
from django.core.management import call_command

from patterns_site.models import SearchSynonym
from tests.pages import parse

CASES_FILE = Path(__file__).with_name("search_relevance.csv")
CASES = list(csv.DictReader(CASES_FILE.open(encoding="utf-8")))


@pytest.fixture(scope="module")
def demo_site(shared_data):
    """The demo content and the default synonyms, search-indexed, loaded once."""
    migration = importlib.import_module("patterns_site.migrations.0003_default_search_synonyms")
    with shared_data(search_index=True):
        for terms, note in migration.DEFAULT_SYNONYMS:
            SearchSynonym.objects.get_or_create(terms_text=terms, defaults={"note": note})
        call_command("load_demo_data", verbosity=0)
        yield


def test_the_set_is_large_enough():
    assert len(CASES) >= 30
    assert len({case["query"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["query"] for case in CASES])
def test_first_result_is_the_obvious_answer(client, demo_site, case):
    response = client.get("/search/", {"q": case["query"]})
    assert response.status_code == 200
    # A title reads whole however its matched words are highlighted (<mark>s</mark>).
    titles = [
        " ".join(link.get_text("").split())
        for link in parse(response).select(".app-card-list h2 a")
    ]
    assert titles, f"nothing found for {case['query']!r}"
    assert titles[0] == case["first result"], (case["why"], titles[:5])
