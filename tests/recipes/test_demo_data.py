import csv
import json
import re
from io import StringIO
from unittest import mock
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.models import Page, Revision

from catalogue.models import (
    Component,
    ConformanceClaim,
    Council,
    Offering,
    ServiceArea,
    Standard,
    Supplier,
)
from catalogue.reference_data import OPEN_DATA
from patterns_site.services import page_tree_ensure
from recipes.demo_data import DEMO_DIR, demo_content_load, demo_content_read
from recipes.design_system import design_system_items
from recipes.interchange import recipes_export
from recipes.models import Adoption, RecipePage
from tests.pages import parse, text

# Loading the demo saves hundreds of councils and pages; keeping the search index up to
# date would triple the time, and nothing here searches.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unindexed")]


@pytest.fixture(scope="module", autouse=True)
def first_run(shared_data):
    """The demo site, loaded once for this module as `make demo` loads it."""
    with shared_data():
        output = StringIO()
        call_command("load_demo_data", stdout=output)
        yield output.getvalue()


def snapshot():
    """Everything a second load could change: a count of every model's rows, and the
    identity and published state of every page, offering, claim and adoption."""
    return {
        "counts": {
            model._meta.label: model._default_manager.count() for model in apps.get_models()
        },
        "revisions": Revision.objects.count(),
        "pages": sorted(
            Page.objects.values_list(
                "url_path", "title", "live", "latest_revision_id", "last_published_at"
            )
        ),
        "recipes": sorted(
            (page.slug, sorted(page.components_used.values_list("slug", flat=True)))
            for page in RecipePage.objects.all()
        ),
        "offerings": sorted(
            Offering.objects.values_list(
                "slug", "name", "live", "latest_revision_id", "price", "updated_at"
            )
        ),
        "claims": sorted(
            ConformanceClaim.objects.values_list("offering__slug", "standard__slug", "verified_at")
        ),
        "adoptions": sorted(
            Adoption.objects.values_list("recipe__slug", "council__code", "status", "updated_at")
        ),
        "suppliers": sorted(Supplier.objects.values_list("slug", "name", "is_sample")),
        "components": sorted(Component.objects.values_list("slug", "name")),
        "standards": sorted(Standard.objects.values_list("slug", "name")),
        "councils": sorted(Council.objects.values_list("code", "slug", "parent__code")),
    }


def test_loading_demo_data_twice_changes_nothing(first_run):
    """Running load_demo_data again creates, publishes and changes nothing, and says so."""
    before = snapshot()
    output = StringIO()

    call_command("load_demo_data", stdout=output)

    assert snapshot() == before
    assert "Demo data already loaded; nothing changed." in output.getvalue()
    assert "Created" in first_run


def test_demo_recipes_were_published_before_they_were_reviewed(client, first_run):
    """No demo recipe says it was last reviewed before it was first published: the
    first publication is dated before the review, on the page and in its change log."""
    from recipes.selectors import recipe_change_log

    for page in RecipePage.objects.live().exclude(last_reviewed=None):
        assert page.first_published_at.date() <= page.last_reviewed, page.slug
        first_entry = recipe_change_log(page)[-1]
        assert first_entry["summary"] == "First published"
        assert first_entry["published_at"].date() <= page.last_reviewed, page.slug
        history = parse(client.get(page.url)).find("h2", id="changes").find_next("ul")
        first_line = " ".join(history.find_all("li")[-1].get_text().split())
        assert first_line == f"{page.first_published_at:%-d %B %Y}: First published", page.slug


# Logs of what happened, not content: republishing the followed demo recipe tells its
# follower, as publishing any recipe would.
EVENT_LOGS = {"patterns_site.FollowEvent", "patterns_site.Digest"}


def content_counts(counts):
    return {
        label: count
        for label, count in counts.items()
        if (
            label.split(".")[0] in {"catalogue", "recipes", "patterns_site"}
            or label == "wagtailcore.Page"
        )
        and label not in EVENT_LOGS
    }


