"""Writes for the supplier portal and moderation: organisations, memberships,
invitations, and offerings from draft to review to published or withdrawn.

Views call these with validated data; each function is one thing a user does.
"""

import hashlib
import logging
import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps as global_apps
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import WorkflowState

from .models import (
    ConformanceClaim,
    CouncilMembership,
    CouncilPantryItem,
    Offering,
    StandardClaimCount,
    Supplier,
    SupplierInvitation,
    SupplierMembership,
    email_domain,
    public_offering_q,
)
from .selectors import councils_for_email
from .uses import uses

# Each moderated model's workflow and its one task, approved by the same editors' group.
MODERATION_WORKFLOWS = {
    "offering": ("Supplier offering moderation", "Moderate supplier offering"),
    "supplier": ("Supplier organisation moderation", "Moderate supplier organisation"),
}
MODERATORS_GROUP_NAME = "Offering moderators"
INVITATION_LIFETIME = timedelta(days=7)
UPLOAD_FAILED = "The logo could not be saved. Try again, or save without a new logo"

log = logging.getLogger(__name__)


class PortalError(Exception):
    """A portal action that cannot happen in the offering's or organisation's state; the
    message is shown to the user."""


class UploadFailed(PortalError):
    """An uploaded file could not be stored (a full disk, an unreachable bucket), so
    nothing was saved; the form can be shown again with the user's text."""


def moderation_workflow_ensure(
    *,
    apps=global_apps,
    model: str = "offering",
    app_label: str = "catalogue",
    workflows: dict | None = None,
):
    """Create the "Offering moderators" group and, for each model in `workflows` (by
    default offerings and supplier organisations), a moderation workflow with one
    group-approval task for that group, assigned to the model. Safe to run again. Returns
    the workflow of `model`. Takes a migration's `apps` so data migrations can call it;
    a higher app passes its own app_label and workflows (recipes' council moderation)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP_NAME)
    permission, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    group.permissions.add(permission)

    made = {}
    for model_name, (workflow_name, task_name) in (workflows or MODERATION_WORKFLOWS).items():
        model_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
        for action in ("view", "change", "publish"):
            permission, _ = Permission.objects.get_or_create(
                content_type=model_type,
                codename=f"{action}_{model_name}",
                defaults={"name": f"Can {action} {model_name}"},
            )
            group.permissions.add(permission)

        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(
                name=task_name, content_type=task_type, active=True
            )
        task.groups.add(group)

        workflow, created = Workflow.objects.get_or_create(
            name=workflow_name, defaults={"active": True}
        )
        if created:
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowContentType.objects.get_or_create(
            content_type=model_type, defaults={"workflow": workflow}
        )
        made[model_name] = workflow
    return made[model]


def _unique_slug(model, name: str, *, fallback: str) -> str:
    base = slugify(name)[:80] or fallback
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def moderation_submit(obj, *, user, workflow_ensure=None) -> WorkflowState:
    """Send the latest revision to editors: start the model's moderation workflow, or
    resume it after changes were requested. `workflow_ensure(model=...)` makes the
    workflow if none is assigned (moderation_workflow_ensure for catalogue models)."""
    state = obj.current_workflow_state
    if state and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise PortalError("This is already waiting for review.")
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
        return state
    ensure = workflow_ensure or moderation_workflow_ensure
    workflow = obj.get_workflow() or ensure(model=obj._meta.model_name)
    return workflow.start(obj, user)


@transaction.atomic
def supplier_create(*, user, **fields) -> Supplier:
    """Register an organisation with the signed-in user as its first member, and send it
    to editors: nothing about it is public until one approves it."""
    supplier = Supplier(**fields, live=False)
    supplier.slug = _unique_slug(Supplier, supplier.name, fallback="supplier")
    supplier.full_clean()
    supplier.save()
    SupplierMembership.objects.create(user=user, supplier=supplier)
    supplier.save_revision(user=user)
    moderation_submit(supplier, user=user)
    return supplier


def supplier_public_changes(*, supplier: Supplier, fields: dict) -> list[str]:
    """The names of the public (moderated) details that `fields` would change, compared
    with the organisation's latest version."""
    current = supplier.get_latest_revision_as_object() if supplier.latest_revision_id else supplier
    return [
        name
        for name, value in fields.items()
        if name not in Supplier.PRIVATE_FIELDS and getattr(current, name) != value
    ]


