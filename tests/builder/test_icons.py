"""The PNG icons drawn at build time (builder/icons.py), decoded back here."""

from __future__ import annotations

import math
import struct
import zlib

import pytest

from builder.icons import ACCENT, PAPER, Icon, draw, png


def decode(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and RGBA rows of a PNG as ``png`` writes it (8-bit RGBA, filter 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, header = 8, b"", b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind, body = data[offset + 4:offset + 8], data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", header)
    assert (depth, colour) == (8, 6)
    raw = zlib.decompress(idat)
    rows = [raw[y * (width * 4 + 1):(y + 1) * (width * 4 + 1)] for y in range(height)]
    assert all(row[0] == 0 for row in rows)
    return width, height, b"".join(row[1:] for row in rows)


def pixel(rgba: bytes, size: int, x: int, y: int) -> tuple[int, ...]:
    index = (y * size + x) * 4
    return tuple(rgba[index:index + 4])


def test_png_round_trip() -> None:
    pixels = bytes(range(2 * 3 * 4))
    assert decode(png(2, 3, pixels)) == (2, 3, pixels)
    with pytest.raises(ValueError, match="expected 24 bytes of RGBA, got 5"):
        png(2, 3, b"12345")


@pytest.mark.parametrize("size", [192, 512])
def test_the_any_icon_is_a_rounded_square_with_the_trail(size: int) -> None:
    width, height, rgba = decode(draw(Icon(size, maskable=False)))
    assert (width, height) == (size, size)
    assert pixel(rgba, size, 0, 0)[3] == 0  # rounded corner: transparent
    assert pixel(rgba, size, size // 2, 2) == (*ACCENT, 255)
    colours = {pixel(rgba, size, x, y) for y in range(size) for x in range(size)}
    assert (*PAPER, 255) in colours  # the trail's dots


@pytest.mark.parametrize("size", [180, 512])
def test_the_maskable_icon_is_opaque_and_keeps_the_design_in_the_safe_zone(size: int) -> None:
    _, _, rgba = decode(draw(Icon(size, maskable=True)))
    centre = size / 2
    for y in range(size):
        for x in range(size):
            red, green, blue, alpha = pixel(rgba, size, x, y)
            assert alpha == 255
            # Outside the circle of radius 40 % every mask keeps: only the background.
            if math.hypot(x + 0.5 - centre, y + 0.5 - centre) > 0.4 * size:
                assert (red, green, blue) == ACCENT, (x, y)
    assert any(pixel(rgba, size, x, y)[:3] == PAPER for y in range(size) for x in range(size))


def test_drawing_is_deterministic() -> None:
    assert draw(Icon(192, maskable=False)) == draw(Icon(192, maskable=False))
