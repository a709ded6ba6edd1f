"""Serving the site build's precompressed copies (``name.br``, ``name.gz`` beside
``name``) to clients whose Accept-Encoding takes them.

The copy is sent with ``Content-Encoding``, the original's media type, and the copy's
own length and ETag (so each encoding revalidates on its own). Every file that has a copy
answers ``Vary: Accept-Encoding`` whichever representation it sends, so a shared cache
keeps them apart. A Range request gets the original: byte ranges of model files and the
like are meant in the original's bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from starlette.datastructures import Headers

# Preferred first: brotli is smaller than gzip on every file we serve.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


@dataclass(frozen=True)
class Choice:
    """The file to send for a request, its stat, and the headers it adds."""

    path: Path
    stat: os.stat_result
    headers: dict[str, str] = field(default_factory=dict)


def qualities(accept_encoding: str) -> dict[str, float]:
    """Coding (lower case, ``*`` included) → its q-value in ``accept_encoding``."""
    found: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding.strip():
            found[coding.strip().lower()] = quality
    return found


def accepts(qualities: dict[str, float], coding: str) -> bool:
    """Whether ``coding`` is acceptable: named with q > 0, or unnamed while ``*`` is."""
    return qualities.get(coding, qualities.get("*", 0.0)) > 0


def choose(path: Path, stat: os.stat_result, request: Headers) -> Choice:
    """The precompressed copy of ``path`` the request accepts, or ``path`` itself."""
    copies = []
    for coding, suffix in ENCODINGS:
        copy = path.with_name(path.name + suffix)
        try:
            copies.append((coding, copy, copy.stat()))
        except OSError:
            continue
    if not copies:
        return Choice(path, stat)
    vary = {"vary": "Accept-Encoding"}
    if "range" in request:
        return Choice(path, stat, vary)
    wanted = qualities(request.get("accept-encoding", ""))
    for coding, copy, copy_stat in copies:
        # A copy older than its original is stale (a build was interrupted): skip it.
        if accepts(wanted, coding) and copy_stat.st_mtime_ns >= stat.st_mtime_ns:
            return Choice(copy, copy_stat, {**vary, "content-encoding": coding})
    return Choice(path, stat, vary)
