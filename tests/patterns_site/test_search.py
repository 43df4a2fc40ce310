"""Site-wide search: one result list over every type, synonyms, facets, highlighting,
suggestions, and bad input that never becomes a server error."""

import importlib
import re

import pytest

from patterns_site.models import SearchSynonym
from patterns_site.search import normalise_query
from tests.factories import (
    AdoptionFactory,
    ComponentFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
)
from tests.pages import parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_synonyms(db):
    """The synonyms every install starts with (migration 0003). A transactional test run
    earlier empties every table, migration data included, so each test here asks for them
    rather than relying on the order tests run in."""
    migration = importlib.import_module("patterns_site.migrations.0003_default_search_synonyms")
    for terms, note in migration.DEFAULT_SYNONYMS:
        SearchSynonym.objects.get_or_create(terms_text=terms, defaults={"note": note})


@pytest.fixture
def catalogue(page_tree):
    address = ComponentFactory(
        name="Look up an address", slug="look-up-an-address", summary="Find a property by UPRN."
    )
    notify = ComponentFactory(
        name="Send notifications", slug="send-notifications", summary="Email, text and letters."
    )
    bins = RecipePageFactory(
        title="Report a missed bin collection",
        slug="report-a-missed-bin-collection",
        summary="Residents report a missed collection online.",
        components=[address, notify],
    )
    parking = RecipePageFactory(
        title="Apply for a resident parking permit",
        slug="parking-permit",
        summary="Residents apply and pay for a permit.",
        components=[address],
    )
    oruk = StandardFactory(name="Open Referral UK", slug="open-referral-uk")
    supplier = SupplierFactory(name="Larkspur Civic Software Ltd", slug="larkspur")
    OfferingFactory(
        name="Larkspur Notify Bridge",
        slug="larkspur-notify",
        supplier=supplier,
        components=[notify],
    )
    return {
        "address": address,
        "notify": notify,
        "bins": bins,
        "parking": parking,
        "oruk": oruk,
        "supplier": supplier,
    }


def result_titles(response):
    return [text(link) for link in parse(response).select(".app-card-list h2 a")]


def test_plural_and_synonym_find_the_bin_recipe(client, catalogue):
    """'bins' and 'refuse' both find the missed bin recipe, on SQLite as on PostgreSQL."""
    for query in ["bins", "refuse", "waste collection"]:
        response = client.get("/search/", {"q": query})
        assert "Report a missed bin collection" in result_titles(response), query


def test_postcode_finds_address_lookup_component(client, catalogue):
    """Council staff who type 'postcode lookup' find the address lookup component."""
    response = client.get("/search/", {"q": "postcode lookup"})
    assert "Look up an address" in result_titles(response)


def test_results_mix_types_with_facet_counts(client, catalogue):
    """One search lists recipes, components and offerings, with a count per type."""
    response = client.get("/search/", {"q": "notifications"})
    assert response.status_code == 200
    titles = result_titles(response)
    assert "Send notifications" in titles
    facets = text(parse(response).select_one("form[aria-label='Filter results']"))
    assert "Components (1)" in facets
    assert "Councils (0)" in facets


def test_type_facet_narrows_results(client, catalogue):
    """Choosing a type shows only that type, keeping the counts of the others."""
    response = client.get("/search/", {"q": "address", "type": "recipes"})
    titles = result_titles(response)
    assert set(titles) == {"Report a missed bin collection", "Apply for a resident parking permit"}
    assert "Components (1)" in text(parse(response))


def test_terms_are_highlighted_and_html_escaped(client, catalogue):
    """Matched words are marked; anything else in a title is shown as text."""
    RecipePageFactory(title="Permit <script>alert(1)</script> renewals", slug="renewals")
    response = client.get("/search/", {"q": "permit"})
    html = response.content.decode()
    assert "<mark>permit</mark>" in html.lower()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_misspelling_is_corrected_when_nothing_matches(client, catalogue):
    """A misspelt query shows results for the nearest known words, and says so."""
    response = client.get("/search/", {"q": "parkng permt"})
    page = text(parse(response))
    assert "Showing results for “parking permit”" in page
    assert "Search instead for “parkng permt”" in page
    # The count names the query the results are for, never the one that found nothing.
    assert "result for “parking permit”" in page
    assert "for “parkng permt”" not in page.replace("Search instead for “parkng permt”", "")
    assert "Apply for a resident parking permit" in result_titles(response)


