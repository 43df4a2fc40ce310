"""The recipe editor in the Wagtail admin: the change note, collapsed blocks, moderation."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.test import override_settings
from wagtail.models import Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from recipes.admin_forms import CHANGE_NOTE_MISSING, CHANGE_NOTE_REPEATED
from recipes.models import RecipePage
from tests.factories import RecipePageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, page_tree):
    user = UserFactory(is_superuser=True, email="editor@example.gov.uk")
    client.force_login(user)
    return user


def list_block(items) -> dict:
    """A ListBlock's value as the editor's form posts it."""
    data = {"count": len(items)}
    for number, item in enumerate(items):
        value = item["value"] if isinstance(item, dict) else item
        data[str(number)] = {"value": value, "deleted": "", "order": number, "id": ""}
    return data


def stream_data(field):
    """A StreamField's value as the editor's form posts it."""
    items = []
    for item in field.raw_data:
        value = dict(item["value"])
        for name in ("body",):
            if name in value:
                value[name] = rich_text(value[name])
        for name, inner in list(value.items()):
            if isinstance(inner, list):
                value[name] = list_block(inner)
        items.append((item["type"], value))
    return streamfield(items)


def edit_form_data(page: RecipePage, **changes) -> dict:
    """What the recipe edit form posts for the page as it is, with changes."""
    page = RecipePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    data = {
        "title": page.title,
        "slug": page.slug,
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "summary": page.summary,
        "problem": rich_text(page.problem),
        "when_to_use": rich_text(page.when_to_use),
        "when_not_to_use": rich_text(page.when_not_to_use),
        "user_needs": stream_data(page.user_needs),
        "ingredients": stream_data(page.ingredients),
        "method": stream_data(page.method),
        "outcomes": stream_data(page.outcomes),
        "variations": stream_data(page.variations),
        "related_links": inline_formset([]),
        "lgsl_links": inline_formset([]),
        "maturity": page.maturity,
        "last_reviewed": page.last_reviewed.isoformat() if page.last_reviewed else "",
        "serves_population_min": "",
        "serves_population_max": "",
        "volume_driver": page.volume_driver,
        "volume_per_1000_residents": "",
        "change_summary": page.change_summary,
        "comments": inline_formset([]),
    }
    for name in ("setup_cost", "yearly_cost"):
        data[f"{name}_min"] = str(getattr(page, f"{name}_min"))
        data[f"{name}_max"] = str(getattr(page, f"{name}_max"))
    data["staff_effort_days"] = str(page.staff_effort_days)
    data["weeks_to_launch"] = str(page.weeks_to_launch)
    data.update(changes)
    return nested_form_data(data)


def post_edit(client, page, action="action-publish", **changes):
    data = edit_form_data(page, **changes)
    data[action] = "action"
    return client.post(f"/admin/pages/{page.pk}/edit/", data)


def error_messages(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(e.get_text().split()) for e in soup.select(".error-message")]


def public_change_log(client, page) -> list[str]:
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    items = soup.find(id="changes").find_next("ul").find_all("li")
    return [" ".join(li.get_text().split()).split(": ", 1)[1] for li in items]


def test_publishing_a_published_recipe_without_a_change_note_is_refused(client, editor):
    """Publishing again with no change note keeps the editor on the form with a clear
    error, publishes nothing and keeps what they typed."""
    recipe = RecipePageFactory(slug="bins", title="Bins")
    response = post_edit(client, recipe, title="Bins, retitled", change_summary="")
    assert response.status_code == 200
    assert CHANGE_NOTE_MISSING in " ".join(error_messages(response))
    assert 'value="Bins, retitled"' in response.content.decode()
    assert RecipePage.objects.get(pk=recipe.pk).title == "Bins"
    assert public_change_log(client, recipe) == ["First published"]


def test_the_change_note_given_on_publishing_is_in_the_public_history(client, editor):
    """The note typed when publishing is the newest entry in the recipe's public change
    log, and in the API's change log."""
    recipe = RecipePageFactory(slug="bins")
    response = post_edit(client, recipe, change_summary="Added the UPRN standard.")
    assert response.status_code == 302, error_messages(response)
    assert public_change_log(client, recipe) == ["Added the UPRN standard.", "First published"]
    api = client.get("/api/recipes/bins/").json()["change_log"]
    assert [entry["summary"] for entry in api] == public_change_log(client, recipe)


