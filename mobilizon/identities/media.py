"""Uploaded images: validated by their content, re-encoded without metadata, stored on disk.

An upload is never trusted: it is opened with Pillow restricted to four formats, refused when it
declares more pixels than an avatar could need (a decompression bomb is a small file that
expands to gigabytes), turned upright from its EXIF orientation, shrunk, and re-encoded from its
pixels alone so that no EXIF, GPS position or comment of the original survives. Files get a
random name under the data folder's ``media/`` and are served by ``/media/{name}`` with a
fixed content type.
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from pyramid_retry import is_error_retryable

from mobilizon.errors import Invalid, TooLarge
from mobilizon.i18n import _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000  # 5000 x 5000: more than any camera an avatar comes from
AVATAR_SIZE = (400, 400)
INPUT_FORMATS = ["JPEG", "PNG", "GIF", "WEBP"]
# what each input becomes: photos stay JPEG, drawings (with transparency) PNG
OUTPUT_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
MEDIA_NAME_PATTERN = r"[A-Za-z0-9_-]{16,64}\.(?:jpg|png|webp)"

# Pillow's own guard, lowered: it warns past this many pixels and refuses past twice as many
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    extension: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def _not_an_image(field: str) -> Invalid:
    return Invalid(
        _("This file is not an image we can use: send a JPEG, PNG, GIF or WebP picture."),
        fields={field: _("Send a JPEG, PNG, GIF or WebP picture.")},
        code="not_an_image",
    )


def _too_many_pixels(field: str) -> Invalid:
    return Invalid(
        _("This image is too large in pixels (at most 5000 × 5000)."),
        fields={field: _("At most 5000 × 5000 pixels.")},
        code="image_too_large",
    )


def process_image(data: bytes, size: tuple[int, int] = AVATAR_SIZE, field: str = "avatar") -> ProcessedImage:
    """Validate an uploaded image and return it shrunk to ``size`` and stripped of metadata;
    refusals name ``field`` (the form or JSON field the file came in).
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(
            _("This image is larger than 5 MB."), fields={field: _("At most 5 MB.")}, code="too_large"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=INPUT_FORMATS) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _too_many_pixels(field)
                source_format = image.format or ""
                image.seek(0)  # the first frame of an animation
                image.load()
                picture = _upright_copy(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(field) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            # Pillow reports truncated or corrupt files through these
            raise _not_an_image(field) from None
    output = OUTPUT_FORMATS.get(source_format)
    if output is None:
        raise _not_an_image(field)
    return _encode(picture, output, size)


def _upright_copy(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says, in RGB or RGBA."""
    upright = ImageOps.exif_transpose(image) or image
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    return upright.convert("RGBA" if has_alpha else "RGB")


def _encode(picture: Image.Image, output: str, size: tuple[int, int]) -> ProcessedImage:
    picture.thumbnail(size, Image.Resampling.LANCZOS)
    if output == "JPEG" and picture.mode != "RGB":
        picture = picture.convert("RGB")
    # rebuilt from raw pixels: nothing of the original's metadata (EXIF, ICC, text) is carried
    clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    buffer = io.BytesIO()
    options: dict[str, Any] = {"JPEG": {"quality": 88}, "WEBP": {"quality": 88}, "PNG": {"optimize": True}}
    clean.save(buffer, format=output, **options[output])
    return ProcessedImage(buffer.getvalue(), EXTENSIONS[output], clean.width, clean.height)


def close_uploads(request: Any) -> None:
    """Close the temporary files of an upload request once it is done (a finished callback).

    Large bodies are spooled to temporary files: the uploads' own, and the copy pyramid_retry
    makes to replay the request. The copy is closed only when no retry can follow.
    """
    for value in request.POST.values():
        upload = getattr(value, "file", None)
        if upload is not None:
            upload.close()
    error = getattr(request, "exception", None)
    if error is not None and is_error_retryable(request, error):
        return
    body = request.environ.get("wsgi.input")
    if isinstance(body, io.BufferedRandom):
        body.close()


class MediaStore:
    """Files under the data folder's ``media/``, named at random so names reveal nothing."""

    def __init__(self, folder: Path, base_url: str) -> None:
        self.folder = folder
        self.base_url = base_url

    def save(self, image: ProcessedImage) -> str:
        """Write the image; returns its public URL."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{secrets.token_urlsafe(24)}.{image.extension}"
        (self.folder / name).write_bytes(image.data)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"{self.base_url}/media/{name}"

    def name_of(self, url: str | None) -> str | None:
        """The file name behind one of our media URLs, None for anything else (a remote URL)."""
        prefix = f"{self.base_url}/media/"
        if not url or not url.startswith(prefix):
            return None
        name = url[len(prefix) :]
        return name if "/" not in name and name not in ("", ".", "..") else None

    def path(self, name: str) -> Path:
        return self.folder / name

    def delete_url(self, url: str | None) -> None:
        name = self.name_of(url)
        if name is not None:
            self.path(name).unlink(missing_ok=True)

    def delete_after(self, tm: Any, *, on_commit: str | None = None, on_abort: str | None = None) -> None:
        """Remove a file once the transaction ends: the replaced one if it commits, the new one
        if it rolls back. Without a transaction manager the replaced file is removed at once.
        """
        if tm is None:
            self.delete_url(on_commit)
            return

        def after_commit(committed: bool) -> None:
            self.delete_url(on_commit if committed else on_abort)

        def after_abort() -> None:
            self.delete_url(on_abort)

        current = tm.get()
        current.addAfterCommitHook(after_commit)
        current.addAfterAbortHook(after_abort)
