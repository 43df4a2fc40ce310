"""The council portal at /council/, for verified council staff. Every view that names a
council looks it up through the signed-in user's memberships, so another council's
slugs and ids answer 404, as in the supplier portal."""

import hashlib
import uuid

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from catalogue.models import Offering
from catalogue.services import PortalError

from .. import services
from ..models import RecipePage, Review
from . import selectors
from .forms import (
    AdoptionForm,
    ComponentSearchForm,
    OfferingFindForm,
    RecipeChoiceForm,
    RecipeProposalForm,
    ReplyForm,
    ReportForm,
    ReviewForm,
    proposal_data_with_component,
    proposal_data_with_row,
    proposal_form_data,
)

FORM_METHODS = ["GET", "HEAD", "POST"]


def _crumbs(*items):
    return [("Home", "/"), ("Council portal", reverse("council_portal:home")), *items]


def _council_crumb(council):
    return (council.name, reverse("council_portal:council", kwargs={"council_slug": council.slug}))


@login_required
@require_safe
def home(request):
    memberships = list(selectors.user_memberships(request.user))
    if len(memberships) == 1:
        return redirect(memberships[0].get_absolute_url())
    return render(
        request,
        "council_portal/home.html",
        {
            "page_title": "Council portal",
            "memberships": memberships,
            "breadcrumbs": [("Home", "/"), ("Council portal", "")],
        },
    )


def _to_own_council(request, url_name: str, param: str):
    """To a form of the user's council, with the recipe id passed on when it is one (the
    portal home, to choose, if they are staff of several councils or none)."""
    memberships = list(selectors.user_memberships(request.user))
    if len(memberships) != 1:
        return redirect("council_portal:home")
    target = reverse(url_name, kwargs={"council_slug": memberships[0].council.slug})
    recipe_id = request.GET.get(param, "")
    if recipe_id.isascii() and recipe_id.isdigit():
        return redirect(f"{target}?{param}={recipe_id}")
    return redirect(target)


@login_required
@require_safe
def record(request):
    """From a recipe page's "record it" link: to the adoption form."""
    return _to_own_council(request, "council_portal:adoption_create", "recipe")


@login_required
@require_safe
def share(request):
    """From a recipe page's "share your variation" link: to the proposal form, as a
    variation of that recipe."""
    return _to_own_council(request, "council_portal:proposal_create", "based_on")


@login_required
@require_safe
def council(request, council_slug):
    council = selectors.user_council(request.user, council_slug)
    return render(
        request,
        "council_portal/council.html",
        {
            "page_title": council.name,
            "council": council,
            "adoptions": selectors.council_adoptions_with_status(council),
            "reviews": selectors.council_reviews_with_status(council),
            "proposals": selectors.council_proposals_with_status(council),
            "breadcrumbs": _crumbs((council.name, "")),
        },
    )


def _find_form(request) -> tuple[OfferingFindForm, str]:
    """The adoption page's search for another product (GET ?find=), and what it seeks."""
    finder = OfferingFindForm(request.GET if "find" in request.GET else None)
    return finder, finder.cleaned_data["find"] if finder.is_valid() else ""


def _adoption_form_page(request, *, council, recipe, form, finder, adoption=None, status=200):
    title = f"Change how {council.name} cooks this" if adoption else "Record that you cook this"
    if finder.errors:
        status = 400
    return render(
        request,
        "council_portal/adoption_form.html",
        {
            "page_title": title,
            "council": council,
            "recipe": recipe,
            "adoption": adoption,
            "form": form,
            "finder": finder,
            "found": finder.is_valid() and finder.cleaned_data["find"],
            "outcomes": form.formsets["outcomes"],
            "breadcrumbs": _crumbs(_council_crumb(council), (recipe.title, "")),
        },
        status=status,
    )


