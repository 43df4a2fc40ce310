"""Record the JSON API's answers to a broad sample of requests, to compare two versions.

Run against a database with the demo content loaded:

    DATABASE_URL=postgres://... DJANGO_SETTINGS_MODULE=patterns_site.settings.test \
        .venv/bin/python scripts/api_snapshot.py > before.json
    # change the code, then
    ... scripts/api_snapshot.py > after.json
    .venv/bin/python scripts/api_snapshot.py --diff before.json after.json

Each request is recorded with its status, the headers a client relies on and the body
(parsed JSON, or the length and type of anything else). /api/openapi.json is recorded
only by status: its text is expected to change when the API's code does.
"""

import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patterns_site.settings.test")

KINDS = ["recipes", "components", "standards", "offerings", "suppliers", "councils"]
ODD_VALUES = ["", "x" * 300, "\x00", "%00", "%ff", "\udcff", "🙂", "' OR 1=1 --", "-1", "1e309"]
# Already percent-encoded: invalid UTF-8, a lone surrogate, an overlong NUL.
RAW_VALUES = ["%ff", "%ed%b3%bf", "%c0%80"]
ODD_SLUGS = ["no-such-thing", "x" * 300, "%00", *RAW_VALUES, "caf%C3%A9", "a.b", "0"]


def requests_to_make() -> list[tuple[str, str]]:
    from catalogue.models import Component, Council, Offering, ServiceArea, Standard, Supplier
    from recipes.models import Maturity, RecipePage

    first = {
        "recipes": RecipePage.objects.live().order_by("title").first().slug,
        "components": Component.objects.order_by("name").first().slug,
        "standards": Standard.objects.order_by("name").first().slug,
        "offerings": Offering.objects.public().order_by("name").first().slug,
        "suppliers": Supplier.objects.order_by("name").first().slug,
        "councils": Council.objects.order_by("name").first().slug,
    }
    component = Component.objects.order_by("name").first().slug
    standard = Standard.objects.order_by("name").first().slug
    area = ServiceArea.objects.filter(parent__isnull=True).order_by("name").first().slug
    filters = {
        "recipes": {
            "service_area": [area],
            "council_type": ["NMD", "CTY", "UA", "XX"],
            "component": [component],
            "standard": [standard],
            "maturity": [value for value, _ in Maturity.choices],
            "sort": ["title", "newest", "adopted", "cheapest"],
        },
        "components": {"category": [value for value, _ in Component.Category.choices]},
        "standards": {},
        "offerings": {
            "component": [component],
            "hosting": [value for value, _ in Offering.Hosting.choices],
            "open_source": ["true", "false", "on", "1", "0"],
        },
        "suppliers": {"sme": ["yes", "no"]},
        "councils": {"council_type": ["NMD", "CTY", "MD", "LBO"], "region": ["London", "Wales"]},
    }
    get = []
    for kind in KINDS:
        base = f"/api/{kind}/"
        get += [
            base,
            f"{base}?page_size=1",
            f"{base}?page_size=1&page=2",
            f"{base}?page_size=100",
            f"{base}?page_size=2&page=999",
            f"{base}?page=0",
            f"{base}?page=x",
            f"{base}?page=",
            f"{base}?page_size=101",
            f"{base}?page_size=0",
            f"{base}?page=1&page=2",
            f"{base}?colour=blue",
            f"{base}?q=bins",
            *[f"{base}?page={value}" for value in RAW_VALUES],
            f"{base}?page=%00",
            f"{base}{first[kind]}/",
        ]
        for name, values in filters[kind].items():
            for value in values:
                get.append(f"{base}?{name}={value}")
            for value in ODD_VALUES:
                get.append(f"{base}?{name}={quote(value, errors='surrogatepass')}")
            get += [f"{base}?{name}={value}" for value in RAW_VALUES]
            get.append(f"{base}?{name}={values[0]}&page_size=1&page=2")
        for slug in ODD_SLUGS:
            get.append(f"{base}{slug}/")
    get += ["/api/widgets/", "/api/components/pay", "/api/%00/", "/api/openapi.json", "/api/"]
    requests = [("GET", url) for url in get]
    for kind in ["components", "offerings"]:
        for url in (f"/api/{kind}/", f"/api/{kind}/{first[kind]}/"):
            requests += [(m, url) for m in ("POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")]
    requests += [("HEAD", "/api/recipes/"), ("OPTIONS", "/api/recipes/no-such-thing/")]
    requests += [("HEAD", "/data/components.json"), ("POST", "/data/components.csv")]
    return requests


def record() -> dict:
    import django

    django.setup()
    from django.test import Client

    from foundations.api import CORS_HEADERS

    headers = ["Content-Type", "Allow", *CORS_HEADERS]

    client = Client(raise_request_exception=False)
    client.get("/api/recipes/")  # Wagtail caches the site root paths on first use.
    out = {}
    for method, url in requests_to_make():
        response = getattr(client, method.lower())(url)
        entry = {
            "status": response.status_code,
            "headers": {h: response[h] for h in headers if response.has_header(h)},
        }
        content = b"" if method == "HEAD" else response.content
        kind = response.get("Content-Type", "")
        if url == "/api/openapi.json":
            pass
        elif kind.startswith("application/json") and content:
            entry["json"] = json.loads(content)
        else:
            entry["body"] = {"length": len(content)}
        out[f"{method} {url}"] = entry
    return out


def diff(before, after, path="") -> list[str]:
    if type(before) is not type(after):
        return [f"{path}: {before!r} -> {after!r}"]
    if isinstance(before, dict):
        lines = []
        for key in sorted(set(before) | set(after), key=str):
            if key not in after:
                lines.append(f"{path}/{key}: removed")
            elif key not in before:
                lines.append(f"{path}/{key}: added {after[key]!r}"[:300])
            else:
                lines += diff(before[key], after[key], f"{path}/{key}")
        return lines
    if isinstance(before, list):
        if len(before) != len(after):
            return [f"{path}: {len(before)} items -> {len(after)} items"]
        return [
            line
            for i, pair in enumerate(zip(before, after, strict=True))
            for line in diff(*pair, f"{path}[{i}]")
        ]
    return [] if before == after else [f"{path}: {before!r} -> {after!r}"[:300]]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--diff"]:
        before, after = (json.loads(Path(name).read_text()) for name in sys.argv[2:4])
        lines = diff(before, after)
        print("\n".join(lines) or "No difference.")
        print(f"{len(before)} requests compared, {len(lines)} differences.", file=sys.stderr)
    else:
        json.dump(record(), sys.stdout, indent=1, ensure_ascii=False, sort_keys=True)
