"""What goes over the wire: HTML compressed, static files (JavaScript modules and what
they import included) under hashed names with a long cache lifetime, and compressed."""

import gzip
import json
import posixpath
import re

import pytest
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

pytestmark = pytest.mark.django_db

HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
MODULE_IMPORT = re.compile(r"""\bfrom\s*["']([^"']+)["']""")
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "patterns_site.static_storage.HashedStaticFilesStorage"},
}


def test_html_is_gzip_compressed_for_browsers_that_accept_it(client, page_tree):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content)
    assert b"<!DOCTYPE html>" in html[:200] or b"<!doctype html>" in html[:200].lower()
    assert len(response.content) < len(html) / 3


def test_html_is_plain_for_clients_that_do_not_ask_for_compression(client, page_tree):
    response = client.get("/")
    assert not response.has_header("Content-Encoding")
    assert b"</html>" in response.content


def test_compressed_html_differs_between_responses(client, page_tree):
    """Django's BREACH mitigation: random bytes in each gzip header, so the compressed
    length does not reveal how well a secret on the page compresses against a guess."""
    bodies = {client.get("/", HTTP_ACCEPT_ENCODING="gzip").content for _ in range(3)}
    assert len(bodies) > 1


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic with the production storage into a folder of this module's own,
    served by WhiteNoise as in production (no finders, no autorefresh)."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=str(root),
        STORAGES=PRODUCTION_STORAGES,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_USE_FINDERS=False,
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
        manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
        whitenoise = WhiteNoiseMiddleware(lambda request: None)
        yield root, manifest, whitenoise


def _serve(whitenoise, name, **headers):
    return whitenoise(RequestFactory().get(f"/static/{name}", **headers))


def test_javascript_modules_import_hashed_names(collected):
    """plumbing.mjs imports GOV.UK Frontend and our search module by their hashed names,
    so neither is ever cached under a name whose content can change."""
    root, manifest, _whitenoise = collected
    module = (root / manifest["js/plumbing.mjs"]).read_text()
    imports = MODULE_IMPORT.findall(module)
    assert len(imports) == 2
    for specifier in imports:
        assert HASHED.search(specifier), specifier
        assert posixpath.normpath(posixpath.join("js", specifier)) in manifest.values()


@pytest.mark.parametrize(
    "name",
    ["js/plumbing.mjs", "js/search-suggest.mjs", "govuk/govuk-frontend.min.js", "css/plumbing.css"],
)
def test_static_files_are_hashed_cached_for_a_year_and_compressed(collected, name):
    _root, manifest, whitenoise = collected
    hashed = manifest[name]
    assert HASHED.search(hashed)
    response = _serve(whitenoise, hashed, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response["Cache-Control"])[1]) >= 365 * 24 * 3600
    assert response["Content-Encoding"] in ("gzip", "br")
    if name.endswith((".js", ".mjs")):
        assert response["Content-Type"].startswith("text/javascript")


def test_pages_link_static_files_by_hashed_name(client, page_tree, collected):
    _root, _manifest, _whitenoise = collected
    with override_settings(STORAGES=PRODUCTION_STORAGES, STATIC_ROOT=str(collected[0])):
        html = client.get("/").content.decode()
    sources = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert sources
    for source in sources:
        assert HASHED.search(source), source
