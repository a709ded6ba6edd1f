"""The premium trails' text as the content compiler wrote it (``contracts.library``
``PREMIUM_FILE``), read from ``settings.premium_content`` and read again when the file
changes (a new content build), so the server need not restart for new text.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contracts import library as format_

log = logging.getLogger(__name__)


class PremiumContentError(RuntimeError):
    """The premium file exists but cannot be used; the message says why."""


class PremiumShelf:
    """Premium topic rows by roadmap id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._trails: Mapping[str, list[Mapping[str, Any]]] = {}

    def trail(self, roadmap_id: str) -> list[Mapping[str, Any]]:
        """The rows of ``roadmap_id`` (every language), empty when it is no premium trail.
        Raises PremiumContentError when the file is unreadable or not of the format."""
        with self._lock:
            self._reload_if_changed()
            return list(self._trails.get(roadmap_id, []))

    def _reload_if_changed(self) -> None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._trails = None, {}
            return
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp == self._stamp:
            return
        try:
            rows = format_.check_premium(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:  # LibraryFormatError and JSON errors are ValueErrors
            raise PremiumContentError(f"{self.path} cannot be used: {error}") from error
        trails: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows:
            trails.setdefault(str(row["roadmap"]), []).append(row)
        self._stamp, self._trails = stamp, trails
        log.info("premium content: %d trails from %s", len(trails), self.path)
