"""The basket taken away for procurement: a CSV and an XLSX spreadsheet.

Both are laid out by basket_table from the basket's priced bills (Basket.costs, a
catalogue.costs.BasketCosts): nothing here works out a price. The CSV carries the exact
figures and totals; the spreadsheet carries the same figures with its totals as formulas
(SUM over the line cells, the total cost of ownership from the years cell), so a finance
officer can change a price, a day rate or the years and see the totals follow. Every
text cell goes through the one formula guard in foundations.cells.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from foundations.cells import cell_text, csv_document, looks_like_formula

LINE_HEADER = [
    "Product",
    "Supplier",
    "Covers components",
    "Status",
    "G-Cloud service ID",
    "G-Cloud link",
    "Pricing unit",
    "Yearly working",
    "Set-up fee (£)",
    "Yearly from (£)",
    "Yearly to (£)",
    "Set-up and running over the years from (£)",
    "Set-up and running over the years to (£)",
]
# Columns (0-based) of the money in a line row, used by the spreadsheet's formulas.
SETUP, YEARLY_FROM, YEARLY_TO, OVER_FROM, OVER_TO = 8, 9, 10, 11, 12


def export_filename(basket, today: date, extension: str) -> str:
    """plumbing-basket-leeds-2026-12-01.csv; "default-population" without a council."""
    assumptions = basket.costs.assumptions
    place = slugify(assumptions.council_slug or assumptions.council_name) or "default-population"
    return f"plumbing-basket-{place[:60]}-{today.isoformat()}.{extension}"


@dataclass
class BasketLine:
    """One row of the shopping list: a product bill, something the council has, or a
    component still to choose. Money is exact (Decimal) or None where it is not known."""

    product: str
    supplier: str
    covers: str
    status: str
    gcloud_id: str
    gcloud_url: str
    pricing_unit: str
    working: str
    setup_fee: Decimal | None
    yearly_from: Decimal | None
    yearly_to: Decimal | None
    over_from: Decimal | None
    over_to: Decimal | None

    def cells(self) -> list:
        return [
            self.product,
            self.supplier,
            self.covers,
            self.status,
            self.gcloud_id,
            self.gcloud_url,
            self.pricing_unit,
            self.working,
            self.setup_fee,
            self.yearly_from,
            self.yearly_to,
            self.over_from,
            self.over_to,
        ]


@dataclass
class BasketTable:
    title: str
    header: list[tuple[str, str]]  # (what, value): council, population, date...
    assumptions: list[tuple[str, str, str]]
    lines: list[BasketLine]
    costs: object  # catalogue.costs.BasketCosts
    years: int
    staff_by_role: list


def basket_table(basket, today: date) -> BasketTable:
    """The shopping list as rows, from the basket's priced bills."""
    costs = basket.costs
    assumptions = costs.assumptions
    years = assumptions.years
    lines = []
    for priced in costs.lines:
        covers = "; ".join(component.name for component in priced.components)
        if priced.have:
            lines.append(
                BasketLine(
                    "",
                    "",
                    covers,
                    "Already have",
                    "",
                    "",
                    "",
                    "Costs nothing here",
                    Decimal("0"),
                    Decimal("0"),
                    Decimal("0"),
                    Decimal("0"),
                    Decimal("0"),
                )
            )
            continue
        offering = priced.offering
        known = priced.yearly.known
        supplier = offering.supplier.name + (
            " (sample data)" if offering.supplier.is_sample else ""
        )
        over = priced.five_year
        lines.append(
            BasketLine(
                offering.name,
                supplier,
                covers,
                "Chosen",
                offering.gcloud_service_id,
                offering.gcloud_url if offering.gcloud_service_id else "",
                offering.get_pricing_unit_display(),
                priced.yearly.working,
                priced.setup_fee,
                priced.yearly.low if known else None,
                priced.yearly.high if known else None,
                over.low,
                over.high,
            )
        )
    billed = {c.pk for priced in costs.lines for c in priced.components}
    for line in basket.lines:
        if line.component.pk not in billed:
            lines.append(
                BasketLine("", "", line.component.name, line.status, "", "", "", "", *[None] * 5)
            )
    if assumptions.has_council:
        council = assumptions.council_name
    else:
        council = "None chosen: the default population"
    header = [
        ("Council", council),
        ("Population", str(assumptions.population)),
        ("Date", today.isoformat()),
        ("Recipes", "; ".join(recipe.title for recipe in basket.recipes)),
        ("Years of running in the total cost", str(years)),
        ("Figures", "Exact pounds and pence; the website rounds them for reading"),
    ]
    return BasketTable(
        title="Plumbing shopping list",
        header=header,
        assumptions=list(assumptions.rows()),
        lines=lines,
        costs=costs,
        years=years,
        staff_by_role=list(costs.staff_by_role),
    )