def test_refreshing_demo_content_updates_in_place_without_duplicating(first_run):
    """Refreshing the demo catalogue and recipes puts edited demo content back as the
    fixtures have it, publishing new revisions but adding no other row."""
    before = snapshot()
    Offering.objects.update(name="Renamed by an editor")

    report = demo_content_load(index=page_tree_ensure()[1], refresh=True)

    after = snapshot()
    assert report.created == {}
    assert report.updated["offerings"] == len(before["offerings"])
    # Not the sample proposal's draft: it is no demo file's recipe.
    assert report.updated["recipes"] == RecipePage.objects.filter(proposal=None).count()
    assert content_counts(after["counts"]) == content_counts(before["counts"])
    assert after["revisions"] > before["revisions"]
    assert [row[:2] for row in after["offerings"]] == [row[:2] for row in before["offerings"]]
    assert [row[:2] for row in after["claims"]] == [row[:2] for row in before["claims"]]
    assert after["recipes"] == before["recipes"]


def test_demo_has_enough_content_to_show_every_page(first_run):
    """The demo has at least 8 live recipes, 12 components, 10 standards, 6 sample
    suppliers and 25 published offerings."""
    assert RecipePage.objects.live().count() >= 8
    assert Component.objects.count() >= 12
    assert Standard.objects.count() >= 10
    assert Supplier.objects.filter(is_sample=True).count() >= 6
    assert Offering.objects.public().count() >= 25


def test_demo_adoptions_are_by_real_councils_and_labelled_sample(first_run):
    """Every demo adoption is by a current council from mySociety's register, and is
    labelled as sample data."""
    with (OPEN_DATA / "uk_local_authorities.csv").open(encoding="utf-8-sig") as source:
        register = {
            row["local-authority-code"]: row["official-name"]
            for row in csv.DictReader(source)
            if row["current-authority"] == "True"
        }
    adoptions = list(Adoption.objects.select_related("council"))

    assert len(adoptions) >= 8
    assert {adoption.council.code for adoption in adoptions} <= register.keys()
    assert all(
        register[adoption.council.code] == adoption.council.official_name for adoption in adoptions
    )
    assert all(adoption.is_sample for adoption in adoptions)
    assert Adoption.objects.filter(status=Adoption.Status.LIVE).exists()


def test_demo_catalogue_passes_model_validation(first_run):
    """Demo suppliers, offerings and adoptions pass the rules an editor's would: valid
    G-Cloud IDs, Companies House numbers and live-since dates."""
    for instance in [
        *Supplier.objects.all(),
        *Offering.objects.all(),
        *Adoption.objects.all(),
    ]:
        instance.full_clean()


def test_demo_recipes_use_existing_design_system_patterns(first_run):
    """Every method step that names a GOV.UK Design System pattern names a real one, so
    its link appears."""
    known = design_system_items()

    chosen = [
        block.value["design_system"]
        for page in RecipePage.objects.live()
        for block in page.method
        if block.value["design_system"]
    ]

    assert chosen
    assert set(chosen) <= known.keys()


def test_every_demo_recipe_page_renders(client, first_run):
    """Each demo recipe page shows its title, its ingredients and its method."""
    for page in RecipePage.objects.live():
        response = client.get(page.url)

        assert response.status_code == 200, page.url
        soup = parse(response)
        assert text(soup.find("h1")) == page.title
        assert soup.select("#ingredients ~ .app-table-wrapper table tbody tr"), page.url
        assert soup.select("ol.app-numbered-steps > li"), page.url


