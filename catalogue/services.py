"""Writes for the supplier portal and moderation: organisations, memberships,
invitations, and offerings from draft to review to published or withdrawn.

Views call these with validated data; each function is one thing a user does.
"""

import hashlib
import secrets
from datetime import timedelta

from django.apps import apps as global_apps
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import WorkflowState

from .models import Offering, Supplier, SupplierInvitation, SupplierMembership

MODERATION_WORKFLOW_NAME = "Supplier offering moderation"
MODERATION_TASK_NAME = "Moderate supplier offering"
MODERATORS_GROUP_NAME = "Offering moderators"
INVITATION_LIFETIME = timedelta(days=7)


class PortalError(Exception):
    """A portal action that cannot happen in the offering's or organisation's state; the
    message is shown to the user."""


def moderation_workflow_ensure(*, apps=global_apps):
    """Create the "Offering moderators" group, the "Supplier offering moderation"
    workflow with one group-approval task for it, and assign the workflow to offerings.
    Safe to run again. Takes a migration's `apps` so the data migration can call it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    offering_type, _ = ContentType.objects.get_or_create(app_label="catalogue", model="offering")
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )

    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP_NAME)
    wanted = [
        (admin_type, "access_admin", "Can access Wagtail admin"),
        (offering_type, "view_offering", "Can view offering"),
        (offering_type, "change_offering", "Can change offering"),
        (offering_type, "publish_offering", "Can publish offering"),
    ]
    for content_type, codename, name in wanted:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)

    task = GroupApprovalTask.objects.filter(name=MODERATION_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=MODERATION_TASK_NAME, content_type=task_type, active=True
        )
    task.groups.add(group)

    workflow, created = Workflow.objects.get_or_create(
        name=MODERATION_WORKFLOW_NAME, defaults={"active": True}
    )
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.get_or_create(
        content_type=offering_type, defaults={"workflow": workflow}
    )
    return workflow


def _unique_slug(model, name: str, *, fallback: str) -> str:
    base = slugify(name)[:80] or fallback
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def supplier_create(*, user, **fields) -> Supplier:
    """Register an organisation with the signed-in user as its first member."""
    supplier = Supplier(**fields)
    supplier.slug = _unique_slug(Supplier, supplier.name, fallback="supplier")
    supplier.full_clean()
    supplier.save()
    SupplierMembership.objects.create(user=user, supplier=supplier)
    return supplier


def supplier_update(*, supplier: Supplier, **fields) -> Supplier:
    """Change an organisation's details (its slug, and so its public URL, stays)."""
    for name, value in fields.items():
        setattr(supplier, name, value)
    supplier.full_clean()
    supplier.save()
    return supplier


@transaction.atomic
def membership_leave(*, membership: SupplierMembership) -> None:
    """Leave an organisation. The last member cannot leave, so an organisation with
    offerings always has someone who can change them."""
    others = (
        SupplierMembership.objects.select_for_update()
        .filter(supplier_id=membership.supplier_id)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise PortalError(
            "You are the only member, so you cannot leave. Invite someone else first."
        )
    membership.delete()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, supplier: Supplier, email: str, invited_by, site_url: str):
    """Invite someone by email to join an organisation. Returns the invitation and the
    one-off token in the link (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    invitation = SupplierInvitation.objects.create(
        supplier=supplier,
        email=email,
        token_hash=_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    link = site_url + reverse("portal:invitation_accept", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "inviter": invited_by}
    send_mail(
        subject=f"Join {supplier.name} on Plumbing",
        message=render_to_string("portal/email/invitation.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return invitation, token


def invitation_find(token: str) -> SupplierInvitation | None:
    """The unused, unexpired invitation with this token, or None."""
    if not token or len(token) > 100:
        return None
    return (
        SupplierInvitation.objects.select_related("supplier", "invited_by")
        .filter(
            token_hash=_token_hash(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: SupplierInvitation, user) -> SupplierMembership:
    """Join the organisation; the invitation cannot be used again."""
    invitation = SupplierInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.expires_at <= timezone.now():
        raise PortalError("This invitation has already been used or has expired.")
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership, _ = SupplierMembership.objects.get_or_create(
        user=user, supplier_id=invitation.supplier_id
    )
    return membership


def invitation_cancel(*, invitation: SupplierInvitation) -> None:
    """Withdraw an invitation that has not been accepted."""
    if invitation.accepted_at is None:
        invitation.delete()


def _clear_changed_verifications(form) -> None:
    """A claim whose standard, evidence or statement the supplier changed must be
    verified again; an untouched claim keeps its verification."""
    for claim_form in form.formsets["claims"].forms:
        if claim_form.has_changed() and claim_form.instance.verified_at:
            claim_form.instance.verified_at = None
            claim_form.instance.verified_by = None


def _store_new_logo(offering: Offering) -> None:
    """Write a newly uploaded (re-encoded) logo to storage now: a revision of a published
    offering is saved without saving the row, which is what would otherwise store it."""
    logo = offering.logo
    if logo and not getattr(logo, "_committed", True):
        logo.save(logo.name, logo.file, save=False)


@transaction.atomic
def offering_create(*, supplier: Supplier, form, user) -> Offering:
    """Save a new offering from the portal form as a draft, with its first revision."""
    offering = form.save(commit=False)
    offering.supplier = supplier
    offering.slug = _unique_slug(Offering, offering.name, fallback="offering")
    offering.live = False
    offering.save()
    offering.save_revision(user=user)
    return offering


@transaction.atomic
def offering_update(*, offering: Offering, form, user) -> Offering:
    """Save the supplier's changes as a new revision. A published offering's row (what
    the public sees) stays as approved until an editor approves the change."""
    if offering.is_withdrawn:
        raise PortalError("This offering has been withdrawn, so it cannot be changed.")
    if offering.workflow_in_progress:
        raise PortalError("This offering is being reviewed, so it cannot be changed now.")
    _clear_changed_verifications(form)
    changed = form.save(commit=False)
    _store_new_logo(changed)
    if not offering.live:
        # Nothing public reads a draft's row, so keep it in step for the portal's lists.
        changed.save()
    changed.save_revision(user=user)
    return changed


@transaction.atomic
def offering_submit(*, offering: Offering, user) -> WorkflowState:
    """Send the latest revision to editors: start the moderation workflow, or resume it
    after changes were requested."""
    if offering.is_withdrawn:
        raise PortalError("This offering has been withdrawn, so it cannot be submitted.")
    state = offering.current_workflow_state
    if state and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise PortalError("This offering is already waiting for review.")
    if offering.live and not offering.has_unpublished_changes:
        raise PortalError("There are no changes to submit: the published version is current.")
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
        return state
    workflow = offering.get_workflow() or moderation_workflow_ensure()
    return workflow.start(offering, user)


@transaction.atomic
def offering_withdraw(*, offering: Offering, user) -> Offering:
    """Take an offering off the public site and stop any review of it."""
    state = offering.current_workflow_state
    if state:
        state.cancel(user=user)
    offering.withdrawn_at = timezone.now()
    offering.save(update_fields=["withdrawn_at"])
    return offering
