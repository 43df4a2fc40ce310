"""Markdown from suppliers, councils and editors: CommonMark styled as GOV.UK, sanitised,
rendered in linear time at the longest text a field takes, and rendered once when saved."""

import time

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from catalogue.markdown import ALLOWED_CLASSES, ALLOWED_TAGS, render_markdown
from catalogue.models import (
    DESCRIPTION_MAX_LENGTH,
    OFFERING_DESCRIPTION_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    Offering,
    Supplier,
)
from tests.catalogue.test_portal import edit_data, offering_data, portal_url
from tests.factories import (
    AdoptionFactory,
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
    SupplierFactory,
    SupplierMembershipFactory,
)
from tests.pages import parse, text

RICH = """# Our service

Councils use it to **send** letters. See [the guide](https://example.com/guide) or run
`notify --help`.

## What it does

- Emails
- Texts

1. Sign up
2. Send

> Used by 40 councils.

| Plan | Price |
|------|------:|
| Small | £100 |

```
curl https://example.com
```

---
"""


def classes(soup, tag):
    return [" ".join(element.get("class", [])) for element in soup.find_all(tag)]


def test_markdown_gets_govuk_classes():
    """Headings, paragraphs, lists, tables, links, quotes and code carry GOV.UK classes,
    and the user's top-level heading sits below the page's own h1."""
    soup = BeautifulSoup(render_markdown(RICH), "html.parser")
    assert soup.find("h1") is None
    assert classes(soup, "h2") == ["govuk-heading-m", "govuk-heading-m"]
    assert "govuk-body" in classes(soup, "p")
    assert classes(soup, "ul") == ["govuk-list govuk-list--bullet"]
    assert classes(soup, "ol") == ["govuk-list govuk-list--number"]
    assert classes(soup, "table") == ["govuk-table"]
    assert classes(soup, "thead") == ["govuk-table__head"]
    assert classes(soup, "tr") == ["govuk-table__row", "govuk-table__row"]
    assert classes(soup, "th") == [
        "govuk-table__header",
        "govuk-table__header govuk-table__header--numeric",
    ]
    assert [th["scope"] for th in soup.find_all("th")] == ["col", "col"]
    assert classes(soup, "td") == [
        "govuk-table__cell",
        "govuk-table__cell govuk-table__cell--numeric",
    ]
    assert soup.find("table").parent.get("class") == ["app-table-wrapper"]
    assert classes(soup, "a") == ["govuk-link"]
    assert classes(soup, "blockquote") == ["govuk-inset-text"]
    assert classes(soup, "pre") == ["app-code-block"]
    assert "app-code" in classes(soup, "code")
    assert "govuk-section-break" in classes(soup, "hr")[0]


def test_links_are_nofollow():
    """Links a supplier writes carry rel=nofollow, so they lend the site no ranking."""
    assert 'rel="noopener noreferrer nofollow"' in render_markdown("[Docs](https://example.com)")


def test_raw_html_is_shown_as_text():
    """HTML typed into markdown is shown as the characters typed, never as markup."""
    soup = BeautifulSoup(
        render_markdown('<b class="x">hi</b> <script>alert(1)</script>'), "html.parser"
    )
    assert soup.find("b") is None and soup.find("script") is None
    assert text(soup) == '<b class="x">hi</b> <script>alert(1)</script>'


def test_a_dangerous_link_keeps_its_words_and_loses_its_target():
    """A javascript: link is not a link; the reader still sees what was written."""
    soup = BeautifulSoup(render_markdown("[Click me](javascript:alert(1))"), "html.parser")
    assert soup.find("a") is None
    assert "Click me" in text(soup)


def test_only_govuk_classes_survive_the_sanitiser():
    """Whatever the parser writes, nh3 keeps only the allow-listed tags and class values."""
    soup = BeautifulSoup(render_markdown(RICH * 3), "html.parser")
    for element in soup.find_all(True):
        assert element.name in ALLOWED_TAGS
        assert set(element.get("class", [])) <= ALLOWED_CLASSES.get(element.name, set())


def test_empty_markdown_renders_nothing():
    """No description gives no HTML at all."""
    assert render_markdown("") == ""


