"""The search index's title and body as one stored vector, in a GIN index keyed by kind
as well as by word, in place of 0004's index on the expression `title || body`.

The site search counts and ranks each kind (recipes, suppliers, councils...) on its own.
With 0004's index, PostgreSQL found one kind's matches either by reading every match of
every kind ("notify": 19,000 entries, to find one supplier) or by testing every entry
of the kind (5,000 suppliers, 2,000 recipes), and each test joined the two vectors
first. Measured on the benchmark's database, "notify":

- The kind (the entry's content type) is a key of the index beside the words, so a scan
  for one kind reads only its matches: the supplier count went from 5 ms to 0.3 ms, and
  finding the 2,000 matching recipes from 4 ms to 0.6 ms.
- `plumbing_title_body` holds `title || body`, computed by PostgreSQL on every write
  (Wagtail's own inserts name their columns and never this one), so testing an entry
  reads a stored vector instead of joining two: the offerings count, which reads the
  index in order until it has 1,000 matches, went from 7 ms to 3 ms for its 3,400 rows.
  The table grows by about 40% (61 to 85 MB at 50,000 offerings).

The kind is indexed as `content_type_id::bigint`, which no other index holds: on the
plain column PostgreSQL kept choosing Wagtail's content type index and testing every
entry of the kind. patterns_site.search_backend (KIND, TITLE_BODY) writes its matches the
same way. A match on the vector alone uses the same index's second key.

`btree_gin` (PostgreSQL's contrib, trusted: the database's owner can create it) lets a
GIN index hold an integer key. A later Wagtail migration that changes the type of
`title` or `body` must drop the column first and run this again. SQLite uses FTS5 and
needs none of it.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

COLUMN = "plumbing_title_body"
INDEX = "plumbing_search_kind_title_body_gin"
TITLE_BODY_INDEX = "plumbing_search_title_body_gin"  # migration 0004's


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    schema_editor.execute(
        f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS {COLUMN} tsvector '
        'GENERATED ALWAYS AS ("title" || "body") STORED'
    )
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON "{table}" '
        f'USING gin (("content_type_id"::bigint), {COLUMN})'
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_BODY_INDEX}")


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {TITLE_BODY_INDEX} ON "{table}" USING gin (("title" || "body"))'
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS {COLUMN}')


class Migration(migrations.Migration):
    dependencies = [
        ("patterns_site", "0006_follows"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [BtreeGinExtension(), migrations.RunPython(add_column, drop_column)]
