"""Our pantry: a council's verified staff list what it already runs ("What we already run"
in the council portal); with what its recorded adoptions list, it shows on the council's
public page, counts as "already have" in its staff's basket, and tells them on a recipe
page how many of the recipe's components the council has. Councils like mine: a recipe's
adopters of the same type and a similar population come first, and the outcomes can be
narrowed to them."""

from decimal import Decimal

import pytest
from django.core import signing
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.cost_choice import COOKIE_NAME, COOKIE_SALT
from catalogue.models import CouncilPantryItem
from catalogue.selectors import council_pantry
from recipes import basket as baskets
from recipes.pantry import people
from tests.factories import (
    AdoptionFactory,
    AdoptionOutcomeFactory,
    ComponentFactory,
    CouncilFactory,
    CouncilMembershipFactory,
    CouncilTypeFactory,
    OfferingFactory,
    RecipePageFactory,
    SupplierMembershipFactory,
    UserFactory,
)
from tests.pages import page_text, parse, table_with_caption, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def kitchen(recipe_index):
    """A recipe needing six components; Leeds (a metropolitan district of 798,786) with
    a signed-up officer."""
    components = [
        ComponentFactory(name=name, slug=name.lower().replace(" ", "-"))
        for name in [
            "Address lookup",
            "Case management",
            "Forms",
            "Notifications",
            "Payments",
            "Sign in",
        ]
    ]
    forms, notifications, payments = components[2], components[3], components[4]
    # A yearly price per council, so the basket's totals show what it leaves out.
    pay = OfferingFactory(
        name="PayThing", slug="paything", components=[payments], price=Decimal("1000")
    )
    notify = OfferingFactory(
        name="NotifyThing", slug="notifything", components=[notifications], price=Decimal("700")
    )
    recipe = RecipePageFactory(title="Pay for a permit", components=components)
    officer = CouncilMembershipFactory(
        council__name="Leeds", council__slug="leeds", council__population=798_786
    )
    return {
        "components": components,
        "forms": forms,
        "notifications": notifications,
        "payments": payments,
        "pay": pay,
        "notify": notify,
        "recipe": recipe,
        "council": officer.council,
        "officer": officer.user,
    }


def pantry_url(council_slug="leeds", name="pantry", **kwargs):
    return reverse(f"council_portal:{name}", kwargs={"council_slug": council_slug, **kwargs})


def add(client, council_slug="leeds", **data):
    return client.post(pantry_url(council_slug, "pantry_add"), data)


# --- "What we already run" in the council portal ---------------------------------------


def test_staff_add_and_remove_what_their_council_runs(client, kitchen):
    """An officer adds a component and a product, sees them listed, and removes one; the
    council's public page shows them as reported by the council's staff at once."""
    client.force_login(kitchen["officer"])
    page = client.get(pantry_url())
    assert page.status_code == 200
    assert "What we already run" in text(parse(page).find("h1"))
    response = add(client, kind="component", component=kitchen["forms"].pk)
    assert response.status_code == 302
    found = client.get(pantry_url() + "?q=paythi")
    assert "PayThing" in text(parse(found).find(id="product-results"))
    add(client, kind="offering", offering=kitchen["pay"].pk)
    listed = page_text(client.get(pantry_url()))
    assert "Forms" in listed and "PayThing" in listed

    public = parse(client.get(kitchen["council"].get_absolute_url()))
    assert "Reported by the council's staff" in text(public)
    assert "Forms" in text(public.find(id="pantry").find_next("dl"))

    item = CouncilPantryItem.objects.get(component=kitchen["forms"])
    response = client.post(pantry_url(name="pantry_remove", item_id=item.pk))
    assert response.status_code == 302
    assert not CouncilPantryItem.objects.filter(pk=item.pk).exists()
    assert list(CouncilPantryItem.objects.values_list("offering__name", flat=True)) == ["PayThing"]


def test_the_same_thing_twice_is_listed_once(client, kitchen):
    client.force_login(kitchen["officer"])
    for _ in range(2):
        add(client, kind="component", component=kitchen["forms"].pk)
        add(client, kind="offering", offering=kitchen["pay"].pk)
    assert CouncilPantryItem.objects.count() == 2
    assert "already listed" in page_text(client.get(pantry_url()))


