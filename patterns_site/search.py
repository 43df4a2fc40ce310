"""One search over everything: recipes, components, standards, offerings, suppliers and
councils, through Wagtail's search backend (PostgreSQL full text, SQLite FTS5).

Council staff type the words they use ("bins", "postcode lookup", "login"), so queries
are expanded with editor-managed synonyms and simple plural forms before they reach the
backend; SQLite has no stemming, so the plural forms matter there.
"""

import difflib
import html
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.utils.safestring import SafeString, mark_safe
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Or, Phrase, PlainText

from catalogue.models import Component, Council, Offering, Standard, Supplier
from recipes.models import RecipePage

from .models import SearchSynonym

MAX_QUERY_LENGTH = 200
MAX_PAGES = 50
WORD = re.compile(r"[\w'-]+", re.UNICODE)


@dataclass(frozen=True)
class SearchType:
    key: str
    label: str
    singular: str

    def queryset(self):
        return SEARCH_QUERYSETS[self.key]()


SEARCH_TYPES = [
    SearchType("recipes", "Recipes", "Recipe"),
    SearchType("components", "Components", "Component"),
    SearchType("standards", "Standards", "Standard"),
    SearchType("offerings", "Offerings", "Offering"),
    SearchType("suppliers", "Suppliers", "Supplier"),
    SearchType("councils", "Councils", "Council"),
]
SEARCH_TYPES_BY_KEY = {search_type.key: search_type for search_type in SEARCH_TYPES}

SEARCH_QUERYSETS = {
    "recipes": lambda: RecipePage.objects.live(),
    "components": lambda: Component.objects.all(),
    "standards": lambda: Standard.objects.all(),
    "offerings": lambda: Offering.objects.public().select_related("supplier"),
    "suppliers": lambda: Supplier.objects.public(),
    "councils": lambda: Council.objects.select_related("council_type"),
}

# Used to sort by "newest" where a type has a date.
NEWEST_FIELDS = {"recipes": "-first_published_at", "offerings": "-created_at"}


def normalise_query(text: str) -> str:
    """Collapse white space and drop control characters (PostgreSQL rejects NUL)."""
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    return " ".join(cleaned.split())[:MAX_QUERY_LENGTH]


def synonym_groups() -> list[list[str]]:
    groups = cache.get("search:synonyms")
    if groups is None:
        groups = [synonym.terms for synonym in SearchSynonym.objects.all()]
        cache.set("search:synonyms", groups, 300)
    return groups


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def query_variants(query: str) -> list[str]:
    """The query as typed, its singular form, and the query with each synonym swapped in."""
    lowered = query.lower()
    variants = [lowered]
    singular_form = " ".join(singular(word) for word in lowered.split())
    if singular_form != lowered:
        variants.append(singular_form)
    for base in list(variants):
        padded = f" {base} "
        for group in synonym_groups():
            for term in group:
                if f" {term} " in padded:
                    for other in group:
                        if other != term:
                            variants.append(padded.replace(f" {term} ", f" {other} ", 1).strip())
    # "address lookup" with "address" swapped for "postcode lookup" repeats a word.
    unique = list(dict.fromkeys(" ".join(dict.fromkeys(v.split())) for v in variants))
    return unique[:20]


def matching_variants(query: str, operator: str) -> list[str]:
    """The variants worth sending: with "and", a variant that has every word of a shorter
    variant matches nothing more ("postcode lookup" adds nothing to "postcode"), so it is
    dropped. The query as typed is always kept, so its words still count in the ranking."""
    variants = query_variants(query)
    if operator != "and":
        return variants
    word_sets = [frozenset(variant.split()) for variant in variants]
    return [
        variant
        for position, (variant, words) in enumerate(zip(variants, word_sets, strict=True))
        if position == 0 or not any(other < words for other in word_sets)
    ]


def build_query(query: str, operator: str):
    parts = []
    for variant in matching_variants(query, operator):
        if " " in variant and operator == "phrase":
            parts.append(Phrase(variant))
        else:
            parts.append(PlainText(variant, operator=operator))
    return parts[0] if len(parts) == 1 else Or(parts)


