"""Following: anyone with an account follows a recipe, a component, an offering or a
service area from its page, sees and removes follows on "Your follows", and gets one
daily digest of what changed, with a one-click unsubscribe link."""

import io
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patterns_site.follows import services
from patterns_site.models import Digest, Follow, FollowEvent
from patterns_site.page_cache import AnonymousPageCacheMiddleware
from recipes.models import Adoption
from recipes.services import council_moderation_workflow_ensure
from tests.factories import (
    ComponentFactory,
    CouncilFactory,
    CouncilMembershipFactory,
    OfferingFactory,
    RecipePageFactory,
    ServiceAreaFactory,
    UserFactory,
)
from tests.pages import page_text, parse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_tree")]


def follow_url(kind, slug):
    return reverse("follows:change", args=[kind, slug])


def follow(client, kind, slug, action="follow", **extra):
    return client.post(follow_url(kind, slug), {"action": action, **extra})


def button(response):
    """The follow form on a page, or None."""
    for form in parse(response).find_all("form"):
        if "/accounts/follows/" in form.get("action", ""):
            return form
    return None


@pytest.fixture
def kitchen(recipe_index):
    area = ServiceAreaFactory(name="Waste and recycling", slug="waste")
    component = ComponentFactory(name="Take payments", slug="take-payments")
    offering = OfferingFactory(name="PayThing", slug="paything", components=[component])
    recipe = RecipePageFactory(
        title="Report a missed bin", slug="missed-bin", components=[component]
    )
    recipe.service_areas.set([area])
    recipe.save_revision().publish()
    return {"area": area, "component": component, "offering": offering, "recipe": recipe}


@pytest.fixture
def person(client):
    user = UserFactory(email="reader@example.com")
    client.force_login(user)
    return user


def pages(kitchen):
    return {
        "recipe": kitchen["recipe"].url,
        "component": kitchen["component"].get_absolute_url(),
        "offering": kitchen["offering"].get_absolute_url(),
        "service-area": "/recipes/?service_area=waste",
    }


def slugs(kitchen):
    return {
        "recipe": "missed-bin",
        "component": "take-payments",
        "offering": "paything",
        "service-area": "waste",
    }


# Following and stopping


@pytest.mark.parametrize("kind", ["recipe", "component", "offering", "service-area"])
def test_follow_and_stop_following_from_the_page(client, kitchen, person, kind):
    """The page has a Follow button (a POST form with a CSRF token) that follows the
    thing and comes back to the page, which then offers Stop following."""
    page = pages(kitchen)[kind]
    form = button(client.get(page))
    assert "Follow" in form.find("button").get_text()
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    response = follow(client, kind, slugs(kitchen)[kind], next=page)
    assert response.status_code == 302 and response["Location"] == page
    assert Follow.objects.filter(user=person).count() == 1
    assert Follow.objects.get().target.slug == slugs(kitchen)[kind]
    form = button(client.get(page))
    assert form.find("button").get_text(" ", strip=True).startswith("Stop following")
    follow(client, kind, slugs(kitchen)[kind], action="unfollow")
    assert not Follow.objects.exists()


def test_following_twice_keeps_one_follow(client, kitchen, person):
    """A double click, or two tabs, make one follow; stopping twice is harmless."""
    follow(client, "recipe", "missed-bin")
    follow(client, "recipe", "missed-bin")
    assert Follow.objects.filter(user=person).count() == 1
    follow(client, "recipe", "missed-bin", action="unfollow")
    assert follow(client, "recipe", "missed-bin", action="unfollow").status_code == 302


@pytest.mark.parametrize(
    "make",
    [
        lambda: ("recipe", RecipePageFactory(slug="draft", live=False, publish=False).slug),
        lambda: ("offering", OfferingFactory(slug="draft-offering", live=False).slug),
        lambda: (
            "offering",
            OfferingFactory(slug="gone", withdrawn_at=timezone.now()).slug,
        ),
        lambda: (
            "service-area",
            ServiceAreaFactory(slug="sub", parent=ServiceAreaFactory()).slug,
        ),
        lambda: ("recipe", "no-such-recipe"),
        lambda: ("component", "no-such-component"),
        lambda: ("council", "leeds"),
    ],
    ids=["draft recipe", "draft offering", "withdrawn", "sub-area", "none", "none2", "kind"],
)
def test_following_what_is_not_public_is_a_404(client, person, make):
    """A draft, a withdrawn offering, a sub-area, a made-up slug or kind: 404, no follow."""
    kind, slug = make()
    assert follow(client, kind, slug).status_code == 404
    assert not Follow.objects.exists()


