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

For the site search (patterns_site.search) the backend answers three questions over
several models at once: how many match (count_matches, bounded), which match best by a
cheap order (ranked_matches, which never ranks every match) and how many matches are
linked to each facet value (link_counts). PerModelMatchesMixin answers the same on any other
Wagtail backend, so the site search has one code path whatever the database.

Anything this does not cover (field-restricted searches, fuzzy and match-all queries, and
non-integer primary keys) goes through Wagtail's own code. On any other database the
backend is Wagtail's default (SQLite FTS5 for the embedded default), with each word the
user typed quoted as an FTS5 string, so that no text can be read as FTS5 syntax.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.db import connection, models
from django.db.models import Case, Count, F, Value, When, Window
from django.db.models.expressions import Col, Expression
from django.db.models.functions import Cast
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
# titles), and title || body as migration 0007 stores and indexes it (a column the model
# does not declare: PostgreSQL computes it on every write).
INDEX_VECTORS = [(F("title"), F("title_norm")), (F("body"), 1.0)]
TITLE_BODY_COLUMN = "plumbing_title_body"


class StoredTitleBody(Expression):
    """The index entry's stored title || body, under whatever alias the entry's table has
    in the query (a list page's search is a subquery)."""

    output_field = SearchVectorField()
    column = SearchVectorField()
    column.set_attributes_from_name(TITLE_BODY_COLUMN)
    column.model = IndexEntry

    def resolve_expression(self, query=None, *args, **kwargs):
        return Col(query.get_initial_alias(), self.column, self.output_field)


