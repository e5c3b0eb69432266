"""Test data for the profile journeys: unique usernames and images made on the spot."""

from __future__ import annotations

import io
import secrets
import struct
import zlib

from PIL import Image


def unique_name(prefix: str) -> str:
    """A username nobody else in the test database has (tests share one database)."""
    return f"{prefix}_{secrets.token_hex(4)}"


def png_bytes(width: int = 64, height: int = 64, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), (200, 30, 90) if mode == "RGB" else (200, 30, 90, 128)).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def jpeg_with_gps(width: int = 800, height: int = 600) -> bytes:
    """A photo carrying an EXIF GPS position, a camera model and an orientation (rotate 90°)."""
    image = Image.new("RGB", (width, height), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera 3000"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def decompression_bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A few hundred bytes that declare 10 billion pixels: a decompression bomb's header."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")