def test_not_signed_in_is_asked_to_sign_in(client, kitchen):
    """Without an account the page links to sign in; a POST creates nothing."""
    page = page_text(client.get(kitchen["recipe"].url))
    assert "Sign in to follow this recipe" in page
    response = follow(client, "recipe", "missed-bin")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_after_signing_in_the_follow_address_leads_back_to_the_page(client, kitchen, person):
    """A GET of the follow address (where sign-in returns to) changes nothing."""
    response = client.get(follow_url("recipe", "missed-bin"))
    assert response["Location"] == kitchen["recipe"].url
    assert not Follow.objects.exists()


def test_follow_needs_the_csrf_token(kitchen, person):
    """The form is protected against cross-site requests."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert follow(client, "recipe", "missed-bin").status_code == 403
    assert not Follow.objects.exists()


def test_next_cannot_send_people_to_another_site(client, kitchen, person):
    """An off-site `next` is ignored: back to the thing's own page."""
    response = follow(client, "recipe", "missed-bin", next="https://evil.example/")
    assert response["Location"] == kitchen["recipe"].url


def test_your_follows_lists_and_removes_follows(client, kitchen, person):
    """Your follows shows each followed thing with a link and a Stop following button."""
    for kind, slug in slugs(kitchen).items():
        follow(client, kind, slug)
    response = client.get(reverse("follows:list"))
    text = page_text(response)
    for name in ["Report a missed bin", "Take payments", "PayThing", "Waste and recycling"]:
        assert name in text
    forms = [f for f in parse(response).find_all("form") if "follows" in f["action"]]
    assert len(forms) == 4
    response = client.post(
        forms[0]["action"], {"action": "unfollow", "next": reverse("follows:list")}
    )
    assert response["Location"] == reverse("follows:list")
    assert Follow.objects.count() == 3


def test_your_follows_needs_sign_in_and_shows_only_your_own(client, kitchen, person):
    """Signed out: sign in first. Signed in: nobody else's follows."""
    services.follow_add(user=UserFactory(), field="recipe", target=kitchen["recipe"])
    assert "You do not follow anything yet" in page_text(client.get(reverse("follows:list")))
    client.logout()
    assert "/accounts/login/" in client.get(reverse("follows:list"))["Location"]


def test_your_follows_query_count_does_not_grow(client, person, recipe_index):
    """The page reads the same number of queries for 2 follows as for 12."""

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("follows:list")).status_code == 200
        return len(queries)

    for _ in range(2):
        services.follow_add(user=person, field="offering", target=OfferingFactory())
    services.follow_add(user=person, field="recipe", target=RecipePageFactory())
    small = count()
    for _ in range(5):
        services.follow_add(user=person, field="offering", target=OfferingFactory())
        services.follow_add(user=person, field="component", target=ComponentFactory())
    assert count() == small


# The page cache


@override_settings(PAGE_CACHE_SECONDS=300)
@pytest.mark.parametrize("kind", ["recipe", "component", "offering", "service-area"])
def test_a_signed_in_button_never_reaches_the_shared_cache(kitchen, kind):
    """A follower's page, then anonymous visits: the anonymous page, cached or not, never
    shows their Stop following; and a page cached for anonymous visitors never reaches
    the follower."""
    page = pages(kitchen)[kind]
    user = UserFactory()
    services.follow_add(user=user, field=kind.replace("-", "_"), target=_target(kitchen, kind))
    follower = Client()
    follower.force_login(user)
    assert "Stop following" in page_text(follower.get(page))
    anonymous = Client()
    first, second = anonymous.get(page), anonymous.get(page)
    assert second["X-Page-Cache"] == "hit"
    for response in (first, second):
        assert "Stop following" not in page_text(response)
        assert "Sign in to follow" in page_text(response)
        assert button(response) is None
    response = follower.get(page)
    assert "X-Page-Cache" not in response
    assert "Stop following" in page_text(response)


def _target(kitchen, kind):
    return kitchen["area" if kind == "service-area" else kind]


