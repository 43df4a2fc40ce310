"""The basket and the comparison taken away for procurement: the CSV, the XLSX with
formulas, the printed brief, and "choose this" from the comparison. Every total in a file
is worked out again from the file's own cells and checked against the basket page."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from foundations.cells import BOM
from foundations.money import format_rounded
from tests.factories import (
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
)
from tests.pages import parse, text

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def shop(recipe_index):
    """A recipe needing notifications, payments and forms; one product covers both forms
    and notifications (billed once); a supplier with a malicious name; Leeds."""
    openapi = StandardFactory(name="OpenAPI 3", slug="openapi-3")
    notify = ComponentFactory(
        name="Send notifications", slug="send-notifications", standards=[openapi]
    )
    pay = ComponentFactory(name="Take payments", slug="take-payments")
    forms = ComponentFactory(name="Build online forms", slug="build-online-forms")
    bins = RecipePageFactory(
        title="Report a missed bin",
        slug="report-a-missed-bin",
        components=[notify, pay, forms],
        standards=[openapi],
        volume_driver="missed bin reports",
        volume_per_1000_residents=Decimal("35"),
        setup_cost_min=Decimal("8000"),
        setup_cost_max=Decimal("25000"),
    )
    suite = OfferingFactory(
        name="Suite",
        slug="suite",
        components=[notify, forms],
        pricing_unit="per_transaction",
        price=Decimal("0.03"),
        setup_fee=Decimal("500"),
        gcloud_service_id="123456789012345",
    )
    ConformanceClaimFactory(offering=suite, standard=openapi, verified=True)
    evil = OfferingFactory(
        name=EVIL,
        slug="evil-till",
        components=[pay],
        pricing_unit="per_user",
        price=Decimal("100"),
        price_max=Decimal("150"),
        setup_fee=Decimal("1250.50"),
        supplier=SupplierFactory(name="+cmd|' /C calc'!A0", is_sample=True),
    )
    mailer = OfferingFactory(
        name="@Mailer\tplus",
        slug="mailer",
        components=[notify],
        pricing_unit="per_year",
        price=Decimal("1000"),
    )
    leeds = CouncilFactory(name="Leeds", slug="leeds", population=812_000)
    return {
        "notify": notify,
        "pay": pay,
        "forms": forms,
        "bins": bins,
        "suite": suite,
        "evil": evil,
        "mailer": mailer,
        "leeds": leeds,
    }


def filled_basket(client, shop):
    client.post("/costs/council/", {"council": "leeds"})
    client.post("/basket/add/", {"recipe": shop["bins"].pk})
    for component, offering in [("notify", "suite"), ("forms", "suite"), ("pay", "evil")]:
        response = client.post(
            f"/basket/lines/{shop[component].pk}/choose/", {"offering": shop[offering].pk}
        )
        assert response.status_code == 302
    return client


def basket_costs(client):
    """The totals the basket page is built from, read through the same function."""
    response = client.get("/basket/")
    return response.context["basket"].costs, response


def csv_download(client):
    response = client.get("/basket/basket.csv")
    assert response.status_code == 200
    return response, response.content.decode("utf-8")


def money(cell) -> Decimal:
    return Decimal(cell) if cell not in ("", None) else Decimal(0)


# --- CSV -------------------------------------------------------------------------------


def test_csv_is_utf8_with_a_bom_a_header_block_and_a_dated_council_file_name(client, shop):
    """Excel reads £ right (BOM); council, population, date and assumptions come first;
    the file is called plumbing-basket-leeds-<date>.csv."""
    filled_basket(client, shop)
    response, body = csv_download(client)
    today = timezone.localdate().isoformat()
    assert response.content.startswith(BOM.encode("utf-8"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="plumbing-basket-leeds-{today}.csv"'
    )
    rows = list(csv.reader(io.StringIO(body.removeprefix(BOM))))
    head = {row[0]: row[1] for row in rows[1:8] if len(row) > 1}
    assert head["Council"] == "Leeds"
    assert head["Population"] == "812000"
    assert head["Date"] == today
    assert ["Assumption", "Value", "Source"] in rows
    assert any(row and row[0] == "Population band" for row in rows)
    assert "£" in body


def test_csv_totals_recomputed_from_its_lines_equal_the_basket_page(client, shop):
    """Summing the CSV's line cells gives the totals row, and the total cost of ownership
    worked out from the file equals the basket's, to the penny, and the page shows it."""
    filled_basket(client, shop)
    costs, page = basket_costs(client)
    _, body = csv_download(client)
    rows = list(csv.reader(io.StringIO(body.removeprefix(BOM))))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Product")
    header = rows[start]
    lines = []
    for row in rows[start + 1 :]:
        if not row:
            break
        lines.append(dict(zip(header, row, strict=True)))
    by_name = {line["Product"]: line for line in lines}
    # One product for two components is one bill, saying what it covers.
    assert set(by_name["Suite"]["Covers components"].split("; ")) == {
        "Build online forms",
        "Send notifications",
    }
    setup = sum(money(line["Set-up fee (£)"]) for line in lines)
    yearly_from = sum(money(line["Yearly from (£)"]) for line in lines)
    yearly_to = sum(money(line["Yearly to (£)"]) for line in lines)
    totals = {row[0]: row[1:] for row in rows[start + len(lines) + 1 :] if row}
    assert money(totals["Total of the lines"][7]) == setup == costs.product_setup.low
    assert money(totals["Total of the lines"][8]) == yearly_from == costs.yearly.low
    assert money(totals["Total of the lines"][9]) == yearly_to == costs.yearly.high
    recipe_from, recipe_to = map(money, totals["Recipe set-up work (from, to)"][:2])
    staff = money(totals["Staff effort"][0])
    years = costs.assumptions.years
    tco_key = next(key for key in totals if key.startswith("Total cost of ownership"))
    tco_from = setup + recipe_from + staff + years * yearly_from
    tco_to = setup + recipe_to + staff + years * yearly_to
    assert (money(totals[tco_key][0]), money(totals[tco_key][1])) == (tco_from, tco_to)
    assert (tco_from, tco_to) == (costs.tco.low, costs.tco.high)
    assert setup == Decimal("1750.50")
    assert format_rounded(tco_to) in text(parse(page))


