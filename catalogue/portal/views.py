"""The supplier portal at /supplier/. Every view that names an organisation looks it up
through the signed-in user's memberships, so another organisation's ids answer 404."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import services
from ..images import image_reencode
from ..markdown import render_markdown
from ..models import OFFERING_DESCRIPTION_MAX_LENGTH
from . import selectors
from .forms import InvitationForm, OfferingForm, OrganisationForm

FORM_METHODS = ["GET", "HEAD", "POST"]
log = logging.getLogger(__name__)


def _crumbs(*items):
    return [("Home", "/"), ("Supplier portal", reverse("portal:home")), *items]


def _org_crumb(supplier):
    return (supplier.name, reverse("portal:organisation", kwargs={"supplier_id": supplier.pk}))


@login_required
@require_safe
def home(request):
    memberships = list(selectors.user_memberships(request.user))
    if len(memberships) == 1:
        return redirect(memberships[0].get_absolute_url())
    return render(
        request,
        "portal/home.html",
        {
            "page_title": "Supplier portal",
            "memberships": memberships,
            "breadcrumbs": [("Home", "/"), ("Supplier portal", "")],
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        supplier = services.supplier_create(user=request.user, **form.cleaned_data)
        messages.success(
            request,
            f"{supplier.name} is registered and sent to an editor for review. You can add "
            "offerings now; nothing is public until an editor approves the organisation.",
        )
        return redirect("portal:organisation", supplier_id=supplier.pk)
    return render(
        request,
        "portal/organisation_form.html",
        {
            "page_title": "Register your organisation",
            "form": form,
            "breadcrumbs": _crumbs(("Register your organisation", "")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def organisation(request, supplier_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    return render(
        request,
        "portal/organisation.html",
        {
            "page_title": supplier.name,
            "supplier": supplier,
            "draft": selectors.latest_version(supplier),
            "status": selectors.single_status(supplier),
            "offerings": selectors.supplier_offerings_with_status(supplier),
            "members": supplier.memberships.select_related("user").order_by("created_at"),
            "invitations": selectors.pending_invitations(supplier),
            "breadcrumbs": _crumbs((supplier.name, "")),
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def organisation_edit(request, supplier_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    status = selectors.single_status(supplier)
    form = OrganisationForm(
        request.POST or None,
        instance=selectors.latest_version(supplier),
        public_locked=status.key == "in_review",
    )
    if request.method == "POST" and form.is_valid():
        try:
            public_changes = services.supplier_update(
                supplier=supplier, user=request.user, **form.cleaned_data
            )
        except services.PortalError as problem:
            form.add_error(None, str(problem))
        else:
            if public_changes:
                messages.success(
                    request,
                    "Your changes are saved and sent to an editor for review. The public "
                    "pages show the approved details until then.",
                )
            else:
                messages.success(request, "Your organisation's details are saved.")
            return redirect("portal:organisation", supplier_id=supplier.pk)
    return render(
        request,
        "portal/organisation_form.html",
        {
            "page_title": f"Change {supplier.name}",
            "form": form,
            "supplier": supplier,
            "status": status,
            "breadcrumbs": _crumbs(_org_crumb(supplier), ("Change details", "")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def organisation_submit(request, supplier_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    try:
        services.supplier_submit(supplier=supplier, user=request.user)
    except services.PortalError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Sent to an editor for review.")
    return redirect("portal:organisation", supplier_id=supplier.pk)


@login_required
@require_http_methods(FORM_METHODS)
def organisation_leave(request, supplier_id):
    membership = selectors.user_membership(request.user, supplier_id)
    supplier = membership.supplier
    error = ""
    if request.method == "POST":
        try:
            services.membership_leave(membership=membership)
        except services.PortalError as problem:
            error = str(problem)
        else:
            messages.success(request, f"You have left {supplier.name}.")
            return redirect("portal:home")
    return render(
        request,
        "portal/organisation_leave.html",
        {
            "page_title": f"Leave {supplier.name}",
            "supplier": supplier,
            "error": error,
            "breadcrumbs": _crumbs(_org_crumb(supplier), ("Leave", "")),
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(FORM_METHODS)
def invitation_create(request, supplier_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_create(
            supplier=supplier,
            email=form.cleaned_data["email"],
            invited_by=request.user,
            site_url=f"{request.scheme}://{request.get_host()}",
        )
        messages.success(request, f"We have emailed an invitation to {form.cleaned_data['email']}.")
        return redirect("portal:organisation", supplier_id=supplier.pk)
    return render(
        request,
        "portal/invitation_form.html",
        {
            "page_title": "Invite someone to join",
            "form": form,
            "supplier": supplier,
            "breadcrumbs": _crumbs(_org_crumb(supplier), ("Invite", "")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def invitation_cancel(request, supplier_id, invitation_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    invitation = selectors.supplier_invitation(supplier, invitation_id)
    services.invitation_cancel(invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} is cancelled.")
    return redirect("portal:organisation", supplier_id=supplier.pk)


@require_http_methods(FORM_METHODS)
def invitation_accept(request, token):
    invitation = services.invitation_find(token)
    if invitation is None:
        return render(
            request,
            "portal/invitation_invalid.html",
            {"page_title": "This invitation does not work"},
            status=404,
        )
    if not request.user.is_authenticated:
        return render(
            request,
            "portal/invitation_accept.html",
            {"page_title": f"Join {invitation.supplier.name}", "invitation": invitation},
        )
    if (request.user.email or "").lower() != invitation.email.lower():
        # The link was sent to one address: only the account with that address may use it.
        return render(
            request,
            "portal/invitation_accept.html",
            {
                "page_title": f"Join {invitation.supplier.name}",
                "invitation": invitation,
                "wrong_account": True,
            },
            status=403,
        )
    if request.method == "POST":
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except services.PortalError as problem:
            messages.error(request, str(problem))
            return redirect("portal:home")
        messages.success(request, f"You are now a member of {invitation.supplier.name}.")
        return redirect(membership.get_absolute_url())
    return render(
        request,
        "portal/invitation_accept.html",
        {"page_title": f"Join {invitation.supplier.name}", "invitation": invitation},
    )


def _offering_form_page(request, *, supplier, form, offering=None, status=200):
    title = f"Change {offering.name}" if offering else "Add an offering"
    crumbs = [_org_crumb(supplier)]
    if offering:
        crumbs.append(
            (
                offering.name,
                reverse(
                    "portal:offering",
                    kwargs={"supplier_id": supplier.pk, "offering_id": offering.pk},
                ),
            )
        )
    return render(
        request,
        "portal/offering_form.html",
        {
            "page_title": title,
            "form": form,
            "supplier": supplier,
            "offering": offering,
            "claims": form.formsets["claims"],
            "price_bands": form.formsets["price_bands"],
            "breadcrumbs": _crumbs(*crumbs, (title, "")),
        },
        status=status,
    )


@login_required
@require_http_methods(FORM_METHODS)
def offering_create(request, supplier_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    form = OfferingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            offering = services.offering_create(supplier=supplier, form=form, user=request.user)
        except services.UploadFailed as problem:
            form.add_error("logo", str(problem))
        else:
            messages.success(
                request,
                f"{offering.name} is saved as a draft. Submit it for review when it is ready.",
            )
            return redirect("portal:offering", supplier_id=supplier.pk, offering_id=offering.pk)
    return _offering_form_page(
        request, supplier=supplier, form=form, status=400 if request.method == "POST" else 200
    )


@login_required
@require_safe
def offering(request, supplier_id, offering_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    offering = selectors.supplier_offering(supplier, offering_id)
    draft = selectors.latest_version(offering)
    return render(
        request,
        "portal/offering.html",
        {
            "page_title": draft.name,
            "supplier": supplier,
            "offering": offering,
            "draft": draft,
            "status": selectors.single_status(offering),
            "breadcrumbs": _crumbs(_org_crumb(supplier), (draft.name, "")),
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def offering_edit(request, supplier_id, offering_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    offering = selectors.supplier_offering(supplier, offering_id)
    status = selectors.single_status(offering)
    detail = redirect("portal:offering", supplier_id=supplier.pk, offering_id=offering.pk)
    if not status.can_edit:
        messages.error(request, f"You cannot change an offering that is {status.label.lower()}.")
        return detail
    draft = selectors.latest_version(offering)
    form = OfferingForm(request.POST or None, request.FILES or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            services.offering_update(offering=offering, form=form, user=request.user)
        except services.UploadFailed as problem:
            form.add_error("logo", str(problem))
        except services.PortalError as problem:
            messages.error(request, str(problem))
            return detail
        else:
            messages.success(
                request, "Your changes are saved. Submit them for review to publish them."
            )
            return detail
    return _offering_form_page(
        request,
        supplier=supplier,
        form=form,
        offering=draft,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def offering_submit(request, supplier_id, offering_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    offering = selectors.supplier_offering(supplier, offering_id)
    try:
        services.offering_submit(offering=offering, user=request.user)
    except services.PortalError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request, "Submitted for review. We will email you when an editor has looked at it."
        )
    return redirect("portal:offering", supplier_id=supplier.pk, offering_id=offering.pk)


@login_required
@require_http_methods(FORM_METHODS)
def offering_withdraw(request, supplier_id, offering_id):
    supplier = selectors.user_supplier(request.user, supplier_id)
    offering = selectors.supplier_offering(supplier, offering_id)
    if offering.is_withdrawn:
        return redirect("portal:offering", supplier_id=supplier.pk, offering_id=offering.pk)
    if request.method == "POST":
        services.offering_withdraw(offering=offering, user=request.user)
        messages.success(request, f"{offering.name} is withdrawn and no longer shown publicly.")
        return redirect("portal:organisation", supplier_id=supplier.pk)
    return render(
        request,
        "portal/offering_withdraw.html",
        {
            "page_title": f"Withdraw {offering.name}",
            "supplier": supplier,
            "offering": offering,
            "breadcrumbs": _crumbs(_org_crumb(supplier), (offering.name, "")),
        },
    )


def _can_use_markdown_tools(user) -> bool:
    """Signed-in suppliers and editors; nobody else reaches markdownx's endpoints."""
    if not user.is_authenticated:
        return False
    return user.has_perm("wagtailadmin.access_admin") or user.supplier_memberships.exists()