def test_every_demo_page_renders_from_the_data_cache(client, first_run):
    """With the shared-data cache on (as in production; it pickles what it keeps, as
    Redis does), each demo recipe, offering, component and council page renders for a
    visitor with a session, whose pages the page cache never serves: once to fill the
    cache, once from it. A recipe page keeping a page object in it could not be stored
    in Redis and answered 500."""
    from catalogue.models import Component, Council

    session = client.session
    session["basket"] = {}
    session.save()
    pages = [
        *(page.url for page in RecipePage.objects.live()),
        *(offering.get_absolute_url() for offering in Offering.objects.public()),
        *(component.get_absolute_url() for component in Component.objects.all()),
        *(
            council.get_absolute_url()
            for council in Council.objects.filter(adoptions__isnull=False).distinct()
        ),
    ]
    with override_settings(CONTENT_DATA_CACHE_SECONDS=300):
        for _ in range(2):
            for url in pages:
                assert client.get(url).status_code == 200, url


def test_every_demo_offering_page_renders(client, first_run):
    """Each published demo offering's page shows its name and price, and sample
    suppliers' offerings say they are fictional."""
    for offering in Offering.objects.public().select_related("supplier"):
        response = client.get(offering.get_absolute_url())

        assert response.status_code == 200, offering.slug
        soup = parse(response)
        assert text(soup.find("h1")) == offering.name
        inset = soup.find("div", class_="govuk-inset-text")
        assert (inset is not None) == offering.supplier.is_sample, offering.slug


# The demo files themselves: read through the recipe file format's validator (the load
# above has already put them in the test database), then the rules that keep the sample
# content honest and every page of the site filled.

# The real organisations the demo describes, from public facts only.
REAL_SUPPLIERS = {"Government Digital Service", "LocalGov Drupal", "mySociety", "Ordnance Survey"}
SPDX_ID = re.compile(r"^[A-Za-z0-9.+-]+$")


@pytest.fixture(scope="module")
def demo(first_run):
    """The demo files as the recipe file format reads them."""
    return demo_content_read()


def host(url: str) -> str:
    return urlparse(url).hostname or ""


def is_example(url: str) -> bool:
    return host(url) == "example.com" or host(url).endswith(".example.com")


def test_demo_files_pass_the_recipe_file_format_and_all_of_them_load(demo):
    """Both demo files validate against the format and the reference data, and every
    object in them is on the site after loading."""
    # Every recipe but the sample proposal's draft, which is no file's.
    recipes = RecipePage.objects.filter(proposal=None)
    assert {r.slug for r in demo.recipes} == set(recipes.values_list("slug", flat=True))
    assert {o.slug for o in demo.offerings} == set(Offering.objects.values_list("slug", flat=True))
    assert Adoption.objects.count() == sum(len(r.adoptions) for r in demo.recipes)


def test_the_demo_exports_as_a_file_that_imports_again(first_run, tmp_path):
    """Every live demo recipe exports through the file format, and the export passes an
    import dry run that would only update what the site has."""
    document = recipes_export()
    path = tmp_path / "demo-export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = StringIO()

    call_command("import_recipes", str(path), "--dry-run", stdout=out)

    assert len(document["recipes"]) == RecipePage.objects.live().count()
    assert "Created" not in out.getvalue()
    assert f"{RecipePage.objects.live().count()} recipes" in out.getvalue()
    assert "Dry run: nothing was saved." in out.getvalue()