def test_csv_cells_never_run_as_formulas(client, shop):
    """A malicious offering or supplier name (=HYPERLINK, +, @, tab) is text in the CSV."""
    filled_basket(client, shop)
    _, body = csv_download(client)
    cells = [cell for row in csv.reader(io.StringIO(body.removeprefix(BOM))) for cell in row]
    assert "'" + EVIL in cells
    assert "'+cmd|' /C calc'!A0 (sample data)" in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t")), cell
        assert not (cell.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", cell)), cell


def test_csv_without_a_council_says_so_and_is_named_for_the_default(client, shop):
    """No council: the header says the default population and the file name says so."""
    client.post("/basket/add/", {"recipe": shop["bins"].pk})
    response, body = csv_download(client)
    assert "plumbing-basket-default-population-" in response["Content-Disposition"]
    assert "None chosen: the default population" in body


# --- XLSX ------------------------------------------------------------------------------


REF = re.compile(r"\$?([A-Z]+)\$?(\d+)")


def evaluate(sheet, formula: str) -> Decimal:
    """Work out one of the workbook's formulas from the cells it refers to: SUM over a
    column range, cell references, + and *. Anything else fails the test."""
    expression = formula.removeprefix("=")

    def value(ref: str) -> Decimal:
        cell = sheet[ref.replace("$", "")]
        if isinstance(cell.value, str) and cell.value.startswith("="):
            return evaluate(sheet, cell.value)
        return Decimal(str(cell.value)) if cell.value not in (None, "") else Decimal(0)

    def total(match) -> str:
        (c1, r1), (c2, r2) = REF.findall(match.group(1))
        assert c1 == c2, formula
        return str(sum((value(f"{c1}{r}") for r in range(int(r1), int(r2) + 1)), Decimal(0)))

    expression = re.sub(r"SUM\(([^)]*)\)", total, expression)
    expression = REF.sub(lambda m: str(value(m.group(0))), expression)
    assert re.fullmatch(r"[\d.+*() ]+", expression), formula
    terms = [term.split("*") for term in expression.split("+")]
    result = Decimal(0)
    for factors in terms:
        product = Decimal(1)
        for factor in factors:
            product *= Decimal(factor.strip())
        result += product
    return result


def find_row(sheet, label: str) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value and str(row[0].value).startswith(label):
            return row[0].row
    raise AssertionError(f"no row {label!r}")


def test_xlsx_totals_are_formulas_that_equal_the_basket_page(client, shop):
    """The workbook's totals are formulas (SUM over the lines, TCO from the years cell);
    evaluated from the cells, they equal the basket's totals; changing the years moves
    the TCO as a finance officer would expect."""
    filled_basket(client, shop)
    costs, _ = basket_costs(client)
    response = client.get("/basket/basket.xlsx")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="plumbing-basket-leeds-{today}.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Shopping list"]
    totals = find_row(sheet, "Total of the lines")
    assert sheet.cell(totals, 9).value.startswith("=SUM(")
    assert evaluate(sheet, sheet.cell(totals, 9).value) == costs.product_setup.low
    assert evaluate(sheet, sheet.cell(totals, 10).value) == costs.yearly.low
    assert evaluate(sheet, sheet.cell(totals, 11).value) == costs.yearly.high
    tco = find_row(sheet, "Total cost of ownership")
    low, high = sheet.cell(tco, 2).value, sheet.cell(tco, 3).value
    assert low.startswith("=") and high.startswith("=")
    assert (evaluate(sheet, low), evaluate(sheet, high)) == (costs.tco.low, costs.tco.high)
    staff = find_row(sheet, "Staff effort")
    assert evaluate(sheet, sheet.cell(staff, 4).value) == costs.staff.low
    years = find_row(sheet, "Years of running")
    sheet.cell(years, 2).value = costs.assumptions.years + 1
    assert evaluate(sheet, low) == costs.tco.low + costs.yearly.low


