"""Writes for following: follow and stop following, record what happened to followed
things, and send each person one daily digest of it."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..models import Digest, Follow, FollowEvent
from .selectors import digest_events

logger = logging.getLogger(__name__)

# A digest lists this many events and counts the rest ("and 980 more"), so one busy day
# makes one email of bounded size.
DIGEST_MAX_EVENTS = 20
# Events are kept this long after they happen, then deleted by send_digests.
EVENT_RETENTION = timedelta(days=60)
# An unsubscribe link works this long after its digest was sent.
UNSUBSCRIBE_LINK_AGE = timedelta(days=90)
UNSUBSCRIBE_SALT = "patterns_site.follows.unsubscribe"


def follow_add(*, user, field: str, target) -> Follow:
    """Follow a thing; following it again keeps the one follow (a double click, two tabs
    or a race between them)."""
    lookup = {"user": user, field: target}
    try:
        with transaction.atomic():
            follow, _created = Follow.objects.get_or_create(**lookup)
    except IntegrityError:  # a concurrent request created it between get and create
        follow = Follow.objects.get(**lookup)
    return follow


def follow_remove(*, user, field: str, target) -> None:
    """Stop following a thing; doing so twice does nothing the second time."""
    Follow.objects.filter(user=user, **{field: target}).delete()


def follows_unsubscribe(*, user) -> int:
    """Stop every follow, and so every digest: what the unsubscribe link does. Returns
    how many follows ended (0 when the link was used already)."""
    deleted, _by_model = Follow.objects.filter(user=user).delete()
    return deleted


def unsubscribe_token(user) -> str:
    """A signed, dated token naming the account, for the link in its digests."""
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_user(token: str):
    """The account a token names, or raises signing.SignatureExpired (too old) or
    signing.BadSignature (tampered, truncated or made up)."""
    if len(token) > 200:
        raise signing.BadSignature("Token too long")
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_LINK_AGE)
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None:
        raise signing.BadSignature("No such account")
    return user


def follow_event_record(*, kind: str, targets: dict, headline: str, summary="", path="") -> int:
    """Record one event for each followed target among `targets` (a dict of target field
    to ids): one query to find which are followed, and one insert if any are, so a publish
    nobody follows costs a single query. Returns how many events were recorded."""
    wanted = Q()
    for field, ids in targets.items():
        ids = [pk for pk in ids if pk is not None]
        if ids:
            wanted |= Q(**{f"{field}_id__in": ids})
    if not wanted:
        return 0
    followed = set()
    for row in Follow.objects.filter(wanted).values_list(*[f"{f}_id" for f in targets]):
        followed.update((field, pk) for field, pk in zip(targets, row, strict=True) if pk)
    wanted_ids = {(field, pk) for field, ids in targets.items() for pk in ids}
    events = [
        FollowEvent(
            kind=kind,
            headline=headline[:300],
            summary=(summary or "")[:300],
            path=path[:500],
            **{f"{field}_id": pk},
        )
        for field, pk in sorted(followed & wanted_ids)
    ]
    FollowEvent.objects.bulk_create(events)
    return len(events)


def digest_send_all(*, now=None) -> int:
    """Send today's digest to everyone with something new in what they follow; returns
    how many were sent. Safe to run again: a person gets at most one digest a day, and
    each event goes in one digest only (the next starts where the last one stopped)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last_digest = Digest.objects.filter(user=OuterRef("pk"))
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(Follow.objects.filter(user=OuterRef("pk"))))
        .exclude(email="")
        .exclude(Exists(last_digest.filter(day=today)))
        .annotate(since=Subquery(last_digest.order_by("-covers_until").values("covers_until")[:1]))
        .order_by("pk")
    )
    sent = 0
    for user in users.iterator():
        try:
            sent += digest_send(user=user, since=user.since, until=now, day=today)
        except Exception:
            # One address Notify refuses must not stop everyone else's digest.
            logger.exception("Could not send the digest to user %s", user.pk)
    FollowEvent.objects.filter(created_at__lt=now - EVENT_RETENTION).delete()
    return sent


def digest_send(*, user, since, until, day) -> int:
    """Send one person's digest of the events after `since` up to `until`; 1 if sent, 0
    if there was nothing to tell them or a digest for `day` exists. A fixed number of
    queries however many events there are."""
    # The same news reaches someone once, though they follow two things it is about (a
    # new offering for a component and for a service area they both follow).
    events = (
        digest_events(user=user, since=since, until=until)
        .values("headline", "summary", "path")
        .annotate(latest=Max("created_at"))
        .order_by("-latest", "headline")
    )
    shown = list(events[:DIGEST_MAX_EVENTS])
    if not shown:
        return 0
    total = len(shown) if len(shown) < DIGEST_MAX_EVENTS else events.count()
    try:
        with transaction.atomic():
            # The row first: if the send fails the transaction rolls it back, so
            # tomorrow's run tries these events again; a second run today finds it.
            Digest.objects.create(user=user, day=day, covers_until=until, event_count=total)
            digest_email(user=user, events=shown, total=total).send()
    except IntegrityError:  # another run sent today's digest first
        return 0
    return 1


def digest_email(*, user, events, total) -> EmailMessage:
    """The digest message: plain text, with a one-click unsubscribe link in the body and
    in the List-Unsubscribe headers (RFC 8058), which mail programs POST to directly."""
    site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    unsubscribe_url = site + reverse("follows:unsubscribe", args=[unsubscribe_token(user)])
    context = {
        "events": events,
        "total": total,
        "more": total - len(events),
        "site": site,
        "follows_url": site + reverse("follows:list"),
        "unsubscribe_url": unsubscribe_url,
    }
    things = "change" if total == 1 else "changes"
    return EmailMessage(
        subject=f"Plumbing: {total} {things} in what you follow",
        body=render_to_string("account/email/follow_digest.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
