"""The visitor's council and cost assumptions, kept in a signed cookie.

A cookie, not the session: it works without an account or a basket, the page cache can
key on it (patterns_site.page_cache), and it costs no query (the council's name and
population travel in it, signed, so nobody can change them). A cookie that fails its
signature or holds anything out of range is ignored: the visitor gets the defaults.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing

from .costs import DEFAULT_DAY_RATES, ROLES_BY_KEY, Assumptions

COOKIE_NAME = "plumbing_costs"
COOKIE_SALT = "plumbing.costs.v1"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60

MAX_POPULATION = 20_000_000
RESIDENTS_PER_USER_LIMITS = (100, 1_000_000)
DAY_RATE_LIMITS = (Decimal("0"), Decimal("5000"))

REQUEST_ATTRIBUTE = "_cost_assumptions"


def _payload(assumptions: Assumptions) -> dict:
    payload = {}
    if assumptions.has_council:
        payload.update(
            c=assumptions.council_slug, n=assumptions.council_name, p=assumptions.population
        )
    if assumptions.residents_per_staff_user != Assumptions().residents_per_staff_user:
        payload["u"] = assumptions.residents_per_staff_user
    if assumptions.rates_changed:
        payload["r"] = {key: str(rate) for key, rate in assumptions.day_rates}
    return payload


def _assumptions(payload) -> Assumptions:
    """Assumptions from a verified payload; ValueError for anything out of range."""
    if not isinstance(payload, dict):
        raise ValueError("not a mapping")
    assumptions = Assumptions()
    if "c" in payload:
        slug, name, population = payload["c"], payload.get("n"), payload.get("p")
        if not (isinstance(slug, str) and isinstance(name, str) and isinstance(population, int)):
            raise ValueError("bad council")
        if not (0 < population <= MAX_POPULATION) or len(slug) > 100 or len(name) > 200:
            raise ValueError("council out of range")
        assumptions = assumptions.with_council(name=name, slug=slug, population=population)
    if "u" in payload:
        users = payload["u"]
        low, high = RESIDENTS_PER_USER_LIMITS
        if not isinstance(users, int) or not low <= users <= high:
            raise ValueError("bad users")
        assumptions = replace(assumptions, residents_per_staff_user=users)
    if "r" in payload:
        rates = payload["r"]
        if not isinstance(rates, dict) or set(rates) - set(ROLES_BY_KEY):
            raise ValueError("bad rates")
        merged = dict(DEFAULT_DAY_RATES)
        for key, value in rates.items():
            try:
                rate = Decimal(str(value))
            except InvalidOperation:
                raise ValueError("bad rate") from None
            if not (rate.is_finite() and DAY_RATE_LIMITS[0] <= rate <= DAY_RATE_LIMITS[1]):
                raise ValueError("rate out of range")
            merged[key] = rate
        assumptions = replace(
            assumptions, day_rates=tuple((key, merged[key]) for key, _ in DEFAULT_DAY_RATES)
        )
    return assumptions


def assumptions_from_request(request) -> Assumptions:
    """The visitor's assumptions, or the defaults when there is no valid cookie."""
    cached = getattr(request, REQUEST_ATTRIBUTE, None)
    if cached is not None:
        return cached
    assumptions = Assumptions()
    raw = request.COOKIES.get(COOKIE_NAME)
    if raw:
        try:
            assumptions = _assumptions(signing.loads(raw, salt=COOKIE_SALT))
        except (signing.BadSignature, ValueError, TypeError):
            assumptions = Assumptions()
    setattr(request, REQUEST_ATTRIBUTE, assumptions)
    return assumptions


def assumptions_key(assumptions: Assumptions) -> str:
    """A short digest naming a set of assumptions, empty for the defaults."""
    payload = _payload(assumptions)
    if not payload:
        return ""
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


def cache_key_part(request) -> str:
    """What the page cache must add to its key: a digest of the visitor's verified
    assumptions, empty for the defaults (so tampered cookies share the default page)."""
    return assumptions_key(assumptions_from_request(request))


def assumptions_store(response, assumptions: Assumptions) -> None:
    """Set the cookie (or delete it when everything is back to the defaults)."""
    payload = _payload(assumptions)
    if not payload:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(payload, salt=COOKIE_SALT, compress=True),
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