def test_xlsx_text_cells_are_never_formulas(client, shop):
    """A malicious offering name is a quote-prefixed string cell, not a formula."""
    filled_basket(client, shop)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/basket/basket.xlsx").content))
    cells = [cell for row in book["Shopping list"].iter_rows() for cell in row]
    evil = [cell for cell in cells if cell.value == EVIL]
    assert evil and all(cell.data_type == "s" and cell.quotePrefix for cell in evil)
    formulas = [cell.value for cell in cells if cell.data_type == "f"]
    assert formulas and all(re.fullmatch(r"=[A-Z0-9$:()+*SUM]+", f) for f in formulas)


# --- the printed brief -----------------------------------------------------------------


def test_brief_has_no_header_search_navigation_or_relative_links(client, shop):
    """The brief stands alone: no search form, no navigation, every href absolute, and
    no list ends in a separator."""
    filled_basket(client, shop)
    response = client.get("/basket/brief/")
    assert response.status_code == 200
    soup = parse(response)
    assert not soup.find("form")
    assert not soup.find(attrs={"type": "search"})
    assert not soup.find("nav") and not soup.find("header") and not soup.find("footer")
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert hrefs and all(href.startswith(("http://", "https://")) for href in hrefs), hrefs
    body = text(soup.find("main"))
    assert not re.search(r"[;,]\s*(\)|$|\.)", body)
    assert "(/)" not in body
    assert soup.find(attrs={"data-total": "tco"}) is not None


# --- comparison ------------------------------------------------------------------------


