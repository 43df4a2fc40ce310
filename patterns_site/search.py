"""The site search: one module, one entry point (search()), over recipes, components,
standards, offerings, suppliers and councils, through Wagtail's search backend
(patterns_site.search_backend: PostgreSQL full text, SQLite FTS5).

How it ranks (README "How search ranks"): the backend finds and counts the matches and
puts them in a cheap order; the best RERANK_WINDOW of those are put in the final order
by relevance_order here, so the rules of relevance live in one place.

Council staff type the words they use ("bins", "postcode lookup", "login"), so queries
are expanded with editor-managed synonyms and simple plural forms before they reach the
backend; SQLite has no stemming, so the plural forms matter there.
"""

import difflib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.core.cache import cache
from django.db.models import Count
from django.utils.safestring import SafeString, mark_safe
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Or, Phrase, PlainText

from catalogue.models import (
    Component,
    Council,
    CouncilType,
    Offering,
    ServiceArea,
    Standard,
    Supplier,
)
from recipes.models import Adoption, RecipePage

from .models import SearchSynonym
from .search_backend import Link

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
# Counts stop here ("more than 1,000 results"), and no page goes past it: nobody reads
# past page 50, and a bounded count costs the same for "form" as for "fly-tipping".
MAX_RESULTS = 1000
# How many of the best matches (by the backend's cheap order) relevance_order re-ranks.
RERANK_WINDOW = 100
WORD = re.compile(r"[\w'-]+", re.UNICODE)
WORD_PARTS = re.compile(r"[-']")


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

# Among equal title matches, the kind a council officer most likely wants.
KIND_WEIGHTS = {
    "recipes": 6,
    "components": 5,
    "standards": 4,
    "offerings": 3,
    "suppliers": 2,
    "councils": 1,
}


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


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool

    @property
    def count_text(self) -> str:
        return count_text(self.count)


@dataclass
class SearchResults:
    """What one search found: a page of hits, the facets and how the query was read.

    `query` is what was typed; `query_used` is what the results are for, which is the
    spelling correction when the typed words found nothing (`corrected` is then set)."""

    query: str
    kind: str = ""
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE
    query_used: str = ""
    corrected: bool = False
    operator_used: str = "and"
    # A correction that found nothing either, or one offered with exact=True.
    suggestion: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[SearchHit] = field(default_factory=list)
    service_area_facets: list[FacetOption] = field(default_factory=list)
    council_type_facets: list[FacetOption] = field(default_factory=list)
    filtered: bool = False

    @property
    def total(self) -> int:
        if self.kind:
            return self.counts.get(self.kind, 0)
        return sum(self.counts.values())

    @property
    def everything_count(self) -> int:
        return sum(self.counts.values())

    @property
    def total_is_capped(self) -> bool:
        return self.total >= MAX_RESULTS

    @property
    def total_text(self) -> str:
        """The count line: "1 result", "12 results", "1,000+ results". The facets use
        count_text too, so the figure reads the same in both places."""
        return f"{count_text(self.total)} result{'' if self.total == 1 else 's'}"

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-min(self.total, MAX_RESULTS) // self.page_size))

    @property
    def kind_facets(self) -> list[FacetOption]:
        return [
            FacetOption(t.key, t.label, self.counts.get(t.key, 0), t.key == self.kind)
            for t in SEARCH_TYPES
        ]


def count_text(count: int) -> str:
    """A match count as shown: counts stop at MAX_RESULTS, shown as "1,000+"."""
    return f"{MAX_RESULTS:,}+" if count >= MAX_RESULTS else f"{count:,}"


def _kind_querysets(service_areas, council_types) -> dict:
    """Each kind's visible objects, narrowed by the facets. A service area narrows to
    recipes filed under it; a council type to recipes serving it and councils of it; a
    kind without the attribute has nothing in a narrowed search."""
    if not (service_areas or council_types):
        return {t.key: t.queryset() for t in SEARCH_TYPES}
    narrowed = {"recipes": _recipes_queryset(service_areas, council_types)}
    if council_types and not service_areas:
        narrowed["councils"] = (
            SEARCH_TYPES_BY_KEY["councils"].queryset().filter(council_type__code__in=council_types)
        )
    return narrowed


