"""Small vector arithmetic in pure Python (NumPy is not available to Pyodide here)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    if len(a) != len(b):
        raise ValueError(f"vectors differ in length: {len(a)} and {len(b)}")
    return math.fsum(x * y for x, y in zip(a, b, strict=True))


def normalize(v: Sequence[float]) -> list[float]:
    norm = math.sqrt(math.fsum(x * x for x in v))
    if norm == 0:
        raise ValueError("cannot normalize a zero vector")
    return [x / norm for x in v]


def centroid(vectors: Sequence[Sequence[float]]) -> list[float]:
    """The normalised mean of unit vectors."""
    if not vectors:
        raise ValueError("centroid of no vectors")
    dim = len(vectors[0])
    return normalize([math.fsum(v[i] for v in vectors) / len(vectors) for i in range(dim)])


def blend(a: Sequence[float], b: Sequence[float]) -> list[float]:
    """The normalised sum of two unit vectors: a query about both at once (``a`` itself
    when they cancel out)."""
    if len(a) != len(b):
        raise ValueError(f"vectors differ in length: {len(a)} and {len(b)}")
    total = [x + y for x, y in zip(a, b, strict=True)]
    return normalize(total) if any(total) else list(a)