@transaction.atomic
def supplier_update(*, supplier: Supplier, user, **fields) -> list[str]:
    """Change an organisation's details (its slug, and so its public URL, stays), and
    return the names of the public details sent for review.

    Private details apply at once. A change to the public details is saved as a revision
    and sent for review; until an editor approves it, the row (what the public sees)
    keeps the approved version. Public details cannot change while a review is running,
    so the editor always approves what they saw."""
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    public_changes = supplier_public_changes(supplier=supplier, fields=fields)
    if public_changes and supplier.workflow_in_progress:
        raise PortalError(
            "Your organisation's public details are being reviewed, so they cannot be "
            "changed until an editor has finished."
        )
    draft = supplier.get_latest_revision_as_object() if supplier.latest_revision_id else supplier
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.full_clean()
    if not public_changes:
        Supplier.objects.filter(pk=supplier.pk).update(
            **{name: getattr(draft, name) for name in Supplier.PRIVATE_FIELDS}
        )
        return []
    if not supplier.live:
        # Nothing public reads a never-approved organisation's row: keep it in step.
        draft.save()
    draft.save_revision(user=user)
    moderation_submit(draft, user=user)
    return public_changes


def supplier_submit(*, supplier: Supplier, user) -> WorkflowState:
    """Send the organisation's latest version to editors again (after they asked for
    changes, or if it was never sent)."""
    if supplier.live and not supplier.has_unpublished_changes:
        raise PortalError("There are no changes to submit: the approved version is current.")
    if not supplier.latest_revision_id:
        supplier.save_revision(user=user)
    return moderation_submit(supplier, user=user)


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
    """Write a newly uploaded (re-encoded) logo to storage, before anything is saved in the
    database: a revision of a published offering is saved without saving the row, which
    is what would otherwise store it, and a failed write must leave no half-saved
    offering. Names are content hashes, so a logo already stored is not written again.
    Raises UploadFailed if the storage fails."""
    logo = offering.logo
    if not logo or getattr(logo, "_committed", True):
        return
    name = logo.field.generate_filename(offering, logo.name)
    try:
        if logo.storage.exists(name):
            logo.name = name
            logo._committed = True
        else:
            logo.save(logo.name, logo.file, save=False)
    except Exception as error:
        # Each storage raises its own errors (OSError for a full disk, botocore's for S3);
        # none may become a 500 that loses what the supplier typed.
        log.warning("Could not store logo %s: %r", name, error)
        raise UploadFailed(UPLOAD_FAILED) from error


@transaction.atomic
def offering_create(*, supplier: Supplier, form, user) -> Offering:
    """Save a new offering from the portal form as a draft, with its first revision."""
    offering = form.save(commit=False)
    _store_new_logo(offering)
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
    if offering.workflow_in_progress:
        raise PortalError("This offering is already waiting for review.")
    if offering.live and not offering.has_unpublished_changes:
        raise PortalError("There are no changes to submit: the published version is current.")
    return moderation_submit(offering, user=user)


@transaction.atomic
def offering_withdraw(*, offering: Offering, user) -> Offering:
    """Take an offering off the public site and stop any review of it."""
    state = offering.current_workflow_state
    if state:
        state.cancel(user=user)
    offering.withdrawn_at = timezone.now()
    offering.save(update_fields=["withdrawn_at"])
    return offering


