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


# A database that fails before or while a download streams, under gunicorn, read with a
# real HTTP client.


class Gunicorn:
    """gunicorn serving the site on 127.0.0.1 against a database URL, with test settings."""

    def __init__(self, database_url: str):
        import os
        import socket
        import subprocess
        import sys
        import time
        import urllib.request

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "patterns_site.settings.test",
            "DATABASE_URL": database_url,
            "DB_CONN_MAX_AGE": "0",
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [sys.executable, "-m", "gunicorn", "patterns_site.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60",
             "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/robots.txt", timeout=2)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)

    def get(self, path: str, *, receive_buffer: int = 4096):
        """Send a GET with a small receive buffer, so that the server is still writing
        (and fetching rows) while the test reads; returns the open response."""
        import http.client
        import socket

        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.connect(("127.0.0.1", self.port))
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.sock = sock
        connection.request("GET", path)
        return connection.getresponse()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)


def read_to_the_end(response) -> tuple[bytes, bool]:
    """The body and whether the chunked transfer ended cleanly (its last, empty chunk)."""
    import http.client

    body = b""
    try:
        while chunk := response.read(65536):
            body += chunk
    except http.client.IncompleteRead as error:
        return body + error.partial, False
    return body, True


def database_url_of(connection) -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


@pytest.fixture
def many_councils(transactional_db):
    """Enough councils that the council download takes many database round trips."""
    from catalogue.models import Council
    from tests.factories import CouncilTypeFactory

    council_type = CouncilTypeFactory()
    Council.objects.bulk_create(
        [
            Council(
                code=f"X{n:06d}",
                slug=f"synthetic-council-{n}",
                name=f"Synthetic council {n}",
                official_name=f"Synthetic Council Number {n} of a very long name",
                council_type=council_type,
                nation="England",
                region="Nowhere",
            )
            for n in range(20_000)
        ],
        batch_size=2000,
    )
    return 20_000


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_a_database_failure_mid_stream_is_visible_to_the_client(many_councils, extension):
    """Under gunicorn, the streaming connection is killed from a second connection part
    way through (pg_terminate_backend): the client sees the transfer cut short, and the
    bytes it has say so: a CSV's last line, a JSON that does not parse."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("kills a PostgreSQL backend")
    server = Gunicorn(database_url_of(connection))
    try:
        response = server.get(f"/data/councils.{extension}")
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked"
        first = response.read(4096)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
        rest, clean_end = read_to_the_end(response)
    finally:
        server.stop()
    body = (first + rest).decode()
    assert not clean_end, "the transfer ended as if the file were whole"
    last_line = body.rstrip("\n").rsplit("\n", 1)[-1]
    assert "this download is incomplete" in last_line
    if extension == "csv":
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0][0] == "code"
        assert len(rows) - 2 < many_councils
    else:
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_a_database_down_before_the_first_byte_is_a_503(transactional_db, extension):
    """With the database unreachable, a download answers 503 with a clear message, not a
    200 with an empty or partial file."""
    server = Gunicorn("postgres://postgres@127.0.0.1:5449/nothing_listens_here")
    try:
        response = server.get(f"/data/councils.{extension}")
        body = response.read()
    finally:
        server.stop()
    assert response.status == 503
    error = json.loads(body)["error"]
    assert error["status"] == 503
    assert "database is not answering" in error["message"]
