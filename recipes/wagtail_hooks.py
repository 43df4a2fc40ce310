from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Adoption


class AdoptionViewSet(SnippetViewSet):
    model = Adoption
    icon = "success"
    menu_label = "Adoptions"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["council", "recipe", "status", "live_since"]
    list_filter = ["status", "is_sample"]
    search_fields = ["notes"]


register_snippet(AdoptionViewSet)
