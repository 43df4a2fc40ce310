"""The demo content in fixtures/demo: catalogue.json (standards, components, suppliers,
offerings) and recipes.json (recipes with adoptions by real councils), in the recipe file
format (recipes.file_format) and written by its one mapping (recipes.interchange).

Idempotent: objects are matched by slug (adoptions by recipe and council) and only
created when missing, so a second run changes nothing. With refresh=True, existing demo
objects are brought back in line with the files (with a new published revision).
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from wagtail.models import PageLogEntry, Revision

from .file_format import InterchangeError, RecipeContent, content_validate, document_load
from .interchange import WritePolicy, WriteReport, content_write
from .models import RecipeIndexPage, RecipePage

DEMO_DIR = settings.BASE_DIR / "fixtures" / "demo"
DEMO_FILES = ("catalogue.json", "recipes.json")


def demo_content_read() -> RecipeContent:
    """Both demo files, validated as one recipe file against the site's reference data;
    each problem is named with its file and place."""
    data = {}
    for name in DEMO_FILES:
        try:
            data.update(document_load((DEMO_DIR / name).read_text(encoding="utf-8")))
        except InterchangeError as error:
            raise InterchangeError([f"{name}: {line}" for line in error.errors]) from None
    try:
        return content_validate(data, RecipeContent)
    except InterchangeError as error:
        raise InterchangeError(
            [
                f"{'recipes.json' if line.startswith('recipes') else 'catalogue.json'}: {line}"
                for line in error.errors
            ]
        ) from None


def demo_content_load(*, index: RecipeIndexPage, refresh: bool = False) -> WriteReport:
    """Create the demo catalogue and recipes that are missing (all of them brought in
    line with the files when refresh), published, with their verified claims."""
    policy = WritePolicy(update_catalogue=refresh, update_recipes=refresh, publish=True)
    content = demo_content_read()
    report = content_write(content, index=index, policy=policy)
    demo_first_publication_backdate(content)
    return report


# How long before its (fictional) last review a demo recipe counts as first published.
DEMO_PUBLISHED_BEFORE_REVIEW = timedelta(weeks=6)


def demo_first_publication_backdate(content: RecipeContent) -> None:
    """Date each demo recipe's first publication before its last review, as a real
    recipe's would be: loading the demo publishes it today, and the files' review dates
    are earlier, which would make a page say it was reviewed before it was published.
    Recipes already first published on or before their review date are left alone, so a
    second load changes nothing."""
    reviewed = {item.slug: item.last_reviewed for item in content.recipes if item.last_reviewed}
    for page in RecipePage.objects.filter(slug__in=reviewed).exclude(first_published_at=None):
        review_date = reviewed[page.slug]
        if page.first_published_at.date() <= review_date:
            continue
        published = datetime.combine(review_date - DEMO_PUBLISHED_BEFORE_REVIEW, time(9), UTC)
        first_publication = (
            PageLogEntry.objects.filter(page=page, action="wagtail.publish")
            .order_by("timestamp", "pk")
            .first()
        )
        only_once = page.last_published_at == page.first_published_at
        RecipePage.objects.filter(pk=page.pk).update(
            first_published_at=published,
            **({"last_published_at": published} if only_once else {}),
        )
        if first_publication is not None:
            PageLogEntry.objects.filter(pk=first_publication.pk).update(timestamp=published)
            if first_publication.revision_id:
                Revision.objects.filter(pk=first_publication.revision_id).update(
                    created_at=published
                )
                if page.latest_revision_id == first_publication.revision_id:
                    RecipePage.objects.filter(pk=page.pk).update(
                        latest_revision_created_at=published
                    )


# Sample council voices on real councils (mySociety codes): an adoption change waiting for
# an editor, and reviews already approved. All are labelled sample data on the site.
DEMO_STAFF_ADOPTIONS = {
    # council code: (recipe slug, offering slugs used)
    "WKF": ("report-a-missed-bin-collection", ["larkspur-forms", "larkspur-casework"]),
    "LDS": ("apply-for-a-blue-badge", ["larkspur-forms"]),
}
# What the demo staff's councils list as already running, beside what their adoptions
# record: council code -> (component slugs, offering slugs). Sample data, labelled so.
DEMO_PANTRY = {
    "LDS": (["look-up-an-address", "send-notifications"], ["govuk-notify", "govuk-pay"]),
    "WKF": (["take-payments"], ["os-places-api"]),
}
DEMO_REVIEWS = [
    # council code, recipe or offering slug, rating, what worked, what did not
    ("WKF", "recipe", "report-a-missed-bin-collection", 4,
     "Crews see reports on their rounds the same morning.", "Address look-up missed new builds."),
    ("WKF", "offering", "larkspur-forms", 3,
     "Forms were quick to build.", "Exports to our case system needed a workaround."),
    ("LDS", "recipe", "apply-for-a-blue-badge", 5,
     "The eligibility check cut incomplete applications.", ""),
]  # fmt: skip


def demo_council_voices_load(*, staff: dict) -> dict[str, int]:
    """Sample adoptions recorded by council staff, one change to them waiting for an
    editor (Leeds moves its Blue Badge adoption to live), and approved sample reviews.
    `staff` maps council codes to a demo staff user. Idempotent."""
    from catalogue.models import Offering

    from .models import Adoption, RecipePage, Review
    from .services import _council_submit

    made = {"adoptions": 0, "reviews": 0}
    for code, (recipe_slug, offering_slugs) in DEMO_STAFF_ADOPTIONS.items():
        adoption = Adoption.objects.filter(council__code=code, recipe__slug=recipe_slug).first()
        if adoption is None or adoption.reported_by_staff:
            continue
        adoption.offerings_used.set(Offering.objects.filter(slug__in=offering_slugs))
        adoption.components_used.set(adoption.recipe.specific.components_used.all())
        adoption.reported_by_staff = True
        adoption.reported_by = staff[code]
        adoption.save()
        adoption.save_revision(user=staff[code]).publish()
        made["adoptions"] += 1
        if code == "LDS":
            draft = adoption.get_latest_revision_as_object()
            draft.status = Adoption.Status.LIVE
            draft.live_since = date(2025, 6, 2)
            draft.notes = "Went live in June 2025 (sample data)."
            draft.save_revision(user=staff[code])
            _council_submit(draft, user=staff[code])
    for code, kind, slug, rating, worked, did_not_work in DEMO_REVIEWS:
        target = (
            {"recipe": RecipePage.objects.filter(slug=slug).first()}
            if kind == "recipe"
            else {"offering": Offering.objects.filter(slug=slug).first()}
        )
        if None in target.values() or Review.objects.filter(council__code=code, **target).exists():
            continue
        review = Review.objects.create(
            council=staff[code].council_memberships.get(council__code=code).council,
            rating=rating,
            worked=worked,
            did_not_work=did_not_work,
            is_sample=True,
            reported_by=staff[code],
            live=False,
            **target,
        )
        review.save_revision(user=staff[code]).publish()
        made["reviews"] += 1
    made["pantry"] = demo_pantry_load(staff=staff)
    return made


def demo_pantry_load(*, staff: dict) -> int:
    """The sample "What we already run" entries of the demo staff's councils (DEMO_PANTRY),
    marked sample data. Idempotent: returns how many entries it made."""
    from catalogue.models import Component, CouncilPantryItem, Offering

    made = 0
    for code, (component_slugs, offering_slugs) in DEMO_PANTRY.items():
        if code not in staff:
            continue
        council = staff[code].council_memberships.get(council__code=code).council
        things = [
            *({"component": c} for c in Component.objects.filter(slug__in=component_slugs)),
            *({"offering": o} for o in Offering.objects.filter(slug__in=offering_slugs)),
        ]
        for thing in things:
            _, created = CouncilPantryItem.objects.get_or_create(
                council=council,
                **thing,
                defaults={"is_sample": True, "added_by": staff[code]},
            )
            made += created
    return made


# A sample recipe proposal waiting for an editor: Wakefield's staff share a local
# variation of a demo recipe. Fictional, and labelled sample data wherever it shows.
DEMO_PROPOSAL_KEY = uuid.uuid5(uuid.NAMESPACE_URL, "https://plumbing.example/demo/proposal/WKF")
DEMO_PROPOSAL = {
    "council": "WKF",
    "based_on": "book-a-bulky-waste-collection",
    "title": "Book a bulky waste collection with a reuse check",
    "summary": "Sample data: residents book a bulky waste collection, and items in good "
    "condition are offered for reuse first.",
    "difference": "Before the booking is confirmed, the form asks whether items could be "
    "reused, and offers a free collection by a reuse partner instead (sample data).",
    "problem": "Furniture that could be reused goes to landfill (sample data).",
    "when_to_use": "When a reuse partner can collect in the council's area.",
    "components": [
        ("build-online-forms", "Residents book and answer the reuse questions."),
        ("take-payments", "Residents pay for the collection."),
        ("book-appointments", "Residents choose a collection day."),
    ],
    "standards": [("uprn-usrn", "Crews find the property by its UPRN.")],
    "steps": [
        ("Ask what is collected", "List the items, with a photo if the resident has one."),
        ("Offer reuse first", "If an item could be reused, offer the reuse partner's free "
         "collection before taking payment."),
        ("Book and pay", "Take the payment and confirm the day."),
    ],
    "outcomes": [
        {"metric": "Items reused instead of collected", "value": 18, "baseline": 0,
         "unit": "percent", "source": "Sample figure"},
    ],
}  # fmt: skip


def demo_recipe_proposal_load(*, staff: dict):
    """Wakefield's sample proposal, sent to editors like any other (its one-time key is
    fixed, so a second run finds it and changes nothing). `staff` maps council codes to
    a demo staff user. Returns the proposal, or None if its council or recipes are
    missing."""
    from catalogue.models import Component, Standard

    from .services import recipe_propose

    spec = DEMO_PROPOSAL
    user = staff.get(spec["council"])
    based_on = RecipePage.objects.filter(slug=spec["based_on"]).first()
    components = {c.slug: c for c in Component.objects.filter(slug__in=dict(spec["components"]))}
    standards = {s.slug: s for s in Standard.objects.filter(slug__in=dict(spec["standards"]))}
    if user is None or based_on is None or len(components) < len(spec["components"]):
        return None
    council = user.council_memberships.get(council__code=spec["council"]).council
    content = {
        "kind": "variation",
        "based_on": based_on,
        "difference": spec["difference"],
        "title": spec["title"],
        "summary": spec["summary"],
        "problem": spec["problem"],
        "when_to_use": spec["when_to_use"],
        "when_not_to_use": "",
        "serves": [],
        "user_needs": [],
        "components": [(components[slug], why) for slug, why in spec["components"]],
        "standards": [
            (standards[slug], why) for slug, why in spec["standards"] if slug in standards
        ],
        "people": [("Product manager", Decimal("10"), "Sample figure.")],
        "steps": spec["steps"],
        "outcomes": spec["outcomes"],
        "variations": [],
        "setup_cost_min": Decimal("4000"),
        "setup_cost_max": Decimal("9000"),
        "yearly_cost_min": Decimal("1500"),
        "yearly_cost_max": Decimal("3000"),
        "staff_effort_days": Decimal("15"),
        "weeks_to_launch": 10,
    }
    return recipe_propose(
        council=council,
        user=user,
        content=content,
        submission_key=DEMO_PROPOSAL_KEY,
        is_sample=True,
    )