# The longest markdown field: a longer preview would only be refused on save.
MARKDOWN_PREVIEW_MAX_CHARS = OFFERING_DESCRIPTION_MAX_LENGTH


@require_POST
def markdown_preview(request):
    """django-markdownx's live preview, for suppliers and editors only, rendered by the
    same sanitising function as the public page."""
    if not _can_use_markdown_tools(request.user):
        return HttpResponseForbidden("Sign in as a supplier or editor to preview markdown.")
    content = request.POST.get("content", "")
    if len(content) > MARKDOWN_PREVIEW_MAX_CHARS:
        return JsonResponse({"error": "The text is too long to preview."}, status=400)
    return HttpResponse(render_markdown(content), content_type="text/html; charset=utf-8")


@require_POST
def markdown_image_upload(request):
    """django-markdownx's image upload, for suppliers and editors only: a PNG or JPEG,
    checked by content and re-encoded before it is stored."""
    if not _can_use_markdown_tools(request.user):
        return HttpResponseForbidden("Sign in as a supplier or editor to upload images.")
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"image": ["Select an image"]}, status=400)
    try:
        image = image_reencode(upload, max_bytes=settings.MARKDOWNX_UPLOAD_MAX_SIZE, max_side=1600)
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    try:
        name = default_storage.save(f"markdownx/{image.name}", image)
    except Exception:
        # As for logos (services._store_new_logo): any storage's failure is the user's
        # "try again", not a 500.
        log.warning("Could not store a markdown image", exc_info=True)
        return JsonResponse({"image": ["The image could not be saved. Try again"]}, status=400)
    return JsonResponse({"image_code": f"![]({default_storage.url(name)})"})
