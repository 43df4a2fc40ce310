"""What a browser downloads for a page: whether the HTML is compressed, the compressed
size of the HTML and the CSS and JavaScript it loads (JavaScript modules followed through
their imports), and whether every static file it reaches, fonts and images named in the
CSS included, has a hashed name and a long cache lifetime.
"""

import gzip
import http.client
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from bench.loadgen import ALLOWED_HOSTS, RESPONSE_TIMEOUT

# Django's manifest storage puts 12 hex digits of the file's MD5 before the extension.
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
LONG_CACHE_SECONDS = 365 * 24 * 60 * 60
# import x from "./a.js", import {a}from"../b.mjs", export * from "./c.js", import("./d.js")
JS_IMPORT = re.compile(
    r"""(?:\bimport|\bexport)\b[^"'`;()]*?\bfrom\s*["']([^"']+)["']"""
    r"""|\bimport\s*["']([^"']+)["']"""
    r"""|\bimport\s*\(\s*["']([^"']+)["']\s*\)"""
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)|@import\s+["']([^"']+)["']""")
MAX_FILES = 200


@dataclass
class Asset:
    url: str
    kind: str  # html, css, js, other
    status: int = 0
    raw_bytes: int = 0
    gzip_bytes: int = 0
    served_bytes: int = 0
    content_encoding: str = ""
    cache_control: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def max_age(self) -> int:
        match = re.search(r"max-age=(\d+)", self.cache_control)
        return int(match.group(1)) if match else 0


@dataclass
class Transfer:
    page: str
    assets: list[Asset] = field(default_factory=list)

    @property
    def html(self) -> Asset:
        return self.assets[0]

    def total(self, attribute: str) -> int:
        """HTML + CSS + JS; fonts and images are left out."""
        return sum(getattr(a, attribute) for a in self.assets if a.kind in ("html", "css", "js"))

    @property
    def flagged(self) -> list[Asset]:
        return [asset for asset in self.assets if asset.problems]


class PageAssets(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        rel = attributes.get("rel", "").lower().split()
        if tag == "link" and attributes.get("href"):
            if "stylesheet" in rel:
                self.found.append((attributes["href"], "css"))
            elif "modulepreload" in rel:
                self.found.append((attributes["href"], "js"))
            elif {"icon", "apple-touch-icon", "manifest", "preload"} & set(rel):
                self.found.append((attributes["href"], "other"))
        elif tag == "script" and attributes.get("src"):
            self.found.append((attributes["src"], "js"))


def js_imports(source: str) -> list[str]:
    """Module specifiers a browser would fetch: relative or absolute, not bare names."""
    specifiers = []
    for match in JS_IMPORT.finditer(source):
        specifier = next(group for group in match.groups() if group)
        if specifier.startswith(("./", "../", "/")) and specifier not in specifiers:
            specifiers.append(specifier)
    return specifiers


def css_references(source: str) -> list[str]:
    references = []
    for match in CSS_URL.finditer(source):
        reference = (match.group(1) or match.group(2)).strip()
        if not reference.startswith(("data:", "#", "http:", "https:", "//")):
            references.append(reference)
    return references


def _get(host, port, path, accept_encoding, headers):
    connection = http.client.HTTPConnection(host, port, timeout=RESPONSE_TIMEOUT)
    try:
        connection.request(
            "GET",
            path,
            headers={"Host": f"{host}:{port}", "Accept-Encoding": accept_encoding, **headers},
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def fetch_asset(host: str, port: int, url: str, kind: str, headers=None) -> tuple[Asset, str]:
    """The file as a browser gets it (Accept-Encoding: gzip, br), and its plain text."""
    headers = headers or {}
    path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
    asset = Asset(url=url, kind=kind)
    status, served_headers, served = _get(host, port, path, "gzip, br", headers)
    asset.status = status
    asset.served_bytes = len(served)
    asset.content_encoding = served_headers.get("Content-Encoding", "")
    asset.cache_control = served_headers.get("Cache-Control", "")
    plain = served
    if asset.content_encoding:
        # Asked again for the plain file only when it came compressed: a heavy page once.
        _status, plain_headers, plain = _get(host, port, path, "identity", headers)
        if plain_headers.get("Content-Encoding") == "gzip":
            plain = gzip.decompress(plain)
    asset.raw_bytes = len(plain)
    asset.gzip_bytes = len(gzip.compress(plain, compresslevel=6))
    if status != 200:
        asset.problems.append(f"HTTP {status}")
    if kind != "html":
        if not HASHED_NAME.search(urlsplit(url).path):
            asset.problems.append("name not hashed")
        if asset.max_age < LONG_CACHE_SECONDS:
            asset.problems.append(f"cached for {asset.max_age} s")
    elif not asset.content_encoding:
        asset.problems.append("not compressed")
    return asset, plain.decode("utf-8", "replace")


def page_transfer(host: str, port: int, page: str, headers=None) -> Transfer:
    """Fetch a page and everything it loads, following CSS url()s and JS imports."""
    if host not in ALLOWED_HOSTS:
        raise ValueError(f"Transfer checks may only call {', '.join(sorted(ALLOWED_HOSTS))}")
    base = f"http://{host}:{port}"
    report = Transfer(page=page)
    html_asset, html = fetch_asset(host, port, urljoin(base, page), "html", headers)
    report.assets.append(html_asset)
    parser = PageAssets()
    parser.feed(html)
    queue = [(urljoin(base + page, href), kind) for href, kind in parser.found]
    seen = {html_asset.url}
    while queue and len(seen) < MAX_FILES:
        url, kind = queue.pop(0)
        if url in seen or urlsplit(url).netloc != f"{host}:{port}":
            continue
        seen.add(url)
        asset, text = fetch_asset(host, port, url, kind)
        report.assets.append(asset)
        if asset.status != 200:
            continue
        if kind == "js":
            queue += [(urljoin(url, spec), "js") for spec in js_imports(text)]
        elif kind == "css":
            for reference in css_references(text):
                target = urljoin(url, reference)
                queue.append((target, "css" if target.split("?")[0].endswith(".css") else "other"))
    return report
