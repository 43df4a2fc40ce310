from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Adoption, RecipeProposal, Review, ReviewReport


class AdoptionViewSet(SnippetViewSet):
    model = Adoption
    icon = "success"
    menu_label = "Adoptions"
    list_display = ["council", "recipe", "status", "live_since", "reported_by_staff", "live"]
    list_filter = ["status", "is_sample", "reported_by_staff", "live"]
    # Adoptions are not in the search index: search them with the ORM.
    search_backend_name = None
    search_fields = ["council__name", "recipe__title", "notes"]


class ReviewViewSet(SnippetViewSet):
    """Councils' reviews. Set "Hidden" and save to take one off the public site at once
    (it needs no approval); reports are listed under Review reports."""

    model = Review
    icon = "pick"
    menu_label = "Reviews"
    list_display = [
        "__str__",
        "rating",
        "live",
        "hidden_at",
        Column("reports", accessor="report_count"),
    ]
    list_filter = ["live", "is_sample"]
    search_backend_name = None
    search_fields = ["council__name", "worked", "did_not_work"]

    def get_queryset(self, request):
        from django.db.models import Count

        return Review.objects.select_related("council", "recipe", "offering").annotate(
            report_count=Count("reports")
        )


class ReviewReportViewSet(SnippetViewSet):
    model = ReviewReport
    icon = "warning"
    menu_label = "Review reports"
    list_display = ["review", "reason", "created_at"]
    search_backend_name = None
    search_fields = ["reason"]
    add_to_admin_menu = False


class RecipeProposalViewSet(SnippetViewSet):
    """Recipes council staff shared, with who shared them. Each is a draft recipe page in
    the page moderation workflow: review it from the dashboard's "Awaiting your review"
    or the page itself (Pages > Recipes); this list only says where it came from."""

    model = RecipeProposal
    icon = "doc-full"
    menu_label = "Shared recipes"
    list_display = ["title", "council", "kind", "page", "proposed_by", "created_at", "is_sample"]
    list_filter = ["kind", "is_sample"]
    search_backend_name = None
    search_fields = ["title", "council__name"]

    def get_queryset(self, request):
        return RecipeProposal.objects.select_related("council", "page", "proposed_by")


class CouncilsSayGroup(SnippetViewSetGroup):
    menu_label = "Councils say"
    menu_icon = "success"
    menu_order = 210
    items = (AdoptionViewSet, ReviewViewSet, ReviewReportViewSet, RecipeProposalViewSet)


register_snippet(CouncilsSayGroup)
