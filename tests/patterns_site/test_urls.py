"""Invalid identifiers are a 404, never a 500: every route in the URL resolver is
requested with bad text in place of each slug, id, token or page path (NUL, invalid or
overlong UTF-8, lone surrogates, numbers too big for the database), by GET and POST,
anonymously and signed in as a supplier."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import SupplierMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_tree")]

# Percent-encoded as they arrive in a request line.
BAD_VALUES = [
    "%00",
    "a%00b",
    "%ff",
    "%c0%af",  # overlong "/"
    "%ed%a0%80",  # a lone surrogate, U+D800
    "%f4%90%80%80",  # beyond U+10FFFF
    "%0a",
    "%e2%80%ae",  # right-to-left override, valid UTF-8
    "99999999999999999999999",
    "-1",
    "a" * 300,
]

# The Wagtail admin and documents are Wagtail's own, for signed-in editors.
SKIPPED_PREFIXES = ("admin/", "documents/")
# The API's invalid-identifier answers belong to its rewrite to django-ninja (another
# branch); its routes are walked and any failure listed, without failing this suite.
API_PREFIX = "api/"
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def route_templates(patterns=None, prefix=""):
    """Every route as a template with {} where each parameter goes."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        piece = _template(pattern.pattern)
        if piece is None:
            continue
        if isinstance(pattern, URLResolver):
            yield from route_templates(pattern.url_patterns, prefix + piece)
        elif isinstance(pattern, URLPattern):
            yield prefix + piece


def _template(pattern) -> str | None:
    route = getattr(pattern, "_route", None)
    if route is not None:
        return PARAMETER.sub("{}", route)
    regex = pattern._regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    # Regex routes here: Wagtail's page paths, the API's catch-all and the downloads.
    regex = regex.replace(r"((?:[\w\-]+/)*)", "{}/")
    # A group of fixed choices (csv|json) keeps its first; any other group is a parameter.
    regex = re.sub(r"\(\?P<\w+>(\w+)(\|\w+)+\)", r"\1", regex)
    regex = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", regex)
    regex = regex.replace(r"\.", ".")
    if any(char in regex for char in "()[]*+?\\|"):
        return None
    return regex


# django-allauth answers its own bad verification and reset links (a 400, or a page that
# says the link is invalid); here they must only never be a server error.
ALLAUTH_PREFIX = "/accounts/"


def urls_with_bad_values():
    seen = set()
    for template in route_templates():
        if template.startswith(SKIPPED_PREFIXES) or "{}" not in template:
            continue
        for value in BAD_VALUES:
            url = "/" + template.replace("{}", value)
            if url not in seen:
                seen.add(url)
                yield url


ALL_URLS = list(urls_with_bad_values())


def test_the_walker_covers_every_kind_of_identifier():
    """The walk reaches slugs, ids, tokens, page paths, sitemaps, feeds and downloads."""
    joined = "\n".join(ALL_URLS)
    for route in [
        "/components/%00/",
        "/offerings/%ff/",
        "/councils/%ed%a0%80/",
        "/basket/saved/%00/",
        "/basket/lines/99999999999999999999999/remove/",
        "/supplier/organisations/99999999999999999999999/",
        "/supplier/organisations/%00/offerings/%00/edit/",
        "/supplier/invitations/%00/",
        "/accounts/confirm-email/%00/",
        "/sitemap-%00.xml",
        "/data/%00.csv",
        "/%00/",
        "/api/recipes/%00/",
    ]:
        assert route in joined, route


def answers(client, url):
    return [client.get(url).status_code, client.post(url).status_code]


@pytest.fixture
def clients():
    anonymous = Client(raise_request_exception=False)
    supplier = Client(raise_request_exception=False)
    supplier.force_login(SupplierMembershipFactory().user)
    return {"anonymous": anonymous, "supplier": supplier}


def summarise(failures):
    """Each failing route once, with the statuses it gave."""
    found = {}
    for *_who, url, status in failures:
        route = re.sub("|".join(re.escape(value) for value in BAD_VALUES), "<bad>", url)
        found.setdefault(route, set()).add(status)
    return found


def test_bad_identifiers_are_404_on_every_page_route(clients):
    """Every page route answers a bad identifier with 404 (or 405 for a method it never
    takes, or a redirect to sign in), never with a server error."""
    failures = []
    for url in ALL_URLS:
        if url.startswith("/" + API_PREFIX):
            continue
        # Signed in as a supplier only where it changes anything: the portal.
        who_asks = clients if url.startswith("/supplier/") else {"anonymous": clients["anonymous"]}
        for who, client in who_asks.items():
            for status in answers(client, url):
                signing_in = who == "anonymous" and status == 302
                expected = status in (404, 405) or signing_in
                if url.startswith(ALLAUTH_PREFIX):
                    expected = status < 500
                if not expected:
                    failures.append((who, url, status))
    assert failures == [], "\n".join(
        f"{route} {sorted(codes)}" for route, codes in summarise(failures).items()
    )


def test_api_routes_never_answer_500_to_bad_identifiers(clients):
    """The API's routes answer a bad identifier with a JSON 404 or 400, never a server
    error."""
    failures = [
        (url, status)
        for url in ALL_URLS
        if url.startswith("/" + API_PREFIX)
        for status in answers(clients["anonymous"], url)
        if status not in (400, 404, 405)
    ]
    assert failures == []