def test_search_instead_for_the_words_as_typed(client, catalogue):
    """The "Search instead" link searches the misspelt words, finds nothing, and offers
    the correction as a link rather than applying it again."""
    page = parse(client.get("/search/", {"q": "parkng", "exact": "on"}))
    assert "There are no matching results" in text(page)
    assert "Did you mean" in text(page)
    assert text(page.select_one("a[href='?q=parking']")) == "“parking”"


def test_no_results_page_helps(client, catalogue):
    """A query that matches nothing says so and offers ways to browse."""
    response = client.get("/search/", {"q": "zzzzqqq"})
    page = text(parse(response))
    assert "There are no matching results" in page
    assert "all recipes" in page


def test_draft_and_withdrawn_offerings_are_not_found(client, catalogue):
    """Only published offerings appear in search."""
    from django.utils import timezone

    OfferingFactory(name="Hidden draft gizmo", slug="draft-gizmo", live=False)
    OfferingFactory(name="Withdrawn gizmo", slug="old-gizmo", withdrawn_at=timezone.now())
    OfferingFactory(name="Published gizmo", slug="new-gizmo")
    titles = result_titles(client.get("/search/", {"q": "gizmo"}))
    assert titles == ["Published gizmo"]


def test_sort_by_most_adopted_puts_adopted_recipe_first(client, catalogue):
    """Sorting by most adopted ranks the recipe more councils use first."""
    for _ in range(3):
        AdoptionFactory(recipe=catalogue["parking"], council=CouncilFactory())
    response = client.get("/search/", {"q": "residents", "type": "recipes", "sort": "adopted"})
    assert result_titles(response)[0] == "Apply for a resident parking permit"


def test_editor_synonym_takes_effect(client, catalogue):
    """A synonym an editor adds makes its words find each other at once."""
    assert "Look up an address" not in result_titles(client.get("/search/", {"q": "geocoder"}))
    SearchSynonym.objects.create(terms_text="geocoder, address")
    assert "Look up an address" in result_titles(client.get("/search/", {"q": "geocoder"}))


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"q": "x" * 201}, 400, "Search for 200 characters or fewer"),
        ({"q": "bins", "type": "kitchens"}, 400, "Select a valid choice"),
        ({"q": "bins", "page": "0"}, 400, "greater than or equal to 1"),
        ({"q": "bins", "page": "abc"}, 400, "Enter a whole number"),
        ({"q": "bins", "page": "100001"}, 400, "Enter a page number that is in the results"),
    ],
)
def test_bad_parameters_get_an_error_summary(client, catalogue, params, status, message):
    """Malformed search parameters answer 400 with a GOV.UK error summary."""
    response = client.get("/search/", params)
    assert response.status_code == status
    summary = parse(response).select_one(".govuk-error-summary")
    assert summary is not None and message in text(summary)


def test_page_beyond_results_is_404(client, catalogue):
    """A page number past the last page of results is not found, as on the list pages,
    however far past it is."""
    assert client.get("/search/", {"q": "bins", "page": "9"}).status_code == 404
    assert client.get("/search/", {"q": "bins", "page": "99"}).status_code == 404
    assert client.get("/search/", {"q": "bins", "page": "1"}).status_code == 200


