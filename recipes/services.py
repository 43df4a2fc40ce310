"""Writes for recipes that are not an editor's: where the recipe index lives, redrawing
architecture pictures when the catalogue they draw changes, and what council staff record
about their own council (adoptions, reviews, proposed recipes), each sent to editors
through a moderation workflow like a supplier's offering (a proposed recipe through the
pages' own workflow)."""

import uuid

from django.apps import apps as global_apps
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import (
    GroupApprovalTask,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from catalogue.markdown import render_markdown
from catalogue.models import Component
from catalogue.services import (
    PortalError,
    moderation_submit,
    moderation_workflow_ensure,
)

from .blocks import COUNCIL_TYPE_CHOICES
from .models import (
    Adoption,
    RecipeIndexPage,
    RecipePage,
    RecipeProposal,
    RecipeRelation,
    Review,
    ReviewReport,
)

# Council moderation: the same editors' group as suppliers' offerings.
COUNCIL_MODERATION_WORKFLOWS = {
    "adoption": ("Council adoption moderation", "Moderate council adoption"),
    "review": ("Council review moderation", "Moderate council review"),
}

RECIPES_INTRO = (
    "<p>Each recipe is a reusable pattern for a council service: its ingredients (common "
    "components, data standards and people), the method, costs and measured outcomes.</p>"
)


class RecipeIndexMissing(Exception):
    """The site has no page a recipe index may go under."""


def recipe_index_ensure() -> RecipeIndexPage:
    """The recipe index, created and published under the default site's root page when
    there is none and Wagtail's page rules allow it there (its parent type is the site's
    home page, which the site layer creates)."""
    index = RecipeIndexPage.objects.first()
    if index is not None:
        return index
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page.specific if site else None
    if root is None or not RecipeIndexPage.can_create_at(root):
        raise RecipeIndexMissing(
            "The site has no home page for recipes to go under: run "
            "`manage.py load_demo_data` to build the page tree."
        )
    index = root.add_child(
        instance=RecipeIndexPage(title="Recipes", slug="recipes", intro=RECIPES_INTRO)
    )
    index.save_revision().publish()
    return index


def architectures_redraw(*, component_ids=(), standard_ids=()) -> int:
    """Redraw the stored picture of every recipe that uses these components or standards
    (directly or through a component's standards), from each page row as it is. Returns
    how many were redrawn."""
    pages = RecipePage.objects.filter(
        Q(components_used__in=component_ids)
        | Q(standards_used__in=standard_ids)
        | Q(components_used__standards__in=standard_ids)
    ).distinct()
    count = 0
    for page in pages:
        page.architecture_draw()
        RecipePage.objects.filter(pk=page.pk).update(
            architecture=page.architecture, architecture_svg=page.architecture_svg
        )
        count += 1
    return count


def architectures_redraw_for(sender, instance, raw=False, **kwargs) -> None:
    """post_save receiver for Component and Standard. After the commit, so that a
    component's standards (saved after the row, by modelcluster) are read as saved."""
    if raw:  # loading fixtures
        return
    if isinstance(instance, Component):
        transaction.on_commit(lambda: architectures_redraw(component_ids=[instance.pk]))
    else:
        transaction.on_commit(lambda: architectures_redraw(standard_ids=[instance.pk]))


def adoption_map_redraw(*, recipe_id: int) -> None:
    """Redraw one recipe's stored map of the councils that adopted it, and recount them."""
    page = RecipePage.objects.filter(pk=recipe_id).first()
    if page is not None:
        page.adoptions_summarise()
        RecipePage.objects.filter(pk=page.pk).update(
            adoption_map_svg=page.adoption_map_svg, adoption_count=page.adoption_count
        )


def adoption_counts_rebuild(*, recipe_ids=None) -> None:
    """Recount the public adoptions of some recipes (all when recipe_ids is None) in one
    statement, for adoptions written in bulk, which send no signal (bench's seed_scale)."""
    recipes = RecipePage.objects.all()
    if recipe_ids is not None:
        recipes = recipes.filter(pk__in=list(recipe_ids))
    counts = (
        Adoption.objects.public()
        .filter(recipe=OuterRef("pk"))
        .order_by()
        .values("recipe")
        .annotate(n=Count("pk"))
        .values("n")
    )
    recipes.update(adoption_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))


