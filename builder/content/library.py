"""Turning checked content into the compiled library the browser reads.

The output folder holds ``library.json`` (fixed name, revalidated by the browser) and
the content-hashed passages and vectors files it points to, in the format defined by
``contracts.library``. A premium trail's topics are there in outline only; their bodies
go to the premium file (``premium_dict``), which is written outside the public site.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from app.core.tutor.lexical import build_index
from builder.content.chunks import Passage, split_passages
from builder.content.renames import check_renames
from builder.content.render import to_html
from builder.content.tree import SOURCE_LANGUAGE, RoadmapBundle
from builder.hashing import write_hashed
from contracts import library as format_


class Embedder(Protocol):
    """What the compiler needs of ``models.embedder.Embedder``."""

    def embed(self, texts: Sequence[str], prefix: str = ...) -> Any: ...


def library_dict(bundles: list[RoadmapBundle]) -> dict[str, Any]:
    """The roadmaps and topics of the library, ready for JSON."""
    roadmaps: list[dict[str, Any]] = []
    topics: list[dict[str, Any]] = []
    for bundle in bundles:
        roadmap = bundle.roadmap
        ids = {slug: topic.id for slug, topic in bundle.topics.items()}
        roadmaps.append({
            "id": roadmap.id,
            "lang": bundle.lang,
            "title": roadmap.title,
            "summary": roadmap.summary,
            "intro_html": to_html(roadmap.intro),
            **({"premium": True} if roadmap.premium else {}),
            "sections": [
                {"title": s.title, "topics": [ids[e.slug] for e in s.entries]}
                for s in roadmap.sections
            ],
        })
        for entry in roadmap.entries():
            topic = bundle.topics[entry.slug]
            topics.append({
                "id": topic.id,
                "lang": bundle.lang,
                "roadmap": roadmap.id,
                "slug": topic.slug,
                "title": topic.title,
                "level": topic.level,
                "requires": [ids[slug] for slug in entry.requires],
                "html": to_html(topic.markdown),
                "words": topic.words,
                "resources": [
                    {"type": r.type, "title": r.title, "url": r.url} for r in topic.resources
                ],
                "source": topic.path,
            })
            if roadmap.premium:  # the outline only: the text is the premium file's
                topics[-1].update({"premium": True, "html": "", "resources": []})
    # read_tree has checked the map; here it is only collected.
    renames = format_.check_renames(check_renames(bundles, SOURCE_LANGUAGE, []))
    return {"format": format_.FORMAT, "roadmaps": roadmaps, "topics": topics, "renames": renames}


def premium_dict(bundles: list[RoadmapBundle]) -> dict[str, Any]:
    """The premium trails' topic bodies (``contracts.library.PREMIUM_FILE``), for the
    server; never part of the public site."""
    rows = []
    for bundle in bundles:
        if not bundle.roadmap.premium:
            continue
        for entry in bundle.roadmap.entries():
            topic = bundle.topics[entry.slug]
            rows.append(format_.premium_topic(
                topic.id, bundle.lang, bundle.roadmap.id, to_html(topic.markdown),
                [{"type": r.type, "title": r.title, "url": r.url} for r in topic.resources]))
    return {"format": format_.PREMIUM_FORMAT, "topics": format_.check_premium_topics(rows)}


def passages_of(bundles: list[RoadmapBundle]) -> list[Passage]:
    """The public passages: a premium trail's text is not searchable in the site."""
    passages: list[Passage] = []
    for bundle in bundles:
        if bundle.roadmap.premium:
            continue
        for entry in bundle.roadmap.entries():
            topic = bundle.topics[entry.slug]
            for text in split_passages(topic.markdown):
                passages.append(Passage(topic.id, bundle.lang, bundle.roadmap.id, topic.title, text))
    return passages


def write_library(
    bundles: list[RoadmapBundle],
    out: Path,
    embedder: Embedder,
    model: dict[str, Any],
    url_prefix: str = "/content",
    premium_out: Path | None = None,
) -> dict[str, Any]:
    """Render, embed and write everything into ``out``, replacing it only when all is done;
    the premium trails' bodies into the file ``premium_out`` (outside ``out``) when given.

    ``model`` describes the embedder (id, dtype, dim, and its ``prefixes`` for passages
    and queries) and is recorded in library.json so the browser embeds questions with
    the same model and prefix.
    """
    if premium_out is not None and out.resolve().parent in premium_out.resolve().parents:
        raise ValueError(f"the premium file {premium_out} would be inside the public site "
                         f"{out.parent}; write it outside (e.g. dist-premium/)")
    prefixes = model.get("prefixes", {})
    library = library_dict(bundles)
    passages = passages_of(bundles)
    texts = [f"{p.title}: {p.text}" for p in passages]
    vectors = embedder.embed(texts, prefix=prefixes.get("passage", ""))
    if getattr(vectors, "shape", None) != (len(passages), model["dim"]):
        raise ValueError(f"embedder returned shape {getattr(vectors, 'shape', None)}, "
                         f"expected ({len(passages)}, {model['dim']})")
    staging = out.with_name(out.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    passage_rows = [format_.passage_row(p.topic, p.lang, p.roadmap, p.title, p.text) for p in passages]
    passages_name = write_hashed(staging, "passages", ".json",
                            json.dumps(passage_rows, ensure_ascii=False).encode("utf-8"))
    vector_bytes = vectors.astype("<f4").tobytes()
    if sys.byteorder != "little":  # pragma: no cover - astype('<f4') already fixes order
        raise RuntimeError("unexpected byte order")
    vectors_name = write_hashed(staging, "vectors", ".f32", vector_bytes)
    # The same text as the embedder's, so both searches see the title.
    lexicon_name = write_hashed(staging, "lexicon", ".json", json.dumps(
        build_index(texts), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    library["retrieval"] = format_.check_retrieval({
        "passages": f"{url_prefix}/{passages_name}",
        "vectors": f"{url_prefix}/{vectors_name}",
        "vectors_sha256": hashlib.sha256(vector_bytes).hexdigest(),
        "count": len(passages),
        "dim": model["dim"],
        "model": model["id"],
        "dtype": model["dtype"],
        "passage_prefix": prefixes.get("passage", ""),
        "query_prefix": prefixes.get("query", ""),
        "lexicon": f"{url_prefix}/{lexicon_name}",
    })
    (staging / "library.json").write_text(
        json.dumps(library, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    if premium_out is not None:
        premium_out.parent.mkdir(parents=True, exist_ok=True)
        partial = premium_out.with_name(premium_out.name + ".partial")
        partial.write_text(json.dumps(premium_dict(bundles), ensure_ascii=False), encoding="utf-8")
        partial.replace(premium_out)
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return library
