"""Site-wide setup: the page tree every page hangs from, and the demo site built on it.

The lower apps cannot know the home page (it is this app's), so what they need from
the page tree is made here and handed down.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from catalogue.models import Council, CouncilMembership
from catalogue.reference_data import reference_data_load
from catalogue.services import component_price_summary_rebuild, moderation_workflow_ensure
from recipes.demo_data import (
    demo_content_load,
    demo_council_voices_load,
    demo_recipe_proposal_load,
)
from recipes.interchange import WriteReport
from recipes.models import RecipeIndexPage, RecipePage
from recipes.services import council_moderation_workflow_ensure, recipe_index_ensure

from .follows.services import follow_add
from .models import HomePage

HOME_INTRO = (
    "<p>Plumbing is a library of <b>service recipes</b> for councils: how another council "
    "built a service, what it needs, what it costs, what it achieved, and the products you "
    "can buy to cook it yourself.</p>"
)


def page_tree_ensure() -> tuple[HomePage, RecipeIndexPage]:
    """The home page at the root of the default site, and the recipe index under it."""
    # Wagtail's migrations make a locale and a root page; a flushed database has neither.
    locale = Locale.get_default() if Locale.objects.exists() else None
    if locale is None:
        locale = Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's first migration makes a placeholder welcome page; ours replaces it.
        for placeholder in root.get_children().filter(slug="home"):
            if placeholder.specific_class is Page:
                placeholder.delete()
        home = root.add_child(instance=HomePage(title="Plumbing", slug="home", intro=HOME_INTRO))
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Plumbing",
        )
    elif site.root_page_id != home.pk or site.site_name != "Plumbing":
        site.root_page = home
        site.site_name = "Plumbing"
        site.save()
    return home, recipe_index_ensure()


def demo_site_load(*, refresh: bool = False) -> WriteReport:
    """Real reference data, the page tree, the demo catalogue and recipes, and the
    supplier moderation workflow: everything `make run` shows."""
    reference_data_load()
    with transaction.atomic():
        _home, index = page_tree_ensure()
        report = demo_content_load(index=index, refresh=refresh)
        # A migration creates it too; this brings it back after a database flush.
        moderation_workflow_ensure()
        council_moderation_workflow_ensure()
        council_moderation_workflow_ensure(model="review")
        staff = demo_council_staff_ensure()
        # Before the sample adoptions are approved, so approving Wakefield's gives the
        # follower something for `send_digests` to print.
        demo_follow_ensure(staff=staff)
        demo_council_voices_load(staff=staff)
        demo_recipe_proposal_load(staff=staff)
        # Saves keep it current; one bulk rebuild makes sure after a flush or a refresh.
        component_price_summary_rebuild()
    return report


# Sample council staff on real councils. Their addresses are at example.com, never at the
# council's real domain (which could be a real person's), so the demo loader makes them
# staff directly instead of through a verified work address.
DEMO_COUNCIL_STAFF = {
    "LDS": "sample.officer.leeds@example.com",
    "WKF": "sample.officer.wakefield@example.com",
}


def demo_council_staff_ensure() -> dict:
    """The demo council staff accounts, by council code. In DEBUG (make run) they sign in
    with DEMO_STAFF_PASSWORD; otherwise they have no usable password."""
    User = get_user_model()
    staff = {}
    for code, email in DEMO_COUNCIL_STAFF.items():
        council = Council.objects.filter(code=code).first()
        if council is None:
            continue
        user, created = User.objects.get_or_create(username=email, defaults={"email": email})
        if created:
            if settings.DEBUG:
                user.set_password(DEMO_STAFF_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        CouncilMembership.objects.get_or_create(
            user=user, council=council, defaults={"email": email}
        )
        staff[code] = user
    return staff


def demo_follow_ensure(*, staff: dict) -> None:
    """The Leeds demo officer follows the missed-bin recipe, which Wakefield cooks."""
    recipe = RecipePage.objects.live().filter(slug=DEMO_FOLLOWED_RECIPE).first()
    if recipe is not None and "LDS" in staff:
        follow_add(user=staff["LDS"], field="recipe", target=recipe)


DEMO_FOLLOWED_RECIPE = "report-a-missed-bin-collection"
DEMO_STAFF_PASSWORD = "sample-council-staff"  # noqa: S105 - documented demo login, DEBUG only
