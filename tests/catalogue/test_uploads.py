"""A failed upload loses nothing: when storage fails (a full disk, a write that stops
halfway, an unreachable bucket) the portal form comes back with the supplier's text and a
GOV.UK error summary, and no file, offering or revision is left half-saved."""

import errno
import io
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from botocore.exceptions import EndpointConnectionError
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image
from wagtail.models import Revision

from catalogue.models import Offering
from patterns_site.media import AtomicFileSystemStorage
from tests.catalogue.test_portal import edit_data, offering_data, portal_url
from tests.factories import ComponentFactory, OfferingFactory

pytestmark = pytest.mark.django_db

TEXT = {
    "name": "Keep This Product",
    "summary": "A summary the supplier typed and must not lose.",
    "description": "A **long** description the supplier spent an hour on.",
}


def noisy_png(side=300) -> bytes:
    """A PNG that stays a few hundred KB after re-encoding (several storage chunks)."""
    pixels = random.Random(side).randbytes(side * side * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def files_under(root: Path) -> list[str]:
    """Every file under root, hidden ones included."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


class BucketUnreachableStorage(AtomicFileSystemStorage):
    """Object storage that cannot be reached: save raises botocore's error."""

    def _save(self, name, content):
        raise EndpointConnectionError(endpoint_url="https://objects.example.net")


class DiskFullHalfwayStorage(AtomicFileSystemStorage):
    """The real local storage, with the disk filling up after two chunks are written."""

    partial_files_seen: list = []

    def _save(self, name, content):
        root = Path(self.location)

        class FillsUp:
            def chunks(self):
                for number, chunk in enumerate(content.chunks()):
                    if number == 2:
                        sizes = [p.stat().st_size for p in root.rglob("*") if p.is_file()]
                        DiskFullHalfwayStorage.partial_files_seen.append(sizes)
                        raise OSError(errno.ENOSPC, "No space left on device")
                    yield chunk

        return super()._save(name, FillsUp())


def media_with(backend: str, root: Path):
    storages = {**settings.STORAGES, "default": {"BACKEND": backend}}
    return override_settings(STORAGES=storages, MEDIA_ROOT=root)


STORAGES_THAT_FAIL = [
    "tests.catalogue.test_uploads.BucketUnreachableStorage",
    "tests.catalogue.test_uploads.DiskFullHalfwayStorage",
]


def assert_form_kept(response):
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "The logo could not be saved. Try again" in page
    assert 'href="#id_logo"' in page
    assert TEXT["name"] in page and TEXT["summary"] in page
    assert "A **long** description the supplier spent an hour on." in page


@pytest.mark.parametrize("backend", STORAGES_THAT_FAIL)
def test_a_new_offering_whose_logo_fails_keeps_the_text_and_saves_nothing(
    supplier_client, member, tmp_path, backend
):
    """Adding an offering whose logo cannot be stored shows the form again with the
    supplier's text and an error summary; no offering, revision or file is left."""
    DiskFullHalfwayStorage.partial_files_seen = []
    component = ComponentFactory()
    logo = SimpleUploadedFile("logo.png", noisy_png(), content_type="image/png")
    with media_with(backend, tmp_path):
        response = supplier_client.post(
            portal_url("offering_create", member.supplier),
            offering_data([component], logo=logo, **TEXT),
        )
    assert_form_kept(response)
    assert not Offering.objects.exists()
    assert not Revision.objects.exists()
    assert files_under(tmp_path) == []
    if backend.endswith("DiskFullHalfwayStorage"):
        # The failure really came mid-file: a partial file was on disk when it did.
        assert DiskFullHalfwayStorage.partial_files_seen[0][0] > 0


@pytest.mark.parametrize("backend", STORAGES_THAT_FAIL)
def test_a_change_whose_logo_fails_keeps_the_text_and_changes_nothing(
    supplier_client, member, tmp_path, backend
):
    """Changing a published offering with a logo that cannot be stored shows the form
    again with the changes typed; the offering, its revisions and its files are as they
    were."""
    offering = OfferingFactory(supplier=member.supplier, name="Old Name")
    offering.components.set([ComponentFactory()])
    offering.save()
    offering.save_revision().publish()
    revisions = Revision.objects.count()
    data = edit_data(supplier_client, member.supplier, offering, **TEXT)
    data["logo"] = SimpleUploadedFile("logo.png", noisy_png(), content_type="image/png")
    with media_with(backend, tmp_path):
        response = supplier_client.post(
            portal_url("offering_edit", member.supplier, offering), data
        )
    assert_form_kept(response)
    offering.refresh_from_db()
    assert offering.name == "Old Name" and not offering.logo
    assert not offering.has_unpublished_changes
    assert Revision.objects.count() == revisions
    assert files_under(tmp_path) == []


def test_a_logo_saves_once_storage_works_again(supplier_client, member, tmp_path):
    """After a failure, the same form with the logo chosen again saves the offering and
    its logo, served from the app."""
    component = ComponentFactory()
    data = offering_data([component], **TEXT)
    with media_with("tests.catalogue.test_uploads.DiskFullHalfwayStorage", tmp_path):
        data["logo"] = SimpleUploadedFile("logo.png", noisy_png(), content_type="image/png")
        assert (
            supplier_client.post(portal_url("offering_create", member.supplier), data).status_code
            == 400
        )
    with media_with("patterns_site.media.AtomicFileSystemStorage", tmp_path):
        data["logo"] = SimpleUploadedFile("logo.png", noisy_png(), content_type="image/png")
        response = supplier_client.post(portal_url("offering_create", member.supplier), data)
        assert response.status_code == 302
        offering = Offering.objects.get()
        assert files_under(tmp_path) == [offering.logo.name]
        served = supplier_client.get(offering.logo.url)
        assert served.status_code == 200 and served["Content-Type"] == "image/png"


@pytest.mark.parametrize("backend", STORAGES_THAT_FAIL)
def test_a_markdown_image_upload_that_fails_answers_400(supplier_client, tmp_path, backend):
    """The markdown editor's image upload reports a storage failure as a 400 with a
    message, and leaves no file."""
    image = SimpleUploadedFile("pic.png", noisy_png(), content_type="image/png")
    with media_with(backend, tmp_path):
        response = supplier_client.post(reverse("markdownx_upload"), {"image": image})
    assert response.status_code == 400
    assert response.json() == {"image": ["The image could not be saved. Try again"]}
    assert files_under(tmp_path) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 192 KB file system, as a full disk is: needs permission to mount tmpfs."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(  # noqa: S603 - fixed arguments
        ["mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", str(mountpoint)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {mounted.stderr.decode()[:200]}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)  # noqa: S603, S607


def test_a_really_full_disk_keeps_the_form_and_leaves_no_file(supplier_client, member, tiny_disk):
    """On a real file system with no room for the logo, the write fails with ENOSPC
    mid-file: the form comes back and nothing is left on the disk."""
    component = ComponentFactory()
    logo = SimpleUploadedFile("logo.png", noisy_png(), content_type="image/png")
    with media_with("patterns_site.media.AtomicFileSystemStorage", tiny_disk):
        response = supplier_client.post(
            portal_url("offering_create", member.supplier),
            offering_data([component], logo=logo, **TEXT),
        )
    assert_form_kept(response)
    assert not Offering.objects.exists()
    assert files_under(tiny_disk) == []
