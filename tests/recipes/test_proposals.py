"""Share a recipe: a council's verified staff propose a recipe, or a local variation of
one, from a GOV.UK form in the council portal. It becomes a draft recipe in the page
moderation workflow; once an editor publishes it, the recipe page credits the council.
Another council's staff get 404 on every proposal path."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState

from recipes.models import RecipePage, RecipeProposal
from tests.factories import (
    ComponentFactory,
    CouncilMembershipFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierMembershipFactory,
    UserFactory,
)
from tests.pages import page_text, parse, text

pytestmark = pytest.mark.django_db
CREDIT = "(reported by its verified staff)"


@pytest.fixture
def kitchen(recipe_index):
    """Two components and a standard in the catalogue, a published recipe, an officer of
    Leeds and an editor in Wagtail's Moderators group."""
    from django.contrib.auth.models import Group

    payments = ComponentFactory(name="Payments", slug="payments")
    forms = ComponentFactory(name="Online forms", slug="online-forms")
    standard = StandardFactory(name="Open Referral UK", slug="open-referral-uk")
    recipe = RecipePageFactory(title="Pay for a permit", components=[payments])
    officer = CouncilMembershipFactory(
        council__name="Leeds", council__slug="leeds", council__official_name="Leeds City Council"
    )
    editor = UserFactory(email="editor@example.com")
    editor.groups.add(Group.objects.get(name="Moderators"))
    return {
        "payments": payments,
        "forms": forms,
        "standard": standard,
        "recipe": recipe,
        "council": officer.council,
        "officer": officer.user,
        "editor": editor,
    }


def create_url(council, **query):
    url = reverse("council_portal:proposal_create", kwargs={"council_slug": council.slug})
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def management(prefix, rows):
    return {
        f"{prefix}-TOTAL_FORMS": str(rows),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "12",
    }


def proposal_data(kitchen, **overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "kind": "new",
        "title": "Book a school meal",
        "summary": "Parents book and pay for school meals online.",
        "problem": "Parents phone the school **every week**.",
        "when_to_use": "When the school kitchen can take bookings.",
        "when_not_to_use": "",
        "setup_cost_min": "1000",
        "setup_cost_max": "5000",
        "yearly_cost_min": "500",
        "yearly_cost_max": "900",
        "staff_effort_days": "20",
        "weeks_to_launch": "8",
        **management("needs", 1),
        "needs-0-as_a": "parent",
        "needs-0-i_need": "to book meals online",
        "needs-0-so_that": "I do not have to phone",
        **management("components", 2),
        "components-0-component": "payments",
        "components-0-why": "Parents pay for the meals.",
        "components-1-component": "Online Forms",
        "components-1-why": "Parents choose the days.",
        **management("standards", 1),
        "standards-0-standard": str(kitchen["standard"].pk),
        "standards-0-why": "Schools are listed in it.",
        **management("people", 1),
        "people-0-role": "Product manager",
        "people-0-days": "10",
        **management("steps", 2),
        "steps-0-title": "Choose the days",
        "steps-0-body": "Show the term's days.",
        "steps-1-title": "Pay",
        "steps-1-body": "Take the payment.",
        **management("outcomes", 1),
        "outcomes-0-metric": "Meals booked online",
        "outcomes-0-value": "80",
        "outcomes-0-baseline": "0",
        "outcomes-0-unit": "percent",
        "outcomes-0-source": "Sample figure",
        **management("variations", 1),
    }
    data.update(overrides)
    return data


def approve(page, action="approve", comment=""):
    task_state = RecipePage.objects.get(pk=page.pk).current_workflow_task_state
    task_state.task.specific.on_action(
        task_state, UserFactory(is_superuser=True), action, comment=comment
    )