def test_choose_this_from_the_comparison_puts_it_in_the_basket(client, shop):
    """A CSRF-protected "Choose this" form per basket component; posting it chooses the
    offering for that line."""
    client.post("/basket/add/", {"recipe": shop["bins"].pk})
    response = client.get("/compare/?offerings=suite,mailer")
    forms = parse(response).find_all("form", action=f"/basket/lines/{shop['notify'].pk}/choose/")
    assert len(forms) == 2
    assert all(form.find("input", attrs={"name": "csrfmiddlewaretoken"}) for form in forms)
    mailer_form = next(
        f
        for f in forms
        if f.find("input", attrs={"name": "offering"})["value"] == str(shop["mailer"].pk)
    )
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    refused = csrf_client.post(mailer_form["action"], {"offering": shop["mailer"].pk})
    assert refused.status_code == 403
    client.post(mailer_form["action"], {"offering": shop["mailer"].pk})
    basket = client.get("/basket/").context["basket"]
    line = next(line for line in basket.lines if line.component.pk == shop["notify"].pk)
    assert line.offering.pk == shop["mailer"].pk


def test_the_comparison_exports_as_csv_with_the_same_offerings(client, shop):
    """compare.csv has one column per offering, exact figures, guarded names; bad input
    gets the page's 400 and 404."""
    response = client.get("/compare/compare.csv?offerings=suite,evil-till")
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith(BOM)
    rows = list(csv.reader(io.StringIO(body.removeprefix(BOM))))
    names = next(row for row in rows if row and row[0] == "" and len(row) == 3)
    assert names[1:] == ["Suite", "'" + EVIL]
    assert ["Set-up fee (£)", "500.00", "1250.50"] in rows
    assert client.get("/compare/compare.csv?offerings=nope,suite").status_code == 404
    assert client.get("/compare/compare.csv?offerings=").status_code == 400


def test_another_visitors_basket_is_untouchable(client, shop):
    """A second visitor's downloads show their own empty basket, and choosing on a line
    they do not have is a 404: the basket lives in each visitor's own session."""
    filled_basket(client, shop)
    other = Client()
    _, body = csv_download(other)
    assert "Suite" not in body and EVIL not in body
    response = other.post(
        f"/basket/lines/{shop['notify'].pk}/choose/", {"offering": shop["mailer"].pk}
    )
    assert response.status_code == 404
    costs, _ = basket_costs(client)
    assert any(line.offering and line.offering.pk == shop["suite"].pk for line in costs.lines)


# --- the chart -------------------------------------------------------------------------


def test_basket_chart_adds_up_to_the_basket_total_and_has_its_table(client, shop):
    """The chart's bars are the basket's bills, its total is the basket's 5-year total
    cost of ownership, and its table gives the same figures; no style attribute (CSP)."""
    filled_basket(client, shop)
    costs, response = basket_costs(client)
    chart = response.context["chart"]
    assert chart.total == costs.tco
    assert [bar.label for bar in chart.bars][:2] == [EVIL, "Suite"] or {
        bar.label for bar in chart.bars
    } >= {EVIL, "Suite"}
    figure = parse(response).find("figure", class_="app-cost-chart")
    assert figure is not None
    assert not figure.find(attrs={"style": True}) and not figure.find("style")
    table = figure.find("table")
    assert text(table.find_all("tr")[-1]).endswith(costs.tco.display)
    # Patterns, not colour alone: each kind has its own pattern element.
    assert {p["id"] for p in figure.find_all("pattern")} == {
        f"{chart.chart_id}-setup",
        f"{chart.chart_id}-running",
        f"{chart.chart_id}-staff",
    }
    widths = [s["width"] for s in figure.find_all("rect", class_="app-cost-chart__segment")]
    assert all(w.endswith("%") or w == "22" for w in widths)


def test_recipe_page_chart_total_is_the_recipe_total(client, shop):
    """The recipe page's chart adds up to the recipe's own total cost of ownership."""
    response = client.get(shop["bins"].url)
    chart = response.context["chart"]
    costs = response.context["costs"]
    assert chart.total == costs.tco
    assert parse(response).find("figure", class_="app-cost-chart") is not None
