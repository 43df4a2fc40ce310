"""Counts SQL queries per page in-process, with Django's test client and
CaptureQueriesContext, against the database in DATABASE_URL, in the mode BENCH_MODE
names (bench.run counts in "uncached", so no cache hides a query). Prints JSON.

Run by bench.run in a subprocess, once per database, so Django starts once:

    BENCH_SUPPLIER_PASSWORD=... python -m bench.querycount prepare < spec.json
    python -m bench.querycount resolve     # only the objects to benchmark
    python -m bench.querycount settings    # the cache settings this process really has

`prepare` makes the bench supplier account (bench.fixtures), chooses the objects to
benchmark unless the spec brings them ("resolved", so that the demo database times the
pages chosen at scale), and counts each page's queries. A page's visitor is anonymous,
a basket filled through the recipe pages' forms, or a supplier signed in through the
sign-in form, built exactly as bench.visitors builds them over HTTP.
"""

import json
import sys

from bench.visitors import SessionProblem, basket_fill, sign_in


def _public(queryset):
    return queryset.filter(live=True, withdrawn_at=None)


def resolve() -> dict:
    """Demo objects, present at every data size, that give each page plenty to show: the
    recipe with the most ingredients, the component with the most offerings, and so on."""
    from django.db.models import Count, Q

    from catalogue.models import Component, Council, Offering, Standard, Supplier
    from recipes.models import RecipePage

    demo = {"slug__startswith": "synthetic-"}
    recipes = list(
        RecipePage.objects.live()
        .exclude(**demo)
        .annotate(n=Count("components_used"))
        .order_by("-n", "title")
    )
    public = Q(offerings__live=True, offerings__withdrawn_at=None)
    component = (
        Component.objects.exclude(**demo)
        .annotate(n=Count("offerings", filter=public))
        .order_by("-n", "name")
        .first()
    )
    if not recipes or component is None:
        raise SystemExit("No demo recipe or component: run load_demo_data (or bench --seed).")
    offerings = list(
        _public(Offering.objects.exclude(**demo).filter(components=component))
        .annotate(n=Count("claims"))
        .order_by("-n", "name")
    )
    standard = Standard.objects.exclude(**demo).annotate(n=Count("claims")).order_by("-n").first()
    supplier = (
        Supplier.objects.exclude(**demo)
        .annotate(n=Count("offerings"))
        .order_by("-n", "name")
        .first()
    )
    council = (
        Council.objects.annotate(
            n=Count("adoptions", filter=~Q(adoptions__recipe__slug__startswith="synthetic-"))
        )
        .order_by("-n", "name")
        .first()
    )
    return {
        "recipe": recipes[0].get_url(),
        "recipes": [recipe.get_url() for recipe in recipes],
        "component": component.slug,
        "offerings": [offering.slug for offering in offerings],
        "standard": standard.slug if standard else None,
        "supplier": supplier.slug if supplier else None,
        "council": council.slug if council else None,
    }


def settings_in_force() -> dict:
    """The cache configuration this process actually runs with."""
    from django.conf import settings

    return {
        "mode": getattr(settings, "BENCH_MODE", None),
        "debug": settings.DEBUG,
        "caches": {alias: config["BACKEND"] for alias, config in settings.CACHES.items()},
        "cache_seconds": {
            name: getattr(settings, name)
            for name in dir(settings)
            if name.endswith("CACHE_SECONDS")
        },
        "redis": bool(getattr(settings, "REDIS_URL", "")),
        "session_engine": settings.SESSION_ENGINE,
    }


def read_whole(response) -> bytes:
    """The body, a streamed one read to its end, as a server reads it. A stream left half
    read keeps its generator, and the server-side cursor in it, until the garbage
    collector finalises it: if that happens while the same connection is fetching for
    another request, closing the cursor waits on the connection's lock, which that fetch
    holds, for ever (the query counts hung on the CSV download). (Not response.close():
    the test client's close sends request_finished, which closes the connection.)"""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def client_fetch(client):
    def fetch(method, path, data):
        response = client.get(path) if method == "GET" else client.post(path, data)
        body = read_whole(response)
        return response.status_code, response.get("Location", ""), body.decode("utf-8", "replace")

    return fetch


def _visitor_client(kind: str, visitors: dict):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    spec = visitors.get(kind)
    if kind == "anonymous":
        return client
    if spec is None:
        raise SessionProblem(f"no way to build a {kind} visitor")
    if "recipes" in spec:
        basket_fill(client_fetch(client), spec["recipes"])
    else:
        sign_in(
            client_fetch(client),
            path=spec["sign_in"],
            email=spec["email"],
            password=spec["password"],
        )
    return client


def count(spec: dict) -> dict[str, dict]:
    """For each page: status and queries, or the problem that kept it from being counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients, problems, results = {}, {}, {}
    for page in spec["pages"]:
        kind = page.get("visitor", "anonymous")
        if kind not in clients and kind not in problems:
            try:
                clients[kind] = _visitor_client(kind, spec.get("visitors", {}))
            except SessionProblem as problem:
                problems[kind] = str(problem)
        if kind in problems:
            results[page["name"]] = {"status": None, "queries": None, "problem": problems[kind]}
            continue
        client = clients[kind]
        read_whole(client.get(page["path"]))  # Warm per-process caches (templates, URLs).
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"])
            read_whole(response)  # A streamed download queries as it is read.
        results[page["name"]] = {
            "status": response.status_code,
            "queries": len(queries.captured_queries),
        }
    return results


def prepare(spec: dict, *, password: str) -> dict:
    from bench.fixtures import account_ensure, state
    from bench.pages import page_path, plumbing_pages, selected, visitor_specs

    account = account_ensure(password=password)
    resolved = spec.get("resolved") or resolve()
    pages = selected(plumbing_pages(resolved), spec.get("pages"))
    counted = count(
        {
            "pages": [
                {"name": page.name, "path": page_path(page, account), "visitor": page.visitor}
                for page in pages
                if page.path
            ],
            "visitors": visitor_specs(resolved, {**account, "password": password}),
        }
    )
    return {
        "account": account,
        "resolved": resolved,
        "settings": settings_in_force(),
        "state": state(),
        "counts": counted,
    }


def main(argv: list[str]):
    import os

    import django

    django.setup()
    command = argv[0] if argv else ""
    if command == "prepare":
        output = prepare(json.load(sys.stdin), password=os.environ["BENCH_SUPPLIER_PASSWORD"])
    elif command == "resolve":
        output = resolve()
    elif command == "settings":
        output = settings_in_force()
    else:
        raise SystemExit("usage: python -m bench.querycount prepare < spec | resolve | settings")
    json.dump(output, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