def test_the_note_starts_empty_once_published_and_cannot_be_reused(client, editor):
    """After a publication the form offers an empty note, and the same note again is
    refused: the log would show it as minor edits."""
    recipe = RecipePageFactory(slug="bins")
    assert post_edit(client, recipe, change_summary="Added costs.").status_code == 302
    soup = BeautifulSoup(client.get(f"/admin/pages/{recipe.pk}/edit/").content, "html.parser")
    assert soup.find("input", attrs={"name": "change_summary"}).get("value", "") == ""
    response = post_edit(client, recipe, change_summary="Added costs.")
    assert response.status_code == 200
    assert CHANGE_NOTE_REPEATED in " ".join(error_messages(response))


def test_saving_a_draft_needs_no_change_note(client, editor):
    """A draft is saved without a note; the note is needed only to publish."""
    recipe = RecipePageFactory(slug="bins")
    response = post_edit(client, recipe, action="action-save", title="Draft", change_summary="")
    assert response.status_code == 302, error_messages(response)
    assert RecipePage.objects.get(pk=recipe.pk).get_latest_revision_as_object().title == "Draft"


def test_a_recipe_first_published_needs_no_note(client, editor):
    """The first publication is logged as "First published", so needs no note."""
    draft = RecipePageFactory(slug="new", live=False, publish=False)
    draft.save_revision()
    response = post_edit(client, draft, change_summary="")
    assert response.status_code == 302, error_messages(response)
    assert public_change_log(client, draft) == ["First published"]


def test_recipe_streams_start_collapsed_with_labels(client, editor):
    """Every stream on the recipe editor starts collapsed, and each block's collapsed
    header is built from what is inside it."""
    recipe = RecipePageFactory(slug="bins")
    soup = BeautifulSoup(client.get(f"/admin/pages/{recipe.pk}/edit/").content, "html.parser")
    definitions = {}
    for name in ("user_needs", "ingredients", "method", "outcomes", "variations"):
        definitions[name] = soup.find(id=name)["data-w-block-data-value"]
    for name, definition in definitions.items():
        stream_meta = json.loads(definition)["_args"][3]
        assert stream_meta["collapsed"] is True, name
    assert '"labelFormat": "{title}"' in definitions["method"]
    assert '"labelFormat": "{component}"' in definitions["ingredients"]
    assert '"labelFormat": "{metric}: {value} {unit}"' in definitions["outcomes"]


@override_settings(WAGTAILADMIN_BASE_URL="https://plumbing.example.gov.uk")
def test_one_email_per_recipe_submission_linking_to_the_configured_site(client, page_tree):
    """Sending a recipe for review emails each moderator once, with links on the
    configured site address, and the submitting editor gets none."""
    moderators = Group.objects.get(name="Moderators")
    moderator = UserFactory(email="moderator@example.gov.uk")
    moderator.groups.add(moderators)
    UserFactory(is_superuser=True, email="admin@example.gov.uk")
    author = UserFactory(email="author@example.gov.uk")
    author.groups.add(Group.objects.get(name="Editors"))
    assert Workflow.objects.filter(active=True).exists()
    recipe = RecipePageFactory(slug="bins")
    client.force_login(author)
    mail.outbox.clear()
    response = post_edit(client, recipe, action="action-submit", change_summary="New costs.")
    assert response.status_code == 302, error_messages(response)
    assert [m.to for m in mail.outbox] == [["moderator@example.gov.uk"]]
    links = re.findall(r"https?://\S+", mail.outbox[0].body)
    assert links and all(link.startswith("https://plumbing.example.gov.uk/") for link in links)
    assert f"/admin/pages/{recipe.pk}/edit/" in mail.outbox[0].body


def test_sending_a_published_recipe_for_review_needs_a_change_note(client, editor):
    """Submit for review is refused without a note, as publishing is: the reviewer
    publishes the note it was sent with."""
    recipe = RecipePageFactory(slug="bins")
    response = post_edit(client, recipe, action="action-submit", change_summary="")
    assert response.status_code == 200
    assert CHANGE_NOTE_MISSING in " ".join(error_messages(response))
    assert RecipePage.objects.get(pk=recipe.pk).current_workflow_state is None


def test_block_previews_use_the_site_styles(client, editor):
    """The block picker's preview of a method step is drawn with the site's stylesheet
    and the step's sample content."""
    from recipes.blocks import MethodStepBlock

    block_id = RecipePage.method.field.stream_block.child_blocks["step"].definition_prefix
    assert isinstance(RecipePage.method.field.stream_block.child_blocks["step"], MethodStepBlock)
    response = client.get("/admin/block-preview/", {"id": block_id})
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/plumbing.css" in html
    assert "Check the address" in html