def _recipes_queryset(service_areas, council_types):
    """The visible recipes, narrowed by the facets (the recipes of _kind_querysets)."""
    recipes = SEARCH_TYPES_BY_KEY["recipes"].queryset()
    if service_areas:
        recipes = recipes.filter(service_areas__slug__in=service_areas).distinct()
    if council_types:
        recipes = recipes.filter(serves__code__in=council_types).distinct()
    return recipes


def _preferred_querysets() -> dict:
    """Real public platforms and organisations, which rank above sample products that
    match as well."""
    return {
        "offerings": Offering.objects.filter(supplier__is_sample=False),
        "suppliers": Supplier.objects.filter(is_sample=False),
    }


def _title_words(text: str) -> set[str]:
    words = set()
    for word in WORD.findall((text or "").lower()):
        words.add(singular(word))
        # Only a hyphen or an apostrophe splits a word into more (relevance_order reads
        # a hundred titles per search, most of whose words have neither).
        if "-" in word or "'" in word:
            for part in WORD_PARTS.split(word):
                if part:
                    words.add(singular(part))
    return words


def _title_tier(title_words: set[str], typed_words: set[str], variant_words) -> int:
    """3: every word typed is in the title; 2: every word of a synonym; 1: some word of
    either; 0: the words are only in the body."""
    if typed_words and typed_words <= title_words:
        return 3
    if any(words and words <= title_words for words in variant_words):
        return 2
    if any(words & title_words for words in [typed_words, *variant_words]):
        return 1
    return 0


@dataclass(frozen=True)
class RankedRow:
    """One match as the sorts see it, read with values_list, so that only the page's
    objects are ever loaded whole (not a recipe's body for each of 100 matches)."""

    key: str
    pk: int
    score: float
    title: str = ""
    preferred: bool = False
    published: datetime | None = None


# What each kind's sorts read: its title field, the field that says it is sample data
# (real public platforms and organisations rank above sample products that match as
# well), and when it was first published.
ROW_FIELDS = {
    "recipes": ("title", None, "first_published_at"),
    "components": ("name", None, None),
    "standards": ("name", None, None),
    "offerings": ("name", "supplier__is_sample", "first_published_at"),
    "suppliers": ("name", "is_sample", "first_published_at"),
    "councils": ("name", None, None),
}


def _ranked_rows(rows, querysets) -> list[RankedRow]:
    """RankedRows for the backend's (key, pk, score) rows, in order: one small query per
    kind."""
    pks_by_key = {}
    for key, pk, _score in rows:
        pks_by_key.setdefault(key, []).append(pk)
    fields_by_pk = {}
    for key, pks in pks_by_key.items():
        title, is_sample, published = ROW_FIELDS[key]
        columns = [title, *(field for field in (is_sample, published) if field)]
        for pk, name, *rest in querysets[key].filter(pk__in=pks).values_list("pk", *columns):
            values = iter(rest)
            sample = next(values) if is_sample else None
            fields_by_pk[key, pk] = (name, sample is False, next(values, None))
    ranked = []
    for key, pk, score in rows:
        fields = fields_by_pk.get((key, pk))
        if fields is not None:  # deleted between the two queries
            ranked.append(RankedRow(key, pk, score, *fields))
    return ranked


def relevance_order(rows: list[RankedRow], typed: str, variants: list[str]) -> list[RankedRow]:
    """The rows in the order of the best matches, best first: the title says what was
    typed, then recipes before components, standards, products, suppliers and councils,
    then real public platforms before sample products, then the shorter title (the more
    of it the query is), then the backend's rank. The query's words are read once, not
    once for each row."""
    typed_words = _title_words(typed)
    variant_words = [_title_words(variant) for variant in variants]

    def key(row):
        title_words = _title_words(row.title)
        return (
            -_title_tier(title_words, typed_words, variant_words),
            -KIND_WEIGHTS[row.key],
            -int(row.preferred),
            len(title_words),
            -row.score,
            row.title,
        )

    return sorted(rows, key=key)