def _totals_rows(table: BasketTable) -> list[list]:
    costs = table.costs
    blank = [""] * (SETUP - 1)
    yearly, setup = costs.yearly, costs.product_setup
    over = setup + costs.yearly.times(table.years)
    return [
        [
            "Total of the lines",
            *blank,
            setup.low,
            yearly.low,
            yearly.high,
            over.low,
            over.high,
        ],
        ["Recipe set-up work (from, to)", costs.recipe_setup.low, costs.recipe_setup.high],
        ["Staff effort", costs.staff.low, costs.staff.high],
        ["One-off (set-up fees and set-up work, from, to)", costs.one_off.low, costs.one_off.high],
        [
            f"Total cost of ownership over {table.years} years (from, to)",
            costs.tco.low,
            costs.tco.high,
        ],
        *(
            [[f"Not costed: {costs.yearly.unknown} product(s) with no yearly figure"]]
            if costs.yearly.unknown
            else []
        ),
    ]


def basket_csv(basket, today: date) -> str:
    """The shopping list as CSV text with a BOM (Excel then reads "£" right): a header
    block (council, population, date, assumptions), the lines and the totals."""
    table = basket_table(basket, today)
    rows: list[list] = [[table.title]]
    rows += [[what, value] for what, value in table.header]
    rows.append([])
    rows.append(["Assumption", "Value", "Source"])
    rows += [list(row) for row in table.assumptions]
    rows.append([])
    rows.append(LINE_HEADER)
    rows += [line.cells() for line in table.lines]
    rows.append([])
    rows += _totals_rows(table)
    if table.staff_by_role:
        rows.append([])
        rows.append(["Staff role", "Days", "Day rate (£)", "Cost (£)"])
        rows += [[s.role.label, s.days, s.day_rate, s.cost] for s in table.staff_by_role]
    return csv_document(rows)


# --- the spreadsheet ------------------------------------------------------------------


def _text(sheet, row: int, column: int, value, *, bold: bool = False):
    """A text cell that a spreadsheet shows and never evaluates: written as a string
    (openpyxl would otherwise take "=..." as a formula), quote-prefixed where the one
    guard says it looks like one, so Excel keeps it text when it is edited."""
    cell = sheet.cell(row=row, column=column)
    text = cell_text(value)
    cell.value = text
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


MONEY_FORMAT = '"£"#,##0.00'


def _money(sheet, row: int, column: int, value):
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.number_format = MONEY_FORMAT
    return cell


