"""'We cook this': a council's verified staff record and update their council's adoption
of a recipe in the council portal; editors approve it before any public page shows it,
and then the recipe, council, component and offering pages show it as cooked by the
council, reported by its verified staff. Another council's staff get 404 everywhere."""

import pytest
from django.urls import reverse

from catalogue.models import Offering
from recipes.models import Adoption
from recipes.services import council_moderation_workflow_ensure
from tests.factories import (
    AdoptionFactory,
    ComponentFactory,
    CouncilMembershipFactory,
    OfferingFactory,
    RecipePageFactory,
    UserFactory,
)
from tests.pages import page_text, parse, text

pytestmark = pytest.mark.django_db
MARK = "Reported by the council's verified staff"


@pytest.fixture
def workflow(db):
    return council_moderation_workflow_ensure()


@pytest.fixture
def kitchen(recipe_index, workflow):
    """A recipe needing one component that one published offering provides, and an
    officer of Leeds signed in."""
    component = ComponentFactory(name="Payments", slug="payments")
    offering = OfferingFactory(name="PayThing", slug="paything", components=[component])
    recipe = RecipePageFactory(title="Pay for a permit", components=[component])
    officer = CouncilMembershipFactory(council__name="Leeds", council__slug="leeds")
    return {
        "component": component,
        "offering": offering,
        "recipe": recipe,
        "council": officer.council,
        "officer": officer.user,
    }


def create_url(council, recipe=None):
    url = reverse("council_portal:adoption_create", kwargs={"council_slug": council.slug})
    return f"{url}?recipe={recipe.pk}" if recipe else url


def edit_url(adoption):
    return reverse(
        "council_portal:adoption_edit",
        kwargs={"council_slug": adoption.council.slug, "adoption_id": adoption.pk},
    )


def adoption_data(kitchen, **overrides):
    data = {
        "status": "live",
        "live_since": "2025-04-01",
        "components_used": [kitchen["component"].pk],
        "offerings_used": [kitchen["offering"].pk],
        "notes": "We went live in **April**.",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "1000",
        "outcomes-0-metric": "Permits paid online",
        "outcomes-0-value": "72",
        "outcomes-0-baseline": "10",
        "outcomes-0-unit": "percent",
        "outcomes-0-measured_on": "2025-09-30",
        "outcomes-0-source": "Service dashboard, September 2025",
        "outcomes-0-source_url": "https://www.leeds.gov.uk/dashboard",
    }
    data.update(overrides)
    return data


def approve(adoption, action="approve", comment=""):
    task_state = Adoption.objects.get(pk=adoption.pk).current_workflow_task_state
    task_state.task.specific.on_action(
        task_state, UserFactory(is_superuser=True), action, comment=comment
    )


def public_pages(client, kitchen):
    return {
        "recipe": page_text(client.get(kitchen["recipe"].url)),
        "council": page_text(client.get(kitchen["council"].get_absolute_url())),
        "component": page_text(client.get(kitchen["component"].get_absolute_url())),
        "offering": page_text(client.get(kitchen["offering"].get_absolute_url())),
    }


def test_staff_record_an_adoption_that_is_public_only_once_approved(client, kitchen):
    """A recorded adoption waits for an editor: no public page names Leeds until then;
    afterwards the recipe, council, component and offering pages show it cooked by
    Leeds, reported by its verified staff, with the figure, date and source."""
    client.force_login(kitchen["officer"])
    response = client.post(
        create_url(kitchen["council"], kitchen["recipe"]), adoption_data(kitchen)
    )
    assert response["Location"] == kitchen["council"].memberships.get().get_absolute_url()
    adoption = Adoption.objects.get()
    assert not adoption.live and adoption.reported_by_staff
    assert adoption.reported_by == kitchen["officer"]
    assert "In review" in page_text(client.get(response["Location"]))

    anonymous = client.__class__()
    for name, page in public_pages(anonymous, kitchen).items():
        # The council chooser's hint names Leeds as an example of a council to type.
        page = page.replace("for example Leeds or Rutland", "")
        assert "Leeds" not in page or name == "council", name
        assert MARK not in page, name

    approve(adoption)
    adoption.refresh_from_db()
    assert adoption.live
    pages = public_pages(anonymous, kitchen)
    for name, page in pages.items():
        assert MARK in page, name
    assert "Leeds" in pages["recipe"] and "Leeds" in pages["offering"]
    assert "Pay for a permit" in pages["council"] and "Pay for a permit" in pages["component"]
    assert list(adoption.offerings_used.all()) == [kitchen["offering"]]
    outcome = adoption.outcomes.get()
    assert (str(outcome.measured_on), outcome.source) == (
        "2025-09-30",
        "Service dashboard, September 2025",
    )
    assert "<strong>April</strong>" in adoption.notes_html


