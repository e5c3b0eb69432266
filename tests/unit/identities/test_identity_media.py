"""Uploaded images are checked by content, re-encoded without metadata and kept small."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from mobilizon.errors import Invalid, TooLarge
from mobilizon.identities.media import MAX_PIXELS, MediaStore, process_image


def encoded(fmt: str, size=(50, 40), mode="RGB", **options) -> bytes:
    buffer = io.BytesIO()
    color = (1, 2, 3, 128) if mode == "RGBA" else 7 if mode in ("P", "L") else (1, 2, 3)
    Image.new(mode, size, color).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("fmt", "mode", "extension"),
    [("JPEG", "RGB", "jpg"), ("PNG", "RGBA", "png"), ("GIF", "P", "png"), ("WEBP", "RGB", "webp")],
)
def test_the_four_formats_are_accepted(fmt, mode, extension):
    image = process_image(encoded(fmt, mode=mode))
    assert image.extension == extension
    assert (
        Image.open(io.BytesIO(image.data)).format == {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[extension]
    )


def test_large_images_are_shrunk_keeping_their_shape():
    image = process_image(encoded("PNG", size=(1600, 800)))
    assert (image.width, image.height) == (400, 200)


def test_metadata_is_stripped_and_the_orientation_applied():
    exif = Image.Exif()
    exif[0x0112] = 8  # rotate 270° to display
    exif[0x010F] = "Maker"
    data = encoded("JPEG", size=(120, 60), exif=exif, icc_profile=b"fake-icc" * 10)
    image = process_image(data)
    result = Image.open(io.BytesIO(image.data))
    assert result.size == (60, 120)
    assert not result.getexif() and "icc_profile" not in result.info and b"Maker" not in image.data


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"GIF89a",
        b"not an image at all",
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        encoded("BMP"),
        encoded("TIFF"),
        encoded("PNG")[:50],
    ],
)
def test_anything_else_is_refused(data):
    with pytest.raises(Invalid) as refused:
        process_image(data)
    assert refused.value.code == "not_an_image" and "avatar" in refused.value.fields


@pytest.mark.parametrize("size", [(100_000, 100_000), (5001, 5001), (MAX_PIXELS // 1000 + 1, 1001)])
def test_decompression_bombs_are_refused_before_decoding(size):
    with pytest.raises(Invalid) as refused:
        process_image(png_declaring(*size))
    assert refused.value.code == "image_too_large"


def test_more_than_five_megabytes_is_refused():
    with pytest.raises(TooLarge):
        process_image(b"\0" * (5 * 1024 * 1024 + 1))


def test_the_store_names_files_at_random_and_only_deletes_its_own(tmp_path):
    store = MediaStore(tmp_path / "media", "http://localhost")
    image = process_image(encoded("PNG"))
    first, second = store.save(image), store.save(image)
    assert first != second and first.startswith("http://localhost/media/")
    name = store.name_of(first)
    assert name and (tmp_path / "media" / name).is_file()
    for foreign in ("https://example.org/media/x.png", "http://localhost/media/../x.png", None, ""):
        assert store.name_of(foreign) is None
    store.delete_url(first)
    assert not (tmp_path / "media" / name).exists()
    store.delete_url("https://example.org/media/" + store.name_of(second))
    assert (tmp_path / "media" / store.name_of(second)).exists()
