"""Uploaded logos are served in production: by the app from local disk (safely, with
nosniff, a safe type and a long cache life), or from S3-compatible object storage when a
bucket is configured; editors see the image itself when they moderate."""

import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from tests.factories import OfferingFactory, UserFactory

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


def png_bytes(size=(64, 48), colour=(29, 112, 184)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def local_media(tmp_path):
    """Uploads on local disk under a temporary MEDIA_ROOT, as on a single server."""
    root = tmp_path / "media"
    root.mkdir()
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": "patterns_site.media.AtomicFileSystemStorage"},
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=root, DEBUG=False):
        yield root


def test_an_uploaded_logo_is_served_with_safe_headers(client, local_media):
    """A logo stored on local disk is served by the app with DEBUG off: PNG type, nosniff,
    a year's immutable cache and a policy that lets it load nothing."""
    data = png_bytes()
    name = default_storage.save("offering-logos/abc123.png", ContentFile(data))
    response = client.get(default_storage.url(name))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "attachment" not in response.get("Content-Disposition", "")
    jpeg = client.get(default_storage.url(default_storage.save("a/b.jpg", ContentFile(b"x"))))
    assert jpeg["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("name", ["notes/evil.html", "x.svg", "script.js", "file", "a.PNG.html"])
def test_anything_but_png_or_jpeg_is_only_a_download(client, local_media, name):
    """A file of any other type under MEDIA_ROOT is sent as an attachment of a type no
    browser renders."""
    stored = default_storage.save(name, ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{stored}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/media/../manage.py",
        "/media/%2e%2e/manage.py",
        "/media/..%2fmanage.py",
        "/media/offering-logos/../../manage.py",
        "/media/offering-logos/%2e%2e/%2e%2e/manage.py",
        "/media//etc/passwd",
        "/media/%2fetc%2fpasswd",
        "/media/..\\manage.py",
        "/media/.secret",
        "/media/offering-logos/",
        "/media/offering-logos",
        "/media/missing.png",
        "/media/a%00.png",
        "/media/outside.png",
        "/media/" + "a/" * 300 + "b.png",
    ],
)
def test_only_files_under_media_root_are_served(client, local_media, path):
    """Traversal, hidden files, directories, a symlink out of MEDIA_ROOT and files that do
    not exist all answer 404."""
    (local_media / ".secret").write_text("secret")
    (local_media / "offering-logos").mkdir()
    (local_media / "offering-logos" / "real.png").write_bytes(png_bytes())
    outside = local_media.parent / "private.png"
    outside.write_bytes(png_bytes())
    (local_media / "outside.png").symlink_to(outside)
    response = client.get(path)
    assert response.status_code == 404
    assert client.get("/media/offering-logos/real.png").status_code == 200


def test_media_answers_only_get_and_head(client, local_media):
    """Writing methods are refused."""
    default_storage.save("offering-logos/a.png", ContentFile(png_bytes()))
    assert client.head("/media/offering-logos/a.png").status_code == 200
    assert client.post("/media/offering-logos/a.png").status_code == 405


class _Upload(io.BytesIO):
    @property
    def size(self):
        return len(self.getvalue())


def test_uploads_are_named_by_a_hash_of_their_content():
    """An upload is stored under a hash of the re-encoded image: the same image gets the
    same name and a different one a different name, so a name can be cached for ever."""
    from catalogue.images import image_reencode

    first = image_reencode(_Upload(png_bytes()), max_bytes=10**6, max_side=600)
    again = image_reencode(_Upload(png_bytes()), max_bytes=10**6, max_side=600)
    other = image_reencode(_Upload(png_bytes(colour=(0, 0, 0))), max_bytes=10**6, max_side=600)
    assert first.name == again.name != other.name
    assert len(first.name) == len("0123456789abcdef0123456789abcdef.png")


