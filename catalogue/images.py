"""Uploaded images, checked by what is in the file and re-encoded by us.

The browser's content type and the file name prove nothing, so Pillow reads the bytes,
only PNG and JPEG within size limits pass, and what we store is a fresh PNG or JPEG that
Pillow wrote from the pixels alone (no metadata, scripts or trailing payloads survive).
"""

import hashlib
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg"}
MAX_SOURCE_PIXELS = 4000 * 4000


def image_reencode(upload, *, max_bytes: int, max_side: int, min_side: int = 16) -> ContentFile:
    """A re-encoded copy of an uploaded PNG or JPEG, no larger than max_side pixels on
    either side, named by a hash of its content (so a stored name never stands for other
    content, and can be cached for ever). Raises ValidationError with a message for the
    user if the file is too big, too small or not a PNG or JPEG image."""
    megabytes = max_bytes // (1024 * 1024)
    if upload.size > max_bytes:
        raise ValidationError(f"The selected file must be smaller than {megabytes}MB")
    data = upload.read(max_bytes + 1)
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError("The selected file must be a PNG or JPG")
            width, height = image.size
            if width * height > MAX_SOURCE_PIXELS or max(width, height) > 4000:
                raise ValidationError("The selected image must be at most 4000 by 4000 pixels")
            if width < min_side or height < min_side:
                raise ValidationError(
                    f"The selected image must be at least {min_side} by {min_side} pixels"
                )
            source_format = image.format
            image.load()
            image.thumbnail((max_side, max_side))
            out = BytesIO()
            if source_format == "JPEG":
                image.convert("RGB").save(out, format="JPEG", quality=88)
            else:
                mode = "RGBA" if image.mode in {"RGBA", "LA", "P", "PA"} else "RGB"
                image.convert(mode).save(out, format="PNG", optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("The selected file must be a PNG or JPG") from None
    extension = ALLOWED_FORMATS[source_format]
    data = out.getvalue()
    return ContentFile(data, name=f"{hashlib.sha256(data).hexdigest()[:32]}.{extension}")