def test_bad_input_is_a_gov_uk_error_and_changes_nothing(client, kitchen):
    """An unknown component, an unpublished product, a nonsense kind, or a search longer
    than 100 characters: an error, never a 500, and nothing saved."""
    client.force_login(kitchen["officer"])
    response = add(client, kind="component", component="999999")
    assert response.status_code == 400
    summary = parse(response).find(class_="govuk-error-summary")
    assert "Choose a component from the list" in text(summary)
    draft = OfferingFactory(name="DraftThing", live=False, components=[kitchen["forms"]])
    response = add(client, kind="offering", offering=draft.pk)
    assert response.status_code == 400
    assert "Choose a published product" in page_text(response)
    assert add(client, kind="nonsense", component=kitchen["forms"].pk).status_code == 404
    assert client.get(pantry_url() + "?q=" + "x" * 101).status_code == 400
    assert not CouncilPantryItem.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_councils_staff_get_404_on_every_path(client, kitchen, method):
    """Bradford's officer can neither see nor change Leeds's pantry, whether they name
    Leeds or put Leeds's entry under Bradford."""
    item = CouncilPantryItem.objects.create(council=kitchen["council"], component=kitchen["forms"])
    bradford = CouncilMembershipFactory(council__name="Bradford", council__slug="bradford")
    client.force_login(bradford.user)
    paths = [
        pantry_url(),
        pantry_url(name="pantry_add"),
        pantry_url(name="pantry_remove", item_id=item.pk),
        pantry_url("bradford", "pantry_remove", item_id=item.pk),
    ]
    send = getattr(client, method)
    for path in paths:
        data = {"kind": "component", "component": kitchen["payments"].pk}
        response = send(path, data) if method == "post" else send(path)
        assert response.status_code in (404, 405), path
        if (path == paths[0]) == (method == "get"):  # the page reads, the rest write
            assert response.status_code == 404, path
    assert list(CouncilPantryItem.objects.all()) == [item]


