"""The catalogue in the Wagtail admin: one menu group, with search, filters and list
columns chosen for what editors look for.

Offerings and suppliers are moderated, so their lists say where each one is ("In
moderation", "Changes requested", "Live + draft"...) and can be filtered by it. Prices are
shown as the public pages show them (catalogue/includes/price.html), never as the raw
decimal. Each list makes the same number of queries however many rows it shows: workflow
states are prefetched and the status is worked out from them, not asked per row.
"""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch
from django.db.models.functions import Cast
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn, UpdatedAtColumn
from wagtail.models import WorkflowState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import (
    Component,
    Council,
    CouncilMembership,
    LocalService,
    Offering,
    Standard,
    Supplier,
)

IN_MODERATION = "in_moderation"
CHANGES_REQUESTED = "changes_requested"
LIVE = "live"
LIVE_WITH_DRAFT = "live_with_draft"
DRAFT = "draft"
WITHDRAWN = "withdrawn"
MODERATION_STATUS_CHOICES = [
    (IN_MODERATION, "In moderation"),
    (CHANGES_REQUESTED, "Changes requested"),
    (LIVE, "Live"),
    (LIVE_WITH_DRAFT, "Live + draft"),
    (DRAFT, "Draft"),
]
STATUS_LABELS = dict(MODERATION_STATUS_CHOICES) | {WITHDRAWN: "Withdrawn"}


def moderation_status(instance) -> str:
    """Where a moderated offering or supplier is: in a review, sent back, withdrawn by its
    supplier, or live or draft. Reads the workflow states prefetched by
    moderated_queryset, so it makes no query."""
    state = instance.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return IN_MODERATION
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return CHANGES_REQUESTED
    if getattr(instance, "withdrawn_at", None):
        return WITHDRAWN
    if instance.live:
        return LIVE_WITH_DRAFT if instance.has_unpublished_changes else LIVE
    return DRAFT


def moderated_queryset(queryset):
    """The rows with their open workflow states, in one extra query for the whole page."""
    return queryset.prefetch_related(
        Prefetch(
            "_workflow_states",
            queryset=WorkflowState.objects.active().select_related("current_task_state__task"),
            to_attr="_current_workflow_states",
        )
    )


def workflow_states_of(model, *statuses):
    """A subquery: the row has a workflow state with one of these statuses."""
    return Exists(
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(model),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            status__in=statuses,
        )
    )


class ModerationStatusColumn(StatusTagColumn):
    def __init__(self, **kwargs):
        super().__init__(
            "moderation_status",
            label="Status",
            accessor=lambda instance: STATUS_LABELS[moderation_status(instance)],
            primary=lambda instance: moderation_status(instance) == IN_MODERATION,
            **kwargs,
        )


class PriceColumn(Column):
    """The price as the public offering pages show it: one template for both."""

    cell_template_name = "catalogue/admin/price_cell.html"


class ModerationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=MODERATION_STATUS_CHOICES,
        method="filter_status",
        empty_label="Any status",
    )

    def filter_status(self, queryset, name, value):
        model = queryset.model
        in_progress = workflow_states_of(model, WorkflowState.STATUS_IN_PROGRESS)
        needs_changes = workflow_states_of(model, WorkflowState.STATUS_NEEDS_CHANGES)
        if value == IN_MODERATION:
            return queryset.filter(in_progress)
        if value == CHANGES_REQUESTED:
            return queryset.filter(needs_changes)
        settled = queryset.exclude(in_progress).exclude(needs_changes)
        if hasattr(model, "withdrawn_at"):
            settled = settled.filter(withdrawn_at__isnull=True)
        if value == LIVE:
            return settled.filter(live=True, has_unpublished_changes=False)
        if value == LIVE_WITH_DRAFT:
            return settled.filter(live=True, has_unpublished_changes=True)
        return settled.filter(live=False)


class OfferingFilterSet(ModerationFilterSet):
    is_sample = django_filters.BooleanFilter(field_name="supplier__is_sample", label="Sample data")

    class Meta:
        model = Offering
        fields = ["status", "hosting", "pricing_unit", "components", "supplier", "is_sample"]


class SupplierFilterSet(ModerationFilterSet):
    class Meta:
        model = Supplier
        fields = ["status", "is_sme", "is_sample"]


class ComponentViewSet(SnippetViewSet):
    model = Component
    icon = "cogs"
    menu_order = 100
    list_display = [
        "name",
        "category",
        Column("offering_count", label="Offerings", sort_key="offering_count"),
        "slug",
    ]
    list_filter = ["category"]

    def get_queryset(self, request):
        return Component.objects.annotate(offering_count=Count("offerings"))


class StandardViewSet(SnippetViewSet):
    model = Standard
    icon = "tick-inverse"
    list_display = ["name", "short_name", "category", "owner"]
    list_filter = ["category"]


class SupplierViewSet(SnippetViewSet):
    model = Supplier
    icon = "group"
    list_display = [
        "name",
        ModerationStatusColumn(),
        BooleanColumn("is_sme", label="SME"),
        BooleanColumn("is_sample", label="Sample data"),
        Column("offering_count", label="Offerings", sort_key="offering_count"),
    ]
    filterset_class = SupplierFilterSet

    def get_queryset(self, request):
        return moderated_queryset(Supplier.objects.annotate(offering_count=Count("offerings")))


class OfferingViewSet(SnippetViewSet):
    model = Offering
    icon = "tag"
    list_display = [
        "name",
        Column("supplier", label="Supplier", sort_key="supplier__name"),
        PriceColumn("price", label="Price", sort_key="price", classname="plumbing-price"),
        ModerationStatusColumn(),
        "gcloud_service_id",
        UpdatedAtColumn(),
    ]
    filterset_class = OfferingFilterSet
    list_per_page = 50

    def get_queryset(self, request):
        return moderated_queryset(Offering.objects.select_related("supplier"))


class PopulationColumn(Column):
    """A population with thousands separators: 1,234,567."""

    def get_value(self, instance):
        return f"{instance.population:,}" if instance.population is not None else None


class CouncilViewSet(SnippetViewSet):
    model = Council
    icon = "site"
    list_display = [
        "name",
        Column("council_type", label="Type", sort_key="council_type__name"),
        "region",
        "nation",
        PopulationColumn("population", label="Population", sort_key="population"),
    ]
    list_filter = ["council_type", "nation", "region"]
    list_per_page = 50

    def get_queryset(self, request):
        return Council.objects.select_related("council_type")


class CouncilMembershipViewSet(SnippetViewSet):
    """Council staff: made when someone verifies an address at a council's domain.
    Delete one when the person leaves the council."""

    model = CouncilMembership
    icon = "user"
    menu_label = "Council staff"
    list_display = ["user", "council", "email", "created_at"]
    list_filter = ["council__council_type"]
    search_backend_name = None
    search_fields = ["email", "council__name"]
    # Memberships come from verified addresses only: editors remove, never create.
    add_to_admin_menu = False


class LocalServiceViewSet(SnippetViewSet):
    model = LocalService
    icon = "list-ul"
    list_display = ["label", "identifier", "providing_tier"]
    list_per_page = 50


class CatalogueGroup(SnippetViewSetGroup):
    menu_label = "Catalogue"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        ComponentViewSet,
        StandardViewSet,
        SupplierViewSet,
        OfferingViewSet,
        CouncilViewSet,
        CouncilMembershipViewSet,
        LocalServiceViewSet,
    )


register_snippet(CatalogueGroup)


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
