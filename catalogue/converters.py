"""Path converters that match only identifiers the site makes, so anything else (a NUL
byte, invalid UTF-8, a number too big for the database) is a 404 from the URL resolver
before a view or the database sees it. Django's own slug converter is already ASCII-only.
"""

from django.urls import register_converter


class IdConverter:
    """A database id: digits, at most 18 of them, so it always fits a 64-bit column."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


class TokenConverter:
    """A random URL-safe token (secrets.token_urlsafe), such as a saved basket's id or an
    invitation: base64url characters only."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
register_converter(TokenConverter, "token")
