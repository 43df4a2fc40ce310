import importlib
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.apps import apps

from catalogue.models import Component, Standard
from recipes.models import RecipePage
from tests.factories import (
    ComponentFactory,
    RecipePageFactory,
    StandardFactory,
    method_stream,
)
from tests.pages import parse

pytestmark = pytest.mark.django_db


def build_recipe(*, step_components=None):
    """A recipe with an address look-up and a case-management system that share the UPRN
    (a data standard) and OpenAPI (a technical one); by default step 1 uses the look-up
    and step 2 nothing."""
    uprn = StandardFactory(name="Unique Property Reference Number", short_name="UPRN")
    openapi = StandardFactory(
        name="OpenAPI 3", slug="openapi-3", category=Standard.Category.TECHNICAL
    )
    gdpr = StandardFactory(name="UK GDPR", slug="uk-gdpr", category=Standard.Category.POLICY)
    address = ComponentFactory(
        name="Look up an address",
        slug="look-up-an-address",
        category=Component.Category.LOCATION,
        standards=[uprn, openapi, gdpr],
    )
    cases = ComponentFactory(
        name="Manage cases",
        slug="manage-cases",
        category=Component.Category.CASE_MANAGEMENT,
        standards=[uprn, openapi, gdpr],
    )
    steps = step_components or [[address], []]
    page = RecipePageFactory(
        components=[address, cases],
        standards=[uprn, openapi, gdpr],
        method=method_stream(
            [(f"Step title {n}", "<p>Body.</p>", "", used) for n, used in enumerate(steps, 1)]
        ),
    )
    return page, address, cases, uprn


def svg_of(page):
    return BeautifulSoup(page.architecture_svg, "html.parser")


def drawn(svg, selector):
    """The elements a selector finds in the picture, not in its key."""
    return [e for e in svg.select(selector) if not e.find_parent(class_="app-arch__legend")]


def test_recipe_picture_draws_steps_components_back_office_and_standards():
    """The picture has the steps across the top, the look-up among the components, case
    management among the back-office systems, and the UPRN (not OpenAPI, nor a policy)
    on the connection between them."""
    page, address, cases, uprn = build_recipe()
    architecture = page.architecture
    assert [step["title"] for step in architecture["steps"]] == ["Step title 1", "Step title 2"]
    assert architecture["steps"][0]["components"] == ["look-up-an-address"]
    lanes = {c["slug"]: c["lane"] for c in architecture["components"]}
    assert lanes == {"look-up-an-address": "front", "manage-cases": "back"}
    assert architecture["connections"] == [
        {
            "from": "look-up-an-address",
            "to": "manage-cases",
            "standards": [{"slug": uprn.slug, "name": "UPRN", "url": uprn.get_absolute_url()}],
        }
    ]
    svg = svg_of(page)
    assert len(drawn(svg, ".app-arch__uses")) == 1
    assert len(drawn(svg, ".app-arch__connection")) == 1
    assert "UPRN" in svg.get_text()


def test_picture_changes_when_an_editor_changes_a_steps_components_and_publishes():
    """Adding case management to step 2 and publishing redraws the stored picture with a
    second line; saving a draft leaves the live picture alone."""
    page, address, cases, _ = build_recipe()
    before = page.architecture_svg

    draft = RecipePage.objects.get(pk=page.pk)
    draft.method = method_stream(
        [
            ("Step title 1", "<p>Body.</p>", "", [address]),
            ("Step title 2", "<p>B.</p>", "", [cases]),
        ]
    )
    revision = draft.save_revision()
    assert RecipePage.objects.get(pk=page.pk).architecture_svg == before

    revision.publish()
    after = RecipePage.objects.get(pk=page.pk)
    assert after.architecture_svg != before
    assert after.architecture["steps"][1]["components"] == ["manage-cases"]
    assert len(drawn(svg_of(after), ".app-arch__uses")) == 2


def test_picture_is_redrawn_when_a_component_it_shows_is_renamed(
    django_capture_on_commit_callbacks,
):
    """Renaming a component changes its name in every recipe's picture that shows it,
    once the change is committed."""
    page, address, _, _ = build_recipe()
    address.name = "Find an address"
    with django_capture_on_commit_callbacks(execute=True):
        address.save()
    redrawn = RecipePage.objects.get(pk=page.pk)
    assert "Find an address" in svg_of(redrawn).get_text()
    assert "Look up an address" not in svg_of(redrawn).get_text()


def test_every_box_in_the_picture_links_to_a_page_that_exists(client):
    """Each link in the picture (component, back-office system, standard) answers 200."""
    page, *_ = build_recipe()
    hrefs = {a["href"] for a in svg_of(page).find_all("a")}
    assert len(hrefs) == 3
    for href in hrefs:
        assert client.get(href).status_code == 200, href


