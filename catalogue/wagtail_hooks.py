"""The catalogue in the Wagtail admin: one menu group, with search, filters and list
columns chosen for what editors look for."""

from wagtail.admin.ui.tables import BooleanColumn
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


class ComponentViewSet(SnippetViewSet):
    model = Component
    icon = "cogs"
    menu_order = 100
    list_display = ["name", "category", "slug"]
    list_filter = ["category"]


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
        BooleanColumn("is_sme", label="SME"),
        BooleanColumn("is_sample", label="Sample"),
        "live",
    ]
    list_filter = ["live", "is_sme", "is_sample"]


class OfferingViewSet(SnippetViewSet):
    model = Offering
    icon = "tag"
    list_display = ["name", "supplier", "pricing_unit", "price", "gcloud_service_id", "live"]
    list_filter = ["live", "hosting", "pricing_unit", "components"]
    list_per_page = 50


class CouncilViewSet(SnippetViewSet):
    model = Council
    icon = "site"
    list_display = ["name", "council_type", "region", "population"]
    list_filter = ["council_type", "nation", "region"]
    list_per_page = 50


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