@transaction.atomic
def council_memberships_sync(*, user, verified_emails) -> list[CouncilMembership]:
    """Make the user staff of every council whose domain one of their verified addresses
    is at, and end a membership whose address they no longer hold (they changed it to
    another), so an account is a council's only while it proves it works there. Returns
    the memberships the user has now."""
    verified = {email.strip().lower() for email in verified_emails}
    CouncilMembership.objects.filter(user=user).exclude(email__in=verified).delete()
    for email in sorted(verified):
        if not email_domain(email):
            continue
        for council in councils_for_email(email):
            CouncilMembership.objects.get_or_create(
                user=user, council=council, defaults={"email": email}
            )
    return list(CouncilMembership.objects.filter(user=user).select_related("council"))


# --- a council's pantry ------------------------------------------------------------------

# More than any council runs; stops a scripted client filling the table.
PANTRY_MAX_ITEMS = 300


def council_pantry_add(*, council, user, component=None, offering=None) -> bool:
    """Record that the council already runs a component or a (public) offering. Returns
    False when it was already listed; PortalError when the pantry is full or the offering
    is not public."""
    if (component is None) == (offering is None):
        raise ValueError("Give a component or an offering")
    if offering is not None and not Offering.objects.public().filter(pk=offering.pk).exists():
        raise PortalError("Choose a published product")
    thing = {"component": component} if component is not None else {"offering": offering}
    with transaction.atomic():
        if CouncilPantryItem.objects.filter(council=council, **thing).exists():
            return False
        if CouncilPantryItem.objects.filter(council=council).count() >= PANTRY_MAX_ITEMS:
            raise PortalError(
                f"Your council lists {PANTRY_MAX_ITEMS} things already: remove one first"
            )
        _, created = CouncilPantryItem.objects.get_or_create(
            council=council, **thing, defaults={"added_by": user}
        )
    return created


def council_pantry_remove(*, council, item_id: int) -> CouncilPantryItem | None:
    """Take one of the council's own entries out of its pantry (None if it has no such
    entry: another council's id removes nothing)."""
    item = (
        CouncilPantryItem.objects.filter(council=council, pk=item_id)
        .select_related("component", "offering")
        .first()
    )
    if item is not None:
        item.delete()
    return item


# --- the price summary the recipe pages read --------------------------------------------