def _newest_key(row: RankedRow):
    return -row.published.timestamp() if row.published else 0


# What a result never shows of a recipe: its long text, StreamFields and stored drawings,
# which cost more to read and parse than the rest of the results page.
UNSHOWN_FIELDS = {"recipes": (*RecipePage.PAGE_ONLY_FIELDS, "ingredients")}


def _hits_for(rows: list[RankedRow], querysets) -> list[SearchHit]:
    """SearchHits for the rows, in order, reading each kind's objects in one query."""
    pks_by_key = {}
    for row in rows:
        pks_by_key.setdefault(row.key, []).append(row.pk)
    objects = {
        key: querysets[key].defer(*UNSHOWN_FIELDS.get(key, ())).in_bulk(pks)
        for key, pks in pks_by_key.items()
    }
    hits = []
    for row in rows:
        obj = objects[row.key].get(row.pk)
        if obj is not None:  # deleted between the two queries
            hits.append(SearchHit(SEARCH_TYPES_BY_KEY[row.key], obj, row.score))
    return hits


def search(
    query: str,
    *,
    kind: str = "",
    service_areas=(),
    council_types=(),
    sort: str = "relevance",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    exact: bool = False,
) -> SearchResults:
    """Search every kind (or one), best first, with facet counts and a spelling
    correction when the words typed find nothing (unless `exact`).

    A fixed number of queries whatever the catalogue holds: one to count each kind (each
    count bounded at MAX_RESULTS), one for the best matches in a cheap order, one per
    kind for what the final order reads of them (titles, dates), one per kind for the
    objects on the page, one for adoptions, one for both facets, and when nothing
    matches, the same again for the correction."""
    results = SearchResults(
        query=query, kind=kind, sort=sort, page=page, page_size=page_size, query_used=query
    )
    results.filtered = bool(service_areas or council_types)
    if not query:
        return results
    backend = get_search_backend()
    querysets = _kind_querysets(tuple(service_areas), tuple(council_types))

    def count(text, operator):
        return backend.count_matches(build_query(text, operator), querysets, limit=MAX_RESULTS)

    operator = "and"
    counts = count(query, operator)
    if not any(counts.values()) and len(query.split()) > 1:
        operator = "or"
        counts = count(query, operator)
    if not any(counts.values()):
        suggestion = spelling_suggestion(query)
        if suggestion and not exact:
            corrected_counts = count(suggestion, "and")
            if any(corrected_counts.values()):
                counts, operator = corrected_counts, "and"
                results.query_used, results.corrected = suggestion, True
            else:
                results.suggestion = suggestion
        else:
            results.suggestion = suggestion
    results.counts = {t.key: counts.get(t.key, 0) for t in SEARCH_TYPES}
    results.operator_used = operator
    if not results.total:
        return results

    text = results.query_used
    backend_query = build_query(text, operator)
    chosen = {kind: querysets[kind]} if kind else querysets
    chosen = {key: qs for key, qs in chosen.items() if results.counts.get(key)}
    start = (page - 1) * page_size
    end = start + page_size
    ranked_limit = MAX_RESULTS if sort != "relevance" else max(RERANK_WINDOW, end)
    rows = backend.ranked_matches(
        backend_query,
        chosen,
        limit=ranked_limit,
        title_query=PlainText(text, operator=operator),
        weights=KIND_WEIGHTS,
        preferred=_preferred_querysets(),
    )
    ranked = _ranked_rows(rows, chosen)
    if sort == "relevance":
        # The best RERANK_WINDOW in the relevance order; beyond it, the backend's order.
        variants = query_variants(text)
        ranked = relevance_order(ranked[:RERANK_WINDOW], text, variants) + ranked[RERANK_WINDOW:]
    elif sort == "adopted":
        adoptions = _adoption_counts([row.pk for row in ranked if row.key == "recipes"])
        ranked.sort(
            key=lambda row: (-adoptions.get(row.pk, 0) if row.key == "recipes" else 0, -row.score)
        )
    else:
        ranked.sort(key=_newest_key)
    page_hits = _hits_for(ranked[start:end], chosen)
    _add_adoptions(page_hits)
    results.hits = page_hits
    _add_facets(results, backend, backend_query, service_areas, council_types)
    return results