def highlight_terms(query: str) -> list[str]:
    """Words to mark in results: the query's words, their singulars and synonyms."""
    words = set()
    for variant in query_variants(query):
        for word in WORD.findall(variant):
            if len(word) > 1:
                words.add(word)
    return sorted(words, key=len, reverse=True)


def highlight(text: str, terms: list[str]) -> SafeString:
    """Text with whole-word-prefix matches of the terms wrapped in <mark>, HTML-escaped.

    The terms are found in the text as written and each piece is escaped afterwards:
    matching in escaped text would find "lt" inside "&lt;" and split the entity."""
    text = text or ""
    if not terms:
        return mark_safe(html.escape(text))  # noqa: S308 - escaped
    pattern = re.compile(r"\b(" + "|".join(re.escape(term) for term in terms) + r")", re.IGNORECASE)
    pieces = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(html.escape(text[position : match.start()]))
        pieces.append(f"<mark>{html.escape(match[0])}</mark>")
        position = match.end()
    pieces.append(html.escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped


def vocabulary() -> list[str]:
    words = cache.get("search:vocabulary")
    if words is None:
        names = [
            *RecipePage.objects.live().values_list("title", flat=True),
            *Component.objects.values_list("name", flat=True),
            *Standard.objects.values_list("name", flat=True),
            *Standard.objects.values_list("short_name", flat=True),
        ]
        found = {word.lower() for name in names for word in WORD.findall(name) if len(word) > 2}
        for group in synonym_groups():
            found.update(term for term in group if " " not in term)
        words = sorted(found)
        cache.set("search:vocabulary", words, 600)
    return words


def spelling_suggestion(query: str) -> str:
    """The query with unknown words replaced by the nearest known word, or ''."""
    known = vocabulary()
    known_set = set(known)
    changed = False
    corrected = []
    for word in query.lower().split():
        if word in known_set or singular(word) in known_set or not word.isalpha():
            corrected.append(word)
            continue
        match = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
        if match:
            corrected.append(match[0])
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else ""


@dataclass
class SearchHit:
    type: SearchType
    object: object
    score: float
    adoptions: int = 0

    @property
    def title(self):
        obj = self.object
        return getattr(obj, "title", None) or getattr(obj, "name", "")

    @property
    def url(self):
        obj = self.object
        return obj.url if isinstance(obj, RecipePage) else obj.get_absolute_url()

    @property
    def summary(self):
        obj = self.object
        if isinstance(obj, Council):
            return f"{obj.council_type.name}, {obj.region or obj.nation}"
        # A supplier has no summary: its markdown description, as plain words.
        return getattr(obj, "summary", "") or getattr(obj, "description_text", "")


@dataclass
class SearchOutcome:
    query: str
    type_key: str
    sort: str
    page: int
    page_size: int
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[SearchHit] = field(default_factory=list)
    operator_used: str = "and"
    corrected_query: str = ""

    @property
    def total(self) -> int:
        if self.type_key:
            return self.counts.get(self.type_key, 0)
        return sum(self.counts.values())

    @cached_property
    def num_pages(self) -> int:
        return min(MAX_PAGES, max(1, -(-self.total // self.page_size)))


def _search_type(search_type: SearchType, query, sort: str, limit: int):
    queryset = search_type.queryset()
    newest = NEWEST_FIELDS.get(search_type.key)
    backend = get_search_backend()
    if sort == "newest" and newest:
        results = backend.search(query, queryset.order_by(newest), order_by_relevance=False)
    else:
        results = backend.search(query, queryset).annotate_score("_score")
    if not limit:
        return results.count(), []
    page = results[:limit]
    objects = list(page)
    # On PostgreSQL the page's query also counts the matches; elsewhere, count them.
    count = getattr(page, "total_matches", None)
    if count is None:
        count = results.count()
    return count, objects


def site_search(
    query: str, *, type_key: str = "", sort: str = "relevance", page: int = 1, page_size: int = 20
) -> SearchOutcome:
    """Search every type (or one), merging the top results of each by score."""
    outcome = SearchOutcome(
        query=query, type_key=type_key, sort=sort, page=page, page_size=page_size
    )
    if not query:
        return outcome
    limit = page * page_size
    types = [SEARCH_TYPES_BY_KEY[type_key]] if type_key else SEARCH_TYPES

    # Wagtail's SQLite backend scores with bm25, where lower is better; PostgreSQL's
    # ts_rank is higher-is-better. Hits from every type are merged on one scale.
    score_sign = -1.0 if connection.vendor == "sqlite" else 1.0

    backend = get_search_backend()

    def run(text, operator):
        counts, hits = {}, []
        backend_query = build_query(text, operator)
        if sort != "newest" and hasattr(backend, "search_many"):
            # PostgreSQL: every type matched, counted and ranked in one query.
            found = backend.search_many(
                backend_query,
                {search_type.key: search_type.queryset() for search_type in SEARCH_TYPES},
                limit=limit,
            )
            for search_type in SEARCH_TYPES:
                count, objects = found[search_type.key]
                counts[search_type.key] = count
                if search_type in types:
                    hits.extend(SearchHit(search_type, obj, obj._score) for obj in objects)
            return counts, hits
        for search_type in SEARCH_TYPES:
            # Facet counts always cover every type; results only the chosen one.
            if search_type not in types:
                counts[search_type.key] = _search_type(search_type, backend_query, sort, 0)[0]
                continue
            count, objects = _search_type(search_type, backend_query, sort, limit)
            counts[search_type.key] = count
            hits.extend(
                SearchHit(search_type, obj, score_sign * float(getattr(obj, "_score", 0) or 0))
                for obj in objects
            )
        return counts, hits

    counts, hits = run(query, "and")
    if not any(counts.values()) and len(query.split()) > 1:
        counts, hits = run(query, "or")
        outcome.operator_used = "or"
    if not any(counts.values()):
        suggestion = spelling_suggestion(query)
        if suggestion:
            counts, hits = run(suggestion, "and")
            if not any(counts.values()):
                counts, hits = run(suggestion, "or")
            if any(counts.values()):
                outcome.corrected_query = suggestion

    recipe_ids = [hit.object.pk for hit in hits if hit.type.key == "recipes"]
    if recipe_ids:
        adoption_counts = dict(
            RecipePage.objects.filter(pk__in=recipe_ids)
            .annotate(total=Count("adoptions", filter=Q(adoptions__live=True)))
            .values_list("pk", "total")
        )
        for hit in hits:
            if hit.type.key == "recipes":
                hit.adoptions = adoption_counts.get(hit.object.pk, 0)

    order = {search_type.key: position for position, search_type in enumerate(SEARCH_TYPES)}
    if sort == "adopted":
        hits.sort(key=lambda hit: (-hit.adoptions, -hit.score, order[hit.type.key]))
    elif sort == "newest":
        hits.sort(key=lambda hit: (_newest_key(hit), order[hit.type.key]))
    else:
        hits.sort(key=lambda hit: (-hit.score, order[hit.type.key]))
    outcome.counts = counts
    start = (page - 1) * page_size
    outcome.hits = hits[start : start + page_size]
    return outcome


def _newest_key(hit: SearchHit):
    stamp = getattr(hit.object, "first_published_at", None) or getattr(
        hit.object, "created_at", None
    )
    return -stamp.timestamp() if stamp else 0


def suggestions(prefix: str, limit: int = 8) -> list[dict]:
    """Titles that start with what the user has typed, for search-as-you-type."""
    prefix = normalise_query(prefix)
    if len(prefix) < 2:
        return []
    found = []
    for key in ("recipes", "components", "standards", "offerings", "suppliers", "councils"):
        search_type = SEARCH_TYPES_BY_KEY[key]
        remaining = limit - len(found)
        if remaining <= 0:
            break
        for obj in get_search_backend().autocomplete(prefix, search_type.queryset())[:remaining]:
            hit = SearchHit(search_type, obj, 0)
            found.append({"title": hit.title, "url": hit.url, "type": search_type.singular})
    return found