def adoption_map_redraw_for(sender, instance, raw=False, **kwargs) -> None:
    """post_save and post_delete receiver for Adoption: recount the recipe's adoptions at
    once (one statement, in the saving transaction), redraw its map after the commit."""
    if not raw:
        recipe_id = instance.recipe_id
        adoption_counts_rebuild(recipe_ids=[recipe_id])
        transaction.on_commit(lambda: adoption_map_redraw(recipe_id=recipe_id))


def review_deleted(sender, instance, **kwargs) -> None:
    """post_delete receiver for Review: deleted one by one or with its council (a
    cascade, which calls no delete()), it no longer counts in its offering's rating."""
    instance.offering_rating_refresh()


def council_moderation_workflow_ensure(*, apps=global_apps, model: str = "adoption"):
    """The council moderation workflows (catalogue.services.moderation_workflow_ensure for
    recipes' models). Safe to run again; takes a migration's `apps`."""
    return moderation_workflow_ensure(
        apps=apps, model=model, app_label="recipes", workflows=COUNCIL_MODERATION_WORKFLOWS
    )


def _council_submit(obj, *, user) -> WorkflowState:
    return moderation_submit(obj, user=user, workflow_ensure=council_moderation_workflow_ensure)


@transaction.atomic
def adoption_record(*, council, recipe, form, user) -> Adoption:
    """Record that a council cooks a recipe, from the council portal form, and send it to
    editors: nothing about it is public until one approves it."""
    if Adoption.objects.filter(council=council, recipe=recipe).exists():
        raise PortalError("Your council has already recorded this recipe: change it instead.")
    adoption = form.save(commit=False)
    adoption.council = council
    adoption.recipe = recipe
    adoption.live = False
    adoption.reported_by_staff = True
    adoption.reported_by = user
    adoption.save()
    adoption.save_revision(user=user)
    _council_submit(adoption, user=user)
    return adoption


@transaction.atomic
def adoption_update(*, adoption: Adoption, form, user) -> Adoption:
    """Save council staff's changes as a revision and send it to editors. A published
    adoption's row (what the public sees) keeps the approved version until then; nothing
    can change while an editor is reviewing, so they approve what they saw."""
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
    if adoption.workflow_in_progress:
        raise PortalError("An editor is reviewing this adoption, so it cannot be changed now.")
    changed = form.save(commit=False)
    changed.reported_by_staff = True
    changed.reported_by = user
    if not adoption.live:
        # Nothing public reads an unapproved row: keep it in step for the portal's lists.
        changed.save()
    changed.save_revision(user=user)
    _council_submit(changed, user=user)
    return changed


def review_refusal(*, council, user, offering=None) -> str:
    """Why this council's staff member may not review the offering ("" if they may): the
    council must record using it, and nobody reviews their own organisation's product."""
    if offering is None:
        return ""
    if user.supplier_memberships.filter(supplier_id=offering.supplier_id).exists():
        return "You cannot review your own organisation's product."
    if not Adoption.objects.filter(council=council, offerings_used=offering).exists():
        return (
            "Only councils that record using a product can review it. Record the recipe "
            "you use it in first, with this product among the products you use."
        )
    return ""


@transaction.atomic
def review_save(*, council, user, form, recipe=None, offering=None) -> Review:
    """Write or change the council's one review of a recipe or an offering, and send it to
    editors; a published review stays as approved until they approve the change."""
    refusal = review_refusal(council=council, user=user, offering=offering)
    if refusal:
        raise PortalError(refusal)
    existing = form.instance if form.instance.pk else None
    if existing and Review.objects.get(pk=existing.pk).workflow_in_progress:
        raise PortalError("An editor is reviewing this review, so it cannot be changed now.")
    review = form.save(commit=False)
    review.council, review.recipe, review.offering = council, recipe, offering
    review.reported_by = user
    if existing is None:
        review.live = False
        review.save()
    elif not Review.objects.get(pk=review.pk).live:
        review.save()
    review.save_revision(user=user)
    _council_submit(review, user=user)
    return review


