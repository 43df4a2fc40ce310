"""The API answers in the same shapes as the hand-written API it replaced: for a sample
of requests over every endpoint (lists, pages, details, errors, 405, OPTIONS, HEAD), the
status, the headers clients rely on and the shape of the JSON (every key at every level,
and the JSON type of every value) match api_shapes.json, recorded from the old code.

To record the file again (only when a change of contract is intended), run this module
with PLUMBING_RECORD_API_SHAPES=1.
"""

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from foundations.api import CORS_HEADERS
from tests.factories import (
    AdoptionFactory,
    AdoptionOutcomeFactory,
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
    stream,
)

pytestmark = pytest.mark.django_db

SHAPES_FILE = Path(__file__).with_name("api_shapes.json")
HEADERS = ["Content-Type", "Allow", *CORS_HEADERS]
KINDS = ["recipes", "components", "standards", "offerings", "suppliers", "councils"]
SLUGS = {
    "recipes": "bins",
    "components": "pay",
    "standards": "uprn",
    "offerings": "paybox",
    "suppliers": "acme",
    "councils": "leeds",
}
BAD_VALUES = {
    "recipes": "maturity=ripe",
    "components": "category=moon",
    "offerings": "hosting=moon",
    "suppliers": "sme=maybe",
    "councils": "region=Atlantis",
}


def requests_to_make() -> list[tuple[str, str]]:
    requests = []
    for kind in KINDS:
        base = f"/api/{kind}/"
        for query in ["", "?page_size=1", "?page_size=1&page=2", "?page=x", "?page_size=101"]:
            requests.append(("get", base + query))
        requests += [("get", f"{base}?colour=blue"), ("get", f"{base}{SLUGS[kind]}/")]
        requests += [("get", f"{base}no-such-thing/"), ("post", base), ("delete", base)]
        requests += [("options", base), ("head", base), ("head", f"{base}{SLUGS[kind]}/")]
        if kind in BAD_VALUES:
            requests.append(("get", f"{base}?{BAD_VALUES[kind]}"))
    return requests + [("get", "/api/widgets/"), ("put", "/api/recipes/bins/")]


def shape(value):
    """Every key of the JSON at every level, with the JSON type of each value; a list
    gives the distinct shapes of its items."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        shapes = {json.dumps(shape(item), sort_keys=True) for item in value}
        return [json.loads(item) for item in sorted(shapes)]
    return {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        type(None): "null",
    }[type(value)]


@pytest.fixture
def catalogue():
    # Every name is given, so which item comes first in a list (by name) does not hang on
    # the factories' counters, which other tests move on.
    uprn = StandardFactory(slug="uprn", name="UPRN")
    pay = ComponentFactory(slug="pay", name="Pay", standards=[uprn])
    supplier = SupplierFactory(slug="acme", name="Acme", is_sme=True)
    offering = OfferingFactory(
        slug="paybox",
        name="PayBox",
        supplier=supplier,
        components=[pay],
        open_source_licence="MIT",
        setup_fee=Decimal("10"),
        price_max=Decimal("500"),
    )
    ConformanceClaimFactory(offering=offering, standard=uprn, verified=True)
    ConformanceClaimFactory(offering=offering, standard=StandardFactory(name="Zeta"))
    OfferingFactory(name="Zebra", supplier=SupplierFactory(name="Zed"))
    council = CouncilFactory(
        slug="leeds", name="Leeds", parent=CouncilFactory(name="West"), population=800000
    )
    CouncilFactory(name="Zennor", population=None)
    recipe = RecipePageFactory(
        slug="bins",
        title="Bins",
        components=[pay],
        standards=[uprn],
        people=[("Developer", "10")],
        outcomes=stream(
            [
                (
                    "outcome",
                    {
                        "metric": "Reports made online",
                        "value": "70",
                        "baseline": "20",
                        "unit": "percent",
                        "source": "Sample",
                    },
                )
            ]
        ),
    )
    AdoptionOutcomeFactory(
        adoption=AdoptionFactory(recipe=recipe, council=council), baseline=Decimal("3")
    )
    RecipePageFactory(title="Zoo")


def test_every_answer_keeps_the_recorded_shape(client, catalogue):
    """Status, headers and JSON shape of each sampled request are as recorded."""
    client.get("/api/recipes/")  # Wagtail caches the site's root paths on first use.
    answers = {}
    for method, url in requests_to_make():
        response = getattr(client, method)(url)
        answer = {
            "status": response.status_code,
            "headers": {h: response[h] for h in HEADERS if response.has_header(h)},
        }
        if response.content and response["Content-Type"].startswith("application/json"):
            answer["json"] = shape(response.json())
        answers[f"{method.upper()} {url}"] = answer
    if os.environ.get("PLUMBING_RECORD_API_SHAPES"):
        SHAPES_FILE.write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n")
    recorded = json.loads(SHAPES_FILE.read_text())
    assert set(answers) == set(recorded)
    for request, answer in answers.items():
        assert answer == recorded[request], request