def test_a_change_waits_while_the_public_sees_the_approved_version(client, kitchen):
    """Changing a published adoption leaves the public pages on the approved status until
    an editor approves the change; the form starts from the latest saved version."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"], kitchen["recipe"]), adoption_data(kitchen))
    adoption = Adoption.objects.get()
    approve(adoption)
    response = client.post(
        edit_url(adoption), adoption_data(kitchen, status="retired", notes="We stopped.")
    )
    assert response.status_code == 302
    adoption.refresh_from_db()
    assert adoption.status == "live"
    assert "We stopped" not in page_text(client.__class__().get(kitchen["recipe"].url))
    approve(adoption)
    adoption.refresh_from_db()
    assert adoption.status == "retired"
    assert "We stopped" in page_text(client.__class__().get(kitchen["recipe"].url))


def test_nothing_changes_while_an_editor_reviews(client, kitchen):
    """While in review the edit page sends staff back with a message and saves nothing."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"], kitchen["recipe"]), adoption_data(kitchen))
    adoption = Adoption.objects.get()
    revisions = adoption.revisions.count()
    response = client.post(
        edit_url(adoption), adoption_data(kitchen, status="exploring", live_since=""), follow=True
    )
    assert "An editor is reviewing this adoption" in page_text(response)
    assert adoption.revisions.count() == revisions


def test_recording_the_same_recipe_again_goes_to_the_existing_one(client, kitchen):
    """One adoption per council per recipe: choosing it again opens the existing one."""
    AdoptionFactory(recipe=kitchen["recipe"], council=kitchen["council"])
    client.force_login(kitchen["officer"])
    response = client.get(create_url(kitchen["council"], kitchen["recipe"]))
    assert response["Location"] == edit_url(Adoption.objects.get())


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"status": ""}, "id_status_0", "Select where your council is with it"),
        (
            {"status": "exploring"},
            "id_live_since",
            "Only a live or retired adoption has a launch date",
        ),
        ({"live_since": "2025-13-45"}, "id_live_since", "Launch date must be a real date"),
        (
            {"outcomes-0-source": ""},
            "id_outcomes-0-source",
            "Outcome 1: Enter where the figure comes from",
        ),
        (
            {"outcomes-0-measured_on": ""},
            "id_outcomes-0-measured_on",
            "Outcome 1: Enter the date you measured it",
        ),
        ({"notes": "x" * 2001}, "id_notes", "must be 2,000 characters or fewer"),
        ({"offerings_used": ["999999"]}, "id_offerings_used_0", "Select a valid choice"),
    ],
)
def test_mistakes_get_a_gov_uk_error_summary_and_keep_the_text(
    client, kitchen, overrides, field, message
):
    """Each mistake is in the error summary, linked to its field; what was typed stays."""
    client.force_login(kitchen["officer"])
    data = adoption_data(kitchen, **overrides)
    response = client.post(create_url(kitchen["council"], kitchen["recipe"]), data)
    assert response.status_code == 400
    summary = parse(response).find(class_="govuk-error-summary")
    links = {link["href"]: text(link) for link in summary.find_all("a")}
    assert message in links.get(f"#{field}", ""), links
    assert data["outcomes-0-metric"] in response.content.decode()
    assert not Adoption.objects.exists()


def test_offerings_that_do_not_provide_the_recipes_components_are_not_choices(client, kitchen):
    """Only published products providing the recipe's components can be chosen."""
    other = OfferingFactory(name="Unrelated", slug="unrelated")
    client.force_login(kitchen["officer"])
    response = client.post(
        create_url(kitchen["council"], kitchen["recipe"]),
        adoption_data(kitchen, offerings_used=[other.pk]),
    )
    assert response.status_code == 400
    assert "Unrelated" not in page_text(
        client.get(create_url(kitchen["council"], kitchen["recipe"]))
    )