def test_staff_propose_a_recipe_that_editors_publish_credited_to_the_council(client, kitchen):
    """The proposal is a draft recipe in moderation with the same structure as an
    editor's; editors are emailed; the public sees nothing until it is published, then
    the page says it was shared by Leeds City Council, reported by its verified staff."""
    client.force_login(kitchen["officer"])
    mail.outbox.clear()
    response = client.post(create_url(kitchen["council"]), proposal_data(kitchen))
    proposal = RecipeProposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    page = proposal.page
    assert (proposal.council, proposal.proposed_by) == (kitchen["council"], kitchen["officer"])
    assert not page.live and page.get_parent().specific_class.__name__ == "RecipeIndexPage"
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert [message.to for message in mail.outbox] == [["editor@example.com"]]
    assert set(page.components_used.all()) == {kitchen["payments"], kitchen["forms"]}
    assert list(page.standards_used.all()) == [kitchen["standard"]]
    assert [step.value["title"] for step in page.method] == ["Choose the days", "Pay"]
    assert "<strong>every week</strong>" in page.problem
    assert page.setup_cost_max == 5000 and page.weeks_to_launch == 8
    detail = page_text(client.get(response["Location"]))
    assert "In review" in detail
    council_page = client.get(reverse("council_portal:council", kwargs={"council_slug": "leeds"}))
    assert "Book a school meal" in page_text(council_page)

    anonymous = client.__class__()
    assert anonymous.get(f"/recipes/{page.slug}/").status_code == 404
    assert "Book a school meal" not in page_text(anonymous.get("/recipes/"))
    council_url = kitchen["council"].get_absolute_url()
    assert "Recipes it shared" not in page_text(anonymous.get(council_url))

    mail.outbox.clear()
    approve(page)
    page.refresh_from_db()
    assert page.live
    # Wagtail tells the proposer; they have no admin, so the email sends them to the portal.
    told = [message for message in mail.outbox if message.to == [kitchen["officer"].email]]
    assert told and "See it in the council portal" in told[0].body
    public = page_text(anonymous.get(page.url))
    assert f"Shared by Leeds City Council {CREDIT}." in public
    shared = parse(anonymous.get(council_url)).find(id="shared").find_next("ul")
    assert [link["href"] for link in shared.find_all("a")] == [page.url]
    assert "Published" in page_text(client.get(proposal.get_absolute_url()))


def test_an_editor_asking_for_changes_is_shown_to_the_proposer(client, kitchen):
    """Changes requested, with the editor's comment, on the council's portal page."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"]), proposal_data(kitchen))
    proposal = RecipeProposal.objects.get()
    approve(proposal.page, action="reject", comment="Add the cost of the card reader.")
    council_page = page_text(
        client.get(reverse("council_portal:council", kwargs={"council_slug": "leeds"}))
    )
    assert "Changes requested" in council_page
    assert "Add the cost of the card reader." in council_page


def test_a_deleted_draft_is_shown_as_not_taken_forward(client, kitchen):
    """An editor deleting the draft leaves the council's record, marked not taken forward."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"]), proposal_data(kitchen))
    proposal = RecipeProposal.objects.get()
    proposal.page.delete()
    assert "Not taken forward" in page_text(client.get(proposal.get_absolute_url()))


def test_a_variation_is_its_own_draft_linked_to_the_recipe_it_varies(client, kitchen):
    """A local variation is a draft recipe that links to the original and says what the
    council changed, as a variation for its council type; published, it is credited."""
    client.force_login(kitchen["officer"])
    form = client.get(create_url(kitchen["council"], based_on=kitchen["recipe"].pk))
    assert parse(form).find("input", attrs={"name": "kind", "value": "variation", "checked": True})
    response = client.post(
        create_url(kitchen["council"]),
        proposal_data(
            kitchen,
            kind="variation",
            based_on=str(kitchen["recipe"].pk),
            difference="We take payment by *direct debit*.",
            title="Pay for a permit by direct debit",
        ),
    )
    assert response.status_code == 302
    proposal = RecipeProposal.objects.get()
    page = proposal.page
    assert proposal.based_on.pk == kitchen["recipe"].pk
    assert [link.related_id for link in page.related_links.all()] == [kitchen["recipe"].pk]
    variation = page.variations[0].value
    assert variation["title"] == "What Leeds changed"
    assert "<em>direct debit</em>" in variation["body"].source
    approve(page)
    public = page_text(client.__class__().get(RecipePage.objects.get(pk=page.pk).url))
    assert "A local variation of Pay for a permit." in public


