"""Index types the catalogue's models declare."""

from django.db import models
from django.db.models.expressions import OrderBy


class NullsLastIndex(models.Index):
    """An index in the order of a sort with DESC NULLS LAST in it, so PostgreSQL reads a
    page of that sort from the index instead of sorting every row. SQLite cannot index
    NULLS LAST: there (tests, a small site) it indexes the same columns without it."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = models.Index(
            *[
                OrderBy(part.expression, descending=part.descending)
                if isinstance(part, OrderBy)
                else part
                for part in self.expressions
            ],
            name=self.name,
            condition=self.condition,
        )
        return plain.create_sql(model, schema_editor, using=using, **kwargs)