def test_user_text_is_sanitised(client, kitchen):
    """Script in notes never reaches a page."""
    client.force_login(kitchen["officer"])
    client.post(
        create_url(kitchen["council"], kitchen["recipe"]),
        adoption_data(kitchen, notes='<script>alert(1)</script><img src=x onerror="alert(2)">'),
    )
    adoption = Adoption.objects.get()
    approve(adoption)
    response = client.__class__().get(kitchen["recipe"].url)
    assert "<script>alert(1)" not in response.content.decode()
    assert not parse(response).find(attrs={"onerror": True})


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_councils_staff_get_404_on_every_path(client, kitchen, method):
    """Bradford's officer cannot see, record for, or change Leeds's adoption, whether
    they name Leeds or put Leeds's adoption id under Bradford."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"], kitchen["recipe"]), adoption_data(kitchen))
    adoption = Adoption.objects.get()
    bradford = CouncilMembershipFactory(council__name="Bradford", council__slug="bradford")
    client.force_login(bradford.user)
    send = getattr(client, method)
    leeds_paths = [
        reverse("council_portal:council", kwargs={"council_slug": "leeds"}),
        create_url(kitchen["council"], kitchen["recipe"]),
        edit_url(adoption),
        reverse(
            "council_portal:adoption_edit",
            kwargs={"council_slug": "bradford", "adoption_id": adoption.pk},
        ),
    ]
    for path in leeds_paths:
        response = (
            send(path, adoption_data(kitchen, notes="Bradford was here"))
            if method == "post"
            else send(path)
        )
        assert response.status_code in (404, 405), path
        if path != leeds_paths[0]:
            assert response.status_code == 404, path
    adoption.refresh_from_db()
    assert "Bradford" not in adoption.notes
    assert adoption.revisions.count() == 1


def test_the_recipe_pages_link_takes_staff_to_their_councils_form(client, kitchen):
    """ "Record it in the council portal" goes to the officer's council's form for it."""
    client.force_login(kitchen["officer"])
    response = client.get(reverse("council_portal:record") + f"?recipe={kitchen['recipe'].pk}")
    assert response["Location"] == create_url(kitchen["council"], kitchen["recipe"])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Payments" in page_text(page) and "PayThing" in page_text(page)


def test_a_bad_recipe_choice_is_a_gov_uk_error(client, kitchen):
    client.force_login(kitchen["officer"])
    response = client.get(create_url(kitchen["council"]) + "?recipe=nonsense")
    assert response.status_code == 400
    assert "Choose a recipe from the list" in page_text(response)


def test_the_adoption_form_stays_short_with_thousands_of_products(client, kitchen):
    """With many products providing the recipe's component, the form lists the first 25,
    in as many queries as with one; 'Find another offering' (GET, by name or G-Cloud
    service ID) adds the matches, which can then be recorded; a product that does not
    provide the components is found by nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(kitchen["officer"])
    url = create_url(kitchen["council"], kitchen["recipe"])

    def page(extra=""):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url + extra)
        assert response.status_code == 200
        boxes = parse(response).select("input[name=offerings_used]")
        return response, len(boxes), len(queries)

    _, few_boxes, few_queries = page()
    assert few_boxes == 1
    for number in range(60):
        OfferingFactory(
            name=f"Zed pay {number:02}",
            components=[kitchen["component"]],
            gcloud_service_id=f"{number:015}",
        )
    OfferingFactory(name="Zed unrelated", gcloud_service_id="999999999999999")
    response, many_boxes, many_queries = page()
    assert many_boxes == 25
    assert many_queries == few_queries
    assert "61 published products provide this recipe's components" in page_text(response)
    assert "Zed pay 59" not in page_text(response)

    response, boxes, _ = page("&find=zed+pay+59")
    assert boxes == 26
    assert "1 product matches ‘zed pay 59’" in page_text(response)
    assert parse(response).select_one("input[name=find]")["value"] == "zed pay 59"
    response, boxes, _ = page("&find=000000000000058")
    assert "Zed pay 58" in page_text(response)
    response, boxes, _ = page("&find=zed+unrelated")
    assert boxes == 25
    assert "No product that provides this recipe's components matches" in page_text(response)
    response = client.get(url + "&find=" + "x" * 101)
    assert response.status_code == 400
    assert "Search for 100 characters or fewer" in page_text(response)

    last = Offering.objects.get(name="Zed pay 59")
    sent = client.post(url + "&find=zed+pay+59", adoption_data(kitchen, offerings_used=[last.pk]))
    assert sent.status_code == 302
    adoption = Adoption.objects.get()
    assert list(adoption.offerings_used.all()) == [last]
    # Changing it later lists what it records although it is not among the first 25.
    approve(adoption)
    response = client.get(edit_url(adoption))
    assert response.status_code == 200
    box = parse(response).find("input", attrs={"name": "offerings_used", "value": str(last.pk)})
    assert box is not None and box.has_attr("checked")


@pytest.mark.parametrize(
    ("start", "form", "param"),
    [("record", "adoption_create", "recipe"), ("share", "proposal_create", "based_on")],
)
def test_a_recipe_pages_link_leads_to_the_form_of_the_users_own_council(
    client, kitchen, start, form, param
):
    """One council: its form, with the recipe id passed on only when it is a number;
    staff of two councils, or of none, choose on the portal home."""
    start_url = reverse(f"council_portal:{start}")
    target = reverse(f"council_portal:{form}", kwargs={"council_slug": "leeds"})
    client.force_login(kitchen["officer"])
    assert client.get(start_url, {param: "12"})["Location"] == f"{target}?{param}=12"
    assert client.get(start_url, {param: "12&x=1"})["Location"] == target
    CouncilMembershipFactory(user=kitchen["officer"])
    assert client.get(start_url, {param: "12"})["Location"] == reverse("council_portal:home")
    client.force_login(UserFactory())
    assert client.get(start_url)["Location"] == reverse("council_portal:home")