def test_text_equivalent_lists_the_same_components_and_standards_as_the_picture(client):
    """The list under the picture links to exactly the pages the picture links to, and
    the picture's description is the paragraph shown above it."""
    page, *_ = build_recipe()
    soup = parse(client.get(page.url))
    section = soup.find("section", attrs={"aria-labelledby": "architecture"})
    picture_links = {a["href"] for a in section.find("svg").find_all("a")}
    list_links = {a["href"] for a in section.find("details").find_all("a")}
    assert picture_links == list_links
    description = section.find("svg").find("desc").get_text()
    assert description in section.find("p").get_text()
    assert "UPRN" in description


def test_picture_has_no_inline_style_script_or_event_handler(client):
    """The strict CSP allows no style attribute, style element, script or on* handler:
    the picture on the page and the download use none."""
    page, *_ = build_recipe()
    for markup in (page.architecture_svg, client.get(page.url).content.decode()):
        svg = markup[markup.index("<svg") : markup.index("</svg>")]
        assert "style=" not in svg
        assert "<style" not in svg
        assert "<script" not in svg
        assert not re.search(r"\son[a-z]+=", svg)


def test_hostile_names_are_escaped_in_the_picture():
    """A step title with markup is drawn as text, not as SVG elements."""
    address = ComponentFactory(name='<script>alert(1)</script> & "x"')
    page = RecipePageFactory(
        components=[address],
        method=method_stream([('<a href="javascript:x">Evil</a>', "<p>B.</p>", "", [address])]),
    )
    assert "<script>" not in page.architecture_svg
    assert "javascript:" not in BeautifulSoup(page.architecture_svg, "html.parser").find_all("a")[
        0
    ].get("href", "")
    assert "&lt;script&gt;" in page.architecture_svg


def test_svg_download_is_the_stored_picture_with_a_sandbox_policy(client):
    """/recipes/<slug>/architecture.svg answers the stored picture as image/svg+xml with
    a sandboxing CSP; a draft or unknown recipe is a 404."""
    page, *_ = build_recipe()
    response = client.get(f"/recipes/{page.slug}/architecture.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert page.architecture_svg in response.content.decode()

    draft = RecipePageFactory(publish=False, live=False)
    assert client.get(f"/recipes/{draft.slug}/architecture.svg").status_code == 404
    assert client.get("/recipes/no-such-recipe/architecture.svg").status_code == 404
    assert client.post(f"/recipes/{page.slug}/architecture.svg").status_code == 405


def test_picture_is_read_from_the_page_not_drawn_per_request(client, monkeypatch):
    """Serving the recipe page and its download never lays the picture out."""
    page, *_ = build_recipe()

    def fail(*args, **kwargs):
        raise AssertionError("drawn on a request")

    monkeypatch.setattr("recipes.architecture.architecture_svg", fail)
    monkeypatch.setattr("recipes.architecture.recipe_architecture", fail)
    assert client.get(page.url).status_code == 200
    assert client.get(f"/recipes/{page.slug}/architecture.svg").status_code == 200


def test_migration_infers_step_components_from_the_words_of_the_step():
    """Steps saved before steps named components get those whose name (or the noun it
    ends with) their words use, and none otherwise; the picture is drawn."""
    migration = importlib.import_module(
        "recipes.migrations.0005_method_step_components_and_architecture"
    )
    page, address, cases, _ = build_recipe()
    raw = [
        {"type": "step", "id": "a", "value": {"title": "Find the address", "body": "<p>x</p>"}},
        {"type": "step", "id": "b", "value": {"title": "Say thanks", "body": "<p>Bye.</p>"}},
        {"type": "step", "id": "c", "value": {"title": "Route", "body": "<p>Open a case.</p>"}},
    ]
    RecipePage.objects.filter(pk=page.pk).update(
        method=json.dumps(raw), architecture={}, architecture_svg=""
    )
    migration.link_steps_to_components(apps, None)
    migrated = RecipePage.objects.get(pk=page.pk)
    steps = [item["value"] for item in migrated.method.raw_data]
    assert [step["components"] for step in steps] == [[address.pk], [], [cases.pk]]
    assert migrated.architecture["steps"][2]["components"] == ["manage-cases"]
    assert migrated.architecture_svg.startswith("<svg")


def test_a_boxs_link_reads_as_its_whole_name_when_the_name_wraps():
    """A component name drawn on two lines is one phrase to a screen reader."""
    page, *_ = build_recipe()
    links = {" ".join(a.get_text().split()) for a in svg_of(page).find_all("a")}
    assert "Look up an address" in links
