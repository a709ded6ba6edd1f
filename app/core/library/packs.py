"""Course packs added by URL: where a pack's files may be fetched from, and how a stored
pack joins the library.

A pack lives in a folder of a static host or a public git repository. Its address is
reduced to one *base* (``https://host/path/``, ending in ``/``); every request goes to
``base + path`` for a path the pack's index lists (``contracts.pack``), so nothing is
fetched from anywhere the learner did not name: a pack's links to other hosts are only
links. A GitHub folder page is mapped to the raw files of the same folder.

>>> base_of("https://github.com/school/course/tree/main/packs/sql")
'https://raw.githubusercontent.com/school/course/main/packs/sql/'
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from app.core.errors import LibraryError, TropaError
from app.core.library.catalog import Library
from contracts.pack import INDEX_FILE

# Plain http only to this machine: a school's server on loopback, and the tests' host.
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
MAX_URL = 2000


class PackError(TropaError):
    """A pack cannot be added, updated or read back; the message says why."""


class PackRefused(PackError):
    """The pack breaks the content rules: ``problems`` are ``path:line: message`` lines."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the pack")


def base_of(url: str) -> str:
    """The folder every file of the pack at ``url`` is fetched from; raise PackError
    naming what is wrong with ``url``."""
    given = url.strip()
    if not given or len(given) > MAX_URL:
        raise PackError(f"give the pack's address, at most {MAX_URL} characters")
    parts = urlsplit(given)
    if parts.scheme not in ("https", "http"):
        raise PackError(f"{given[:80]!r} is not a web address; it should start with https://")
    host = parts.hostname or ""
    if parts.scheme == "http" and parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0] not in LOOPBACK:
        raise PackError(f"{given[:80]!r}: only https:// addresses are fetched (http only on this computer)")
    if not host or parts.username or parts.password:
        raise PackError(f"{given[:80]!r}: the address needs a host and no user name or password")
    if parts.query or parts.fragment:
        raise PackError(f"{given[:80]!r}: the address of a pack folder has no '?' or '#' part")
    path = parts.path or "/"
    if path.endswith("/" + INDEX_FILE):
        path = path[: -len(INDEX_FILE)]
    segments = [s for s in path.split("/") if s]
    if any(s in (".", "..") for s in segments):
        raise PackError(f"{given[:80]!r}: the address may not hold '.' or '..' segments")
    if host == "github.com":
        return _github(given, segments)
    folder = "/" + "/".join(segments) + "/" if segments else "/"
    return f"{parts.scheme}://{parts.netloc}{folder}"


def _github(given: str, segments: list[str]) -> str:
    """github.com/owner/repo[/tree/branch/path] → raw.githubusercontent.com/owner/repo/branch/path/."""
    if len(segments) == 2:
        segments = [*segments, "tree", "HEAD"]
    if len(segments) < 4 or segments[2] != "tree":
        raise PackError(f"{given[:80]!r}: give a GitHub folder as "
                        "https://github.com/owner/repo/tree/branch/folder")
    owner, repo, _, *rest = segments
    return "https://raw.githubusercontent.com/" + "/".join([owner, repo, *rest]) + "/"


def file_url(base: str, path: str) -> str:
    """The URL of the pack file ``path`` (checked by ``contracts.pack``): inside ``base``."""
    if path.startswith("/") or "//" in path or ".." in path.split("/") or "?" in path or "#" in path:
        raise PackError(f"{path!r:.80} is not a path inside the pack")
    return base + path


def pack_id(base: str) -> str:
    """The key a pack is stored under: it is the same pack when the base is the same."""
    return "p" + hashlib.sha256(base.encode("utf-8")).hexdigest()[:15]


def passage_key(prefix: str, text: str) -> str:
    """Vectors are kept by the hash of what was embedded: an update re-embeds only the
    passages whose text (or the embedder's prefix) changed."""
    return hashlib.sha256(f"{prefix}\n{text}".encode()).hexdigest()


def pack_vector(values: Sequence[float]) -> str:
    """A vector as stored: float32 little-endian, base64 (a quarter of its JSON size)."""
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode("ascii")


def unpack_vector(text: str) -> list[float]:
    data = base64.b64decode(text.encode("ascii"))
    return list(struct.unpack(f"<{len(data) // 4}f", data))


def collisions(library: Library, compiled: Mapping[str, Any], where: Mapping[str, str]) -> list[str]:
    """``path:line`` problems for each roadmap or topic id of ``compiled`` (a pack's
    library dict) that ``library`` already has: a pack cannot replace a trail."""
    problems = []
    for roadmap in compiled["roadmaps"]:
        if (roadmap["id"], roadmap["lang"]) in library.roadmaps:
            problems.append(f"{where.get(roadmap['id'], roadmap['id'])}: roadmap id {roadmap['id']!r} "
                            "is already in the library; give the pack's roadmap another id")
    for topic in compiled["topics"]:
        if (topic["id"], topic["lang"]) in library.topics:
            problems.append(f"{where.get(topic['id'], topic['source'])}: topic id {topic['id']!r} "
                            "is already in the library")
    return sorted(set(problems))


def merged(library: Library, packs: Sequence[Mapping[str, Any]]) -> Library:
    """``library`` with the roadmaps and topics of ``packs`` (stored records, each with
    its ``library`` dict) after its own, in the order given. A record that no longer
    reads, or collides with what is already there, is left out (raises nothing)."""
    roadmaps = dict(library.roadmaps)
    topics = dict(library.topics)
    order = list(library.order)
    for record in packs:
        try:
            pack = Library.from_dict(record["library"])
        except (LibraryError, KeyError, TypeError):
            continue
        if set(pack.roadmaps) & set(roadmaps) or set(pack.topics) & set(topics):
            continue
        roadmaps.update(pack.roadmaps)
        topics.update(pack.topics)
        order += [rid for rid in pack.order if rid not in order]
    return Library(roadmaps=roadmaps, topics=topics, order=tuple(order),
                   retrieval=library.retrieval, renames=library.renames)