TITLE_AND_BODY = StoredTitleBody()


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

    def search_queryset(self, query, queryset, *, ordered, by_relevance):
        """A list page's search: filters, order and words combine in SQL, over every
        match; ordered by relevance or, when by_relevance is off, by `ordered`."""
        if not by_relevance:
            queryset = ordered(queryset)
        return self.search(query, queryset, order_by_relevance=by_relevance)

    def count_matches(self, query, querysets: dict, *, limit: int) -> dict:
        """{key: how many objects of that queryset match, counted up to `limit`}, in one
        query. Each count stops at `limit` rows, so a word that matches every offering
        costs no more than one that matches a thousand."""
        sql = MatchSQL(self, query, next(iter(querysets.values())))
        parts, params = [], []
        for queryset in querysets.values():
            where, where_params = sql.where(queryset, per_match=True)
            bounded = f"SELECT 1 FROM {sql.table} AS e WHERE {where} LIMIT %s"  # noqa: S608
            parts.append(f"(SELECT count(*) FROM ({bounded}) AS m)")  # noqa: S608
            params.extend([*where_params, limit])
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        return dict(zip(querysets, row, strict=True))

    def ranked_matches(self, query, querysets: dict, *, limit, title_query, weights, preferred):
        """The `limit` best matches over several models, best first, as (key, pk, score),
        in one query that never computes a full-text rank over every match.

        The order uses only what is cheap to read for each match: whether the words as
        typed (`title_query`) or any variant of them are in the title, the kind's weight,
        whether the object is one of `preferred[key]` (real public platforms), and
        ts_rank over the short title vector. The expensive rank over the body is not
        computed at all: patterns_site.search re-ranks the best of these in Python.

        The order is read in tiers, so that a broad word does not sort every match: the
        title matches (found by the title's own GIN index), then the matches only in the
        body, one kind at a time by weight. Each tier is at most `limit` rows and is read
        only while the tiers above it hold fewer than `limit` (a one-time filter in
        PostgreSQL), so "notify", which 111 recipe titles and 17,000 offering bodies
        match, reads the titles and stops. Each kind is its own branch, so its
        visibility is a semi-join PostgreSQL can probe per match, not a hash of every
        visible offering."""
        sql = MatchSQL(self, query, next(iter(querysets.values())))
        typed, typed_params = sql.tsquery(title_query)
        kinds = {}
        limit = int(limit)

        def branch(key, queryset, *, in_title):
            kinds.update(dict.fromkeys(sql.content_types(queryset), key))
            where, params = sql.where(queryset, in_title=in_title)
            if in_title:
                tier, tier_params = f"CASE WHEN e.title @@ {typed} THEN 2 ELSE 1 END", typed_params
            else:
                tier, tier_params = "0", []
            preferred_sql, preferred_params = "0", []
            if key in preferred:
                subquery, preferred_params = sql.pks(preferred[key])
                preferred_sql = (
                    f"CASE WHEN EXISTS (SELECT 1 FROM ({subquery}) AS p "  # noqa: S608
                    f"WHERE p.pk = {OBJECT_PK}) THEN 1 ELSE 0 END"
                )
            columns = (
                f"e.content_type_id, {OBJECT_PK} AS object_pk, ts_rank(e.title, {sql.match}) "
                f"AS title_rank, {tier} AS title_tier, {int(weights.get(key, 0))} AS kind_weight, "
                f"{preferred_sql} AS is_preferred"
            )
            return (
                f"SELECT {columns} FROM {sql.table} AS e WHERE {where} "  # noqa: S608
                f"ORDER BY {RANKED_ORDER} LIMIT {limit}",
                [*sql.match_params, *tier_params, *preferred_params, *params],
            )

        by_weight = sorted(querysets.items(), key=lambda item: -weights.get(item[0], 0))
        tiers = [[branch(key, queryset, in_title=True) for key, queryset in by_weight]]
        tiers += [[branch(key, queryset, in_title=False)] for key, queryset in by_weight]
        # Every piece of SQL below is Django's own compiled query or a fixed name; every
        # value is a parameter or an integer.
        ctes, params = [], []
        for position, branches in enumerate(tiers):
            union = " UNION ALL ".join(f"({branch_sql})" for branch_sql, _ in branches)
            for _sql, branch_params in branches:
                params.extend(branch_params)
            if position:
                above = " + ".join(f"(SELECT count(*) FROM tier{n})" for n in range(position))  # noqa: S608
                union = f"SELECT * FROM ({union}) AS u WHERE {above} < {limit}"  # noqa: S608
            ctes.append(f"tier{position} AS MATERIALIZED ({union})")
        everything = " UNION ALL ".join(f"SELECT * FROM tier{n}" for n in range(len(tiers)))  # noqa: S608
        statement = (
            f"WITH {', '.join(ctes)} SELECT * FROM ({everything}) AS m "  # noqa: S608
            f"ORDER BY {RANKED_ORDER} LIMIT {limit}"
        )
        # No JIT for it (DB_SESSION_SETTINGS): the planner costs every tier, though most
        # are never read, and compiling a broad word's plan took 190 ms of a 5 ms query.
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        return [(kinds[row[0]], row[1], float(row[2])) for row in rows]

    def link_counts(self, query, facets: dict) -> dict:
        """{name: {value: how many matching objects are linked to it}} for each facet,
        name: (queryset, links), where `links` is a Link (the link table and its two
        columns), in one query. Facets over the same queryset (nothing ticked, the usual
        case) share one match of the index: the GIN scan, the heap reads and the
        visibility hash for "notify"'s 1,900 recipes were each done twice, 12 ms of a
        26 ms query."""
        sql = MatchSQL(self, query, next(iter(facets.values()))[0])
        matches, ctes, params = {}, [], []
        for queryset, _links in facets.values():
            if id(queryset) not in matches:
                where, where_params = sql.where(queryset)
                matches[id(queryset)] = f"matched{len(ctes)}"
                ctes.append(
                    f"matched{len(ctes)} AS MATERIALIZED "  # noqa: S608
                    f"(SELECT {OBJECT_PK} AS pk FROM {sql.table} AS e WHERE {where})"
                )
                params.extend(where_params)
        quote = connection.ops.quote_name
        counts = []
        for position, (queryset, links) in enumerate(facets.values()):
            table = quote(links.model._meta.db_table)
            value = quote(links.model._meta.get_field(links.value).column)
            obj = quote(links.model._meta.get_field(links.object).column)
            counts.append(
                f"SELECT {position}, l.{value}, count(*) FROM {table} AS l "  # noqa: S608
                f"WHERE l.{obj} IN (SELECT pk FROM {matches[id(queryset)]}) GROUP BY 2"
            )
        union = " UNION ALL ".join(f"({part})" for part in counts)
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {', '.join(ctes)} {union}", params)
            rows = cursor.fetchall()
        found = {name: {} for name in facets}
        names = list(facets)
        for position, value, total in rows:
            found[names[position]][value] = total
        return found


# The index entry's object as an integer primary key (Wagtail stores it as text).
OBJECT_PK = "(e.object_id)::bigint"
# The entry's kind as migration 0007's GIN index holds it (compared with bigint values):
# a key no other index has, so PostgreSQL finds one kind's matches in that index rather
# than testing every entry of the kind.
KIND = "(e.content_type_id)::bigint"
# ranked_matches' cheap order by its columns' positions, best first: title tier, kind
# weight, real before sample, title rank, then the newest primary key.
RANKED_ORDER = "4 DESC, 5 DESC, 6 DESC, 3 DESC, 2 DESC"


