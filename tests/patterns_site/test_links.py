"""No link the site renders leads to an error page: on every list, each filter alone and
with one other, then every filter tag, sort and pagination link it renders; and a crawl
of the demo site from the home page."""

from collections import deque
from itertools import combinations
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from tests.pages import unbalanced_tags

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "/recipes/",
    "/components/",
    "/standards/",
    "/offerings/",
    "/suppliers/",
    "/councils/",
    "/search/?q=council",
]
# Lists that have no filters (every standard fits on one page).
UNFILTERED = {"/standards/"}
# Sample values for free-text fields: a word for searches, a number for the rest.
TEXT_VALUES = {"q": "payments"}
CRAWL_LIMIT = 400
# Not pages: the admin is for editors, and sign-out and other writes are POST forms.
CRAWL_SKIP = ("/admin/", "/documents/")


@pytest.fixture(scope="module")
def demo_site(shared_data):
    """The demo content, search-indexed, loaded once for the module."""
    with shared_data(search_index=True):
        call_command("load_demo_data", verbosity=0)
        yield


def get(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def form_fields(form) -> tuple[dict, dict[str, list[str]]]:
    """A GET form's hidden values and, for each other field, the values to try."""
    hidden, choices = {}, {}
    for field in form.find_all(["input", "select"]):
        name = field.get("name")
        if not name:
            continue
        kind = field.get("type", "text") if field.name == "input" else "select"
        if kind == "hidden":
            hidden[name] = field.get("value", "")
        elif kind == "select":
            values = [o.get("value", "") for o in field.find_all("option")]
            values = [v for v in values if v]
            if values:
                choices[name] = list(dict.fromkeys([values[0], values[-1]]))
        elif kind in ("checkbox", "radio"):
            choices.setdefault(name, []).append(field.get("value", "on"))
        elif kind in ("text", "search", "number"):
            choices[name] = [TEXT_VALUES.get(name, "1")]
    return hidden, choices


def filtered_urls(client, url) -> list[str]:
    """The list with each of its filters applied alone, and each pair of filters."""
    path = urlsplit(url).path
    response, _ = get(client, url)
    assert response.status_code == 200, url
    urls = []
    for form in parse_html(response.content).find_all("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        if urlsplit(urljoin(url, form.get("action") or "")).path != path:
            continue
        hidden, choices = form_fields(form)
        for name, values in choices.items():
            for value in values:
                urls.append(f"{path}?{urlencode({**hidden, name: value})}")
        for first, second in combinations(sorted(choices), 2):
            params = {**hidden, first: choices[first][0], second: choices[second][-1]}
            urls.append(f"{path}?{urlencode(params)}")
    return list(dict.fromkeys(urls))


def links_to_same_page(url, body) -> list[str]:
    """Every link on the page back to the same list: filter tags, clear filters, sort,
    type facets and pagination."""
    path = urlsplit(url).path
    found = []
    for link in parse_html(body).find_all("a", href=True):
        target = urlsplit(urljoin(url, link["href"]))
        if target.netloc in ("", "testserver") and target.path == path:
            found.append(f"{target.path}?{target.query}" if target.query else target.path)
    return found


def parse_html(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body, "html.parser")


@pytest.mark.parametrize("list_url", LIST_PAGES)
def test_every_filter_and_the_links_it_renders_work(client, demo_site, list_url):
    """Each filter alone and with one other answers 200, and every link the filtered page
    renders back to the list (remove-filter tags, clear, sort, facets, pages) does too."""
    applied = [list_url, *filtered_urls(client, list_url)]
    if list_url not in UNFILTERED:
        assert len(applied) > 3, "the list has no filter form to try"
    followed, failures = set(), []
    for url in applied:
        response, body = get(client, url)
        if response.status_code >= 400:
            failures.append((url, response.status_code, "applied"))
            continue
        for link in links_to_same_page(url, body):
            if link in followed:
                continue
            followed.add(link)
            linked, _ = get(client, link)
            if linked.status_code >= 400:
                failures.append((link, linked.status_code, f"linked from {url}"))
    assert failures == []
    if list_url not in UNFILTERED:
        assert followed, "no filter tag, sort or page link was found"


def test_removing_the_standard_keeps_verified_only_working(client, demo_site):
    """The example that failed: removing "Conforms to" from a list filtered to verified
    conformance leads to a list of offerings verified to any standard, not a 400."""
    response, body = get(client, "/offerings/?standard=cyber-essentials&verified_only=on")
    assert response.status_code == 200
    tags = parse_html(body).select(".app-filter-tag")
    remove_standard = next(a["href"] for a in tags if "Conforms to" in a.get_text())
    assert remove_standard == "?verified_only=on"
    response, body = get(client, "/offerings/" + remove_standard)
    assert response.status_code == 200
    assert "Only conformance verified by an editor" in parse_html(body).get_text()


def test_a_crawl_from_the_home_page_finds_no_broken_link(client, demo_site):
    """Following every internal link from / over the demo site (up to a few hundred
    pages, not the admin, no POST forms) meets no 4xx or 5xx, and no page closes an
    element with the wrong end tag or leaves one open."""
    queue, seen_from, failures, visited = deque(["/"]), {"/": ""}, [], 0
    unbalanced = {}
    while queue and visited < CRAWL_LIMIT:
        url = queue.popleft()
        response, body = get(client, url)
        visited += 1
        if response.status_code >= 400:
            failures.append((url, response.status_code, seen_from.get(url)))
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if problems := unbalanced_tags(body if isinstance(body, str) else body.decode()):
            unbalanced[url] = problems[:3]
        for link in parse_html(body).find_all("a", href=True):
            target = urlsplit(urljoin(url, link["href"]))
            if target.scheme not in ("", "http") or target.netloc not in ("", "testserver"):
                continue
            if target.path.startswith(CRAWL_SKIP):
                continue
            found = f"{target.path}?{target.query}" if target.query else target.path
            if found not in seen_from:
                seen_from[found] = url
                queue.append(found)
    assert failures == []
    assert unbalanced == {}, "every element is closed where it was opened"
    assert visited >= 150, f"only {visited} pages reached"
