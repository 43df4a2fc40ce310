"""Counts SQL queries and HTML bytes per page in-process, with Django's test client and
CaptureQueriesContext, against the database in DATABASE_URL. Prints JSON.

Run by bench.run in a subprocess (one per database): `python -m bench.querycount PATH...`.
With --resolve it first picks the paths to benchmark from what is in the database."""

import json
import sys


def resolve() -> dict[str, str]:
    """A demo recipe and demo component that exist at every data size: the ones with the
    most adoptions and the most published offerings."""
    from django.db.models import Count, Q

    from catalogue.models import Component
    from recipes.models import RecipePage

    recipe = (
        RecipePage.objects.live()
        .exclude(slug__startswith="synthetic-")
        .annotate(n=Count("adoptions"))
        .order_by("-n", "title")
        .first()
    )
    component = (
        Component.objects.exclude(slug__startswith="synthetic-")
        .annotate(
            n=Count("offerings", filter=Q(offerings__live=True, offerings__withdrawn_at=None))
        )
        .order_by("-n", "name")
        .first()
    )
    if recipe is None or component is None:
        raise SystemExit("No demo recipe or component: run load_demo_data (or bench --seed).")
    return {"recipe": recipe.slug, "component": component.slug}


def count(paths: list[str]) -> dict[str, dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for path in paths:
        client.get(path)  # Warm per-process caches (site root paths, templates).
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        results[path] = {
            "status": response.status_code,
            "queries": len(queries.captured_queries),
            "bytes": len(response.content),
        }
    return results


def main(argv: list[str]):
    import django

    django.setup()
    output = {}
    if argv and argv[0] == "--resolve":
        output["resolved"] = resolve()
        argv = argv[1:]
    output["pages"] = count(argv)
    json.dump(output, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