def test_production_settings_serve_media_with_debug_off(tmp_path):
    """Under patterns_site.settings.production (DEBUG off, HTTPS, manifest static
    storage), a stored logo is served by the app."""
    media_root = tmp_path / "media"
    script = """
import json, os
import django
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
name = default_storage.save("offering-logos/hash.png", ContentFile(b"\\x89PNG fake"))
response = Client().get(default_storage.url(name), secure=True)
print(json.dumps({
    "debug": settings.DEBUG,
    "status": response.status_code,
    "body": b"".join(response.streaming_content).decode("latin-1"),
    "headers": dict(response.headers),
}))
"""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "patterns_site.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "MEDIA_ROOT": str(media_root),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "REDIS_URL": "",
        "AWS_STORAGE_BUCKET_NAME": "",
    }
    # Our own interpreter running our own script.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert served["debug"] is False
    assert served["status"] == 200, result.stderr[-2000:]
    assert served["body"] == "\x89PNG fake"
    assert served["headers"]["Content-Type"] == "image/png"
    assert served["headers"]["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served["headers"]["Cache-Control"]
    assert served["headers"]["Content-Security-Policy"].startswith("default-src 'none'")
    assert (media_root / "offering-logos" / "hash.png").exists()


@pytest.fixture
def reloaded_settings(monkeypatch):
    """Read the production settings afresh with a changed environment; put the modules
    back as they were after."""
    from patterns_site.settings import base

    def load(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("SECRET_KEY", "x" * 50)
        monkeypatch.setenv("ALLOWED_HOSTS", "plumbing.example.gov.uk")
        importlib.reload(base)
        sys.modules.pop("patterns_site.settings.production", None)
        return importlib.import_module("patterns_site.settings.production")

    yield load
    monkeypatch.undo()
    sys.modules.pop("patterns_site.settings.production", None)
    importlib.reload(base)


def test_a_bucket_switches_uploads_to_s3(reloaded_settings):
    """With AWS_STORAGE_BUCKET_NAME set, production stores uploads on S3-compatible
    storage with the configured endpoint, region, credentials and custom domain, and
    pages may show images from it (checked without any network)."""
    from storages.backends.s3 import S3Storage

    production = reloaded_settings(
        AWS_STORAGE_BUCKET_NAME="plumbing-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.net",
        AWS_S3_REGION_NAME="uk-london-1",
        AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY="not-a-real-secret",
        AWS_S3_CUSTOM_DOMAIN="media.plumbing.example.gov.uk",
    )
    default = production.STORAGES["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    storage = S3Storage(**default["OPTIONS"])
    assert storage.bucket_name == "plumbing-media"
    assert storage.endpoint_url == "https://objects.example.net"
    assert storage.region_name == "uk-london-1"
    assert storage.access_key == "AKIDEXAMPLE"
    assert storage.file_overwrite is False
    assert storage.object_parameters["CacheControl"].endswith("immutable")
    assert (
        storage.url("offering-logos/abc.png")
        == "https://media.plumbing.example.gov.uk/offering-logos/abc.png"
    )
    img_src = production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert "https://media.plumbing.example.gov.uk" in img_src
    assert (
        "https://media.plumbing.example.gov.uk"
        in production.ADMIN_CONTENT_SECURITY_POLICY["img-src"]
    )
    # Static files stay with WhiteNoise (its hashed, compressed storage), not the bucket.
    from django.utils.module_loading import import_string
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    backend = import_string(production.STORAGES["staticfiles"]["BACKEND"])
    assert issubclass(backend, CompressedManifestStaticFilesStorage)


def test_without_a_bucket_uploads_stay_on_local_disk(reloaded_settings):
    """The default storage only switches when a bucket is set."""
    production = reloaded_settings(AWS_STORAGE_BUCKET_NAME="", AWS_S3_CUSTOM_DOMAIN="x.example")
    assert production.STORAGES["default"]["BACKEND"] == (
        "patterns_site.media.AtomicFileSystemStorage"
    )
    assert production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


def test_editors_see_the_logo_itself_when_they_moderate(client, local_media):
    """The offering editor in the Wagtail admin shows the uploaded logo as an image, and
    that image loads."""
    offering = OfferingFactory(live=False)
    offering.logo.save("ab12.png", ContentFile(png_bytes()), save=True)
    offering.save_revision()
    client.force_login(UserFactory(is_superuser=True))
    page = client.get(reverse("wagtailsnippets_catalogue_offering:edit", args=[offering.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    url = offering.logo.url
    assert f'<img src="{url}"' in html
    assert client.get(url).status_code == 200
