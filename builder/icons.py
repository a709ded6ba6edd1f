"""The app's PNG icons, drawn at build time from the favicon's design (a dotted trail
ending in a dot on the accent colour) and written by a small PNG encoder (zlib only).

Shapes are drawn as signed distances with one pixel of anti-aliasing, so every size is
sharp without an image library.
"""

from __future__ import annotations

import itertools
import math
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

ACCENT = (0x2F, 0x6F, 0x4F)  # --accent in app/static/tropa.css
PAPER = (0xFB, 0xFA, 0xF7)  # --bg in app/static/tropa.css
# The favicon's 32-unit design: the trail (two cubic Béziers), its dash period and the
# dots' radius, the end point's radius and the rounded square's corner radius.
TRAIL = (((7.0, 25.0), (11.0, 24.0), (12.0, 19.0), (16.0, 17.0)),
         ((16.0, 17.0), (20.0, 15.0), (23.0, 15.0), (25.0, 8.0)))
DASH_PERIOD = 5.2
DOT_RADIUS = 1.45
END = (25.0, 8.0)
END_RADIUS = 2.6
CORNER = 7.0
UNITS = 32.0


@dataclass(frozen=True)
class Icon:
    """One icon file: its pixel size and whether it is full-bleed (maskable, opaque)."""

    size: int
    maskable: bool


def png(width: int, height: int, rgba: bytes) -> bytes:
    """Encode 8-bit RGBA pixels (rows top to bottom) as a PNG file."""
    if len(rgba) != width * height * 4:
        raise ValueError(f"expected {width * height * 4} bytes of RGBA, got {len(rgba)}")
    stride = width * 4
    raw = b"".join(b"\x00" + rgba[row * stride:(row + 1) * stride] for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _bezier(curve: tuple[tuple[float, float], ...], t: float) -> tuple[float, float]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = curve
    u = 1 - t
    return (u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
            u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3)


def trail_dots() -> Iterator[tuple[float, float]]:
    """Centres of the trail's dots, one every ``DASH_PERIOD`` units along the path."""
    points = [_bezier(curve, step / 200) for curve in TRAIL for step in range(201)]
    travelled, next_dot = 0.0, 0.5
    for (xa, ya), (xb, yb) in itertools.pairwise(points):
        travelled += math.hypot(xb - xa, yb - ya)
        if travelled >= next_dot:
            yield xb, yb
            next_dot += DASH_PERIOD


class Canvas:
    """An RGBA image painted with anti-aliased discs and rounded squares."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pixels = bytearray(size * size * 4)

    def _blend(self, x: int, y: int, colour: tuple[int, int, int], coverage: float) -> None:
        index = (y * self.size + x) * 4
        alpha = self.pixels[index + 3] / 255
        out = coverage + alpha * (1 - coverage)
        if out <= 0:
            return
        for channel in range(3):
            mixed = (colour[channel] * coverage
                     + self.pixels[index + channel] * alpha * (1 - coverage)) / out
            self.pixels[index + channel] = round(mixed)
        self.pixels[index + 3] = round(out * 255)

    def rounded_square(self, colour: tuple[int, int, int], radius: float) -> None:
        half = self.size / 2
        for y in range(self.size):
            for x in range(self.size):
                qx = abs(x + 0.5 - half) - (half - radius)
                qy = abs(y + 0.5 - half) - (half - radius)
                outside = math.hypot(max(qx, 0.0), max(qy, 0.0)) + min(max(qx, qy), 0.0)
                coverage = min(max(radius - outside + 0.5, 0.0), 1.0) if radius else 1.0
                self._blend(x, y, colour, coverage)

    def disc(self, cx: float, cy: float, r: float, colour: tuple[int, int, int]) -> None:
        for y in range(max(int(cy - r - 1), 0), min(int(cy + r + 2), self.size)):
            for x in range(max(int(cx - r - 1), 0), min(int(cx + r + 2), self.size)):
                distance = math.hypot(x + 0.5 - cx, y + 0.5 - cy)
                coverage = min(max(r - distance + 0.5, 0.0), 1.0)
                if coverage > 0:
                    self._blend(x, y, colour, coverage)


def draw(icon: Icon) -> bytes:
    """The icon as PNG bytes. A maskable icon fills the square and keeps the design in
    the central 60 %, inside the circle every platform mask keeps."""
    canvas = Canvas(icon.size)
    canvas.rounded_square(ACCENT, 0.0 if icon.maskable else icon.size * CORNER / UNITS)
    scale = icon.size / UNITS * (0.6 if icon.maskable else 1.0)
    offset = (icon.size - UNITS * scale) / 2
    for x, y in trail_dots():
        canvas.disc(offset + x * scale, offset + y * scale, DOT_RADIUS * scale, PAPER)
    canvas.disc(offset + END[0] * scale, offset + END[1] * scale, END_RADIUS * scale, PAPER)
    return png(icon.size, icon.size, bytes(canvas.pixels))