@override_settings(PAGE_CACHE_SECONDS=300)
def test_a_page_rendered_for_one_person_is_never_stored():
    """Even a request the cache takes for anonymous (no session cookie) is not stored
    once a follow button was rendered for its user."""
    renders = []

    def view(request):
        renders.append(request)
        request.renders_personal_content = len(renders) == 1
        return HttpResponse("<p>Stop following</p>", content_type="text/html")

    middleware = AnonymousPageCacheMiddleware(view)
    for _ in range(3):
        request = RequestFactory().get("/components/take-payments/")
        request.csp_nonce = "nonce"
        response = middleware(request)
    # The personal first render was not stored; the second was, and served the third.
    assert len(renders) == 2 and response["X-Page-Cache"] == "hit"


@override_settings(PAGE_CACHE_SECONDS=300)
def test_following_does_not_empty_the_page_cache(client, kitchen):
    """A follow is nobody else's business: cached pages stay cached."""
    url = kitchen["component"].get_absolute_url()
    client.get(url)
    services.follow_add(user=UserFactory(), field="component", target=kitchen["component"])
    assert client.get(url)["X-Page-Cache"] == "hit"


# Recording events


def test_publishing_a_recipe_tells_its_followers_with_the_change_note(kitchen, person):
    """The editor's change summary reaches the recipe's followers' digest."""
    services.follow_add(user=person, field="recipe", target=kitchen["recipe"])
    recipe = kitchen["recipe"]
    recipe.change_summary = "Added the step for assisted collections."
    recipe.save_revision().publish()
    event = FollowEvent.objects.get()
    assert (event.recipe_id, event.summary) == (recipe.pk, recipe.change_summary)
    call_command("send_digests", stdout=io.StringIO())
    [message] = mail.outbox
    assert "Report a missed bin was updated" in message.body
    assert "Added the step for assisted collections." in message.body
    assert "/recipes/missed-bin/" in message.body


def test_a_new_recipe_tells_the_followers_of_its_service_area(kitchen, person, recipe_index):
    """Following a service area brings its new recipes."""
    services.follow_add(user=person, field="service_area", target=kitchen["area"])
    recipe = RecipePageFactory(title="Book a bulky waste collection", publish=False, live=False)
    recipe.service_areas.set([kitchen["area"]])
    recipe.save_revision().publish()
    assert FollowEvent.objects.get().headline == "New recipe: Book a bulky waste collection"


def test_a_new_offering_tells_component_and_service_area_followers(kitchen, person):
    """A newly approved offering reaches the followers of its component and of the
    service areas whose recipes use it; a later change reaches the offering's own."""
    other = UserFactory()
    services.follow_add(user=person, field="component", target=kitchen["component"])
    services.follow_add(user=person, field="service_area", target=kitchen["area"])
    services.follow_add(user=other, field="service_area", target=kitchen["area"])
    offering = OfferingFactory(name="CoinBox", live=False, components=[kitchen["component"]])
    offering.save_revision().publish()
    events = FollowEvent.objects.order_by("pk")
    assert {(e.component_id, e.service_area_id) for e in events} == {
        (kitchen["component"].pk, None),
        (None, kitchen["area"].pk),
    }
    assert all(e.headline.startswith("New offering: CoinBox") for e in events)
    send()
    [message] = [m for m in mail.outbox if m.to == [person.email]]
    # One line, though it is news for two of the things they follow.
    assert message.body.count("New offering: CoinBox") == 1
    assert "1 change " in message.subject
    FollowEvent.objects.all().delete()
    services.follow_add(user=person, field="offering", target=offering)
    offering.refresh_from_db()  # as the admin loads it: published once already
    offering.summary = "Now with refunds."
    offering.save_revision().publish()
    assert FollowEvent.objects.get().offering_id == offering.pk


def test_changing_a_component_tells_its_followers(kitchen, person):
    """An editor's save of a component is an event for its followers."""
    services.follow_add(user=person, field="component", target=kitchen["component"])
    kitchen["component"].summary = "Card and wallet payments."
    kitchen["component"].save()
    assert FollowEvent.objects.get().headline == "Take payments was updated"


