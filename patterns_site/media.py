"""Uploaded files (suppliers' logos, images in markdown) served by the app itself.

On object storage (AWS_STORAGE_BUCKET_NAME set) file URLs point at the bucket or its
custom domain and this view is not used. On the single-server default the files are on
local disk, and WhiteNoise only serves files present when the process started, so the
app serves them here, in production as in development.

Uploads are re-encoded by catalogue.images and stored under a hash of their content, so
a name never changes meaning and can be cached for ever. Whatever else is under
MEDIA_ROOT is sent only as a download, never as something a browser would render.

AtomicFileSystemStorage, the local default, never leaves a partial file: a full disk or
a failed write mid-file leaves nothing behind.
"""

import contextlib
import os
import posixpath
import tempfile

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

# The only types sent inline: what catalogue.images writes.
INLINE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
MAX_NAME_LENGTH = 500
CACHE_FOREVER = "public, max-age=31536000, immutable"
# A file opened directly may load nothing and run nothing.
MEDIA_CSP = "default-src 'none'; sandbox"


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that writes each file to a hidden temporary file in the same
    directory and links it into place only once it is complete and on disk. A failure
    while writing (ENOSPC, EIO) removes the temporary file, so no empty or partial file
    is ever left under the final name (Django's own storage leaves one). Linking fails
    if the name exists, like Django's exclusive create, and then another name is used."""

    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        self._make_directory(directory)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, self.file_permissions_mode or 0o644)
            while True:
                try:
                    os.link(temporary, self.path(name))
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        return str(name).replace("\\", "/")

    def _make_directory(self, directory):
        if self.directory_permissions_mode is None:
            os.makedirs(directory, exist_ok=True)
            return
        old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
        try:
            os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        finally:
            os.umask(old_umask)


def _storage_name(path: str) -> str | None:
    """The storage name for a URL path, or None if it is not a plain relative path to a
    file: no parent or hidden segments, no backslashes or NULs."""
    if not path or len(path) > MAX_NAME_LENGTH or "\\" in path or "\x00" in path:
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    if posixpath.normpath(path) != path:
        return None
    return path


def _is_inside_media_root(name: str) -> bool:
    """For local storage, the real file (symlinks resolved) is a file under MEDIA_ROOT."""
    try:
        full = default_storage.path(name)
    except NotImplementedError:
        return True  # not on local disk: the storage resolves its own names
    except SuspiciousFileOperation:
        return False
    root = os.path.realpath(settings.MEDIA_ROOT)
    real = os.path.realpath(full)
    return real.startswith(root + os.sep) and os.path.isfile(real)


@require_safe
def media_file(request, path):
    """An uploaded file: a PNG or JPEG inline, anything else as a download; nosniff, a
    policy that lets it load nothing, and a year's cache (names are content hashes)."""
    name = _storage_name(path)
    if name is None or not _is_inside_media_root(name):
        raise Http404("No such file")
    try:
        if not default_storage.exists(name):
            raise Http404("No such file")
        handle = default_storage.open(name, "rb")
    except (OSError, SuspiciousFileOperation):
        raise Http404("No such file") from None
    extension = posixpath.splitext(name)[1].lower()
    content_type = INLINE_TYPES.get(extension)
    response = FileResponse(
        handle,
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=posixpath.basename(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE_FOREVER
    response["Content-Security-Policy"] = MEDIA_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