def _adoption_counts(recipe_ids) -> dict[int, int]:
    if not recipe_ids:
        return {}
    return dict(
        Adoption.objects.public()
        .filter(recipe_id__in=recipe_ids)
        .values("recipe_id")
        .annotate(total=Count("pk"))
        .values_list("recipe_id", "total")
    )


def _add_adoptions(hits):
    adoptions = _adoption_counts([hit.object.pk for hit in hits if hit.type.key == "recipes"])
    for hit in hits:
        if hit.type.key == "recipes":
            hit.adoptions = adoptions.get(hit.object.pk, 0)


def _add_facets(results, backend, backend_query, service_areas, council_types):
    """Counts of matching recipes by service area and by council type served, with the
    other facet's choice applied (so each count is what ticking that box would add).

    Both facets come in one query, counted on the link tables alone: a recipe is linked
    to an area or a type once, so counting links counts recipes. With nothing ticked
    both count the same recipes, which the backend then matches once."""
    by_area = _recipes_queryset((), council_types)
    by_type = (
        _recipes_queryset(service_areas, ())
        if service_areas or council_types
        else by_area  # the same recipes: nothing ticked narrows either facet
    )
    found = backend.link_counts(
        backend_query,
        {
            "areas": (by_area, Link(RecipePage.service_areas.through, "recipepage", "servicearea")),
            "types": (by_type, Link(RecipePage.serves.through, "recipepage", "counciltype")),
        },
    )
    names = facet_names()
    counts = {
        facet: {names["ids"][facet][pk]: total for pk, total in totals.items()}
        for facet, totals in found.items()
    }
    area_counts, type_counts = counts["areas"], counts["types"]
    # By name, and two areas of the same name by slug, whatever order the counts came in.
    results.service_area_facets = [
        FacetOption(slug, names["areas"][slug], count, slug in service_areas)
        for slug, count in sorted(
            area_counts.items(), key=lambda item: (names["areas"][item[0]], item[0])
        )
    ]
    results.council_type_facets = [
        FacetOption(code, names["types"][code], count, code in council_types)
        for code, count in sorted(type_counts.items(), key=lambda item: names["order"][item[0]])
    ]


def facet_names() -> dict:
    """Service area and council type names, for facet labels (cached: reference data)."""
    names = cache.get("search:facet-names:v2")
    if names is None:
        types = list(CouncilType.objects.values_list("pk", "code", "plural_name"))
        areas = list(ServiceArea.objects.values_list("pk", "slug", "name"))
        names = {
            "areas": {slug: name for _pk, slug, name in areas},
            "types": {code: name for _pk, code, name in types},
            "order": {code: position for position, (_pk, code, _name) in enumerate(types)},
            # The facet counts are read by primary key, without a join to these tables.
            "ids": {
                "areas": {pk: slug for pk, slug, _name in areas},
                "types": {pk: code for pk, code, _name in types},
            },
        }
        cache.set("search:facet-names:v2", names, 600)
    return names


def suggestions(prefix: str, limit: int = 8) -> list[dict]:
    """Titles that start with what the user has typed, for search-as-you-type."""
    prefix = normalise_query(prefix)
    if len(prefix) < 2:
        return []
    found = []
    backend = get_search_backend()
    for search_type in SEARCH_TYPES:
        remaining = limit - len(found)
        if remaining <= 0:
            break
        for obj in backend.autocomplete(prefix, search_type.queryset())[:remaining]:
            hit = SearchHit(search_type, obj, 0)
            found.append({"title": hit.title, "url": hit.url, "type": search_type.singular})
    return found