def test_a_supplier_or_someone_not_signed_in_cannot_edit(client, kitchen):
    """A supplier's member gets 404; someone not signed in is sent to sign in."""
    item = CouncilPantryItem.objects.create(council=kitchen["council"], component=kitchen["forms"])
    supplier = SupplierMembershipFactory()
    client.force_login(supplier.user)
    assert client.get(pantry_url()).status_code == 404
    assert add(client, kind="component", component=kitchen["payments"].pk).status_code == 404
    client.logout()
    response = add(client, kind="component", component=kitchen["payments"].pk)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(pantry_url(name="pantry_remove", item_id=item.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert list(CouncilPantryItem.objects.all()) == [item]


def test_the_longest_search_and_hostile_text_are_shown_as_text(client, kitchen):
    """The search echoes what was typed escaped, at the longest length allowed."""
    client.force_login(kitchen["officer"])
    query = ("<script>alert(1)</script>" * 5)[:100]
    response = client.get(pantry_url(), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


# --- the council's public page -------------------------------------------------------


def test_council_page_keeps_staff_reports_and_adoptions_apart(client, kitchen):
    """What staff listed is under "Reported by the council's staff"; what an approved
    adoption records is under "From its recorded adoptions", with the recipe; sample
    entries are labelled sample data; an unapproved adoption adds nothing."""
    CouncilPantryItem.objects.create(
        council=kitchen["council"], component=kitchen["forms"], is_sample=True
    )
    adoption = AdoptionFactory(recipe=kitchen["recipe"], council=kitchen["council"])
    adoption.components_used.set([kitchen["payments"]])
    adoption.offerings_used.set([kitchen["notify"]])
    adoption.save()  # modelcluster saves the choices with the adoption
    other = RecipePageFactory(title="Hidden recipe", components=[kitchen["components"][0]])
    draft = AdoptionFactory(recipe=other, council=kitchen["council"], live=False)
    draft.components_used.set([kitchen["components"][0]])
    draft.save()

    soup = parse(client.get(kitchen["council"].get_absolute_url()))
    section = text(soup.find(id="pantry").parent)
    reported, adopted = section.split("From its recorded adoptions")
    assert "Reported by the council's staff" in reported and "Sample data" in reported
    assert "Forms" in reported and "Payments" not in reported
    assert "Payments" in adopted and "NotifyThing" in adopted
    assert "for Pay for a permit" in adopted
    assert "Address lookup" not in section


# --- the recipe page -----------------------------------------------------------------


def leeds_pantry(kitchen):
    """Leeds lists Forms, runs PayThing (so has Payments), and its adoption of another
    recipe records Notifications: three of the recipe's six components."""
    CouncilPantryItem.objects.create(council=kitchen["council"], component=kitchen["forms"])
    CouncilPantryItem.objects.create(council=kitchen["council"], offering=kitchen["pay"])
    other = RecipePageFactory(title="Tell residents", components=[kitchen["notifications"]])
    adoption = AdoptionFactory(recipe=other, council=kitchen["council"])
    adoption.components_used.set([kitchen["notifications"]])
    adoption.save()


def test_staff_see_how_many_of_the_recipes_components_their_council_has(client, kitchen):
    leeds_pantry(kitchen)
    client.force_login(kitchen["officer"])
    response = client.get(kitchen["recipe"].url)
    message = parse(response).find(attrs={"data-pantry-match": True})
    assert "Your council already has 3 of the 6 components this recipe needs" in text(message)
    assert message.find("a")["href"] == pantry_url()
    assert "private" in response["Cache-Control"]


def test_staff_of_a_council_with_nothing_listed_are_told_so(client, kitchen):
    client.force_login(kitchen["officer"])
    message = parse(client.get(kitchen["recipe"].url)).find(attrs={"data-pantry-match": True})
    assert "Your council has none of the 6 components this recipe needs yet" in text(message)
    assert "already have" not in text(message)


def test_no_one_else_sees_a_pantry_message(client, kitchen):
    """Not signed in, a supplier, or an account that works for no council: no message."""
    leeds_pantry(kitchen)
    assert "already has" not in page_text(client.get(kitchen["recipe"].url))
    client.force_login(SupplierMembershipFactory().user)
    assert "already has" not in page_text(client.get(kitchen["recipe"].url))
    client.force_login(UserFactory())
    assert "already has" not in page_text(client.get(kitchen["recipe"].url))


def test_the_page_cache_never_gives_a_staff_members_message_to_anyone(kitchen):
    """With the page cache on, in either order, the anonymous visitor gets the shared page
    (from the cache the second time) and never the officer's pantry message."""
    leeds_pantry(kitchen)
    url = kitchen["recipe"].url
    with override_settings(PAGE_CACHE_SECONDS=300):
        officer, anonymous = Client(), Client()
        officer.force_login(kitchen["officer"])
        for _ in range(2):
            staff_page = officer.get(url)
            anonymous_page = anonymous.get(url)
            assert "already has 3 of the 6" in page_text(staff_page)
            assert "X-Page-Cache" not in staff_page
            assert "already has" not in page_text(anonymous_page)
            assert "Councils like Leeds" not in page_text(anonymous_page)
        assert anonymous_page["X-Page-Cache"] == "hit"


def test_the_recipe_page_and_the_basket_agree_on_what_the_council_has(client, kitchen):
    """The components the recipe page counts are exactly the basket's "already have"
    lines, and the basket's costs leave them out (the one cost model)."""
    leeds_pantry(kitchen)
    client.force_login(kitchen["officer"])
    client.post(reverse("basket:add"), {"recipe": kitchen["recipe"].pk})
    response = client.get(reverse("basket:basket"))
    basket = response.context["basket"]
    have = {line.component.pk for line in basket.lines if line.choice == baskets.HAVE}
    recipe_page = client.get(kitchen["recipe"].url)
    match = recipe_page.context["pantry_match"]
    assert set(match["have"]) == have
    assert match["have_count"] == len(have) == 3
    assert all(line.from_pantry for line in basket.lines if line.choice == baskets.HAVE)
    assert "Leeds already runs 3 of these components" in page_text(response)
    # Nothing chosen: the yearly total has no product in it, PayThing included.
    assert (
        basket.costs.yearly
        == baskets.basket_read(
            session=client.session, assumptions=basket.assumptions, pantry=None
        ).costs.yearly
    )


def test_a_pantry_line_can_be_costed_for_this_basket_only(client, kitchen):
    """Choosing PayThing for Payments (in the pantry) costs it in this basket; choosing
    "Not decided yet" leaves it open; the pantry itself does not change."""
    leeds_pantry(kitchen)
    client.force_login(kitchen["officer"])
    client.post(reverse("basket:add"), {"recipe": kitchen["recipe"].pk})
    before = client.get(reverse("basket:basket")).context["basket"]
    payments = kitchen["payments"].pk
    client.post(
        reverse("basket:choices"), {"save": payments, f"line-{payments}": kitchen["pay"].pk}
    )
    after = client.get(reverse("basket:basket")).context["basket"]
    line = next(line for line in after.lines if line.component.pk == payments)
    assert line.offering == kitchen["pay"] and not line.from_pantry
    assert after.costs.yearly.low == before.costs.yearly.low + Decimal("1000")
    forms = kitchen["forms"].pk
    client.post(reverse("basket:choices"), {"save": forms, f"line-{forms}": ""})
    after = client.get(reverse("basket:basket")).context["basket"]
    line = next(line for line in after.lines if line.component.pk == forms)
    assert line.choice == baskets.OPEN and line.status == "Not chosen yet"
    assert council_pantry(kitchen["council"]).component_ids >= {payments, forms}


def test_someone_else_s_basket_has_no_pantry(client, kitchen):
    """Not signed in, the same basket has nothing "already have"."""
    leeds_pantry(kitchen)
    client.post(reverse("basket:add"), {"recipe": kitchen["recipe"].pk})
    basket = client.get(reverse("basket:basket")).context["basket"]
    assert not any(line.choice == baskets.HAVE for line in basket.lines)


def grow(kitchen, size):
    """More of everything the pantry reads: entries, adoptions, products."""
    council = kitchen["council"]
    for _ in range(size):
        component = ComponentFactory()
        offering = OfferingFactory(components=[component])
        CouncilPantryItem.objects.create(council=council, component=component)
        CouncilPantryItem.objects.create(council=council, offering=offering)
        recipe = RecipePageFactory(components=[component], publish=False)
        adoption = AdoptionFactory(recipe=recipe, council=council)
        adoption.components_used.set([component])
        adoption.offerings_used.set([offering])
        adoption.save()
        other = AdoptionFactory(recipe=kitchen["recipe"])
        AdoptionOutcomeFactory(adoption=other)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_pages_make_the_same_number_of_queries_at_any_size(client, kitchen):
    """The pantry page, the council page, the recipe page and the basket of a signed-in
    officer: the same query count with a small pantry and one ten times the size."""
    leeds_pantry(kitchen)
    client.force_login(kitchen["officer"])
    client.post(reverse("basket:add"), {"recipe": kitchen["recipe"].pk})
    urls = [
        pantry_url() + "?q=thing",
        kitchen["council"].get_absolute_url(),
        kitchen["recipe"].url,
        kitchen["recipe"].url + "?adopters=like-mine",
        reverse("basket:basket"),
    ]
    grow(kitchen, 1)
    small = [count_queries(client, url) for url in urls]
    grow(kitchen, 10)
    large = [count_queries(client, url) for url in urls]
    assert large == small


# --- councils like mine --------------------------------------------------------------


@pytest.fixture
def adopters(kitchen):
    """Adopters of the recipe, each with a figure for reports made online: Bradford and
    Sheffield are metropolitan districts within a factor of 2 of Leeds; Wakefield is one
    too, but smaller than half of Leeds; Kent is a county council."""
    county = CouncilTypeFactory(code="CTY", name="County council", plural_name="County councils")
    made = {}
    for name, population, council_type, value in [
        ("Bradford", 539_776, None, "40"),
        ("Kent", 1_589_100, county, "90"),
        ("Sheffield", 584_853, None, "60"),
        ("Wakefield", 348_312, None, "10"),
    ]:
        extra = {"council_type": council_type} if council_type else {}
        council = CouncilFactory(name=name, population=population, **extra)
        adoption = AdoptionFactory(recipe=kitchen["recipe"], council=council)
        AdoptionOutcomeFactory(adoption=adoption, metric="Reports made online", value=value)
        made[name] = council
    return made


def adopter_names(response):
    table = table_with_caption(parse(response), "Councils that have adopted")
    return [text(row.find("th").find("a")) for row in table.select("tbody tr")]


def test_staff_see_councils_like_theirs_first_and_why(client, kitchen, adopters):
    client.force_login(kitchen["officer"])
    response = client.get(kitchen["recipe"].url)
    assert adopter_names(response) == ["Bradford", "Sheffield", "Kent", "Wakefield"]
    reason = text(parse(response).find(attrs={"data-like-mine": True}))
    assert (
        "Councils like Leeds come first: metropolitan districts with about 400,000 to "
        "1.6 million people (2 of 4)" in reason
    )
    assert "We compare with your council" in reason


def test_the_outcomes_can_be_narrowed_to_councils_like_mine(client, kitchen, adopters):
    """?adopters=like-mine (a plain GET form) summarises Bradford's and Sheffield's
    figures only: median 50, range 40 to 60, from 2 councils."""
    client.force_login(kitchen["officer"])
    page = parse(client.get(kitchen["recipe"].url))
    form = page.find("input", attrs={"name": "adopters", "value": "like-mine"}).find_parent("form")
    assert form["method"] == "get"
    everyone = table_with_caption(page, "Outcomes councils measured")
    assert text(everyone.select("tbody tr td")[0]) == "4"
    response = client.get(kitchen["recipe"].url + "?adopters=like-mine")
    table = table_with_caption(parse(response), "Outcomes councils measured")
    assert "councils like Leeds only" in text(table.find("caption"))
    cells = [text(cell) for cell in table.select("tbody tr td")]
    assert cells[0] == "2"
    assert "50" in cells[1] and "40" in cells[2] and "60" in cells[2]


def test_an_unknown_adopters_choice_is_a_400(client, kitchen, adopters):
    client.force_login(kitchen["officer"])
    assert client.get(kitchen["recipe"].url + "?adopters=nonsense").status_code == 400


def test_visitors_compare_with_the_council_they_chose(client, kitchen, adopters):
    """Not signed in, the council chosen for costs (the cookie) is the one compared with;
    with no council chosen, adopters stay in their order and the page says how."""
    page = parse(client.get(kitchen["recipe"].url))
    assert "choose your council for costs" in text(page)
    assert adopter_names(client.get(kitchen["recipe"].url))[0] == "Bradford"
    client.cookies[COOKIE_NAME] = signing.dumps(
        {"c": "kent", "n": "Kent", "p": 1_589_100}, salt=COOKIE_SALT
    )
    response = client.get(kitchen["recipe"].url)
    assert adopter_names(response)[0] == "Kent"
    reason = text(parse(response).find(attrs={"data-like-mine": True}))
    assert "Councils like Kent come first: county councils" in reason
    assert "the council you chose" in reason
    assert "Range across councils" in page_text(response)
    only_kent = page_text(client.get(kitchen["recipe"].url + "?adopters=like-mine"))
    assert "councils like Kent only" in only_kent
    assert "Range across councils" not in only_kent  # one council's figure has no range


def test_staff_compare_with_their_own_council_whatever_they_chose(client, kitchen, adopters):
    client.cookies[COOKIE_NAME] = signing.dumps(
        {"c": "kent", "n": "Kent", "p": 1_589_100}, salt=COOKIE_SALT
    )
    client.force_login(kitchen["officer"])
    assert "Councils like Leeds" in page_text(client.get(kitchen["recipe"].url))


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (399_393, "400,000"),
        (1_597_572, "1.6 million"),
        (95_123, "95,000"),
        (2_000_000, "2 million"),
    ],
)
def test_populations_read_as_words(count, words):
    assert people(count) == words


def test_the_demo_loader_lists_sample_entries_once(kitchen):
    """The demo staff's council gets its sample "What we already run" entries, labelled
    sample data; a second run makes none."""
    from recipes.demo_data import demo_pantry_load

    council = kitchen["council"]
    council.code = "LDS"
    council.save()
    ComponentFactory(slug="send-notifications")
    OfferingFactory(slug="govuk-notify")
    staff = {"LDS": kitchen["officer"]}
    assert demo_pantry_load(staff=staff) == 2
    assert demo_pantry_load(staff=staff) == 0
    assert all(item.is_sample for item in CouncilPantryItem.objects.filter(council=council))