class MatchSQL:
    """The SQL the site search's queries share, compiled once for each search rather
    than once for each kind and tier: building a dozen ORM querysets for a search cost
    more Python time than PostgreSQL took to run them. `e` is the index entry."""

    def __init__(self, backend, query, queryset):
        self.backend = backend
        self.table = connection.ops.quote_name(IndexEntry._meta.db_table)
        self._queryset = queryset
        self._pks = {}
        self.match, self.match_params = self.tsquery(query)

    def tsquery(self, query):
        """The tsquery of a Wagtail query, as SQL and parameters."""
        compiler = self.backend.query_compiler_class(self._queryset, query)
        expression = compiler.build_tsquery(
            compiler.query, config=compiler.get_config(self.backend)
        )
        if expression is None:  # no words at all ("-"): a tsquery nothing matches
            return "NULL::tsquery", []
        sql_query = IndexEntry._default_manager.all().query
        sql_compiler = sql_query.get_compiler(connection=connection)
        sql, params = sql_compiler.compile(expression.resolve_expression(sql_query))
        return sql, list(params)

    @staticmethod
    def content_types(queryset) -> list[int]:
        return list(get_descendants_content_types_pks(queryset.model))

    def pks(self, queryset):
        """The queryset's primary keys as a subquery whose one column is `pk` (compiled
        once, though each kind's visibility is in several tiers)."""
        if id(queryset) not in self._pks:
            sql, params = queryset.order_by().values(pk=F("pk")).query.sql_with_params()
            # Kept with the queryset: an id is unique only while its object lives.
            self._pks[id(queryset)] = (queryset, sql, list(params))
        _queryset, sql, params = self._pks[id(queryset)]
        return sql, params

    def where(self, queryset, *, in_title=None, per_match=False):
        """The entries of the queryset's visible objects that match: any (None), in the
        title (True, which the title's own GIN index finds) or only in the body (False).
        The kind and the match of title || body are written as migration 0007's GIN
        index is built, so that it reads only the kind's matches.

        With `per_match`, each match's visibility is looked up by its primary key, for a
        scan that stops at a few matches (count_matches' LIMIT). Otherwise PostgreSQL
        may hash every visible object first, and it guesses a kind's matches from the
        words alone: "council" matches 13 offerings, but it expected thousands and
        hashed all 43,000 public offerings to check them. The counts for "council" took
        20 ms of PostgreSQL's time with the hash, 5 ms looked up one by one."""
        kinds = ", ".join(f"{int(pk)}::bigint" for pk in self.content_types(queryset))
        visible, visible_params = self.pks(queryset)
        body = f"e.{TITLE_BODY_COLUMN} @@ {self.match}"
        title = f"e.title @@ {self.match}"
        match, params = {
            None: (body, self.match_params),
            True: (title, self.match_params),
            False: (f"{body} AND NOT ({title})", self.match_params * 2),
        }[in_title]
        if per_match:
            # OFFSET 0 keeps the subquery from becoming a join, so it runs once per match.
            visibility = (
                f"EXISTS (SELECT 1 FROM ({visible}) AS v "  # noqa: S608
                f"WHERE v.pk = {OBJECT_PK} OFFSET 0)"
            )
        else:
            visibility = f"{OBJECT_PK} IN (SELECT pk FROM ({visible}) AS v)"  # noqa: S608
        where = f"{KIND} IN ({kinds}) AND {match} AND {visibility}"  # noqa: S608
        return where, [*params, *visible_params]


@dataclass(frozen=True)
class Link:
    """A link table between the objects searched and a facet's values (a many-to-many
    field's through model), by the names of its two foreign keys."""

    model: type
    object: str
    value: str


