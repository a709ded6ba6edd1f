"""Course packs: add one by URL, update it, remove it; the stored packs join the library.

Adding a pack fetches its index and files (only under the address given,
``app.core.library.packs``), checks and renders them with the content compiler's own
rules (``builder.content.pack``, shipped to the page), embeds its passages with the
library's embedder in the ML worker, and stores one record on the device. Nothing is
stored until every step has passed, so a refused pack leaves nothing behind. An update
fetches only the files whose sha256 changed and embeds only passages it has no vector
for (vectors are kept by the hash of what was embedded).

>>> shelf = PackShelf(fetcher, storage, inference)            # doctest: +SKIP
>>> await shelf.add("https://school.example/packs/sql/", library, step)   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.core.library import packs as rules
from app.core.library.catalog import Library
from app.core.library.packs import PackError, PackRefused
from app.core.tutor.vectors import normalize
from app.ports import Inference, PackFetcher, PackStorage
from contracts.pack import INDEX_FILE, MAX_FILE_BYTES, PackIndex, PackIndexError, parse_index

if TYPE_CHECKING:  # imported where used: the compiler loads only when a pack is checked
    from builder.content.pack import CompiledPack

RECORD_VERSION = 1
EMBED_BATCH = 8
MAX_INDEX_BYTES = 256 * 1024


@dataclass
class Step:
    """Where an add or update is: ``stage`` is index, fetch, validate, model, embed or
    save; ``done`` of ``total`` for the counted ones (files, passages, model bytes)."""

    stage: str
    done: int = 0
    total: int = 0


OnStep = Callable[[Step], None]


@dataclass(frozen=True)
class Added:
    """What one add or update did: files fetched (and their bytes), passages embedded."""

    record: dict[str, Any]
    fetched: int
    bytes: int
    embedded: int
    seconds: float


class PackShelf:
    def __init__(self, fetcher: PackFetcher, storage: PackStorage, inference: Inference,
                 force_webgpu: bool = False, clock: Callable[[], float] = time.monotonic) -> None:
        self.fetcher = fetcher
        self.storage = storage
        self.inference = inference
        self.force_webgpu = force_webgpu
        self.clock = clock
        self.records: list[dict[str, Any]] = []

    async def load(self) -> None:
        """Read the stored packs (a record of another version is left out)."""
        self.records = [r for r in await self.storage.all() if r.get("v") == RECORD_VERSION]
        self.records.sort(key=lambda r: (r.get("added", 0), r.get("id", "")))

    def library(self, library: Library) -> Library:
        """``library`` with every stored pack's roadmaps after its own."""
        return rules.merged(library, self.records)

    def find(self, pack_id: str) -> dict[str, Any] | None:
        return next((r for r in self.records if r["id"] == pack_id), None)

    async def add(self, url: str, library: Library, on_step: OnStep) -> Added:
        """Fetch, check, embed and store the pack at ``url``. ``library`` is the library
        without this pack (its ids may not be reused; its retrieval names the embedder).
        Raises PackRefused (problems as ``path:line: message``) or PackError."""
        base = rules.base_of(url)
        if self.find(rules.pack_id(base)) is not None:
            raise PackError(f"this pack is already added ({base}); update it from the list")
        return await self._build(url.strip(), base, None, library, on_step)

    async def update(self, pack_id: str, library: Library, on_step: OnStep) -> Added:
        """Fetch the pack's index again; fetch and embed only what changed."""
        old = self.find(pack_id)
        if old is None:
            raise PackError(f"no pack {pack_id!r} on this device")
        others = rules.merged(library, [r for r in self.records if r["id"] != pack_id])
        return await self._build(str(old["url"]), str(old["base"]), old, others, on_step)

    async def remove(self, pack_id: str) -> None:
        """Delete the pack's record: its files, pages and vectors go with it."""
        await self.storage.delete(pack_id)
        self.records = [r for r in self.records if r["id"] != pack_id]

    async def remove_all(self) -> None:
        """Delete every pack on the device (the learner erases this device)."""
        await self.storage.clear()
        self.records = []

    async def _build(self, url: str, base: str, old: dict[str, Any] | None, library: Library,
                     on_step: OnStep) -> Added:
        started = self.clock()
        on_step(Step("index"))
        index_bytes = await self.fetcher.get(rules.file_url(base, INDEX_FILE), MAX_INDEX_BYTES)
        index = _index(index_bytes)
        files, fetched, size = await self._files(base, index, old, on_step)
        on_step(Step("validate"))
        compiled, where = _compile(files, index.language, index.layout)
        problems = rules.collisions(library, compiled.library, where)
        if problems:
            raise PackRefused(problems)
        keys, vectors, embedded = await self._embed(compiled.texts, library.retrieval, old, on_step)
        record: dict[str, Any] = {
            "v": RECORD_VERSION, "id": rules.pack_id(base), "url": url, "base": base,
            "title": index.title, "language": index.language,
            "added": old["added"] if old else int(time.time() * 1000),
            "files": {f.path: {"sha256": f.sha256, "text": files[f.path].decode("utf-8-sig")}
                      for f in index.files},
            "library": compiled.library, "passages": compiled.passages,
            "layout": index.layout, "differences": compiled.differences,
            "model": str(library.retrieval.get("model", "")),
            "keys": keys, "vectors": vectors,
        }
        on_step(Step("save"))
        await self.storage.put(record["id"], record)
        self.records = [r for r in self.records if r["id"] != record["id"]] + [record]
        return Added(record, fetched, size + len(index_bytes), embedded, self.clock() - started)

    async def _files(self, base: str, index: PackIndex, old: Mapping[str, Any] | None,
                     on_step: OnStep) -> tuple[dict[str, bytes], int, int]:
        """Every file of ``index``: kept from ``old`` when its sha256 is the same, else
        fetched and checked against the index."""
        kept = old["files"] if old else {}
        files: dict[str, bytes] = {}
        fetched = size = 0
        for number, entry in enumerate(index.files, start=1):
            on_step(Step("fetch", number - 1, len(index.files)))
            previous = kept.get(entry.path)
            if previous and previous["sha256"] == entry.sha256:
                files[entry.path] = str(previous["text"]).encode("utf-8")
                continue
            data = await self.fetcher.get(rules.file_url(base, entry.path), MAX_FILE_BYTES)
            fetched, size = fetched + 1, size + len(data)
            if hashlib.sha256(data).hexdigest() != entry.sha256:
                raise PackRefused([f"{entry.path}:1: the file differs from {INDEX_FILE} (sha256); "
                                   "write the index again: python -m builder.content --pack DIR"])
            files[entry.path] = data
        on_step(Step("fetch", len(index.files), len(index.files)))
        return files, fetched, size

    async def _embed(self, texts: list[str], retrieval: Mapping[str, Any],
                     old: Mapping[str, Any] | None,
                     on_step: OnStep) -> tuple[list[str], dict[str, str], int]:
        """Each passage's key, the vectors by key (kept ones reused, others embedded),
        and how many were embedded."""
        model = str(retrieval.get("model", ""))
        if not model:
            return [], {}, 0
        prefix = str(retrieval.get("passage_prefix", ""))
        kept = old["vectors"] if old and old.get("model") == model else {}
        keys = [rules.passage_key(prefix, text) for text in texts]
        vectors = {key: kept[key] for key in keys if key in kept}
        missing = [(key, text) for key, text in zip(keys, texts, strict=True) if key not in vectors]
        if missing:
            def progress(loaded: int, total: int, _file: str) -> None:
                on_step(Step("model", loaded, total))

            on_step(Step("model"))
            await self.inference.load(model, "embedder", self.force_webgpu, progress)
        for start in range(0, len(missing), EMBED_BATCH):
            on_step(Step("embed", start, len(missing)))
            batch = missing[start:start + EMBED_BATCH]
            found = await self.inference.embed(model, [text for _, text in batch], prefix)
            if len(found) != len(batch):
                raise PackError(f"the embedder returned {len(found)} vectors for {len(batch)} passages")
            for (key, _), vector in zip(batch, found, strict=True):
                vectors[key] = rules.pack_vector(normalize(vector))
        on_step(Step("embed", len(missing), len(missing)))
        return keys, {key: vectors[key] for key in keys}, len(missing)


