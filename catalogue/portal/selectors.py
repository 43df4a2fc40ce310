"""Reads for the supplier portal. Every query starts from the signed-in user's
memberships, so another organisation's objects are simply not found (404)."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from wagtail.models import WorkflowState

from ..models import Offering, Supplier, SupplierInvitation, SupplierMembership


def user_memberships(user) -> QuerySet[SupplierMembership]:
    return SupplierMembership.objects.filter(user=user).select_related("supplier")


def user_supplier(user, supplier_id: int) -> Supplier:
    """The organisation, if the user is a member of it; 404 otherwise."""
    return get_object_or_404(Supplier, pk=supplier_id, memberships__user=user)


def user_membership(user, supplier_id: int) -> SupplierMembership:
    return get_object_or_404(
        SupplierMembership.objects.select_related("supplier"), user=user, supplier_id=supplier_id
    )


def supplier_offering(supplier: Supplier, offering_id: int) -> Offering:
    """One of the organisation's offerings; 404 if it belongs to another."""
    return get_object_or_404(Offering, pk=offering_id, supplier=supplier)


def supplier_invitation(supplier: Supplier, invitation_id: int) -> SupplierInvitation:
    return get_object_or_404(
        SupplierInvitation, pk=invitation_id, supplier=supplier, accepted_at__isnull=True
    )


def pending_invitations(supplier: Supplier) -> QuerySet[SupplierInvitation]:
    return supplier.invitations.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


@dataclass
class ModerationStatus:
    """What the portal tells a supplier about an offering or their organisation: a GOV.UK
    tag, and an editor's comment when changes were requested."""

    label: str
    colour: str
    key: str
    comment: str = ""
    has_draft_changes: bool = False

    @property
    def can_edit(self):
        return self.key not in {"in_review", "withdrawn"}

    @property
    def can_submit(self):
        return self.key in {"draft", "changes_requested"} or (
            self.key == "published" and self.has_draft_changes
        )

    @property
    def can_withdraw(self):
        return self.key != "withdrawn"


def moderation_status(obj, state: WorkflowState | None) -> ModerationStatus:
    """The status of an offering or organisation, from its row and its active workflow
    state (in review, or changes requested)."""
    if getattr(obj, "is_withdrawn", False):
        return ModerationStatus("Withdrawn", "grey", "withdrawn")
    if state and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return ModerationStatus("In review", "blue", "in_review")
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        task_state = state.current_task_state
        comment = task_state.comment if task_state else ""
        return ModerationStatus("Changes requested", "orange", "changes_requested", comment)
    if obj.live:
        return ModerationStatus(
            "Published", "green", "published", has_draft_changes=obj.has_unpublished_changes
        )
    return ModerationStatus("Draft", "grey", "draft")


def current_workflow_states(objects) -> dict[str, WorkflowState]:
    """The in-progress or needs-changes workflow state of each object (all of one model),
    in one query."""
    if not objects:
        return {}
    states = (
        WorkflowState.objects.active()
        .filter(
            base_content_type=objects[0].get_base_content_type(),
            object_id__in=[str(obj.pk) for obj in objects],
        )
        .select_related("current_task_state")
        .order_by("created_at")
    )
    return {state.object_id: state for state in states}


def supplier_offerings_with_status(supplier: Supplier) -> list[tuple[Offering, ModerationStatus]]:
    offerings = list(supplier.offerings.order_by("withdrawn_at", "name"))
    states = current_workflow_states(offerings)
    return [
        (offering, moderation_status(offering, states.get(str(offering.pk))))
        for offering in offerings
    ]


def single_status(obj) -> ModerationStatus:
    """The moderation status of one offering or organisation."""
    return moderation_status(obj, current_workflow_states([obj]).get(str(obj.pk)))


def latest_version(obj):
    """The latest version the supplier saved of an offering or organisation, which may be
    newer than the public one."""
    return obj.get_latest_revision_as_object() if obj.latest_revision_id else obj
