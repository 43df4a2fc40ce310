"""Reading a response as a user reads the page: the parsed HTML and its text with the
whitespace collapsed, so tests can look inside one table or list."""

import re
from html.parser import HTMLParser

from bs4 import BeautifulSoup

# Elements that never have an end tag.
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


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


class _TagBalance(HTMLParser):
    """Opening and closing tags in the order written, as a browser would not correct
    them: an element closed by the wrong end tag or never closed is a problem."""

    def __init__(self):
        super().__init__()
        self.open, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        if self.open and self.open[-1][0] == tag:
            self.open.pop()
            return
        opened, line = self.open[-1] if self.open else ("nothing", 0)
        self.problems.append(
            f"</{tag}> on line {self.getpos()[0]} closes <{opened}> of line {line}"
        )
        # Recover as a browser does: close up to the matching element, if there is one.
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break


def unbalanced_tags(html: str) -> list[str]:
    """What is closed by the wrong end tag, or never closed, in a page as served: a
    missing </div> puts what follows inside the wrong region (a table's scroll box)."""
    checker = _TagBalance()
    checker.feed(html)
    checker.close()
    optional = {"p", "li", "dt", "dd", "tr", "td", "th", "option", "html", "body", "head"}
    return checker.problems + [
        f"<{tag}> of line {line} is never closed"
        for tag, line in checker.open
        if tag not in optional
    ]
