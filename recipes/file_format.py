"""The recipe file format, declared once as pydantic models.

One JSON document carries recipes between Plumbing sites (export_recipes writes it,
import_recipes reads it); the demo content in fixtures/demo uses the same shapes, split
into catalogue.json and recipes.json. Catalogue objects are referred to by slug,
councils by mySociety code, service areas and LGSL services by their esd identifiers and
council types by code.

Limits come from the Django models and StreamField blocks the data is stored in (lengths,
choices, validators, digits), so the format cannot drift from what the database accepts.
References are checked against the same file and the database, given as the validation
context (see references_for). Every problem is reported with its place in the file, as
``recipes[1].ingredients[0].component: unknown component 'x'``.
"""

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import lru_cache
from html.parser import HTMLParser
from typing import Annotated, ClassVar, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import (
    MaxLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from wagtail.models import Page

from catalogue.models import (
    Component,
    ConformanceClaim,
    Council,
    CouncilType,
    LocalService,
    Offering,
    OfferingPriceBand,
    ServiceArea,
    Standard,
    Supplier,
)

from .blocks import (
    COUNCIL_TYPE_CHOICES,
    OUTCOME_UNIT_CHOICES,
    MethodStepBlock,
    OutcomeBlock,
    PeopleIngredientBlock,
    UserNeedBlock,
    VariationBlock,
)
from .design_system import design_system_items
from .models import Adoption, AdoptionOutcome, Maturity, RecipePage

FORMAT = "plumbing-recipes"
VERSION = 1
# Rich text as Wagtail stores it for the features recipe pages allow (bold, italic,
# lists, links), plus <strong> and <em>, which mean the same. Anything else, such as a
# <script> or an onclick, would reach the page unsanitised: the admin's editor never
# writes them, so a file must not either.
RICH_TEXT_TAGS = {"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "a"}
RICH_TEXT_ATTRIBUTES = {"data-block-key"}
LINK_ATTRIBUTES = {"href", "linktype", "id"}
LINK_PREFIXES = ("https://", "http://", "mailto:", "tel:", "/", "#")
# PositiveSmallIntegerField and PositiveIntegerField on PostgreSQL.
SMALL_INTEGER_MAX = 32767
INTEGER_MAX = 2**31 - 1


class InterchangeError(Exception):
    """An invalid document: every problem found, each with its location."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


def _error(kind: str, template: str, **values) -> PydanticCustomError:
    return PydanticCustomError(kind, template, values or None)


# Field types ---------------------------------------------------------------------------


def _blank_to_empty(value):
    return "" if value is None else value


def _django_validators(validators):
    """Run a Django field's own validators (URLs, G-Cloud IDs, Companies House numbers),
    except the length check pydantic makes with a clearer message, and refuse the NUL
    character everywhere: PostgreSQL cannot store it in text or JSON."""
    checks = [
        v
        for v in validators
        if not isinstance(v, MaxLengthValidator | ProhibitNullCharactersValidator)
    ]
    checks.append(ProhibitNullCharactersValidator())

    def check(value: str) -> str:
        if value:
            for validator in checks:
                try:
                    validator(value)
                except DjangoValidationError as error:
                    raise _error("invalid", "{message}", message=" ".join(error.messages)) from None
        return value

    return AfterValidator(check)


def _text(*, required: bool, max_length: int | None = None, validators=()):
    checks = _django_validators(validators)
    if required:
        return Annotated[str, Field(min_length=1, max_length=max_length), checks]
    return Annotated[str, BeforeValidator(_blank_to_empty), Field(max_length=max_length), checks]


def model_text(model: type[models.Model], name: str):
    """A text field as the model stores it: required unless blank=True, its max_length
    and its validators."""
    field = model._meta.get_field(name)
    return _text(required=not field.blank, max_length=field.max_length, validators=field.validators)


def block_text(block, name: str):
    """A text value of a StructBlock child, with the block's own limits."""
    child = block.child_blocks[name]
    return _text(required=child.required, max_length=getattr(child.field, "max_length", None))


def model_choice(model: type[models.Model], name: str):
    """One of a model field's choices, by value."""
    return Literal[tuple(value for value, _label in model._meta.get_field(name).choices)]


def _decimal_parse(value):
    """The one reader of decimals: strings ("1200.00") or whole numbers, never floats,
    which cannot hold money exactly. A blank string or null is no value."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | float):
        raise _error("decimal_text", 'must be a decimal written as a string, like "12.50"')
    return value


def _decimal_required(value):
    value = _decimal_parse(value)
    if value is None:
        raise _error("missing", "is required")
    return value


def decimal_text(*, max_digits: int, decimal_places: int, minimum=None, required: bool = True):
    """A decimal written as a string, read into Decimal and written back as a string."""
    number = Annotated[
        Decimal, Field(max_digits=max_digits, decimal_places=decimal_places, ge=minimum)
    ]
    if required:
        return Annotated[number, BeforeValidator(_decimal_required)]
    return Annotated[number | None, BeforeValidator(_decimal_parse)]


def _minimum(validators):
    limits = [v.limit_value for v in validators if isinstance(v, MinValueValidator)]
    return max(limits) if limits else None


def model_decimal(model: type[models.Model], name: str):
    """A decimal as the model's column holds it: digits, places, minimum, nullability."""
    field = model._meta.get_field(name)
    return decimal_text(
        max_digits=field.max_digits,
        decimal_places=field.decimal_places,
        minimum=_minimum(field.validators),
        required=not field.null,
    )


def block_decimal(block, name: str):
    child = block.child_blocks[name]
    return decimal_text(
        max_digits=child.field.max_digits,
        decimal_places=child.field.decimal_places,
        minimum=child.field.min_value,
        required=child.required,
    )


def _date_parse(value):
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _error("date", "{value} is not a date like 2026-01-31", value=repr(value)) from None


DateText = Annotated[date | None, BeforeValidator(_date_parse)]


def _identifier(value):
    # esd identifiers are numbers; files write them as strings.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Identifier = Annotated[str, BeforeValidator(_identifier)]
Population = Annotated[StrictInt, Field(ge=0, le=INTEGER_MAX)] | None


class _RichTextChecker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in RICH_TEXT_TAGS:
            self.problems.append(f"uses <{tag}>, which recipe text does not allow")
            return
        allowed = RICH_TEXT_ATTRIBUTES | (LINK_ATTRIBUTES if tag == "a" else set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"<{tag}> has the attribute {name!r}, which is not allowed")
            elif name == "href" and not (value or "").startswith(LINK_PREFIXES):
                self.problems.append(f"links to {value!r}: use an http(s), mailto or site link")
        if tag != "br":
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag != "br" and self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag not in RICH_TEXT_TAGS or tag == "br":
            return
        if tag not in self.open:
            self.problems.append(f"closes </{tag}>, which is not open")
            return
        while (inner := self.open.pop()) != tag:
            self.problems.append(f"leaves <{inner}> open inside <{tag}>")


@lru_cache(maxsize=256)
def _rich_text(value: str) -> str:
    # Cached: generated files (the benchmark's synthetic recipes) repeat the same text.
    checker = _RichTextChecker()
    checker.feed(value)
    checker.close()
    if checker.open:
        checker.problems.append(f"leaves <{checker.open[-1]}> open")
    if checker.problems:
        raise _error("rich_text", "{problems}", problems="; ".join(checker.problems))
    return value


def rich_text(*, required: bool):
    return Annotated[_text(required=required), AfterValidator(_rich_text)]


def model_rich_text(model, name: str):
    return rich_text(required=not model._meta.get_field(name).blank)


# References ----------------------------------------------------------------------------


def _reference(kind: str, label: str):
    """A reference to an object the file or the site must have. The sets of known values
    come in the validation context; without one (an export), nothing is looked up."""

    def check(value, info: ValidationInfo):
        known = (info.context or {}).get(kind)
        if known is not None and value not in known:
            raise _error("unknown", "unknown {label} {value}", label=label, value=repr(value))
        return value

    return AfterValidator(check)


StandardRef = Annotated[str, _reference("standards", "standard")]
ComponentRef = Annotated[str, _reference("components", "component")]
SupplierRef = Annotated[str, _reference("suppliers", "supplier")]
RecipeRef = Annotated[str, _reference("recipes", "recipe")]
CouncilRef = Annotated[str, _reference("councils", "council code")]
CouncilTypeRef = Annotated[str, _reference("council_types", "council type")]
ServiceAreaRef = Annotated[Identifier, _reference("service_areas", "service area")]
LocalServiceRef = Annotated[Identifier, _reference("lgsl", "LGSL service")]


def _unique(what: str, key=lambda item: item):
    """A list in which each value (or each item's key) appears once."""

    def check(items: list) -> list:
        seen = set()
        for item in items:
            value = key(item)
            if value in seen:
                raise _error(
                    "duplicate", "{what} {value} is listed twice", what=what, value=repr(value)
                )
            seen.add(value)
        return items

    return AfterValidator(check)


def _not_below(low: str):
    """The top of a range: not less than its bottom, the field `low` declared before it."""

    def check(value, info: ValidationInfo):
        bottom = info.data.get(low)
        if value is not None and bottom is not None and value < bottom:
            raise _error("range", "must not be less than {low}", low=low)
        return value

    return AfterValidator(check)


def _at_least_one(message: str, test=lambda item: True):
    def check(items: list) -> list:
        if not any(test(item) for item in items):
            raise _error("too_short", message)
        return items

    return AfterValidator(check)


# Items ---------------------------------------------------------------------------------


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Entry(Item):
    """An object a file lists by slug; a slug appears once in its list."""

    section: ClassVar[str]
    slug: str

    @field_validator("slug")
    @classmethod
    def _once_in_file(cls, value, info: ValidationInfo):
        if value in (info.context or {}).get("duplicates", {}).get(cls.section, ()):
            raise _error("duplicate", "{value} appears twice in the file", value=repr(value))
        return value


class StandardItem(Entry):
    """A data, technical or policy standard (catalogue.Standard)."""

    section = "standards"
    slug: model_text(Standard, "slug")
    name: model_text(Standard, "name")
    short_name: model_text(Standard, "short_name") = ""
    category: model_choice(Standard, "category")
    summary: model_text(Standard, "summary")
    description: model_text(Standard, "description") = ""
    url: model_text(Standard, "url")
    owner: model_text(Standard, "owner") = ""
    licence: model_text(Standard, "licence") = ""


class ComponentItem(Entry):
    """A common component (catalogue.Component) and the standards it should meet."""

    section = "components"
    slug: model_text(Component, "slug")
    name: model_text(Component, "name")
    category: model_choice(Component, "category")
    summary: model_text(Component, "summary")
    description: model_text(Component, "description") = ""
    standards: Annotated[list[StandardRef], _unique("standard")] = []


class SupplierItem(Entry):
    """An organisation that lists offerings (catalogue.Supplier); is_sample marks a
    fictional one, which the site labels."""

    section = "suppliers"
    slug: model_text(Supplier, "slug")
    name: model_text(Supplier, "name")
    website: model_text(Supplier, "website") = ""
    companies_house_number: model_text(Supplier, "companies_house_number") = ""
    is_sme: StrictBool | None = None
    is_sample: StrictBool = False
    description: model_text(Supplier, "description") = ""


class ClaimItem(Item):
    """An offering's claim to meet a standard; "verified" if an editor checked it."""

    standard: StandardRef
    evidence_url: model_text(ConformanceClaim, "evidence_url") = ""
    statement: model_text(ConformanceClaim, "statement") = ""
    status: Literal["verified", "claimed"]


class PriceBandItem(Item):
    """The price an offering states for councils in one population band."""

    band: Literal["up_to_100k", "to_250k", "to_500k", "over_500k"]
    price: model_decimal(OfferingPriceBand, "price")
    price_max: Annotated[model_decimal(OfferingPriceBand, "price_max"), _not_below("price")] = None


class OfferingItem(Entry):
    """A supplier's product (catalogue.Offering): the components it provides, its price
    and its conformance claims."""

    section = "offerings"
    slug: model_text(Offering, "slug")
    name: model_text(Offering, "name")
    supplier: SupplierRef
    summary: model_text(Offering, "summary")
    description: model_text(Offering, "description") = ""
    components: Annotated[
        list[ComponentRef], _unique("component"), _at_least_one("needs at least one component")
    ]
    pricing_unit: model_choice(Offering, "pricing_unit")
    price: model_decimal(Offering, "price")
    price_max: Annotated[model_decimal(Offering, "price_max"), _not_below("price")] = None
    setup_fee: model_decimal(Offering, "setup_fee") = None
    pricing_notes: model_text(Offering, "pricing_notes") = ""
    hosting: model_choice(Offering, "hosting")
    gcloud_service_id: model_text(Offering, "gcloud_service_id") = ""
    open_source_licence: model_text(Offering, "open_source_licence") = ""
    repository_url: model_text(Offering, "repository_url") = ""
    claims: Annotated[list[ClaimItem], _unique("standard", key=lambda claim: claim.standard)] = []
    price_bands: Annotated[list[PriceBandItem], _unique("band", key=lambda band: band.band)] = []


class UserNeed(Item):
    as_a: block_text(UserNeedBlock(), "as_a")
    i_need: block_text(UserNeedBlock(), "i_need")
    so_that: block_text(UserNeedBlock(), "so_that")


class ComponentIngredient(Item):
    type: Literal["component"]
    component: ComponentRef
    why: _text(required=True)


class StandardIngredient(Item):
    type: Literal["standard"]
    standard: StandardRef
    why: _text(required=True)


class PeopleIngredient(Item):
    type: Literal["people"]
    role: block_text(PeopleIngredientBlock(), "role")
    days: block_decimal(PeopleIngredientBlock(), "days")
    notes: block_text(PeopleIngredientBlock(), "notes") = ""


Ingredient = Annotated[
    ComponentIngredient | StandardIngredient | PeopleIngredient, Field(discriminator="type")
]
# Lists of a tagged union: pydantic puts the tag in the error location, which the file
# does not have.
TAGGED_LISTS = {"ingredients"}


def _design_system(value: str) -> str:
    if value and value not in design_system_items():
        raise _error(
            "design_system",
            "{value} is not a current GOV.UK Design System component or pattern",
            value=repr(value),
        )
    return value


class MethodStep(Item):
    title: block_text(MethodStepBlock(), "title")
    body: rich_text(required=True)
    design_system: Annotated[
        str, BeforeValidator(_blank_to_empty), AfterValidator(_design_system)
    ] = ""
    components: Annotated[list[ComponentRef], _unique("component")] = []


class Costs(Item):
    """Set-up and running costs as ranges, staff effort and what drives the volume."""

    setup_min: model_decimal(RecipePage, "setup_cost_min")
    setup_max: Annotated[model_decimal(RecipePage, "setup_cost_max"), _not_below("setup_min")]
    yearly_min: model_decimal(RecipePage, "yearly_cost_min")
    yearly_max: Annotated[model_decimal(RecipePage, "yearly_cost_max"), _not_below("yearly_min")]
    staff_days: model_decimal(RecipePage, "staff_effort_days")
    weeks_to_launch: Annotated[StrictInt, Field(ge=0, le=SMALL_INTEGER_MAX)]
    volume_driver: model_text(RecipePage, "volume_driver") = ""
    volume_per_1000_residents: model_decimal(RecipePage, "volume_per_1000_residents") = None


class RecipeOutcome(Item):
    """A result the recipe targets, with where the figure comes from."""

    metric: block_text(OutcomeBlock(), "metric")
    value: block_decimal(OutcomeBlock(), "value")
    baseline: block_decimal(OutcomeBlock(), "baseline") = None
    unit: Literal[tuple(value for value, _label in OUTCOME_UNIT_CHOICES)]
    source: block_text(OutcomeBlock(), "source")
    date: DateText = None


class Variation(Item):
    council_type: Literal[tuple(value for value, _label in COUNCIL_TYPE_CHOICES)]
    title: block_text(VariationBlock(), "title")
    body: rich_text(required=True)


class AdoptionOutcomeItem(Item):
    metric: model_text(AdoptionOutcome, "metric")
    value: model_decimal(AdoptionOutcome, "value")
    baseline: model_decimal(AdoptionOutcome, "baseline") = None
    unit: model_choice(AdoptionOutcome, "unit")


class AdoptionItem(Item):
    """A real council that runs, builds or explores the recipe (recipes.Adoption);
    is_sample marks figures made up for a demonstration."""

    council: CouncilRef
    status: model_choice(Adoption, "status")
    live_since: DateText = None
    notes: model_text(Adoption, "notes") = ""
    is_sample: StrictBool = False
    outcomes: list[AdoptionOutcomeItem] = []

    @field_validator("live_since")
    @classmethod
    def _only_when_live(cls, value, info: ValidationInfo):
        if value and info.data.get("status", Adoption.Status.LIVE) != Adoption.Status.LIVE:
            raise _error("live_since", "only a live adoption has a live-since date")
        return value


class RecipeItem(Entry):
    """A recipe page (recipes.RecipePage) with its ingredients, method, costs, outcomes,
    variations, related recipes and adoptions."""

    section = "recipes"
    slug: model_text(Page, "slug")
    title: model_text(Page, "title")
    summary: model_text(RecipePage, "summary")
    problem: model_rich_text(RecipePage, "problem")
    user_needs: list[UserNeed] = []
    when_to_use: model_rich_text(RecipePage, "when_to_use")
    when_not_to_use: model_rich_text(RecipePage, "when_not_to_use") = ""
    service_areas: Annotated[list[ServiceAreaRef], _unique("service area")] = []
    lgsl: Annotated[list[LocalServiceRef], _unique("LGSL service")] = []
    serves: Annotated[list[CouncilTypeRef], _unique("council type")] = []
    population_min: Population = None
    population_max: Annotated[Population, _not_below("population_min")] = None
    maturity: Literal[tuple(Maturity.values)]
    last_reviewed: DateText = None
    ingredients: Annotated[
        list[Ingredient],
        _at_least_one("needs at least one component", lambda i: i.type == "component"),
    ]
    method: Annotated[list[MethodStep], _at_least_one("needs at least one step")]
    costs: Costs
    outcomes: list[RecipeOutcome] = []
    variations: list[Variation] = []
    related: Annotated[list[RecipeRef], _unique("recipe")] = []
    adoptions: Annotated[
        list[AdoptionItem], _unique("council", key=lambda adoption: adoption.council)
    ] = []

    @field_validator("method")
    @classmethod
    def _steps_use_ingredients(cls, value, info: ValidationInfo):
        ingredients = info.data.get("ingredients")
        if ingredients is None:  # the ingredients were invalid: reported there
            return value
        listed = {i.component for i in ingredients if i.type == "component"}
        for number, step in enumerate(value, start=1):
            for component in step.components:
                if component not in listed:
                    raise _error(
                        "step_component",
                        "step {number} uses component {component}, which is not in the ingredients",
                        number=number,
                        component=repr(component),
                    )
        return value

    @field_validator("related")
    @classmethod
    def _not_itself(cls, value, info: ValidationInfo):
        if info.data.get("slug") in value:
            raise _error("related", "a recipe cannot be related to itself")
        return value


# Documents -----------------------------------------------------------------------------


class CatalogueContent(Item):
    """The catalogue objects a file carries: fixtures/demo/catalogue.json on its own."""

    standards: list[StandardItem] = []
    components: list[ComponentItem] = []
    suppliers: list[SupplierItem] = []
    offerings: list[OfferingItem] = []


class RecipeContent(CatalogueContent):
    """Catalogue objects and the recipes that use them: the demo's two files read as
    one."""

    recipes: list[RecipeItem]


class FileHeader(Item):
    format: Literal[FORMAT]
    version: Literal[VERSION]
    exported_at: AwareDatetime | None = None


class RecipeFile(RecipeContent, FileHeader):
    """The document export_recipes writes and import_recipes reads."""


# Validation ----------------------------------------------------------------------------

SECTIONS = {
    "standards": Standard,
    "components": Component,
    "suppliers": Supplier,
    "offerings": Offering,
    "recipes": RecipePage,
}


def _file_values(data, section: str) -> list[str]:
    items = data.get(section) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [
        item["slug"]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("slug"), str)
    ]


def references_for(data) -> dict:
    """What a file may refer to: its own objects and the site's, by slug or code, and
    which slugs the file lists twice."""
    in_file = {section: _file_values(data, section) for section in SECTIONS}
    known = {
        section: set(in_file[section]) | set(model.objects.values_list("slug", flat=True))
        for section, model in SECTIONS.items()
        if section != "offerings"
    }
    return {
        **known,
        "councils": set(Council.objects.values_list("code", flat=True)),
        "council_types": set(CouncilType.objects.values_list("code", flat=True)),
        "service_areas": {str(i) for i in ServiceArea.objects.values_list("identifier", flat=True)},
        "lgsl": {str(i) for i in LocalService.objects.values_list("identifier", flat=True)},
        "duplicates": {
            section: {slug for slug, count in Counter(slugs).items() if count > 1}
            for section, slugs in in_file.items()
        },
    }


def _location(loc: tuple) -> str:
    parts, skip_tag = [], False
    for index, part in enumerate(loc):
        if skip_tag:
            skip_tag = False
            continue
        if isinstance(part, int):
            parts.append(f"[{part}]")
            skip_tag = index > 0 and loc[index - 1] in TAGGED_LISTS
        else:
            parts.append(f".{part}" if parts else part)
    return "".join(parts) or "file"


def _message(error: dict) -> tuple[str, str]:
    """Our wording for pydantic's error types; a location suffix where pydantic stops
    one level short (a tagged union's tag)."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    messages = {
        "missing": "is required",
        "extra_forbidden": "is not part of the format",
        "string_type": "must be a string",
        "string_too_short": "is required",
        "string_too_long": f"must be {ctx.get('max_length')} characters or fewer",
        "list_type": "must be a list",
        "model_type": "must be an object",
        "model_attributes_type": "must be an object",
        "dict_type": "must be an object",
        "int_type": "must be a whole number",
        "bool_type": "must be true or false",
        "greater_than_equal": f"must be {ctx.get('ge')} or more",
        "less_than_equal": f"must be {ctx.get('le')} or less",
        "decimal_parsing": f"{value!r} is not a number",
        "decimal_type": 'must be a decimal written as a string, like "12.50"',
        "finite_number": f"{value!r} is not a number",
        "decimal_max_digits": f"{value!r} is out of range",
        "decimal_whole_digits": f"{value!r} is out of range",
        "decimal_max_places": f"must have at most {ctx.get('decimal_places')} decimal places",
        "datetime_from_date_parsing": f"{value!r} is not a date and time with a time zone",
        "datetime_parsing": f"{value!r} is not a date and time with a time zone",
        "timezone_aware": "needs a time zone",
    }
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        if " or " not in expected and "," not in expected:
            return "", f"must be {expected}"
        return "", f"{value!r} is not one of {expected}"
    if kind == "union_tag_invalid":
        return ".type", f"{ctx.get('tag')!r} is not one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return ".type", "is required"
    return "", messages.get(kind, error["msg"])


def validation_errors(error: ValidationError) -> list[str]:
    """pydantic's errors as `place: problem` lines."""
    lines = []
    for item in error.errors(include_url=False):
        suffix, message = _message(item)
        lines.append(f"{_location(item['loc'])}{suffix}: {message}")
    return lines


def content_validate(data, model: type[BaseModel] = RecipeFile, *, references=None):
    """Validate a parsed document against the file format; raise InterchangeError listing
    every problem. References are checked against the file and the site's data
    (references_for) unless others are given; `{}` checks none."""
    context = references_for(data) if references is None else references
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        raise InterchangeError(validation_errors(error)) from None


def document_load(text: str):
    """Parse a file's text as JSON, or say where it stops being JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InterchangeError(
            [f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"]
        ) from None
