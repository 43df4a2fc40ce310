"""Security headers, the content security policy, production checks, health and
behaviour when the database is unreachable."""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from tests.pages import parse, text

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_public_pages_send_a_strict_content_security_policy(client, page_tree):
    """Scripts only from our origin or with this response's nonce; no inline script."""
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'nonce-" in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    nonce = directives["script-src"].split("'nonce-")[1].split("'")[0]
    scripts = parse(response).find_all("script", src=True)
    assert scripts and all(script["nonce"] == nonce for script in scripts)


def test_every_script_on_public_pages_is_external(client, page_tree):
    """No inline executable script, so the strict policy blocks nothing we ship."""
    for url in ["/", "/recipes/", "/components/", "/search/?q=bins", "/accessibility/"]:
        for script in parse(client.get(url)).find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", url


def test_security_headers_on_every_response(client, page_tree):
    """Pages carry nosniff, a referrer policy, a permissions policy and frame protection."""
    response = client.get("/components/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_admin_gets_its_own_policy(client, django_user_model):
    """The Wagtail admin keeps a CSP that allows what it needs but forbids plugins."""
    response = client.get("/admin/login/")
    policy = response["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_check_deploy_is_clean_under_production_settings():
    """`manage.py check --deploy` reports nothing with production settings."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "patterns_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "plumbing.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    """Production settings fail loudly instead of falling back to a known key."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env["DJANGO_SETTINGS_MODULE"] = "patterns_site.settings.production"
    env["ALLOWED_HOSTS"] = "plumbing.example.org"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_healthz_reports_the_database(client):
    """/healthz answers 200 with the database reachable."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "local"}


def test_healthz_says_503_without_secrets_when_the_database_is_down(client):
    """An unreachable database gives 503 and a reason, and no connection details."""
    with mock.patch("patterns_site.views.connection.cursor", side_effect=OperationalError("x")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body == {"status": "unavailable", "database": "unreachable", "cache": "local"}


def test_pages_answer_a_friendly_503_when_the_database_is_down(page_tree):
    """A page whose database call fails gets the 'service unavailable' page, not a 500."""
    client = Client(raise_request_exception=False)
    with mock.patch(
        "wagtail.models.Site.find_for_request", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/recipes/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in text(parse(response))


def test_each_request_is_logged_as_one_structured_line(client, page_tree, caplog):
    """A request produces one JSON log line with its path, status and duration."""
    with caplog.at_level(logging.INFO, logger="plumbing.requests"):
        client.get("/components/")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "plumbing.requests"]
    assert len(lines) == 1
    assert lines[0]["path"] == "/components/"
    assert lines[0]["status"] == 200
    assert lines[0]["duration_ms"] >= 0


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accessibility/", "Accessibility statement for Plumbing"),
        ("/privacy/", "Privacy notice"),
    ],
)
def test_statement_pages_are_linked_from_every_page(client, page_tree, url, heading):
    """The footer links to the accessibility statement and the privacy notice."""
    footer_links = [a["href"] for a in parse(client.get("/")).select("footer a")]
    assert url in footer_links
    assert text(parse(client.get(url)).find("h1")) == heading


def test_deploy_check_warns_when_workers_cannot_share_the_page_cache():
    """`check --deploy` says so when the page cache is on without a shared cache."""
    from django.core.checks import run_checks

    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=local, PAGE_CACHE_SECONDS=300):
        ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "plumbing.W001" in ids
    with override_settings(CACHES=local, PAGE_CACHE_SECONDS=0, CONTENT_DATA_CACHE_SECONDS=0):
        ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "plumbing.W001" not in ids