def component_price_summary_rebuild(*, component_ids=None) -> int:
    """Rebuild the price summary of some components (all when component_ids is None) from
    their public offerings, in a few bulk statements: three reads, one delete, batched
    inserts. Returns the number of rows written.

    For every set S of a component's standards, a row per population band and pricing unit
    holds the lowest price, the highest price and the set-up fee range of the offerings
    that claim every standard in S (S empty: all of them)."""
    from .costs import POPULATION_BANDS
    from .models import (
        ComponentPriceSummary,
        ConformanceClaim,
        OfferingComponentRank,
        OfferingPriceBand,
    )
    from .selectors import component_standard_order

    # Whatever changed may have made an offering public or not (one without components
    # too, for which there is nothing to summarise).
    public_offering_total_recount()
    if component_ids is not None:
        component_ids = {int(pk) for pk in component_ids}
        if not component_ids:
            return 0
    else:
        # A full rebuild (seed_scale after bulk inserts, the management command) also
        # recounts the other derived figures, which saves otherwise keep
        # (Offering.save, Supplier.refresh_price_summary, ConformanceClaim.save,
        # recipes.Review): the ratings first, as the ranks below copy them.
        standard_claim_counts_rebuild()
        offering_ratings_rebuild()
    standard_order = component_standard_order(component_ids)
    links = Offering.components.through.objects.filter(public_offering_q("offering__"))
    if component_ids is not None:
        links = links.filter(component_id__in=component_ids)
    rows = list(
        links.values_list(
            "component_id",
            "offering_id",
            "offering__pricing_unit",
            "offering__price",
            "offering__price_max",
            "offering__setup_fee",
            "offering__name",
            "offering__review_count",
            "offering__review_average",
        )
    )
    offering_ids = {row[1] for row in rows}
    claimed: dict[int, set[int]] = {}
    verified: dict[int, set[int]] = {}
    bands: dict[int, dict[str, tuple]] = {}
    if offering_ids:
        claim_rows = ConformanceClaim.objects.filter(public_offering_q("offering__"))
        band_rows = OfferingPriceBand.objects.filter(public_offering_q("offering__"))
        if component_ids is not None:
            claim_rows = claim_rows.filter(offering__components__in=component_ids).distinct()
            band_rows = band_rows.filter(offering__components__in=component_ids).distinct()
        for offering_id, standard_id, verified_at in claim_rows.values_list(
            "offering_id", "standard_id", "verified_at"
        ):
            claimed.setdefault(offering_id, set()).add(standard_id)
            if verified_at is not None:
                verified.setdefault(offering_id, set()).add(standard_id)
        for offering_id, band, price, price_max in band_rows.values_list(
            "offering_id", "band", "price", "price_max"
        ):
            bands.setdefault(offering_id, {})[band] = (price, price_max)

    # (component, claimed mask, band, unit) -> [count, price low, price high, setup low, high]
    groups: dict[tuple, list] = {}
    ranks = []
    for row in rows:
        component_id, offering_id, unit, price, price_max, setup_fee, name = row[:7]
        review_count, review_average = row[7:]
        standards = standard_order.get(component_id, [])
        have = claimed.get(offering_id, set())
        mask = sum(1 << i for i, standard_id in enumerate(standards) if standard_id in have)
        ranks.append(
            OfferingComponentRank(
                component_id=component_id,
                offering_id=offering_id,
                claimed_mask=mask,
                claimed_count=bin(mask).count("1"),
                verified_count=len(verified.get(offering_id, set()) & set(standards)),
                rating_hundredths=rating_hundredths(review_average),
                rating_count=review_count,
                price=price,
                name=name[:200],
            )
        )
        setup = setup_fee or 0
        for band in POPULATION_BANDS:
            low, high = bands.get(offering_id, {}).get(band.key, (price, price_max))
            high = max(high if high is not None else low, low)
            key = (component_id, mask, band.key, unit)
            group = groups.get(key)
            if group is None:
                groups[key] = [1, low, high, setup, setup]
            else:
                group[0] += 1
                group[1] = min(group[1], low)
                group[2] = max(group[2], high)
                group[3] = min(group[3], setup)
                group[4] = max(group[4], setup)

    # Fold each claimed mask into every set of standards it covers.
    summary: dict[tuple, list] = {}
    for (component_id, mask, band, unit), group in groups.items():
        subset = mask
        while True:  # every subset of mask, including 0
            key = (component_id, subset, band, unit)
            row = summary.get(key)
            if row is None:
                summary[key] = list(group)
            else:
                row[0] += group[0]
                row[1] = min(row[1], group[1])
                row[2] = max(row[2], group[2])
                row[3] = min(row[3], group[3])
                row[4] = max(row[4], group[4])
            if subset == 0:
                break
            subset = (subset - 1) & mask

    objects = [
        ComponentPriceSummary(
            component_id=component_id,
            standards_mask=mask,
            band=band,
            pricing_unit=unit,
            offering_count=row[0],
            price_low=row[1],
            price_high=row[2],
            setup_low=row[3],
            setup_high=row[4],
        )
        for (component_id, mask, band, unit), row in summary.items()
    ]
    with transaction.atomic():
        for model in (ComponentPriceSummary, OfferingComponentRank):
            stale = model.objects.all()
            if component_ids is not None:
                stale = stale.filter(component_id__in=component_ids)
            stale._raw_delete(stale.db)  # derived tables with nothing pointing at them
        ComponentPriceSummary.objects.bulk_create(objects, batch_size=2000)
        OfferingComponentRank.objects.bulk_create(ranks, batch_size=5000)
    return len(objects)


def public_offering_total_recount() -> int:
    """Count the public offerings into the one PublicOfferingTotal row; returns it."""
    from .models import PublicOfferingTotal

    count = Offering.objects.public().count()
    PublicOfferingTotal.objects.update_or_create(pk=1, defaults={"count": count})
    return count


