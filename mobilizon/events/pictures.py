"""Event pictures: the identities feature's hardened image pipeline, at banner size.

The same checks as avatars (content sniffed by Pillow among four formats, decompression bombs
refused, EXIF and GPS dropped by re-encoding); only the size differs, and the messages name the
``picture`` field.
"""

from __future__ import annotations

from mobilizon.errors import ServiceError
from mobilizon.identities.media import ProcessedImage, process_image

PICTURE_SIZE = (1920, 1080)


def process_picture(data: bytes) -> ProcessedImage:
    """Validate and re-encode an uploaded picture, at most 1920 x 1080."""
    try:
        return process_image(data, size=PICTURE_SIZE)
    except ServiceError as error:
        if error.fields:
            error.fields = {"picture": next(iter(error.fields.values()))}
        raise
