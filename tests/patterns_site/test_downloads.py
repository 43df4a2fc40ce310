import csv
import io
import json
import tracemalloc
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from catalogue.models import Offering
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
)

pytestmark = pytest.mark.django_db

DATASETS = ["recipes", "adoptions", "components", "standards", "offerings", "suppliers", "councils"]


def streamed_text(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(streamed_text(response))))


def offerings_bulk_create(count: int, supplier, component, start: int = 0):
    """count published offerings, created in bulk as a big catalogue would hold."""
    now = timezone.now()
    offerings = Offering.objects.bulk_create(
        [
            Offering(
                supplier=supplier,
                name=f"Bulk offering {n}",
                slug=f"bulk-offering-{n}",
                summary="A product in a very large catalogue, described in one sentence. " * 3,
                pricing_unit="per_year",
                price=Decimal("1000.00"),
                hosting="cloud_uk",
                live=True,
                first_published_at=now,
                last_published_at=now,
            )
            for n in range(start, start + count)
        ],
        batch_size=1000,
    )
    Offering.components.through.objects.bulk_create(
        [Offering.components.through(offering=o, component=component) for o in offerings],
        batch_size=1000,
    )


@pytest.mark.parametrize("slug", DATASETS)
def test_every_dataset_downloads_as_csv_and_json(client, slug):
    """Each type downloads as a CSV file with a header row and as a JSON document that
    carries the licence, sources, generation time and rows."""
    StandardFactory()
    AdoptionOutcomeFactory(adoption=AdoptionFactory())
    OfferingFactory()
    csv_response = client.get(f"/data/{slug}.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in csv_response["Content-Disposition"]
    assert csv_response["X-Generated-At"]
    assert "open-government-licence" in csv_response["Link"]
    rows = read_csv(csv_response)
    assert len(rows) >= 1

    json_response = client.get(f"/data/{slug}.json")
    document = json.loads(streamed_text(json_response))
    assert document["dataset"] == slug
    assert document["licence"]["name"] == "Open Government Licence v3.0"
    assert document["generated_at"]
    assert len(document["rows"]) == len(rows)
    assert list(document["rows"][0]) == list(rows[0])


def test_council_downloads_credit_mysociety(client):
    """The councils file credits mySociety's CC BY 4.0 data."""
    CouncilFactory()
    document = json.loads(streamed_text(client.get("/data/councils.json")))
    assert {source["licence"] for source in document["sources"]} >= {"CC BY 4.0"}


def test_downloads_hold_only_public_data(client):
    """Draft and withdrawn offerings, draft recipes and contact emails are left out."""
    OfferingFactory(slug="published")
    OfferingFactory(slug="draft", live=False)
    OfferingFactory(slug="withdrawn", withdrawn_at=timezone.now())
    SupplierFactory(contact_email="private@supplier.example")
    RecipePageFactory(slug="live-recipe")
    RecipePageFactory(slug="draft-recipe", live=False, publish=False)
    assert [row["slug"] for row in read_csv(client.get("/data/offerings.csv"))] == ["published"]
    assert [row["slug"] for row in read_csv(client.get("/data/recipes.csv"))] == ["live-recipe"]
    assert "private@" not in streamed_text(client.get("/data/suppliers.csv"))
    assert "private@" not in streamed_text(client.get("/data/suppliers.json"))


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client):
    """Text starting with = + - @ tab or CR gets an apostrophe; plain numbers do not."""
    SupplierFactory(name='=HYPERLINK("http://evil.example")', description="@SUM(A1)")
    SupplierFactory(name="+cmd|' /C calc'!A0", description="-2+3")
    SupplierFactory(name="\tTabbed", description="\rReturn")
    adoption = AdoptionFactory()
    AdoptionOutcomeFactory(adoption=adoption, value=Decimal("-12.5"))
    rows = read_csv(client.get("/data/suppliers.csv"))
    cells = [row["name"] for row in rows] + [row["description"] for row in rows]
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "'-2+3" in cells
    # A negative number is data, not a formula, so it stays as it is.
    assert "-12.50 percent" in read_csv(client.get("/data/adoptions.csv"))[0]["outcomes"]


def test_money_is_written_in_pounds_with_pence(client):
    """Prices keep their pence exactly."""
    OfferingFactory(price=Decimal("1234.5"), price_max=Decimal("2000"))
    row = read_csv(client.get("/data/offerings.csv"))[0]
    assert (row["price_gbp"], row["price_max_gbp"]) == ("1234.50", "2000.00")


def download_peak_memory(client, extension: str) -> tuple[int, int, int]:
    """Peak bytes allocated while downloading every offering, the file's size and rows."""
    # Read it once first, so the first request's imports and caches are not counted.
    b"".join(client.get(f"/data/offerings.{extension}").streaming_content)
    tracemalloc.start()
    try:
        response = client.get(f"/data/offerings.{extension}")
        assert isinstance(response, StreamingHttpResponse)
        total, rows = 0, 0
        for chunk in response.streaming_content:
            total += len(chunk)
            rows += chunk.count(b"bulk-offering-")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, total, rows


def test_streaming_a_large_catalogue_keeps_memory_flat(client):
    """Downloads are streamed: going from 1,000 to 5,000 offerings makes the file five
    times bigger but leaves the peak memory while reading it about the same."""
    supplier, component = SupplierFactory(), ComponentFactory()
    offerings_bulk_create(1000, supplier, component)
    small = {ext: download_peak_memory(client, ext) for ext in ("csv", "json")}
    offerings_bulk_create(4000, supplier, component, start=1000)
    for extension in ("csv", "json"):
        small_peak, small_total, small_rows = small[extension]
        peak, total, rows = download_peak_memory(client, extension)
        assert (small_rows, rows) == (1000, 5000)
        assert total > 4.5 * small_total
        assert peak < 1.3 * small_peak, (extension, small_peak, peak)


def test_data_page_lists_each_download_with_rows_and_columns(client):
    """/data/ links every file, says how many rows each has and describes each column."""
    OfferingFactory.create_batch(3)
    response = client.get("/data/")
    assert response.status_code == 200
    body = response.content.decode()
    for slug in DATASETS:
        assert f'href="/data/{slug}.csv"' in body
        assert f'href="/data/{slug}.json"' in body
    assert "price_gbp" in body
    assert "Open Government Licence v3.0" in body
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_dataset_is_a_404_and_downloads_are_read_only(client):
    """An unknown file is a 404; POST is a 405; downloads are open to other origins."""
    assert client.get("/data/passwords.csv").status_code == 404
    assert client.post("/data/offerings.csv").status_code == 405
    assert client.get("/data/offerings.csv")["Access-Control-Allow-Origin"] == "*"


def test_claim_columns_split_verified_from_claimed(client):
    """The offerings file separates verified conformance from claims not yet checked."""
    offering = OfferingFactory()
    ConformanceClaimFactory(offering=offering, standard__slug="wcag-22", verified=True)
    ConformanceClaimFactory(offering=offering, standard__slug="uprn")
    row = read_csv(client.get("/data/offerings.csv"))[0]
    assert (row["verified_standards"], row["claimed_standards"]) == ("wcag-22", "uprn")