@transaction.atomic
def review_reply(*, review: Review, text: str) -> Review:
    """The offering's supplier answers a review, once, publicly and at once."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.supplier_replied_at:
        raise PortalError("Your organisation has already replied to this review.")
    review.supplier_reply = text
    review.supplier_replied_at = timezone.now()
    review.full_clean(exclude=["council", "recipe", "offering", "worked", "rating"])
    review.save(update_fields=["supplier_reply", "supplier_reply_html", "supplier_replied_at"])
    return review


def review_report(*, review: Review, reason: str) -> ReviewReport:
    """Anyone reports a review for editors to look at."""
    return ReviewReport.objects.create(review=review, reason=reason)


# Proposed recipes go to the editors who moderate pages (Wagtail's "Moderators" group).
PAGE_MODERATORS_GROUP_NAME = "Moderators"
PROPOSAL_WORKFLOW_NAME = "Recipe moderation"


def recipe_proposal_workflow_ensure(index: RecipeIndexPage) -> Workflow:
    """The page workflow recipes under the index go through: Wagtail's own (its migrations
    assign "Moderators approval" to the root page), or, after a database flush, a
    moderators' approval assigned to the index. Safe to run again."""
    workflow = index.get_workflow()
    if workflow is not None:
        return workflow
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=PAGE_MODERATORS_GROUP_NAME)
    task, _ = GroupApprovalTask.objects.get_or_create(name="Moderators approval")
    task.groups.add(group)
    workflow, _ = Workflow.objects.get_or_create(name=PROPOSAL_WORKFLOW_NAME)
    # Not workflow.workflow_tasks.create(): on a cluster that keeps the task in memory
    # only, so the workflow had no task, started, finished at once and tried to publish.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def _sibling_slug(index: RecipeIndexPage, title: str) -> str:
    base = slugify(title)[:70].strip("-") or "proposed-recipe"
    taken = set(index.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _raw_stream(blocks) -> list[dict]:
    return [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]


def _rich_text(markdown: str) -> str:
    """A proposer's Markdown as the sanitised HTML a rich text field holds."""
    return render_markdown(markdown) if markdown.strip() else ""


def proposal_page_values(content: dict, *, council) -> dict:
    """RecipePage field values from what council staff typed (RecipeProposalForm.content):
    the same structure as an editor's recipe. Markdown becomes sanitised HTML; a
    variation's "what we changed" becomes the recipe's variation for the council's type."""
    variations = [
        ("variation", {"council_type": code, "title": title, "body": _rich_text(body)})
        for code, title, body in content["variations"]
    ]
    if content["kind"] == RecipeProposal.Kind.VARIATION and content["difference"].strip():
        code = council.council_type.code
        variations.insert(
            0,
            (
                "variation",
                {
                    "council_type": code if code in dict(COUNCIL_TYPE_CHOICES) else "",
                    "title": f"What {council.name} changed",
                    "body": _rich_text(content["difference"]),
                },
            ),
        )
    return {
        "title": content["title"],
        "summary": content["summary"],
        "problem": _rich_text(content["problem"]),
        "when_to_use": _rich_text(content["when_to_use"]),
        "when_not_to_use": _rich_text(content["when_not_to_use"]),
        "user_needs": _raw_stream(
            ("user_need", {"as_a": as_a, "i_need": i_need, "so_that": so_that})
            for as_a, i_need, so_that in content["user_needs"]
        ),
        "ingredients": _raw_stream(
            [
                *(
                    ("component", {"component": component.pk, "why": why})
                    for component, why in content["components"]
                ),
                *(
                    ("standard", {"standard": standard.pk, "why": why})
                    for standard, why in content["standards"]
                ),
                *(
                    ("people", {"role": role, "days": str(days), "notes": notes})
                    for role, days, notes in content["people"]
                ),
            ]
        ),
        "method": _raw_stream(
            (
                "step",
                {"title": title, "body": _rich_text(body), "design_system": "", "components": []},
            )
            for title, body in content["steps"]
        ),
        "outcomes": _raw_stream(
            (
                "outcome",
                {
                    **outcome,
                    "value": str(outcome["value"]),
                    "baseline": None if outcome["baseline"] is None else str(outcome["baseline"]),
                    "date": None,
                },
            )
            for outcome in content["outcomes"]
        ),
        "variations": _raw_stream(variations),
        **{name: content[name] for name in PROPOSAL_COST_FIELDS},
    }


PROPOSAL_COST_FIELDS = (
    "setup_cost_min",
    "setup_cost_max",
    "yearly_cost_min",
    "yearly_cost_max",
    "staff_effort_days",
    "weeks_to_launch",
)


def recipe_propose(
    *, council, user, content: dict, submission_key, is_sample: bool = False
) -> RecipeProposal:
    """Make what council staff proposed a draft recipe under the recipe index, credited
    to their council, and send it to editors through the page moderation workflow (they
    get Wagtail's usual moderation email). Nothing is public until an editor publishes it.

    The same submission_key again (a double click, a resent form) returns the first
    proposal instead of making another; the proposal row is written first, so a second
    request at the same moment waits on its unique key and then finds the first."""
    existing = RecipeProposal.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return _same_council(existing, council)
    try:
        with transaction.atomic():
            return _recipe_propose(
                council=council,
                user=user,
                content=content,
                submission_key=submission_key,
                is_sample=is_sample,
            )
    except IntegrityError:
        existing = RecipeProposal.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return _same_council(existing, council)


def _same_council(proposal: RecipeProposal, council) -> RecipeProposal:
    if proposal.council_id != council.pk:
        raise PortalError("This form was already sent. Start a new proposal.")
    return proposal


def _recipe_propose(*, council, user, content, submission_key, is_sample) -> RecipeProposal:
    based_on = content["based_on"] if content["kind"] == RecipeProposal.Kind.VARIATION else None
    proposal = RecipeProposal.objects.create(
        council=council,
        proposed_by=user,
        kind=content["kind"],
        based_on=based_on,
        title=content["title"],
        submission_key=submission_key,
        is_sample=is_sample,
    )
    index = recipe_index_ensure()
    page = RecipePage(
        live=False,
        has_unpublished_changes=True,
        owner=user,
        slug=_sibling_slug(index, content["title"]),
    )
    _proposal_page_apply(page, content=content, council=council, based_on=based_on)
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    proposal.page = page
    proposal.save(update_fields=["page"])
    recipe_proposal_workflow_ensure(index).start(page, user)
    return proposal


def _proposal_page_apply(page: RecipePage, *, content, council, based_on) -> None:
    for name, value in proposal_page_values(content, council=council).items():
        setattr(page, name, value)
    page.serves.set(content["serves"])
    page.related_links.set([RecipeRelation(related=based_on)] if based_on else [])


@transaction.atomic
def recipe_proposal_revise(*, proposal: RecipeProposal, user, content: dict) -> None:
    """After an editor asked for changes: the staff member's changed proposal replaces
    the draft's content (as a new revision; editors see both in its history) and goes
    back to the editor, in the same workflow."""
    proposal = RecipeProposal.objects.select_for_update().get(pk=proposal.pk)
    page = proposal.page
    state = page.current_workflow_state if page else None
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        raise PortalError("You can change a shared recipe only when an editor asks you to.")
    based_on = content["based_on"] if content["kind"] == RecipeProposal.Kind.VARIATION else None
    draft = page.get_latest_revision_as_object()
    _proposal_page_apply(draft, content=content, council=proposal.council, based_on=based_on)
    draft.save_revision(user=user, log_action=True)
    proposal.kind, proposal.based_on, proposal.title = content["kind"], based_on, content["title"]
    proposal.save(update_fields=["kind", "based_on", "title"])
    state.resume(user=user)