def test_an_adoption_approved_by_an_editor_tells_the_recipes_followers(client, kitchen, person):
    """A council's adoption recorded in the portal is news only once an editor approves
    it: then the followers of the recipe, its component and its offering hear."""
    council_moderation_workflow_ensure()
    services.follow_add(user=person, field="recipe", target=kitchen["recipe"])
    services.follow_add(user=person, field="offering", target=kitchen["offering"])
    officer = CouncilMembershipFactory(council=CouncilFactory(name="Leeds", slug="leeds")).user
    staff = Client()
    staff.force_login(officer)
    url = reverse("council_portal:adoption_create", kwargs={"council_slug": "leeds"})
    staff.post(
        f"{url}?recipe={kitchen['recipe'].pk}",
        {
            "status": "live",
            "components_used": [kitchen["component"].pk],
            "offerings_used": [kitchen["offering"].pk],
            "notes": "",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
            "outcomes-MIN_NUM_FORMS": "0",
            "outcomes-MAX_NUM_FORMS": "1000",
        },
    )
    adoption = Adoption.objects.get()
    assert not adoption.live and not FollowEvent.objects.exists()
    task_state = adoption.current_workflow_task_state
    task_state.task.specific.on_action(task_state, UserFactory(is_superuser=True), "approve")
    events = FollowEvent.objects.all()
    assert {(e.recipe_id, e.offering_id) for e in events} == {
        (kitchen["recipe"].pk, None),
        (None, kitchen["offering"].pk),
    }
    assert all(e.headline == "Leeds cooks Report a missed bin (live)" for e in events)


def test_a_publish_nobody_follows_records_nothing_and_costs_one_query(kitchen):
    """Recording is cheap: one query finds no follower, nothing is written."""
    with CaptureQueriesContext(connection) as queries:
        services.follow_event_record(
            kind="updated", targets={"recipe": [kitchen["recipe"].pk]}, headline="x", path="/"
        )
    assert len(queries) == 1
    assert not FollowEvent.objects.exists()


def test_a_failure_to_record_never_stops_the_publish(kitchen, person, caplog):
    """If recording fails the recipe is still published, and the failure is logged."""
    services.follow_add(user=person, field="recipe", target=kitchen["recipe"])
    recipe = kitchen["recipe"]
    recipe.title = "Report a missed bin collection"
    with mock.patch(
        "patterns_site.follows.receivers.follow_event_record", side_effect=RuntimeError("boom")
    ):
        recipe.save_revision().publish()
    recipe.refresh_from_db()
    assert recipe.title == "Report a missed bin collection" and recipe.live
    assert "Could not record a follow event" in caplog.text


def test_a_database_error_while_recording_leaves_the_publish_usable(kitchen, person):
    """A failed insert is rolled back to its savepoint, so the publish goes on."""
    services.follow_add(user=person, field="recipe", target=kitchen["recipe"])
    recipe = kitchen["recipe"]
    with mock.patch.object(
        FollowEvent.objects, "bulk_create", side_effect=__import__("django").db.DatabaseError
    ):
        recipe.save_revision().publish()
    recipe.refresh_from_db()
    assert recipe.live and recipe.revisions.count() == 3


# The digest


def event_for(target_field, target, **kwargs):
    defaults = {"kind": "updated", "headline": "Something changed", "path": "/x/"}
    return FollowEvent.objects.create(**{target_field: target}, **{**defaults, **kwargs})


def send(now=None):
    return services.digest_send_all(now=now)


def test_digest_is_one_email_a_day_with_each_event_once(kitchen, person):
    """Events since the last digest go in one email; running again the same day sends
    nothing; the next day only what happened after the first digest."""
    services.follow_add(user=person, field="component", target=kitchen["component"])
    event_for("component", kitchen["component"], headline="First change")
    event_for("component", kitchen["component"], headline="Second change")
    assert send() == 1
    assert send() == 0
    event_for("component", kitchen["component"], headline="Third change")
    assert send() == 0  # still today: tomorrow's digest
    assert len(mail.outbox) == 1
    assert "First change" in mail.outbox[0].body and "Second change" in mail.outbox[0].body
    assert send(now=timezone.now() + timedelta(days=1)) == 1
    assert "Third change" in mail.outbox[1].body
    assert "First change" not in mail.outbox[1].body
    assert send(now=timezone.now() + timedelta(days=2)) == 0
    assert Digest.objects.filter(user=person).count() == 2


def test_no_events_no_email_and_old_events_are_not_sent(kitchen, person):
    """A follower with nothing new gets nothing; events before they followed never
    reach them; nor do events about things they do not follow."""
    event_for("component", kitchen["component"], created_at=timezone.now() - timedelta(hours=1))
    services.follow_add(user=person, field="component", target=kitchen["component"])
    event_for("offering", kitchen["offering"])
    assert send() == 0
    assert mail.outbox == []