def test_a_variation_needs_its_recipe_and_what_changed(client, kitchen):
    client.force_login(kitchen["officer"])
    response = client.post(create_url(kitchen["council"]), proposal_data(kitchen, kind="variation"))
    assert response.status_code == 400
    links = error_links(response)
    assert links["#id_based_on"] == "Choose the recipe your variation adapts"
    assert links["#id_difference"] == "Enter what your council changed"


def error_links(response):
    summary = parse(response).find(class_="govuk-error-summary")
    assert summary is not None
    return {link["href"]: text(link) for link in summary.find_all("a")}


def test_submitting_twice_makes_one_proposal(client, kitchen):
    """A double click (the same form sent twice) makes one draft and one workflow."""
    client.force_login(kitchen["officer"])
    data = proposal_data(kitchen)
    first = client.post(create_url(kitchen["council"]), data)
    second = client.post(create_url(kitchen["council"]), data)
    assert first["Location"] == second["Location"]
    assert RecipeProposal.objects.count() == 1
    assert RecipePage.objects.filter(title="Book a school meal").count() == 1
    assert WorkflowState.objects.filter(status="in_progress").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "x" * 100_000}, "id_title", "Recipe title must be 150 characters or fewer"),
        ({"problem": "x" * 5_001}, "id_problem", "must be 5,000 characters or fewer"),
        (
            {"steps-0-body": "x" * 5_001},
            "id_steps-0-body",
            "Step 1: What to do must be 5,000 characters or fewer",
        ),
        (
            {"components-1-component": "no-such-thing"},
            "id_components-1-component",
            "Component 2: There is no component called ‘no-such-thing’",
        ),
        (
            {"components-0-component": "", "components-0-why": "", **management("components", 1)},
            "id_components-0-component",
            "Component 1: Add at least one component",
        ),
        (
            {"steps-0-title": "", "steps-0-body": "", "steps-1-title": "", "steps-1-body": ""},
            "id_steps-0-title",
            "Step 1: Add at least one step",
        ),
        ({"setup_cost_max": "9" * 40}, "id_setup_cost_max", "is too large"),
        ({"setup_cost_max": "10"}, "id_setup_cost_max", "must be the same as or more"),
        ({"outcomes-0-value": "lots"}, "id_outcomes-0-value", "Figure must be a number"),
        ({"standards-0-standard": "999999"}, "id_standards-0-standard", "Choose a standard"),
        ({"title": "Null\x00byte"}, "id_title", "Null characters are not allowed"),
    ],
)
def test_mistakes_and_the_longest_input_get_an_error_summary_and_keep_the_text(
    client, kitchen, overrides, field, message
):
    """Each mistake, the longest input too, is a 400 with the GOV.UK error summary linked
    to the field, never a 500; everything typed is still in the form."""
    client.force_login(kitchen["officer"])
    data = proposal_data(kitchen, **overrides)
    response = client.post(create_url(kitchen["council"]), data)
    assert response.status_code == 400
    links = error_links(response)
    assert message in links.get(f"#{field}", ""), links
    html = response.content.decode()
    for name in ("summary", "needs-0-i_need", "outcomes-0-metric", "components-0-why"):
        assert data[name] in html
    assert not RecipeProposal.objects.exists()


def test_user_text_is_sanitised(client, kitchen):
    """Markdown becomes sanitised HTML: no script or event handler reaches the page."""
    client.force_login(kitchen["officer"])
    client.post(
        create_url(kitchen["council"]),
        proposal_data(
            kitchen,
            problem="<script>alert(1)</script> [x](javascript:alert(1))",
            **{"steps-0-body": '<img src=x onerror="alert(1)">'},
        ),
    )
    page = RecipeProposal.objects.get().page
    approve(page)
    html = client.get(RecipePage.objects.get(pk=page.pk).url).content.decode()
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert not parse(client.get(page.url)).find(attrs={"onerror": True})