def basket_xlsx(basket, today: date) -> bytes:
    """The shopping list as an XLSX workbook whose totals are formulas over the cells."""
    table = basket_table(basket, today)
    costs = table.costs
    book = Workbook()
    sheet = book.active
    sheet.title = "Shopping list"
    row = 1
    _text(sheet, row, 1, table.title, bold=True)
    years_cell = None
    for what, value in table.header:
        row += 1
        _text(sheet, row, 1, what, bold=True)
        if what == "Population":
            sheet.cell(row=row, column=2, value=int(value))
        elif what.startswith("Years"):
            sheet.cell(row=row, column=2, value=table.years)
            years_cell = f"$B${row}"
            _text(sheet, row, 3, "Change it and the totals follow")
        else:
            _text(sheet, row, 2, value)

    # Staff effort, by role: days × day rate, so a council can put in its own rates.
    row += 2
    _text(sheet, row, 1, "Staff role", bold=True)
    _text(sheet, row, 2, "Days", bold=True)
    _text(sheet, row, 3, "Day rate (£)", bold=True)
    _text(sheet, row, 4, "Cost (£)", bold=True)
    first_staff = row + 1
    for staff in table.staff_by_role:
        row += 1
        _text(sheet, row, 1, staff.role.label)
        sheet.cell(row=row, column=2, value=staff.days)
        _money(sheet, row, 3, staff.day_rate)
        _money(sheet, row, 4, f"=B{row}*C{row}")
    last_staff = row
    row += 1
    _text(sheet, row, 1, "Staff effort", bold=True)
    staff_total = f"D{row}"
    if table.staff_by_role:
        _money(sheet, row, 4, f"=SUM(D{first_staff}:D{last_staff})")
    else:
        _money(sheet, row, 4, 0)

    row += 2
    _text(sheet, row, 1, "Recipe set-up work", bold=True)
    _text(sheet, row, 2, "From (£)", bold=True)
    _text(sheet, row, 3, "To (£)", bold=True)
    row += 1
    _text(sheet, row, 1, "Scaled to the council")
    _money(sheet, row, 2, costs.recipe_setup.low)
    _money(sheet, row, 3, costs.recipe_setup.high)
    recipe_from, recipe_to = f"B{row}", f"C{row}"

    row += 2
    for column, name in enumerate(LINE_HEADER, start=1):
        _text(sheet, row, column, name, bold=True)
    first_line = row + 1
    letter = {index: get_column_letter(index + 1) for index in range(len(LINE_HEADER))}
    for line in table.lines:
        row += 1
        for index, value in enumerate(line.cells()):
            column = index + 1
            if index in (OVER_FROM, OVER_TO):
                if line.over_from is None:
                    continue
                yearly = letter[YEARLY_FROM if index == OVER_FROM else YEARLY_TO]
                _money(sheet, row, column, f"={letter[SETUP]}{row}+{years_cell}*{yearly}{row}")
            elif index >= SETUP:
                if value is not None:
                    _money(sheet, row, column, value)
            else:
                _text(sheet, row, column, value)
    last_line = row

    row += 2
    _text(sheet, row, 1, "Total of the lines", bold=True)
    for index in (SETUP, YEARLY_FROM, YEARLY_TO, OVER_FROM, OVER_TO):
        col = letter[index]
        if last_line >= first_line:
            _money(sheet, row, index + 1, f"=SUM({col}{first_line}:{col}{last_line})")
        else:
            _money(sheet, row, index + 1, 0)
    totals_row = row
    setup_sum = f"{letter[SETUP]}{totals_row}"
    row += 1
    _text(sheet, row, 1, "One-off: set-up fees and set-up work", bold=True)
    _money(sheet, row, 2, f"={setup_sum}+{recipe_from}")
    _money(sheet, row, 3, f"={setup_sum}+{recipe_to}")
    one_off_row = row
    row += 1
    _text(sheet, row, 1, "Total cost of ownership (from, to)", bold=True)
    _text(sheet, row, 4, "One-off + staff effort + years × yearly running")
    _money(
        sheet,
        row,
        2,
        f"=B{one_off_row}+{staff_total}+{years_cell}*{letter[YEARLY_FROM]}{totals_row}",
    )
    _money(
        sheet,
        row,
        3,
        f"=C{one_off_row}+{staff_total}+{years_cell}*{letter[YEARLY_TO]}{totals_row}",
    )
    if costs.yearly.unknown:
        row += 1
        _text(sheet, row, 1, f"Not costed: {costs.yearly.unknown} product(s) with no yearly figure")

    assumptions_sheet = book.create_sheet("Assumptions")
    for index, name in enumerate(["Assumption", "Value", "Source"], start=1):
        _text(assumptions_sheet, 1, index, name, bold=True)
    for offset, values in enumerate(table.assumptions, start=2):
        for index, value in enumerate(values, start=1):
            _text(assumptions_sheet, offset, index, value)

    for index, width in enumerate([44, 30, 36, 18, 16, 40, 18, 40, 14, 14, 14, 18, 18], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index, width in enumerate([44, 40, 60], start=1):
        assumptions_sheet.column_dimensions[get_column_letter(index)].width = width
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# --- the comparison -------------------------------------------------------------------


def comparison_rows(comparison: dict) -> list[list]:
    """The comparison table as rows (one column per offering), as the page shows it,
    with exact yearly figures (recipes.basket.offering_comparison)."""
    columns = comparison["columns"]
    offerings = [column["offering"] for column in columns]

    def yearly(column, end):
        estimate = column["estimate"]
        return getattr(estimate, end) if estimate.known else None

    rows = [
        ["", *[o.name for o in offerings]],
        [
            "Supplier",
            *[
                o.supplier.name + (" (sample data)" if o.supplier.is_sample else "")
                for o in offerings
            ],
        ],
        ["Provides", *["; ".join(c.name for c in o.components.all()) for o in offerings]],
        ["Pricing unit", *[o.get_pricing_unit_display() for o in offerings]],
        ["Price (£)", *[o.price for o in offerings]],
        ["Price up to (£)", *[o.price_max for o in offerings]],
        ["Set-up fee (£)", *[o.setup_fee for o in offerings]],
        ["Yearly cost at your scale from (£)", *[yearly(c, "low") for c in columns]],
        ["Yearly cost at your scale to (£)", *[yearly(c, "high") for c in columns]],
        ["Yearly working", *[c["estimate"].working for c in columns]],
    ]
    for standard in comparison["standards"]:
        statuses = []
        for column in columns:
            item = next(i for i in column["conformance"] if i.standard.pk == standard.pk)
            statuses.append(item.label)
        rows.append([standard.display_name, *statuses])
    rows += [
        ["Hosting", *[o.get_hosting_display() for o in offerings]],
        ["Open source", *[o.open_source_licence or "No" for o in offerings]],
        ["G-Cloud service ID", *[o.gcloud_service_id or "Not listed" for o in offerings]],
    ]
    return rows


def comparison_csv(comparison: dict, today: date) -> str:
    council = comparison.get("council")
    header = [
        ["Plumbing comparison of offerings"],
        ["Council", council.name if council else "None chosen: the default population"],
        ["Population", comparison["population"]],
        ["Date", today.isoformat()],
        [],
    ]
    return csv_document([*header, *comparison_rows(comparison)])