class PerModelMatchesMixin:
    """The same three methods for any other Wagtail backend (SQLite FTS5 for `make run`):
    each model is searched on its own, by the backend's rank, and the queryset's filters
    (which this backend cannot take) are applied to the best `limit` matches in the ORM.
    Meant for the demo-sized databases this backend serves, not for a marketplace."""

    def search_queryset(self, query, queryset, *, ordered, by_relevance):
        """A list page's search: this backend accepts only indexed filter fields, so it
        finds the best MATCH_LIMIT matches over the whole model and the ORM applies the
        filters, the joins the page needs and the order."""
        ranked = [pk for pk, _score in self._ranked_pks(query, queryset, MATCH_LIMIT)]
        queryset = queryset.filter(pk__in=ranked)
        if not by_relevance:
            return ordered(queryset)
        if not ranked:
            return queryset
        relevance = Case(
            *[When(pk=pk, then=Value(position)) for position, pk in enumerate(ranked)],
            output_field=models.IntegerField(),
        )
        return queryset.order_by(relevance)

    def _ranked_pks(self, query, queryset, limit):
        found = self.search(query, queryset.model._default_manager.only("pk"))
        found = found.annotate_score("_score")[:limit]
        ranked = [(obj.pk, float(obj._score or 0)) for obj in found]
        pks = [pk for pk, _score in ranked]
        visible = set(queryset.filter(pk__in=pks).values_list("pk", flat=True))
        # bm25 is lower-is-better: flip it, so a higher score is better on every backend.
        return [(pk, -score) for pk, score in ranked if pk in visible]

    def count_matches(self, query, querysets: dict, *, limit: int) -> dict:
        return {key: len(self._ranked_pks(query, qs, limit)) for key, qs in querysets.items()}

    def ranked_matches(self, query, querysets: dict, *, limit, title_query, weights, preferred):
        rows = [
            (key, pk, score)
            for key, queryset in querysets.items()
            for pk, score in self._ranked_pks(query, queryset, limit)
        ]
        rows.sort(key=lambda row: (-weights.get(row[0], 0), -row[2], -row[1]))
        return rows[:limit]

    def link_counts(self, query, facets: dict) -> dict:
        found = {}
        for name, (queryset, links) in facets.items():
            pks = [pk for pk, _score in self._ranked_pks(query, queryset, MATCH_LIMIT)]
            found[name] = dict(
                links.model._default_manager.filter(**{f"{links.object}__in": pks})
                .values(links.value)
                .annotate(total=Count("*"))
                .values_list(links.value, "total")
            )
        return found


# The most matches the SQLite backend reads for one model (its facet counts, from
# link_counts, are bounded the same way).
MATCH_LIMIT = 1000


def fts5_string(text: str) -> str:
    """Text for the inside of an FTS5 string: Wagtail's SQLite backend wraps each word in
    double quotes but leaves a double quote inside it as it is, so a query such as '">'
    ends the string early and FTS5 answers a syntax error. FTS5 escapes a double quote
    by doubling it; everything else inside a string (*, ^, :, -, NEAR, AND, brackets)
    is a literal."""
    return text.replace('"', '""')


# SQLite's FTS5 index does not stem, so "appointment" would not find "Book appointments
# and slots" as PostgreSQL does: a word of at least this many letters also matches the
# words it starts (a shorter one, like "bin", would match "binary" too).
SQLITE_PREFIX_MIN_LENGTH = 5


class QuotedTermsMixin:
    """A SQLite FTS5 query compiler that quotes the user's words properly, and matches
    longer words by prefix in place of stemming."""

    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText):
            from modelsearch.backends.database.sqlite.query import (
                Lexeme,
                SearchQueryExpression,
            )

            terms = fts5_string(query.query_string).split()
            if not terms:
                return None
            lexemes = None
            for position, term in enumerate(terms):
                last = position == len(terms) - 1
                prefix = len(term) >= SQLITE_PREFIX_MIN_LENGTH or (
                    last and self.LAST_TERM_IS_PREFIX
                )
                lexeme = Lexeme(term, prefix=prefix)
                if lexemes is None:
                    lexemes = lexeme
                elif query.operator.upper() == "AND":
                    lexemes &= lexeme
                else:
                    lexemes |= lexeme
            return SearchQueryExpression(lexemes, config=config)
        if isinstance(query, Phrase):
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


@cache
def with_per_model_matches(backend_class):
    return type(
        f"PerModelMatches{backend_class.__name__}", (PerModelMatchesMixin, backend_class), {}
    )


def SearchBackend(params):  # noqa: N802 - Wagtail looks a backend module's SearchBackend up by name
    if connection.vendor == "postgresql":
        return IndexFirstPostgresSearchBackend(params)
    backend = default_database_backend(params)
    # Every backend answers the site search's three questions (PerModelMatchesMixin).
    backend.__class__ = with_per_model_matches(type(backend))
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

        if isinstance(backend, SQLiteSearchBackend):
            search, autocomplete = quoted_sqlite_compilers()
            backend.query_compiler_class = search
            backend.autocomplete_query_compiler_class = autocomplete
    return backend