def test_add_another_step_and_search_then_pick_keep_what_was_typed(client, kitchen):
    """Without JavaScript: "Add another step" re-renders with one more empty step and no
    errors; searching components lists matches, and "Add" puts one in an empty row."""
    client.force_login(kitchen["officer"])
    data = proposal_data(kitchen, action="add-steps", title="")
    response = client.post(create_url(kitchen["council"]), data)
    assert response.status_code == 200
    soup = parse(response)
    assert soup.find(id="id_steps-2-title") is not None
    assert soup.find(class_="govuk-error-summary") is None
    assert "Take the payment." in response.content.decode()

    data = proposal_data(
        kitchen, action="find-components", component_query="form", **management("components", 1)
    )
    data.pop("components-1-component")
    found = parse(client.post(create_url(kitchen["council"]), data))
    picks = [
        button["value"] for button in found.find_all("button", attrs={"name": "pick_component"})
    ]
    assert picks == ["online-forms"]
    data.pop("action")
    data["pick_component"] = "online-forms"
    picked = parse(client.post(create_url(kitchen["council"]), data))
    assert picked.find(id="id_components-1-component")["value"] == "online-forms"
    assert not RecipeProposal.objects.exists()


def proposal_paths(proposal, council_slug="leeds"):
    return [
        reverse("council_portal:proposal_create", kwargs={"council_slug": council_slug}),
        reverse(
            "council_portal:proposal_detail",
            kwargs={"council_slug": council_slug, "proposal_id": proposal.pk},
        ),
        reverse(
            "council_portal:proposal_edit",
            kwargs={"council_slug": council_slug, "proposal_id": proposal.pk},
        ),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_councils_staff_get_404_on_every_proposal_path(client, kitchen, method):
    """Bradford's officer can neither see Leeds's proposal nor propose for Leeds, whether
    naming Leeds or putting Leeds's proposal id under Bradford."""
    client.force_login(kitchen["officer"])
    # Followed, so Leeds's "thank you" message is read before Bradford signs in.
    client.post(create_url(kitchen["council"]), proposal_data(kitchen), follow=True)
    proposal = RecipeProposal.objects.get()
    bradford = CouncilMembershipFactory(council__name="Bradford", council__slug="bradford")
    client.force_login(bradford.user)
    send = getattr(client, method)
    approve(proposal.page, action="reject", comment="Add costs.")  # so it may be changed
    paths = [*proposal_paths(proposal), *proposal_paths(proposal, "bradford")[1:]]
    for path in paths:
        response = send(path, proposal_data(kitchen)) if method == "post" else send(path)
        assert response.status_code in (404, 405), path
        if method == "get" or not path.endswith(f"/{proposal.pk}/"):
            assert response.status_code == 404, path
    assert RecipeProposal.objects.count() == 1
    bradford_council_page = client.get(
        reverse("council_portal:council", kwargs={"council_slug": "bradford"})
    )
    assert "Book a school meal" not in page_text(bradford_council_page)


def test_not_signed_in_not_staff_and_suppliers_cannot_propose(client, kitchen):
    """Signed out: to the sign-in page. Signed in without a council (a supplier, or
    anyone else): 404. Nothing is made."""
    path = create_url(kitchen["council"])
    response = client.post(path, proposal_data(kitchen))
    assert response.status_code == 302 and "login" in response["Location"]
    supplier = SupplierMembershipFactory().user
    for user in (supplier, UserFactory()):
        client.force_login(user)
        assert client.get(path).status_code == 404
        assert client.post(path, proposal_data(kitchen)).status_code == 404
    assert not RecipeProposal.objects.exists()
    assert not RecipePage.objects.filter(title="Book a school meal").exists()


def test_staff_get_no_wagtail_admin(client, kitchen):
    """Proposing gives council staff no way into the CMS."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"]), proposal_data(kitchen))
    assert client.get("/admin/").status_code == 302


def test_the_council_page_makes_the_same_queries_however_many_proposals(
    client, kitchen, django_assert_max_num_queries
):
    """The portal's list of proposals with their status is a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(kitchen["officer"])
    url = reverse("council_portal:council", kwargs={"council_slug": "leeds"})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.post(create_url(kitchen["council"]), proposal_data(kitchen))
    one = queries()
    for number in range(3):
        client.post(create_url(kitchen["council"]), proposal_data(kitchen, title=f"Meal {number}"))
    assert queries() == one


def test_the_recipe_pages_link_starts_a_variation_of_it(client, kitchen):
    """ "Share how you cook it differently" goes to the officer's council's form, as a
    variation of that recipe."""
    client.force_login(kitchen["officer"])
    recipe = kitchen["recipe"]
    assert "share how you cook it differently" in page_text(client.get(recipe.url))
    response = client.get(reverse("council_portal:share") + f"?based_on={recipe.pk}")
    assert response["Location"] == create_url(kitchen["council"], based_on=recipe.pk)
    form = parse(client.get(response["Location"]))
    assert form.find("option", attrs={"value": str(recipe.pk), "selected": True})


def test_editors_see_who_shared_each_recipe_in_the_admin(client, kitchen):
    """Councils say > Shared recipes lists each proposal with its council."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"]), proposal_data(kitchen))
    client.force_login(UserFactory(is_superuser=True))
    listing = client.get(reverse("wagtailsnippets_recipes_recipeproposal:list"))
    assert listing.status_code == 200
    assert "Book a school meal" in page_text(listing) and "Leeds" in page_text(listing)


@pytest.mark.parametrize(
    "overrides",
    [
        {"steps-TOTAL_FORMS": "100000"},
        {"steps-TOTAL_FORMS": "lots"},
        {"components-TOTAL_FORMS": ""},
        {"action": "add-nothing"},
        {"submission_key": "not-a-key"},
    ],
)
def test_a_tampered_form_is_an_error_never_a_500(client, kitchen, overrides):
    """Row counts and keys that no browser sends are answered with the form again."""
    client.force_login(kitchen["officer"])
    response = client.post(create_url(kitchen["council"]), proposal_data(kitchen, **overrides))
    assert response.status_code in (200, 400)
    assert not RecipeProposal.objects.exists()


def test_pressing_enter_neither_sends_nor_adds_a_row(client, kitchen):
    """The form's first button (the one Enter presses) searches components: with an empty
    search it shows the form again as typed, without errors, and sends nothing."""
    client.force_login(kitchen["officer"])
    form = parse(client.get(create_url(kitchen["council"]))).find("main").find("form")
    first = form.find("button", attrs={"type": "submit"})
    assert (first["name"], first["value"]) == ("action", "find-components")
    data = proposal_data(kitchen, action="find-components", component_query="", title="")
    response = client.post(create_url(kitchen["council"]), data)
    assert response.status_code == 200
    soup = parse(response)
    assert soup.find(class_="govuk-error-summary") is None
    assert soup.find(id="id_summary")["value"] == data["summary"]
    assert not RecipeProposal.objects.exists()


def test_the_form_makes_the_same_queries_however_big_the_catalogue(client, kitchen):
    """Components are typed or searched, never listed, and standards and recipes are read
    once each: the form's query count does not grow with the catalogue."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(kitchen["officer"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(create_url(kitchen["council"])).status_code == 200
            response = client.post(create_url(kitchen["council"]), proposal_data(kitchen))
            assert response.status_code == 302
        return len(captured)

    queries()  # Warms what is read once per process (content types, the workflow).
    before = queries()
    ComponentFactory.create_batch(5)
    StandardFactory.create_batch(5)
    RecipePageFactory.create_batch(3, publish=False)
    assert queries() == before


def test_editors_find_the_draft_awaiting_review_and_can_open_it_in_the_editor(client, kitchen):
    """The moderators' dashboard lists the proposal for review, and the page editor opens
    it with the proposer's content in place."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"]), proposal_data(kitchen))
    page = RecipeProposal.objects.get().page
    client.force_login(kitchen["editor"])
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    assert "Book a school meal" in page_text(dashboard)
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert editor.status_code == 200
    assert "Choose the days" in editor.content.decode()


def form_fields(soup) -> dict:
    """What a browser sends for the form as shown, without pressing any other button."""
    form = soup.find("main").find("form")
    data = {}
    for tag in form.select("input[name]"):
        if tag.get("type") in ("radio", "checkbox") and not tag.has_attr("checked"):
            continue
        data.setdefault(tag["name"], []).append(tag.get("value", ""))
    for tag in form.select("textarea"):
        data[tag["name"]] = [tag.get_text()]
    for tag in form.select("select"):
        chosen = tag.find("option", selected=True)
        data[tag["name"]] = [chosen["value"] if chosen else ""]
    data.pop("csrfmiddlewaretoken", None)
    return data


def edit_url(proposal):
    return reverse(
        "council_portal:proposal_edit",
        kwargs={"council_slug": proposal.council.slug, "proposal_id": proposal.pk},
    )


def test_after_changes_are_requested_the_proposer_changes_it_and_sends_it_again(client, kitchen):
    """The form comes back filled in from the draft (an editor's edits included, its rich
    text as plain text); what they send is a new revision of the draft, back in review
    with the editor, and nothing of the recipe is lost on the way."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"]), proposal_data(kitchen))
    proposal = RecipeProposal.objects.get()
    approve(proposal.page, action="reject", comment="Add the card reader.")
    form = client.get(edit_url(proposal))
    assert form.status_code == 200
    assert "Add the card reader." in page_text(form)
    soup = parse(form)
    assert soup.find(id="id_problem").get_text() == "Parents phone the school every week."
    assert soup.find(id="id_components-1-component")["value"] == "online-forms"
    assert soup.find(id="id_steps-1-body").get_text() == "Take the payment."
    assert soup.find(id="id_needs-0-so_that")["value"] == "I do not have to phone"
    assert soup.find(id="id_outcomes-0-value")["value"] == "80"
    # Sent again as it came back, the recipe is the same but for the lost bold.
    before = RecipePage.objects.get(pk=proposal.page_id).get_latest_revision_as_object()
    response = client.post(
        edit_url(proposal), {**form_fields(soup), "title": "Book and pay for a school meal"}
    )
    assert response.status_code == 302
    after = RecipePage.objects.get(pk=proposal.page_id).get_latest_revision_as_object()
    assert [b.value["title"] for b in after.method] == [b.value["title"] for b in before.method]
    assert after.ingredient_ids("component") == before.ingredient_ids("component")
    assert after.ingredient_ids("standard") == before.ingredient_ids("standard")
    assert (after.setup_cost_max, after.weeks_to_launch) == (5000, 8)
    approve(proposal.page, action="reject", comment="And the costs.")
    response = client.post(
        edit_url(proposal),
        proposal_data(kitchen, title="Book and pay for a school meal", setup_cost_max="6000"),
    )
    assert response["Location"] == proposal.get_absolute_url()
    page = RecipePage.objects.get(pk=proposal.page_id)
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    draft = page.get_latest_revision_as_object()
    assert (draft.title, draft.setup_cost_max) == ("Book and pay for a school meal", 6000)
    assert RecipeProposal.objects.get().title == "Book and pay for a school meal"
    assert RecipePage.objects.filter(proposal__isnull=False).count() == 1


