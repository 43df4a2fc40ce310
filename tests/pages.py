"""Reading a response as a user reads the page: the parsed HTML and its text with the
whitespace collapsed, so tests can look inside one table or list."""

import re

from bs4 import BeautifulSoup


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(element) -> str:
    """The text of a parsed page or one element of it, on one line with single spaces, and
    no space before punctuation that follows a link (as a reader sees "a, b")."""
    return re.sub(r" ([,.;:])(?=\s|$)", r"\1", " ".join(element.get_text(" ").split()))


def page_text(response) -> str:
    return text(parse(response))


def table_with_caption(soup: BeautifulSoup, caption: str):
    """The table whose caption starts with the given words."""
    for table in soup.find_all("table"):
        found = table.find("caption")
        if found and text(found).startswith(caption):
            return table
    raise AssertionError(f"No table captioned {caption!r}")


def link_texts(element) -> list[str]:
    return [text(link) for link in element.find_all("a")]
