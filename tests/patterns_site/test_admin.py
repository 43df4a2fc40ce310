"""The Wagtail admin as a site-wide concern: no requests to outside services, and email
links built on the address the site is served at."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from patterns_site.checks import email_links_on_a_served_host
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_the_admin_asks_no_avatar_service_for_pictures(client, page_tree):
    """The dashboard and account pages show Wagtail's own default avatar: no image from
    Gravatar or any other outside address, so nothing is broken or blocked by the CSP."""
    client.force_login(UserFactory(is_superuser=True, email="editor@example.gov.uk"))
    for url in ("/admin/", "/admin/account/"):
        html = client.get(url).content.decode()
        assert "gravatar" not in html.lower(), url
        assert "default-user-avatar" in html, url


def production_setting(name: str, **env) -> subprocess.CompletedProcess:
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DJANGO_SETTINGS_MODULE": "patterns_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        **env,
    }
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_builds_email_links_on_site_url_or_the_served_host():
    """SITE_URL sets the address in email links; without it production uses https and
    the first host it serves, never the development default; with only a wildcard host it
    refuses to start and says what to set."""
    given = production_setting(
        "WAGTAILADMIN_BASE_URL",
        ALLOWED_HOSTS="plumbing.example.gov.uk",
        SITE_URL="https://plumbing.example.gov.uk/",
    )
    assert given.stdout.strip() == "https://plumbing.example.gov.uk", given.stderr
    derived = production_setting("WAGTAILADMIN_BASE_URL", ALLOWED_HOSTS="recipes.example.gov.uk")
    assert derived.stdout.strip() == "https://recipes.example.gov.uk", derived.stderr
    wildcard = production_setting("WAGTAILADMIN_BASE_URL", ALLOWED_HOSTS="*")
    assert wildcard.returncode != 0
    assert "Set the SITE_URL environment variable" in wildcard.stderr


@override_settings(
    WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000", ALLOWED_HOSTS=["plumbing.example.gov.uk"]
)
def test_deploy_check_warns_when_email_links_point_at_another_host():
    """check --deploy warns when links in emails would go to a host the site does not
    serve (such as the development default), and names the setting to fix."""
    [warning] = email_links_on_a_served_host(None)
    assert warning.id == "plumbing.W002"
    assert "SITE_URL" in warning.hint
    with override_settings(WAGTAILADMIN_BASE_URL="https://plumbing.example.gov.uk"):
        assert email_links_on_a_served_host(None) == []
