from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    menu_label = "Search synonyms"
    menu_order = 900
    add_to_settings_menu = True
    list_display = ["terms_text", "note"]
    search_backend_name = None
    search_fields = ["terms_text", "note"]


register_snippet(SearchSynonymViewSet)