def test_an_invalid_demo_file_is_reported_with_its_file_and_place(first_run, tmp_path, settings):
    """A broken demo file stops the load with each problem named by file and place, and
    loads no demo content."""
    recipes = json.loads((DEMO_DIR / "recipes.json").read_text(encoding="utf-8"))
    recipes["recipes"][2]["adoptions"][0]["council"] = "XYZ"
    recipes["recipes"][0]["slug"] = "new-recipe-with-a-problem"
    recipes["recipes"][0]["costs"]["weeks_to_launch"] = -1
    (tmp_path / "recipes.json").write_text(json.dumps(recipes), encoding="utf-8")
    (tmp_path / "catalogue.json").write_text(
        (DEMO_DIR / "catalogue.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    errors = StringIO()

    with mock.patch("recipes.demo_data.DEMO_DIR", tmp_path), pytest.raises(CommandError):
        call_command("load_demo_data", stderr=errors)

    assert errors.getvalue().splitlines() == [
        "recipes.json: recipes[0].costs.weeks_to_launch: must be 0 or more",
        "recipes.json: recipes[2].adoptions[0].council: unknown council code 'XYZ'",
    ]
    assert not RecipePage.objects.filter(slug="new-recipe-with-a-problem").exists()


def test_sample_suppliers_are_labelled_and_point_only_at_example_domains(demo):
    """Every fictional supplier says it is a sample, has an example.com website and
    evidence, an SME flag and a Companies House number of the right shape, and no two
    share a name or number."""
    samples = [s for s in demo.suppliers if s.is_sample]
    assert len(samples) >= 6
    for supplier in samples:
        assert is_example(supplier.website), supplier.slug
        assert supplier.companies_house_number, supplier.slug
        assert supplier.is_sme is not None, supplier.slug
        assert "sample" in supplier.description.lower(), supplier.slug
    sample_slugs = {s.slug for s in samples}
    for offering in demo.offerings:
        if offering.supplier in sample_slugs:
            assert all(is_example(claim.evidence_url) for claim in offering.claims), offering.slug
    names = [s.name for s in demo.suppliers]
    numbers = [s.companies_house_number for s in samples]
    assert len(set(names)) == len(names)
    assert len(set(numbers)) == len(numbers)


def test_real_platforms_carry_no_invented_facts(demo):
    """The real organisations are exactly the public platforms named in the README, with
    no made-up company number, SME status, G-Cloud ID or verified claim, and their
    evidence on their own sites."""
    real = [s for s in demo.suppliers if not s.is_sample]
    assert {s.name for s in real} == REAL_SUPPLIERS
    for supplier in real:
        assert supplier.companies_house_number == "", supplier.slug
        assert supplier.is_sme is None, supplier.slug
        assert not is_example(supplier.website), supplier.slug
    real_slugs = {s.slug for s in real}
    for offering in demo.offerings:
        if offering.supplier in real_slugs:
            assert offering.gcloud_service_id == "", offering.slug
            for claim in offering.claims:
                assert claim.status == "claimed", offering.slug
                assert not is_example(claim.evidence_url), offering.slug


def test_demo_adoptions_are_flagged_and_say_they_are_samples(demo):
    """Each adoption in the file is flagged as sample data and its notes say so."""
    adoptions = [a for r in demo.recipes for a in r.adoptions]
    assert adoptions
    assert all(a.is_sample for a in adoptions)
    assert all("sample" in a.notes.lower() for a in adoptions)


def test_demo_catalogue_links_identifiers_and_coverage(demo):
    """Links are https, G-Cloud IDs are not shared, licences are SPDX identifiers, every
    object has a description (standards their short name, owner and licence too), and
    every component has standards and at least one offering to compare."""
    for standard in demo.standards:
        assert all((standard.short_name, standard.description, standard.owner, standard.licence)), (
            standard.slug
        )
    for item in [*demo.components, *demo.suppliers, *demo.offerings]:
        assert item.description, item.slug
    urls = [s.url for s in demo.standards] + [s.website for s in demo.suppliers]
    urls += [o.repository_url for o in demo.offerings if o.repository_url]
    urls += [c.evidence_url for o in demo.offerings for c in o.claims]
    assert all(url.startswith("https://") for url in urls)
    gcloud = [o.gcloud_service_id for o in demo.offerings if o.gcloud_service_id]
    assert len(set(gcloud)) == len(gcloud)
    licences = [o.open_source_licence for o in demo.offerings if o.open_source_licence]
    assert all(SPDX_ID.match(licence) for licence in licences)
    provided = {slug for o in demo.offerings for slug in o.components}
    for component in demo.components:
        assert component.standards, component.slug
        assert component.slug in provided, component.slug


def test_each_demo_recipe_fills_every_part_of_its_page(demo):
    """Each recipe has service areas below the top level, LGSL services, council types,
    user needs, component, standard and people ingredients, outcomes, variations and
    adoptions, and no two recipes share a title."""
    roots = ServiceArea.objects.filter(parent=None).values_list("identifier", flat=True)
    top_level = {str(identifier) for identifier in roots}
    for recipe in demo.recipes:
        kinds = {ingredient.type for ingredient in recipe.ingredients}
        assert kinds == {"component", "standard", "people"}, recipe.slug
        for part in ("service_areas", "lgsl", "serves", "user_needs", "outcomes", "variations"):
            assert getattr(recipe, part), (recipe.slug, part)
        assert len(recipe.adoptions) >= 2, recipe.slug
        assert not set(recipe.service_areas) & top_level, recipe.slug
    titles = [r.title for r in demo.recipes]
    assert len(set(titles)) == len(titles)


def test_demo_recipes_agree_with_themselves(demo):
    """Variations and adopting councils are of types the recipe serves; adoptions measure
    the recipe's own metrics in the same units, once each, live since before the last
    review; percentages are at most 100."""
    council_types = dict(Council.objects.values_list("code", "council_type__code"))
    for recipe in demo.recipes:
        units = {outcome.metric: outcome.unit for outcome in recipe.outcomes}
        assert len(units) == len(recipe.outcomes), recipe.slug
        assert {v.council_type for v in recipe.variations} <= set(recipe.serves), recipe.slug
        for adoption in recipe.adoptions:
            where = (recipe.slug, adoption.council)
            assert council_types[adoption.council] in recipe.serves, where
            if adoption.live_since:
                assert adoption.live_since <= recipe.last_reviewed, where
            metrics = [outcome.metric for outcome in adoption.outcomes]
            assert len(set(metrics)) == len(metrics), where
            for outcome in adoption.outcomes:
                assert units.get(outcome.metric) == outcome.unit, (where, outcome.metric)
        for outcome in [*recipe.outcomes, *(o for a in recipe.adoptions for o in a.outcomes)]:
            if outcome.unit == "percent":
                assert outcome.value <= 100 and (outcome.baseline or 0) <= 100, recipe.slug


def test_demo_text_has_no_stray_whitespace(demo):
    """No text value in the demo files starts or ends with whitespace."""

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    untidy = [text for text in strings(demo.model_dump(mode="json")) if text != text.strip()]
    assert untidy == []


def test_the_demo_follower_gets_a_digest_of_a_real_event(first_run):
    """The Leeds demo officer follows the missed-bin recipe; approving Wakefield's sample
    adoption of it recorded an event, so send_digests prints a digest in the console."""
    from django.core import mail

    from patterns_site.follows.services import digest_send_all
    from patterns_site.models import Follow

    follow = Follow.objects.get()
    assert (follow.user.email, follow.recipe.slug) == (
        "sample.officer.leeds@example.com",
        "report-a-missed-bin-collection",
    )
    assert digest_send_all() == 1
    assert "Wakefield" in mail.outbox[-1].body and "sample data" in mail.outbox[-1].body


def test_the_demo_has_a_sample_recipe_proposal_waiting_for_an_editor(client, first_run):
    """A demo council's staff proposed a local variation: a draft recipe in moderation,
    labelled sample data in their council portal, and on no public page."""
    from recipes.models import RecipeProposal

    proposal = RecipeProposal.objects.select_related("page", "council").get()
    assert proposal.is_sample and proposal.council.code == "WKF"
    assert proposal.proposed_by.council_memberships.filter(council=proposal.council).exists()
    assert not proposal.page.live
    assert proposal.page.current_workflow_state.status == "in_progress"
    assert "Sample data" in proposal.page.summary
    client.force_login(proposal.proposed_by)
    portal = client.get(proposal.get_absolute_url())
    assert "Sample data" in text(parse(portal).find("main"))
    assert client.__class__().get(proposal.page.url or "/recipes/x/").status_code == 404