@login_required
@require_http_methods(FORM_METHODS)
def adoption_create(request, council_slug):
    """Step one chooses the recipe (GET ?recipe=, so it works without JavaScript); step two
    is the adoption form for that recipe."""
    council = selectors.user_council(request.user, council_slug)
    chooser = RecipeChoiceForm(request.GET if "recipe" in request.GET else None)
    if not chooser.is_valid():
        return render(
            request,
            "council_portal/recipe_choice.html",
            {
                "page_title": "Which recipe does your council cook?",
                "council": council,
                "form": chooser,
                "breadcrumbs": _crumbs(_council_crumb(council), ("Record a recipe", "")),
            },
            status=400 if chooser.is_bound else 200,
        )
    recipe = chooser.cleaned_data["recipe"]
    existing = council.adoptions.filter(recipe=recipe).first()
    if existing:
        messages.info(request, "Your council has already recorded this recipe: change it here.")
        return redirect(
            "council_portal:adoption_edit", council_slug=council.slug, adoption_id=existing.pk
        )
    finder, find = _find_form(request)
    form = AdoptionForm(request.POST or None, recipe=recipe, find=find)
    if request.method == "POST" and form.is_valid():
        try:
            services.adoption_record(council=council, recipe=recipe, form=form, user=request.user)
        except PortalError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                f"Thank you. {recipe.title} is sent to an editor; it is public once they "
                "approve it.",
            )
            return redirect("council_portal:council", council_slug=council.slug)
    return _adoption_form_page(
        request,
        council=council,
        recipe=recipe,
        form=form,
        finder=finder,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(FORM_METHODS)
def adoption_edit(request, council_slug, adoption_id):
    council = selectors.user_council(request.user, council_slug)
    adoption = selectors.council_adoption(council, adoption_id)
    status = selectors.single_status(adoption)
    if status.key == "in_review":
        messages.error(
            request, "An editor is reviewing this adoption, so it cannot be changed now."
        )
        return redirect("council_portal:council", council_slug=council.slug)
    draft = selectors.latest_version(adoption)
    finder, find = _find_form(request)
    form = AdoptionForm(request.POST or None, instance=draft, recipe=adoption.recipe, find=find)
    if request.method == "POST" and form.is_valid():
        try:
            services.adoption_update(adoption=adoption, form=form, user=request.user)
        except PortalError as problem:
            messages.error(request, str(problem))
        else:
            messages.success(
                request,
                "Your changes are sent to an editor. The public pages show the approved "
                "version until they approve them.",
            )
        return redirect("council_portal:council", council_slug=council.slug)
    return _adoption_form_page(
        request,
        council=council,
        recipe=adoption.recipe,
        form=form,
        finder=finder,
        adoption=adoption,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(FORM_METHODS)
def review_edit(request, council_slug, kind, thing_id):
    """Write or change the council's one review of a recipe (kind "recipe") or a product
    it records using (kind "offering")."""
    council = selectors.user_council(request.user, council_slug)
    if kind == "recipe":
        recipe, offering = get_object_or_404(RecipePage.objects.live(), pk=thing_id), None
        thing_name, existing = recipe.title, council.reviews.filter(recipe=recipe).first()
    else:
        recipe, offering = None, get_object_or_404(Offering.objects.public(), pk=thing_id)
        thing_name, existing = offering.name, council.reviews.filter(offering=offering).first()
    refusal = services.review_refusal(council=council, user=request.user, offering=offering)
    instance = selectors.latest_version(existing) if existing else Review()
    form = ReviewForm(request.POST or None, instance=instance)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.review_save(
                council=council, user=request.user, form=form, recipe=recipe, offering=offering
            )
        except PortalError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request, f"Thank you. Your review of {thing_name} is sent to an editor."
            )
            return redirect("council_portal:council", council_slug=council.slug)
    return render(
        request,
        "council_portal/review_form.html",
        {
            "page_title": f"Review {thing_name}",
            "council": council,
            "thing_name": thing_name,
            "refusal": refusal,
            "form": form,
            "breadcrumbs": _crumbs(_council_crumb(council), (f"Review {thing_name}", "")),
        },
        status=400 if (request.method == "POST" or refusal) else 200,
    )


@login_required
@require_http_methods(FORM_METHODS)
def review_reply(request, review_id):
    """The reviewed offering's supplier replies once; anyone else gets 404."""
    review = get_object_or_404(
        Review.objects.public().select_related("offering__supplier", "council"),
        pk=review_id,
        offering__supplier__memberships__user=request.user,
    )
    form = ReplyForm(request.POST or None)
    if review.supplier_replied_at:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            services.review_reply(review=review, text=form.cleaned_data["reply"])
        except PortalError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Your reply is published.")
            return redirect(review.offering.get_absolute_url() + "#reviews")
    return render(
        request,
        "council_portal/review_reply.html",
        {"page_title": "Reply to a review", "review": review, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


# How long a reporter's report of one review is remembered: reporting it again within
# this time is thanked but neither recorded again nor counted against the rate limit.
REPORT_REMEMBERED_SECONDS = 24 * 60 * 60


def _reporter(request) -> str:
    """Who is reporting, for the rate limit and for "once per review": the account when
    signed in, otherwise the client address (as allauth's rate limits see it), hashed."""
    if request.user.is_authenticated:
        who = f"user:{request.user.pk}"
    else:
        who = f"ip:{get_adapter(request).get_client_ip(request)}"
    return hashlib.sha256(who.encode()).hexdigest()[:32]


@require_http_methods(FORM_METHODS)
def review_report(request, review_id):
    """Anyone, signed in or not, reports a public review to editors: a few an hour each
    (allauth's rate limits and cache, as for sign-in; 429 beyond), the same review by the
    same reporter once."""
    review = get_object_or_404(Review.objects.public().select_related("council"), pk=review_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        remembered = f"review-reported:{review.pk}:{_reporter(request)}"
        if not cache.get(remembered):
            action = "report_review_user" if request.user.is_authenticated else "report_review_ip"
            if not ratelimit.consume(request, action=action):
                # patterns_site's 429 page says what was limited and for how long.
                request.rate_limited = {"what": "reports", "minutes": 60}
                return ratelimit.respond_429(request)
            services.review_report(review=review, reason=form.cleaned_data["reason"])
            cache.set(remembered, True, REPORT_REMEMBERED_SECONDS)
        return render(request, "council_portal/review_reported.html", {"page_title": "Thank you"})
    return render(
        request,
        "council_portal/review_report.html",
        {"page_title": "Report a review", "review": review, "form": form},
        status=400 if form.errors else 200,
    )


def _proposal_form(request, *, stored=None):
    """The proposal form as posted (or as last sent, `stored`, when changing it), after
    any "Add another", search or pick, which only show the form again, unjudged.
    Returns (form, search, found components or None, whether it is being sent)."""
    posted = request.method == "POST"
    data = request.POST if posted else stored
    action = request.POST.get("action", "") if posted else ""
    picked = request.POST.get("pick_component", "")[:200] if posted else ""
    search = ComponentSearchForm(request.POST if posted else None)
    if action.startswith("add-"):
        data = proposal_data_with_row(data, action.removeprefix("add-"))
    elif picked:
        data = proposal_data_with_component(data, picked)
    form = RecipeProposalForm(data, initial=_proposal_initial(request))
    sending = posted and not action and not picked
    found = None
    if data is not None and not sending:
        form.errors_hidden()
        query = search.cleaned_data["component_query"] if search.is_valid() else ""
        if action == "find-components" and query.strip():
            found = selectors.components_matching(query)
    return form, search, found, sending


def _proposal_form_page(request, *, council, form, search, found, status, proposal=None):
    title = "Change your shared recipe" if proposal else "Share a recipe"
    return render(
        request,
        "council_portal/proposal_form.html",
        {
            "page_title": title,
            "council": council,
            "form": form,
            "search": search,
            "found": found,
            "proposal": proposal,
            "editor_comment": selectors.single_proposal_status(proposal).comment
            if proposal
            else "",
            "breadcrumbs": _crumbs(_council_crumb(council), (title, "")),
        },
        status=status,
    )


@login_required
@require_http_methods(FORM_METHODS)
def proposal_create(request, council_slug):
    """Share a recipe or a local variation (?based_on=<recipe id> starts a variation).
    The form posts back to itself to add rows, find a component and pick it, keeping
    everything typed; "Send to an editor" makes one draft recipe in moderation however
    often it is pressed."""
    council = selectors.user_council(request.user, council_slug)
    form, search, found, sending = _proposal_form(request)
    if sending and form.is_valid():
        try:
            proposal = services.recipe_propose(
                council=council,
                user=request.user,
                content=form.content(),
                submission_key=form.details.cleaned_data["submission_key"],
            )
        except PortalError as problem:
            messages.error(request, str(problem))
            return redirect("council_portal:council", council_slug=council.slug)
        messages.success(
            request,
            f"Thank you. {proposal.title} is sent to an editor. It is published, "
            f"credited to {council.name}, once they approve it.",
        )
        return redirect(proposal.get_absolute_url())
    return _proposal_form_page(
        request,
        council=council,
        form=form,
        search=search,
        found=found,
        status=400 if sending else 200,
    )


@login_required
@require_http_methods(FORM_METHODS)
def proposal_edit(request, council_slug, proposal_id):
    """Change a shared recipe an editor sent back with a comment, and send it again."""
    council = selectors.user_council(request.user, council_slug)
    proposal = selectors.council_proposal(council, proposal_id)
    if selectors.single_proposal_status(proposal).key != "changes_requested":
        messages.error(request, CHANGE_REFUSED)
        return redirect(proposal.get_absolute_url())
    stored = None if request.method == "POST" else proposal_form_data(proposal)
    form, search, found, sending = _proposal_form(request, stored=stored)
    if sending and form.is_valid():
        try:
            services.recipe_proposal_revise(
                proposal=proposal,
                user=request.user,
                content=form.content(),
            )
        except PortalError as problem:
            messages.error(request, str(problem))
        else:
            messages.success(request, "Thank you. Your changes are sent to the editor.")
        return redirect(proposal.get_absolute_url())
    return _proposal_form_page(
        request,
        council=council,
        form=form,
        search=search,
        found=found,
        proposal=proposal,
        status=400 if sending else 200,
    )


CHANGE_REFUSED = "You can change a shared recipe only when an editor asks you to."


def _proposal_initial(request) -> dict:
    initial = {"submission_key": uuid.uuid4(), "kind": "new"}
    based_on = request.GET.get("based_on", "")
    if based_on.isascii() and based_on.isdigit():
        initial.update(kind="variation", based_on=based_on)
    return initial


@login_required
@require_safe
def proposal_detail(request, council_slug, proposal_id):
    council = selectors.user_council(request.user, council_slug)
    proposal = selectors.council_proposal(council, proposal_id)
    status = selectors.single_proposal_status(proposal)
    return render(
        request,
        "council_portal/proposal_detail.html",
        {
            "page_title": proposal.title,
            "council": council,
            "proposal": proposal,
            "status": status,
            "breadcrumbs": _crumbs(_council_crumb(council), (proposal.title, "")),
        },
    )