def test_a_proposal_in_review_cannot_be_changed(client, kitchen):
    """While an editor reviews it (or once published) the change form sends the proposer
    back, and a forged post changes nothing."""
    client.force_login(kitchen["officer"])
    client.post(create_url(kitchen["council"]), proposal_data(kitchen))
    proposal = RecipeProposal.objects.get()
    revisions = proposal.page.revisions.count()
    assert client.get(edit_url(proposal))["Location"] == proposal.get_absolute_url()
    client.post(edit_url(proposal), proposal_data(kitchen, title="Changed"))
    assert proposal.page.revisions.count() == revisions
    assert RecipeProposal.objects.get().title == "Book a school meal"


def test_after_a_flush_the_proposal_workflow_is_made_with_its_task_saved(kitchen):
    """With no page workflow at all (a flushed database), the proposal workflow is made
    with its moderators' task in the database: a proposal then waits for an editor
    instead of finishing at once and trying to publish as its proposer."""
    from wagtail.models import Workflow, WorkflowPage, WorkflowTask

    from recipes.services import recipe_index_ensure, recipe_proposal_workflow_ensure

    WorkflowPage.objects.all().delete()
    index = recipe_index_ensure()
    workflow = recipe_proposal_workflow_ensure(index)
    assert WorkflowTask.objects.filter(workflow_id=workflow.pk).count() == 1
    assert recipe_proposal_workflow_ensure(index) == Workflow.objects.get(pk=workflow.pk)
    assert WorkflowTask.objects.filter(workflow_id=workflow.pk).count() == 1
