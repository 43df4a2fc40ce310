"""Wagtail's database search backend, with PostgreSQL queries shaped for a catalogue the
size of a real marketplace.

Wagtail's PostgreSQL backend joins each model's table to the index table on
``object_id = id::text`` (which no index serves), reads every matching row in full, and
ranks an ``Or`` of n queries with n ``ts_rank`` calls per vector. At 50,000 offerings a
broad query such as "address lookup" (14,000 matches, ten synonym variants) took 310 ms
to rank. Here matching, counting and ranking happen in the index table, the model's
queryset (live, not withdrawn, any filters) is applied as a semi-join on its primary key,
an ``Or`` is ranked once as the combined ``tsquery``, and only the page of results is read
from the model's table: 42 ms for the same query.

search_many() does the same for several models in one query, for the site search's
facets: one scan of the index for all six types instead of six.

Anything this does not cover (field-restricted searches, fuzzy and match-all queries, and
non-integer primary keys) goes through Wagtail's own code. On any other database the
backend is Wagtail's default (SQLite FTS5 for the embedded default), with each word the
user typed quoted as an FTS5 string, so that no text can be read as FTS5 syntax.
"""

from functools import cache

from django.contrib.postgres.search import SearchRank
from django.db import connection, models
from django.db.models import Count, F, Q, Window
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, RowNumber
from wagtail.search.backends.database import SearchBackend as default_database_backend
from wagtail.search.backends.database.postgres.postgres import (
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
    PostgresSearchResults,
)
from wagtail.search.models import IndexEntry
from wagtail.search.query import And, Boost, Or, Phrase, PlainText
from wagtail.search.utils import get_descendants_content_types_pks

# The index entry's vectors with the weight Wagtail gives each (title_norm favours short
# titles), and the expression the GIN index of migration 0004 is built on.
INDEX_VECTORS = [(F("title"), F("title_norm")), (F("body"), 1.0)]
TITLE_AND_BODY = CombinedExpression(F("title"), "||", F("body"))


class RankOnceQueryCompiler(PostgresSearchQueryCompiler):
    def check(self):
        # Wagtail refuses filters and orderings on fields not declared as FilterFields,
        # so that a query means the same on Elasticsearch. Here the queryset always runs
        # in PostgreSQL itself, so any filter a list page needs can combine with a search.
        if self.fields is not None:
            super().check()

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        # An Or of synonyms and plural forms ranks as one tsquery: one ts_rank call per
        # vector instead of one per variant. Documents that match more of the variants'
        # words still rank higher.
        if isinstance(query, Or) and all(
            isinstance(subquery, (PlainText, Phrase)) for subquery in query.subqueries
        ):
            rank = SearchRank(
                vector, self.build_tsquery(query, config=config), weights=self.sql_weights
            )
            return rank * boost if boost != 1.0 else rank
        return super().build_tsrank(vector, query, config=config, boost=boost)


def _integer_primary_key(model) -> bool:
    pk = model._meta.pk
    while pk.is_relation:  # a page's primary key is its link to wagtailcore_page
        pk = pk.target_field
    return isinstance(pk, models.IntegerField)


class IndexFirstSearchResults(PostgresSearchResults):
    # How many objects match in all, counted in the same query as a page of results
    # (None until a search has run), so a results page and its count take one query.
    total_matches = None

    def _index_first(self) -> bool:
        compiler = self.query_compiler
        return (
            # Autocomplete matches prefixes in its own vector: Wagtail's code handles it.
            isinstance(compiler, RankOnceQueryCompiler)
            and compiler.fields is None
            # Match-all, fuzzy and bare Not queries are not full-text matches.
            and isinstance(compiler.query, (PlainText, Phrase, And, Or, Boost))
            and _integer_primary_key(compiler.queryset.model)
        )

    def _matching_entries(self, *, in_queryset=True):
        compiler = self.query_compiler
        queryset = compiler.queryset
        config = compiler.get_config(self.backend)
        entries = (
            IndexEntry._default_manager.filter(
                content_type_id__in=get_descendants_content_types_pks(queryset.model)
            )
            .annotate(_vector_=TITLE_AND_BODY)
            .filter(_vector_=compiler.build_tsquery(compiler.query, config=config))
            .annotate(_object_pk=Cast("object_id", output_field=models.BigIntegerField()))
        )
        if in_queryset:
            entries = entries.filter(_object_pk__in=queryset.order_by().values("pk"))
        return entries

    def _do_count(self):
        if not self._index_first():
            return super()._do_count()
        count = self._matching_entries().count()
        if self.stop is not None:
            count = min(count, self.stop)
        return max(0, count - self.start)

    def _do_search(self):
        compiler = self.query_compiler
        if not self._index_first():
            return super()._do_search()
        if not compiler.order_by_relevance:
            # In the queryset's own order ("newest", "cheapest"): matches as a semi-join.
            queryset = compiler.queryset.filter(
                pk__in=self._matching_entries(in_queryset=False).values("_object_pk")
            )
            if not queryset.query.order_by:
                queryset = queryset.order_by("-pk")
            return list(queryset[self.start : self.stop])
        config = compiler.get_config(self.backend)
        rank = compiler._build_rank_expression(INDEX_VECTORS, config)
        ranked = list(
            self._matching_entries()
            .annotate(_score_=rank, _total_=Window(Count("*")))
            .order_by("-_score_", "-_object_pk")
            .values_list("_object_pk", "_score_", "_total_")[self.start : self.stop]
        )
        if ranked:
            self.total_matches = ranked[0][2]
        elif not self.start:
            self.total_matches = 0
        objects = compiler.queryset.in_bulk([pk for pk, _score, _total in ranked])
        results = []
        for pk, score, _total in ranked:
            obj = objects.get(pk)
            if obj is None:  # deleted between the two queries
                continue
            if self._score_field:
                setattr(obj, self._score_field, score)
            results.append(obj)
        return results


class IndexFirstPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = RankOnceQueryCompiler
    results_class = IndexFirstSearchResults
    # Any queryset (filters, annotations, orderings) can be searched, not only fields
    # declared as FilterFields: list pages combine their filters with a search in SQL.
    searches_any_queryset = True

    def search_many(self, query, querysets: dict, *, limit: int) -> dict:
        """Search several models at once, by relevance: {key: (count, best objects)} with
        each object's score in _score and at most `limit` objects per key.

        One query matches, counts and ranks in the index for every model (the site search
        used to make one per model, each scanning the same index entries), keeping each
        model's `limit` best rows; then each model with matches reads its rows."""
        keys_by_content_type = {}
        visible = Q()
        for key, queryset in querysets.items():
            content_types = get_descendants_content_types_pks(queryset.model)
            keys_by_content_type.update(dict.fromkeys(content_types, key))
            in_type = Q(content_type_id__in=content_types)
            if queryset.query.where:  # only what the queryset shows: live, not withdrawn
                in_type &= Q(_object_pk__in=queryset.order_by().values("pk"))
            visible |= in_type
        compiler = self.query_compiler_class(next(iter(querysets.values())), query)
        config = compiler.get_config(self)
        rank = compiler._build_rank_expression(INDEX_VECTORS, config)
        by_type = F("content_type_id")
        rows = (
            IndexEntry._default_manager.filter(content_type_id__in=list(keys_by_content_type))
            .annotate(_vector_=TITLE_AND_BODY)
            .filter(_vector_=compiler.build_tsquery(compiler.query, config=config))
            .annotate(_object_pk=Cast("object_id", output_field=models.BigIntegerField()))
            .filter(visible)
            .annotate(_score_=rank)
            .annotate(
                _total_=Window(Count("*"), partition_by=[by_type]),
                position_in_type=Window(
                    RowNumber(),
                    partition_by=[by_type],
                    order_by=[F("_score_").desc(), F("_object_pk").desc()],
                ),
            )
            .filter(position_in_type__lte=max(limit, 1))
            .values_list("content_type_id", "_object_pk", "_score_", "_total_")
        )
        totals = {}  # every row of a content type carries its total
        ranked = {key: [] for key in querysets}
        for content_type_id, pk, score, total in rows:
            totals[content_type_id] = total
            ranked[keys_by_content_type[content_type_id]].append((score, pk))
        found = {}
        for key, queryset in querysets.items():
            count = sum(
                total
                for content_type_id, total in totals.items()
                if keys_by_content_type[content_type_id] == key
            )
            # A model with subclasses has a partition each: keep its best overall.
            best = sorted(ranked[key], reverse=True)[:limit]
            objects = queryset.in_bulk([pk for _score, pk in best]) if best else {}
            hits = []
            for score, pk in best:
                obj = objects.get(pk)
                if obj is not None:
                    obj._score = score
                    hits.append(obj)
            found[key] = (count, hits)
        return found


def fts5_string(text: str) -> str:
    """Text for the inside of an FTS5 string: Wagtail's SQLite backend wraps each word in
    double quotes but leaves a double quote inside it as it is, so a query such as '">'
    ends the string early and FTS5 answers a syntax error. FTS5 escapes a double quote
    by doubling it; everything else inside a string (*, ^, :, -, NEAR, AND, brackets)
    is a literal."""
    return text.replace('"', '""')


class QuotedTermsMixin:
    """A SQLite FTS5 query compiler that quotes the user's words properly."""

    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText):
            query = PlainText(
                fts5_string(query.query_string), operator=query.operator, boost=query.boost
            )
        elif isinstance(query, Phrase):
            query = Phrase(fts5_string(query.query_string))
        return super().build_search_query_content(query, config=config)


@cache
def quoted_sqlite_compilers():
    """The SQLite backend's search and autocomplete compilers with QuotedTermsMixin. Built
    on first use: the SQLite backend's module defines a model only on SQLite."""
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteAutocompleteQueryCompiler,
        SQLiteSearchQueryCompiler,
    )

    search = type("QuotedSearchQueryCompiler", (QuotedTermsMixin, SQLiteSearchQueryCompiler), {})
    autocomplete = type(
        "QuotedAutocompleteQueryCompiler", (QuotedTermsMixin, SQLiteAutocompleteQueryCompiler), {}
    )
    return search, autocomplete


def SearchBackend(params):  # noqa: N802 - Wagtail looks a backend module's SearchBackend up by name
    if connection.vendor == "postgresql":
        return IndexFirstPostgresSearchBackend(params)
    backend = default_database_backend(params)
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

        if isinstance(backend, SQLiteSearchBackend):
            search, autocomplete = quoted_sqlite_compilers()
            backend.query_compiler_class = search
            backend.autocomplete_query_compiler_class = autocomplete
    return backend