@pytest.mark.parametrize("query", ["café ☕ 😀", "'; DROP TABLE x; --", "\u202e\u200bbins", "%%%"])
def test_odd_input_never_breaks_search(client, catalogue, query):
    """Control characters, emoji and SQL-looking text get a normal page."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Search" in text(parse(response).find("h1"))


def test_null_character_gets_a_clear_error(client, catalogue):
    """A NUL character, which PostgreSQL cannot store, is refused with a message."""
    response = client.get("/search/", {"q": "bin\x00s"})
    assert response.status_code == 400
    assert "Null characters are not allowed" in text(parse(response))


def test_repeated_parameters_use_the_last_value(client, catalogue):
    """A repeated q parameter does not break the page."""
    response = client.get("/search/?q=zzz&q=bins")
    assert "Report a missed bin collection" in result_titles(response)


def test_suggestions_return_titles_by_prefix(client, catalogue):
    """Search-as-you-type returns matching titles with their URLs as JSON."""
    data = client.get("/search/suggest/", {"q": "Repo"}).json()
    assert {"title": "Report a missed bin collection", "type": "Recipe"}.items() <= data["results"][
        0
    ].items()
    assert data["results"][0]["url"].endswith("/report-a-missed-bin-collection/")


def test_suggestions_match_several_words_and_a_partial_last_word(client, catalogue):
    """Typing part of a title, stop words and an unfinished word included, suggests it."""
    data = client.get("/search/suggest/", {"q": "Report a mi"}).json()
    assert [result["title"] for result in data["results"]] == ["Report a missed bin collection"]


def test_suggestions_reject_overlong_input(client, catalogue):
    """An overlong prefix gets a JSON 400, not a server error."""
    response = client.get("/search/suggest/", {"q": "a" * 500})
    assert response.status_code == 400
    assert "200 characters" in response.json()["error"]


def test_every_page_has_the_header_search_box(client, catalogue):
    """The header carries a search form that works without JavaScript."""
    for url in ["/", "/components/", catalogue["bins"].url]:
        form = parse(client.get(url)).select_one("header form[role=search]")
        assert form["action"] == "/search/"
        assert form.select_one("input[name=q]") is not None


def test_counts_and_pages_cover_exactly_the_public_matches(client, catalogue):
    """The offerings facet counts only what a visitor can open, and paging through the
    results shows each of those once, with no draft or withdrawn offering among them."""
    from django.utils import timezone

    supplier = catalogue["supplier"]
    published = {f"Meadow gadget {n:02}" for n in range(25)}
    for name in published:
        OfferingFactory(name=name, supplier=supplier)
    OfferingFactory(name="Meadow gadget draft", live=False)
    OfferingFactory(name="Meadow gadget withdrawn", withdrawn_at=timezone.now())

    first = client.get("/search/", {"q": "meadow gadget", "type": "offerings"})
    assert "Offerings (25)" in text(parse(first))
    second = client.get("/search/", {"q": "meadow gadget", "type": "offerings", "page": 2})
    seen = result_titles(first) + result_titles(second)
    assert len(seen) == 25
    assert set(seen) == published


def test_a_name_match_ranks_above_a_description_match(client, catalogue):
    """An offering named for what was searched comes before one that only mentions it."""
    OfferingFactory(
        name="Generic case tool",
        description="Also has a small gazebo booking add-on among many other features.",
    )
    OfferingFactory(name="Gazebo booking", description="Book a gazebo in the park.")
    titles = result_titles(client.get("/search/", {"q": "gazebo", "type": "offerings"}))
    assert titles == ["Gazebo booking", "Generic case tool"]


def test_synonym_variants_do_not_repeat_words():
    """Swapping "address" for "postcode lookup" in "address lookup" does not search for
    "postcode lookup lookup", and variants that add nothing to a shorter one are dropped."""
    from patterns_site.search import matching_variants, query_variants

    SearchSynonym.objects.all().delete()
    SearchSynonym.objects.create(terms_text="postcode, postcode lookup, address, address lookup")
    variants = query_variants("address lookup")
    assert "postcode lookup lookup" not in variants
    assert all(len(v.split()) == len(set(v.split())) for v in variants)
    assert matching_variants("address lookup", "and") == ["address lookup", "postcode", "address"]


def test_search_makes_the_same_number_of_queries_at_any_size(client, catalogue):
    """Ten times as many matching offerings cost no extra queries. (Fewer is fine: the
    page's objects are read one query per kind on the page, and a page full of one kind
    needs one.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_search():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": "notify"}).status_code == 200
        return len(captured.captured_queries)

    OfferingFactory.create_batch(3, name="Notify relay", components=[catalogue["notify"]])
    client.get("/search/", {"q": "notify"})  # warm per-process caches
    small = queries_for_search()
    OfferingFactory.create_batch(30, name="Notify relay", components=[catalogue["notify"]])
    assert queries_for_search() <= small


@pytest.mark.parametrize(
    "params",
    [
        {"q": "notfy"},
        {"q": "relay notify"},
        {"q": "notify", "type": "offerings", "sort": "newest"},
        {"q": "notify", "service_area": "waste", "council_type": "UA"},
    ],
    ids=["misspelt", "two-words", "one-kind-newest", "facets-ticked"],
)
def test_every_kind_of_search_makes_a_fixed_number_of_queries(client, catalogue, params):
    """A misspelt word (searched again as corrected), several words, one kind in another
    order and ticked facets each cost no more queries with ten times as many matching
    offerings and recipes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CouncilTypeFactory, ServiceAreaFactory

    area = ServiceAreaFactory(slug="waste", name="Waste")
    unitary = CouncilTypeFactory(code="UA", name="Unitary authority")

    def queries_for_search():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", params).status_code == 200
        return len(captured.captured_queries)

    def add(count):
        OfferingFactory.create_batch(count, name="Notify relay", components=[catalogue["notify"]])
        RecipePageFactory.create_batch(
            count, summary="Tell residents by Notify relay.", service_areas=[area], serves=[unitary]
        )

    add(2)
    client.get("/search/", params)  # warm the caches a new recipe clears (the vocabulary)
    small = queries_for_search()
    add(20)
    client.get("/search/", params)
    # Fewer is fine: a page full of one kind reads its objects in one query, not three.
    assert queries_for_search() <= small


def test_title_matches_come_first_then_body_matches_by_type(client, catalogue):
    """When few titles match, the body matches follow in the usual order of types:
    recipes, then components, then offerings, whatever their number."""
    OfferingFactory.create_batch(3, name="Plain tool", description="Handles quokka sightings.")
    recipe = RecipePageFactory(title="Count the wildlife", summary="Log a quokka sighting.")
    ComponentFactory(name="Sightings log", slug="sightings-log", summary="Any quokka seen.")
    OfferingFactory(name="Quokka tracker")
    titles = result_titles(client.get("/search/", {"q": "quokka"}))
    assert titles[:3] == ["Quokka tracker", recipe.title, "Sightings log"]
    assert titles[3:] == ["Plain tool"] * 3


# FTS5 and tsquery syntax, unbalanced quotes and brackets, and operators on their own.
HOSTILE_QUERIES = [
    '">',
    '"',
    '""',
    '"bins',
    'bins"',
    '"bins"',
    "*",
    "bin*",
    "^bins",
    "NEAR(",
    "NEAR(bins permit)",
    "NEAR(bins, 2)",
    "AND",
    "bins AND",
    "OR bins",
    "NOT",
    "bins NOT permit",
    "-",
    "-bins",
    "bins -permit",
    ":",
    "title:bins",
    "{title}: bins",
    "(",
    ")",
    "((bins)",
    "bins)",
    "+bins",
    "bins & permit",
    "bins | !permit",
    "bins:*",
    "<->",
    "bins <-> permit",
    "'",
    "\\",
    '\\"',
    "[bins]",
    "%",
    "bins;",
]


def hostile_queries(count: int, seed: int = 11) -> list[str]:
    """Random strings built from the characters and words either engine's syntax uses."""
    import random

    pieces = [*"\"'*^():-+&|!<>\\{}[] ", "NEAR", "AND", "OR", "NOT", "bins", "permit", "%s"]
    generator = random.Random(seed)
    return ["".join(generator.choices(pieces, k=generator.randint(1, 8))) for _ in range(count)]


@pytest.mark.parametrize("query", HOSTILE_QUERIES + hostile_queries(25))
def test_any_text_is_a_search_not_an_error(client, catalogue, query):
    """Search syntax typed by a user is searched for as text on SQLite and PostgreSQL:
    the page answers 200 with its results or the no-results help, never a 503."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200, query
    page = parse(response)
    assert "Search" in text(page.find("h1"))
    if normalise_query(query):
        status = text(page.find(attrs={"role": "status"}))
        assert re.fullmatch(r"\d+ results? for .+", status), status
        found = bool(page.select(".app-card-list"))
        assert found or "There are no matching results" in text(page)
    suggested = client.get("/search/suggest/", {"q": query})
    assert suggested.status_code == 200, query
    assert isinstance(suggested.json()["results"], list)


@pytest.mark.parametrize(
    "query",
    ['"collection', 'collection">', "collection*", "(collection", "collection:", "-collection"],
)
def test_words_next_to_syntax_still_find_results(client, catalogue, query):
    """A word typed next to quotes, brackets or operators is still found."""
    response = client.get("/search/", {"q": query})
    assert "Report a missed bin collection" in result_titles(response)


def test_highlighting_never_splits_an_entity(client, catalogue):
    """Words that are also entity names (lt, amp, quot) are marked where they are words,
    and &, <, > and quotes are shown as written, not as broken entities."""
    RecipePageFactory(title='Fish & chips < lt > "quot" amp\'s', slug="entities")
    response = client.get("/search/", {"q": "lt quot amp"})
    html = response.content.decode()
    assert (
        ">Fish &amp; chips &lt; <mark>lt</mark> &gt; &quot;<mark>quot</mark>&quot; "
        "<mark>amp</mark>&#x27;s</a>"
    ) in html
    assert "&<mark>" not in html


def test_area_and_type_facets_count_matching_live_recipes(page_tree):
    """Each service area and council type counts the live recipes that match, with the
    other facet's choice applied, so a count says what ticking that box would show."""
    from patterns_site.search import search
    from tests.factories import CouncilTypeFactory, ServiceAreaFactory

    waste = ServiceAreaFactory(slug="waste", name="Waste")
    roads = ServiceAreaFactory(slug="roads", name="Roads")
    # Codes of their own: a type with a real code may already be in the reference data.
    unitary = CouncilTypeFactory(code="QUA", name="Quokka unitary", plural_name="Unitaries")
    district = CouncilTypeFactory(code="QDI", name="Quokka district", plural_name="Districts")
    RecipePageFactory(summary="Count quokkas.", service_areas=[waste], serves=[unitary])
    RecipePageFactory(summary="Feed quokkas.", service_areas=[waste], serves=[district])
    RecipePageFactory(summary="Move quokkas.", service_areas=[roads], serves=[unitary])
    RecipePageFactory(summary="Count wombats.", service_areas=[roads], serves=[unitary])
    RecipePageFactory(
        summary="Hide quokkas.", service_areas=[roads], serves=[district], live=False, publish=False
    )

    def facets(**ticked):
        results = search("quokka", **ticked)
        return (
            {option.label: option.count for option in results.service_area_facets},
            {option.label: option.count for option in results.council_type_facets},
        )

    assert facets() == ({"Roads": 1, "Waste": 2}, {"Unitaries": 2, "Districts": 1})
    assert facets(council_types=["QUA"]) == (
        {"Roads": 1, "Waste": 1},
        {"Unitaries": 2, "Districts": 1},
    )
    assert facets(service_areas=["waste"]) == (
        {"Roads": 1, "Waste": 2},
        {"Unitaries": 1, "Districts": 1},
    )


def test_the_search_index_keeps_its_stored_vector_in_step(catalogue):
    """Migration 0007's stored title-and-body vector is PostgreSQL's own: it follows every
    write Wagtail makes to the index, so an edited word is found and the old one is not."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the stored vector is PostgreSQL's")
    component = catalogue["notify"]
    component.summary = "Sends quokka alerts."
    component.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM wagtailsearch_indexentry"
            " WHERE plumbing_title_body IS DISTINCT FROM title || body"
        )
        assert cursor.fetchone()[0] == 0
    from patterns_site.search import search

    assert [hit.title for hit in search("quokka").hits] == [component.name]
    component.summary = "Sends wombat alerts."
    component.save()
    assert search("quokka").total == 0
    assert [hit.title for hit in search("wombat").hits] == [component.name]