def standard_claim_counts_rebuild(*, standard_ids=None) -> None:
    """Recount the public offerings' claims of some standards (all when standard_ids is
    None) into StandardClaimCount: one grouped count, one delete, one insert. A standard
    nobody claims has no row (selectors.standard_claim_totals reads it as 0)."""
    claims = ConformanceClaim.objects.filter(public_offering_q("offering__"))
    stale = StandardClaimCount.objects.all()
    if standard_ids is not None:
        standard_ids = {int(pk) for pk in standard_ids}
        claims = claims.filter(standard_id__in=standard_ids)
        stale = stale.filter(standard_id__in=standard_ids)
    rows = (
        claims.order_by()
        .values("standard_id")
        .annotate(
            verified=Count("pk", filter=Q(verified_at__isnull=False)),
            claimed=Count("pk", filter=Q(verified_at__isnull=True)),
        )
        .values_list("standard_id", "verified", "claimed")
    )
    counts = [
        StandardClaimCount(standard_id=pk, verified_count=verified, claimed_count=claimed)
        for pk, verified, claimed in rows
    ]
    with transaction.atomic():
        stale._raw_delete(stale.db)  # a derived table with nothing pointing at it
        StandardClaimCount.objects.bulk_create(counts)


# Offering.review_average's places.
RATING_STORED_PLACES = Decimal("0.00001")


def offering_ratings_rebuild(*, offering_ids=None) -> None:
    """Recount some offerings' public reviews (all offerings when offering_ids is None)
    into Offering.review_count and review_average: one grouped read, then an update of
    the offerings whose figures changed. Called by recipes.Review whenever a review is
    saved, hidden or deleted, and by Offering.save."""
    offerings = Offering.objects.all()
    if offering_ids is not None:
        offering_ids = {int(pk) for pk in offering_ids if pk is not None}
        if not offering_ids:
            return
        offerings = offerings.filter(pk__in=offering_ids)
    reviews = uses().offering_reviews()
    figures = {}
    if reviews is not None:
        if offering_ids is not None:
            reviews = reviews.filter(offering_id__in=offering_ids)
        figures = {
            row["offering"]: (row["count"], row["average"])
            for row in reviews.public()
            .order_by()
            .values("offering")
            .annotate(count=Count("pk"), average=Avg("rating"))
        }
    stale = (
        offerings.filter(Q(review_count__gt=0) | Q(review_average__isnull=False))
        .exclude(pk__in=list(figures))
        .only(*Offering.RATING_FIELDS)
    )
    changed = []
    for offering in [*stale, *offerings.filter(pk__in=list(figures)).only(*Offering.RATING_FIELDS)]:
        count, average = figures.get(offering.pk, (0, None))
        if average is not None:
            average = Decimal(str(average)).quantize(RATING_STORED_PLACES, ROUND_HALF_UP)
        if (offering.review_count, offering.review_average) != (count, average):
            offering.review_count, offering.review_average = count, average
            changed.append(offering)
    # bulk_update, not save: no revision, price summary or search index depends on these.
    Offering.objects.bulk_update(changed, Offering.RATING_FIELDS, batch_size=1000)
    # The basket's shortlist ranks by them through its own index: the ranks copy them,
    # in one statement however many changed.
    if changed:
        from django.db.models import F, OuterRef, Subquery, Value
        from django.db.models.functions import Coalesce, Round

        from .models import OfferingComponentRank

        offering = Offering.objects.filter(pk=OuterRef("offering_id"))
        OfferingComponentRank.objects.filter(offering_id__in=[o.pk for o in changed]).update(
            rating_hundredths=Coalesce(
                Subquery(offering.annotate(h=Round(F("review_average") * 100)).values("h")[:1]),
                Value(0),
            ),
            rating_count=Subquery(offering.values("review_count")[:1]),
        )


def rating_hundredths(average) -> int:
    """A stored average rating as OfferingComponentRank orders by it: in hundredths, 0
    when unrated (so that a descending index puts unrated products last)."""
    return 0 if average is None else int(round(average * 100))