def _index(data: bytes) -> PackIndex:
    try:
        return parse_index(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise PackRefused([f"{INDEX_FILE}:1: not UTF-8 text ({error.reason})"]) from None
    except PackIndexError as error:
        raise PackRefused([f"{INDEX_FILE}:{error.line}: {error}"]) from None


def _compile(files: Mapping[str, bytes], language: str,
             layout: str) -> tuple[CompiledPack, dict[str, str]]:
    """The content compiler's result for ``files``, or PackRefused with its problems."""
    # Imported here: the compiler (and markdown-it) load only when a pack is checked.
    from builder.content.pack import ContentError, compile_pack

    try:
        compiled = compile_pack(files, language, layout)
    except ContentError as error:
        raise PackRefused([str(p) for p in error.problems]) from None
    return compiled, compiled.where


def passages_of(records: list[dict[str, Any]]) -> tuple[list[dict[str, str]], list[list[float]]]:
    """The passage rows and vectors of ``records`` for the tutor's retrieval (rows whose
    vector is missing, as in a pack stored without an embedder, are left out)."""
    rows: list[dict[str, str]] = []
    vectors: list[list[float]] = []
    for record in records:
        stored = record.get("vectors", {})
        for row, key in zip(record.get("passages", []), record.get("keys", []), strict=False):
            if key in stored:
                rows.append(row)
                vectors.append(rules.unpack_vector(stored[key]))
    return rows, vectors


class MemoryPackStorage:
    """Packs kept for this visit only: the browser refused IndexedDB (some private
    modes), or a CPython test. Records go through JSON as they do in IndexedDB."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    async def all(self) -> list[dict[str, Any]]:
        return [json.loads(text) for text in self.texts.values()]

    async def put(self, pack_id: str, record: dict[str, Any]) -> None:
        self.texts[pack_id] = json.dumps(record, ensure_ascii=False)

    async def delete(self, pack_id: str) -> None:
        self.texts.pop(pack_id, None)

    async def clear(self) -> None:
        self.texts.clear()