def test_inactive_accounts_get_no_digest(kitchen):
    """An account an editor switched off gets no email."""
    user = UserFactory(is_active=False)
    services.follow_add(user=user, field="component", target=kitchen["component"])
    event_for("component", kitchen["component"])
    assert send() == 0


def test_the_command_sends_and_says_how_many(kitchen, person, capsys):
    """`manage.py send_digests` is what cron runs."""
    services.follow_add(user=person, field="component", target=kitchen["component"])
    event_for("component", kitchen["component"])
    call_command("send_digests")
    assert "Sent 1 digest." in capsys.readouterr().out
    assert mail.outbox[0].to == ["reader@example.com"]


def test_a_thousand_events_make_one_email_of_bounded_size(kitchen, person):
    """A busy day is one email listing 20 events and counting the rest."""
    services.follow_add(user=person, field="component", target=kitchen["component"])
    FollowEvent.objects.bulk_create(
        FollowEvent(
            kind="updated",
            component=kitchen["component"],
            headline=f"Change {n} " + "x" * 280,
            summary="y" * 300,
            path="/components/take-payments/",
        )
        for n in range(1000)
    )
    assert send() == 1
    [message] = mail.outbox
    assert "And 980 more." in message.body
    assert len(message.body) < 20_000
    assert "1000 changes" in message.subject


def test_digest_queries_are_fixed_per_user_not_per_event(kitchen):
    """Each person costs the same queries whether they have 25 events or 200 (fewer than
    a digest lists save the count query)."""

    def sending(events_each, people):
        Follow.objects.all().delete()
        FollowEvent.objects.all().delete()
        Digest.objects.all().delete()
        users = [UserFactory() for _ in range(people)]
        for user in users:
            services.follow_add(user=user, field="component", target=kitchen["component"])
            services.follow_add(user=user, field="offering", target=kitchen["offering"])
        for n in range(events_each):
            event_for("component", kitchen["component"], headline=f"Change {n}")
        with CaptureQueriesContext(connection) as queries:
            assert send() == people
        return len(queries)

    one_user_few = sending(25, 1)
    assert sending(200, 1) == one_user_few
    assert sending(1, 1) == one_user_few - 1
    per_user = sending(200, 3) - one_user_few
    assert sending(200, 5) - one_user_few == per_user * 2


def test_one_failing_address_does_not_stop_the_others(kitchen, caplog):
    """If sending one digest fails, it is not marked sent and the rest still go."""
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        services.follow_add(user=user, field="component", target=kitchen["component"])
    event_for("component", kitchen["component"])
    real_send = mail.EmailMessage.send

    def flaky(message, *args, **kwargs):
        if message.to == [first.email]:
            raise OSError("refused")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", flaky):
        assert send() == 1
    assert not Digest.objects.filter(user=first).exists()
    assert send() == 1  # the next run tries the one that failed
    assert mail.outbox[-1].to == [first.email]


# Unsubscribe


@pytest.fixture
def digest(kitchen, person):
    services.follow_add(user=person, field="component", target=kitchen["component"])
    services.follow_add(user=person, field="recipe", target=kitchen["recipe"])
    event_for("component", kitchen["component"])
    send()
    [message] = mail.outbox
    return message


def unsubscribe_path(message):
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    return "/" + header.strip("<>").split("/", 3)[3]


def test_the_digest_carries_one_click_unsubscribe_headers_and_link(digest):
    """RFC 8058 headers, and the same link in the body."""
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = digest.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in digest.body
    assert "/accounts/unsubscribe/" in url


def test_unsubscribe_get_only_asks_and_post_stops_every_follow(digest, person):
    """Opening the link (as a mail scanner does) changes nothing; the button does, with
    no need to sign in; using it again says it is done already."""
    path = unsubscribe_path(digest)
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.get(path)
    assert response.status_code == 200
    assert "You follow 2 things" in page_text(response)
    assert Follow.objects.filter(user=person).count() == 2
    form = [f for f in parse(response).find_all("form") if "unsubscribe" in f["action"]][0]
    response = anonymous.post(form["action"])
    assert response.status_code == 200
    assert "You have unsubscribed" in page_text(response)
    assert not Follow.objects.filter(user=person).exists()
    again = anonymous.post(path)
    assert again.status_code == 200
    assert "You had already unsubscribed" in page_text(again)
    assert "already unsubscribed" in page_text(anonymous.get(path))


def test_one_click_post_from_a_mail_program_unsubscribes(digest, person):
    """The mail program's POST (RFC 8058 body, no cookie, no CSRF token) works."""
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(digest),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Follow.objects.filter(user=person).exists()


