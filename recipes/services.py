"""Writes for recipes that are not an editor's: where the recipe index lives, redrawing
architecture pictures when the catalogue they draw changes, and what council staff record
about their own council (adoptions, reviews), each sent to editors through a moderation
workflow like a supplier's offering."""

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site, WorkflowState

from catalogue.models import Component
from catalogue.services import PortalError, moderation_submit, moderation_workflow_ensure

from .models import Adoption, RecipeIndexPage, RecipePage, Review, ReviewReport

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
    """Redraw one recipe's stored map of the councils that adopted it."""
    page = RecipePage.objects.filter(pk=recipe_id).first()
    if page is not None:
        page.adoption_map_draw()
        RecipePage.objects.filter(pk=page.pk).update(adoption_map_svg=page.adoption_map_svg)


def adoption_map_redraw_for(sender, instance, raw=False, **kwargs) -> None:
    """post_save and post_delete receiver for Adoption."""
    if not raw:
        recipe_id = instance.recipe_id
        transaction.on_commit(lambda: adoption_map_redraw(recipe_id=recipe_id))


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
