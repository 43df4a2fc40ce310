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
    # Adoptions are not in the search index: search them with the ORM.
    search_backend_name = None
    search_fields = ["council__name", "recipe__title", "notes"]


register_snippet(AdoptionViewSet)