def cpu_seconds(function, argument) -> float:
    """CPU time of a call, the best of three, so that other work on a shared machine
    (which slows caches and clocks) does not count."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        function(argument)
        best = min(best, time.process_time() - started)
    return best


def pathological(length: int) -> dict[str, str]:
    """Inputs that make backtracking or nesting parsers slow, each `length` characters."""
    cases = {
        "open brackets": "[" * length,
        "nested brackets": "[" * (length // 2) + "]" * (length // 2),
        "link openers": "[a](" * length,
        "image openers": "![" * length,
        "emphasis run": "*a" * length,
        "mixed emphasis": "*_" * length,
        "underscores in words": "a_" * length,
        "backticks": "`" * length,
        "backtick runs": "".join("`" * size + "a" for size in range(1, 400)),
        "nested lists": "".join("  " * depth + "- a\n" for depth in range(400)),
        "nested quotes": ">" * length,
        "quote ladder": "".join(">" * depth + " a\n" for depth in range(400)),
        "reference storm": "".join(f"[r{n}]: /u{n}\n" for n in range(length // 20))
        + "[r1]" * length,
        "wide table": "|" + "a|" * length + "\n|" + "-|" * length + "\n",
        "long table": "|a|b|\n|-|-|\n" + "|a|b|\n" * length,
        "angle brackets": "<" * length,
        "unclosed autolinks": "<a" * length,
        "entities": "&amp;" * length,
        "headings markers": "#" * length,
    }
    return {name: value[:length] for name, value in cases.items()}


@pytest.mark.parametrize("length", [OFFERING_DESCRIPTION_MAX_LENGTH])
@pytest.mark.parametrize("case", list(pathological(100)))
def test_hostile_markdown_at_the_longest_allowed_length_renders_fast(case, length):
    """Every pathological input, as long as the longest field allows, renders in about a
    second of CPU time at most and comes out clean. The ceiling is loose on purpose: an
    idle machine takes about 0.25 s and a loaded CI machine 0.6 s, while the parsers this
    guards against take tens of seconds (Python-Markdown took 3 s on 4,000 '[' and 12 s
    on 8,000). The growth itself is checked by test_markdown_time_grows_linearly."""
    source = pathological(length)[case]
    assert len(source) == length
    elapsed = cpu_seconds(render_markdown, source)
    assert elapsed < 2.0, f"{case}: {elapsed:.3f} s"
    rendered = render_markdown(source)
    soup = BeautifulSoup(rendered, "html.parser")
    assert all(element.name in ALLOWED_TAGS for element in soup.find_all(True))


def test_markdown_time_grows_linearly():
    """Twice the text takes about twice the time, not four times (the slowest case; the
    best of three runs, so that other work on the machine does not count)."""

    half, full = (cpu_seconds(render_markdown, "[" * size) for size in (10_000, 20_000))
    assert full < 3.2 * half + 0.02, (half, full)


# Stored HTML, rendered when saved


@pytest.mark.django_db
def test_pages_show_html_rendered_when_saved_without_rendering_again(client, monkeypatch):
    """An offering, its supplier and claims are rendered once, when saved; viewing their
    pages renders no markdown at all."""
    supplier = SupplierFactory(description="We make **accessible** forms.")
    offering = OfferingFactory(supplier=supplier, description="It **sends** letters.")
    ConformanceClaimFactory(offering=offering, statement="Tested with *NVDA*.")

    def refuse(*args, **kwargs):
        raise AssertionError("markdown rendered while serving a page")

    monkeypatch.setattr("catalogue.markdown.PARSER.render", refuse)
    offering_page = parse(client.get(offering.get_absolute_url()))
    supplier_page = parse(client.get(supplier.get_absolute_url()))
    assert text(offering_page.select_one(".app-prose strong")) == "sends"
    assert offering_page.find("em", string="NVDA") is not None
    assert text(supplier_page.select_one(".app-prose strong")) == "accessible"
    assert "**" not in text(supplier_page)


@pytest.mark.django_db
def test_every_description_is_shown_rendered(client):
    """Component, standard, supplier, claim and adoption text is markdown on every page
    that shows it: no literal asterisks, and list excerpts are plain words."""
    component = ComponentFactory(description="Sends **letters**.")
    standard = StandardFactory(description="A *data* standard.")
    supplier = SupplierFactory(description="We make **accessible** forms.\n\n- one\n- two")
    offering = OfferingFactory(supplier=supplier)
    ConformanceClaimFactory(offering=offering, standard=standard, statement="Meets **all** of it.")
    recipe = RecipePageFactory()
    AdoptionFactory(recipe=recipe, council=CouncilFactory(), notes="Went live in **May**.")

    for url, words in [
        (component.get_absolute_url(), "letters"),
        (standard.get_absolute_url(), "data"),
        (standard.get_absolute_url(), "all"),
        (supplier.get_absolute_url(), "accessible"),
        (offering.get_absolute_url(), "all"),
        (recipe.url, "May"),
    ]:
        page = parse(client.get(url))
        prose = page.select(".app-prose")
        assert any(block.find(["strong", "em"], string=words) for block in prose), url
        assert "**" not in text(page.find("main")), url
    listing = parse(client.get("/suppliers/"))
    assert "We make accessible forms. one two" in text(listing)
    assert "**" not in text(listing)


@pytest.mark.django_db
def test_a_supplier_draft_shows_its_own_rendered_text_and_the_public_page_keeps_the_old(
    client, django_user_model
):
    """A change saved as a revision is rendered in the revision: the portal preview of the
    draft shows the new text as HTML while the public page keeps the published HTML."""
    membership = SupplierMembershipFactory()
    offering = OfferingFactory(supplier=membership.supplier, description="Old **text**.")
    offering.components.set([ComponentFactory()])
    offering.save()
    offering.save_revision().publish()
    supplier_client = client.__class__()
    supplier_client.force_login(membership.user)
    data = edit_data(
        supplier_client, membership.supplier, offering, description="New *wording* here."
    )
    response = supplier_client.post(
        portal_url("offering_edit", membership.supplier, offering), data
    )
    assert response.status_code == 302

    draft = parse(supplier_client.get(portal_url("offering", membership.supplier, offering)))
    assert draft.select_one(".app-prose em").get_text() == "wording"
    revision = Offering.objects.get(pk=offering.pk).latest_revision
    assert "<em>wording</em>" in revision.content["description_html"]
    assert "<em>wording</em>" in revision.as_object().description_html
    public = parse(client.get(offering.get_absolute_url()))
    assert public.select_one(".app-prose strong").get_text() == "text"


@pytest.mark.django_db
def test_migration_helper_renders_rows_saved_before_the_html_field():
    """Rows saved before the rendered field existed get their HTML from the data migration."""
    from catalogue.markdown import rendered_markdown_fill

    supplier = SupplierFactory(description="Was **raw**.")
    Supplier.objects.filter(pk=supplier.pk).update(description_html="")
    rendered_markdown_fill(Supplier, "description", "description_html")
    supplier.refresh_from_db()
    assert "<strong>raw</strong>" in supplier.description_html


# Maximum lengths


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field", "limit"),
    [
        (OfferingFactory, "description", OFFERING_DESCRIPTION_MAX_LENGTH),
        (SupplierFactory, "description", DESCRIPTION_MAX_LENGTH),
        (ComponentFactory, "description", DESCRIPTION_MAX_LENGTH),
        (StandardFactory, "description", DESCRIPTION_MAX_LENGTH),
        (ConformanceClaimFactory, "statement", STATEMENT_MAX_LENGTH),
    ],
)
def test_models_refuse_text_over_the_limit(factory, field, limit):
    """Each markdown field takes its limit and refuses one character more."""
    obj = factory()
    setattr(obj, field, "a" * limit)
    obj.full_clean()
    setattr(obj, field, "a" * (limit + 1))
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_adoption_notes_are_limited():
    """A council's notes on an adoption take at most the statement limit."""
    adoption = AdoptionFactory(notes="a" * (STATEMENT_MAX_LENGTH + 1))
    with pytest.raises(ValidationError) as error:
        adoption.full_clean()
    assert "notes" in error.value.message_dict


@pytest.mark.django_db
def test_portal_form_says_how_long_text_may_be_and_keeps_it(client):
    """Too long a description gets a GOV.UK error and the supplier's text is kept; the
    textarea has no maxlength that would silently cut a paste short."""
    membership = SupplierMembershipFactory()
    client.force_login(membership.user)
    too_long = "word " * (OFFERING_DESCRIPTION_MAX_LENGTH // 5) + "!"
    statement = "s" * (STATEMENT_MAX_LENGTH + 1)
    data = offering_data(
        [ComponentFactory()],
        description=too_long,
        **{"claims-0-standard": StandardFactory().pk, "claims-0-statement": statement},
    )
    response = client.post(portal_url("offering_create", membership.supplier), data)
    assert response.status_code == 400
    page = parse(response)
    summary = text(page.select_one(".govuk-error-summary"))
    assert "Description must be 20,000 characters or fewer" in summary
    assert "Claim 1: How the offering meets it must be 2,000 characters or fewer" in summary
    textarea = page.find("textarea", attrs={"name": "description"})
    assert textarea.get_text().removeprefix("\n") == too_long  # the newline HTML drops
    assert not textarea.has_attr("maxlength")
    assert not Offering.objects.filter(supplier=membership.supplier).exists()