def test_a_token_unsubscribes_only_its_own_account(client, digest, person):
    """Someone signed in using another person's link unsubscribes that person only:
    the token, not the session, names the account."""
    someone = UserFactory()
    services.follow_add(user=someone, field="recipe", target=RecipePageFactory())
    client.force_login(someone)
    client.post(unsubscribe_path(digest))
    assert Follow.objects.filter(user=someone).count() == 1
    assert not Follow.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: signing.dumps({"u": 1}, salt="another.salt"),
        lambda token: "x" * 300,
        lambda token: "not-a-token",
    ],
    ids=["signature", "other salt", "too long", "garbage"],
)
def test_a_tampered_token_changes_nothing(client, digest, person, tamper):
    """A changed or made-up token answers 400 with a clear page, on GET and POST."""
    token = unsubscribe_path(digest).rstrip("/").rsplit("/", 1)[1]
    path = reverse("follows:unsubscribe", args=[tamper(token)])
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "This link does not work" in page_text(response)
    assert Follow.objects.filter(user=person).count() == 2


def test_a_token_for_another_user_id_cannot_be_forged(digest, person):
    """Changing the account inside a token breaks its signature."""
    other = UserFactory()
    services.follow_add(user=other, field="recipe", target=RecipePageFactory())
    token = unsubscribe_path(digest).rstrip("/").rsplit("/", 1)[1]
    value, rest = token.split(":", 1)
    forged = signing.b64_encode(f'{{"u":{other.pk}}}'.encode()).decode() + ":" + rest
    assert value != forged.split(":", 1)[0]
    response = Client().post(reverse("follows:unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert Follow.objects.filter(user=other).exists()


def test_an_expired_token_says_so_and_changes_nothing(digest, person):
    """A link older than 90 days answers 400, "This link has expired"."""
    path = unsubscribe_path(digest)
    later = time.time() + timedelta(days=91).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = Client().post(path)
    assert response.status_code == 400
    assert "This link has expired" in page_text(response)
    assert Follow.objects.filter(user=person).count() == 2


@override_settings(
    EMAIL_BACKEND="patterns_site.notify.NotifyEmailBackend",
    NOTIFY_API_KEY="test_key-" + "a" * 36 + "-" + "b" * 36,
    NOTIFY_TEMPLATE_ID="f33517ff-2a88-4f6e-b855-c550268ce08a",
)
def test_digest_goes_through_notify_with_its_unsubscribe_link(kitchen, person):
    """Through GOV.UK Notify, the digest passes its one-click unsubscribe address."""
    services.follow_add(user=person, field="component", target=kitchen["component"])
    event_for("component", kitchen["component"])
    with mock.patch(
        "notifications_python_client.notifications.NotificationsAPIClient.send_email_notification"
    ) as notify:
        assert send() == 1
    kwargs = notify.call_args.kwargs
    assert kwargs["email_address"] == "reader@example.com"
    assert "/accounts/unsubscribe/" in kwargs["one_click_unsubscribe_url"]
    assert kwargs["one_click_unsubscribe_url"] in kwargs["personalisation"]["body"]


def test_a_follow_of_something_no_longer_public_can_still_be_removed(client, kitchen, person):
    """An offering withdrawn or a recipe unpublished after it was followed stays on Your
    follows, marked and without a link, and Stop following still works."""
    follow(client, "offering", "paything")
    follow(client, "recipe", "missed-bin")
    Offering = type(kitchen["offering"])
    Offering.objects.filter(pk=kitchen["offering"].pk).update(withdrawn_at=timezone.now())
    kitchen["recipe"].unpublish()
    response = client.get(reverse("follows:list"))
    assert page_text(response).count("No longer published") == 2
    assert not parse(response).find("a", string="PayThing")
    assert follow(client, "offering", "paything").status_code == 404
    for kind, slug in [("offering", "paything"), ("recipe", "missed-bin")]:
        assert follow(client, kind, slug, action="unfollow").status_code == 302
    assert not Follow.objects.exists()


def test_an_editors_preview_of_a_draft_has_no_follow_button(recipe_index):
    """A draft cannot be followed, so its preview offers nothing to follow."""
    draft = RecipePageFactory(title="Draft recipe", live=False, publish=False)
    response = draft.make_preview_request()
    assert "Draft recipe" in page_text(response)
    assert "follow" not in page_text(response).lower()
