"""What a browser downloads for a page: the benchmark follows stylesheets, scripts, CSS
url()s and JavaScript module imports, and flags any static file without a hashed name
or a long cache lifetime."""

from http.server import BaseHTTPRequestHandler

import pytest

from bench.transfer import js_imports, page_transfer

YEAR = "public, max-age=315360000, immutable"
FILES = {
    "/page/": (
        "text/html",
        "no-cache",
        '<link rel="stylesheet" href="/static/site.0123456789ab.css">'
        '<script type="module" src="/static/js/app.0123456789ab.mjs"></script>',
    ),
    "/static/site.0123456789ab.css": (
        "text/css",
        YEAR,
        "body{font:1em x}@font-face{src:url(fonts/f.abcdefabcdef.woff2)}"
        ".i{background:url('data:image/png;base64,AAAA')}",
    ),
    "/static/fonts/f.abcdefabcdef.woff2": ("font/woff2", YEAR, "wOF2"),
    "/static/js/app.0123456789ab.mjs": (
        "text/javascript",
        YEAR,
        'import{initAll as o}from"../vendor/lib.js";o();',
    ),
    "/static/vendor/lib.js": ("text/javascript", "max-age=60, public", "export function x(){}"),
}


class Site(BaseHTTPRequestHandler):
    def do_GET(self):
        content_type, cache_control, body = FILES.get(self.path, ("text/plain", "", "missing"))
        self.send_response(200 if self.path in FILES else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", cache_control)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def site(local_http):
    return local_http(Site)


def test_bench_transfer_flags_an_unhashed_module_import(site):
    """A module imported by a hashed module under its plain name, cached for 60 s, is
    flagged; hashed files with a long lifetime, fonts from the CSS included, are not;
    data: URIs are not fetched; uncompressed HTML is flagged."""
    report = page_transfer("127.0.0.1", site, "/page/")
    paths = [asset.url.split(str(site), 1)[1] for asset in report.assets]
    assert paths == [
        "/page/",
        "/static/site.0123456789ab.css",
        "/static/js/app.0123456789ab.mjs",
        "/static/fonts/f.abcdefabcdef.woff2",
        "/static/vendor/lib.js",
    ]
    flagged = {asset.url.split(str(site), 1)[1]: asset.problems for asset in report.flagged}
    assert flagged == {
        "/page/": ["not compressed"],
        "/static/vendor/lib.js": ["name not hashed", "cached for 60 s"],
    }
    html_css_js = sum(len(FILES[path][2]) for path in FILES if not path.endswith(".woff2"))
    assert report.total("raw_bytes") == html_css_js


def test_bench_js_imports_are_found_in_minified_modules():
    """Static, side-effect and dynamic imports, relative or absolute; bare package names
    are left alone because a browser cannot fetch them without an import map."""
    source = (
        'import{initAll as o}from"../govuk/govuk-frontend.min.js";import"./x.mjs";'
        'export*from"/static/y.js";const m=await import("./lazy.mjs");import z from"react";'
    )
    assert js_imports(source) == [
        "../govuk/govuk-frontend.min.js",
        "./x.mjs",
        "/static/y.js",
        "./lazy.mjs",
    ]
