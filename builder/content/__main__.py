"""``python -m builder.content``: check content/ and compile it into dist/content."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from builder.content.problems import ContentError
from builder.content.tree import read_tree
from contracts.library import PREMIUM_FILE

ROOT = Path(__file__).resolve().parents[2]


def embedder_prefixes(embedder: Path) -> dict[str, str]:
    """The passage and query prefixes the model manifest beside ``embedder`` gives it."""
    manifest = embedder.parent / "manifest.json"
    if not manifest.is_file():
        raise SystemExit(f"content: model manifest not found at {manifest} (run `make models`)")
    for entry in json.loads(manifest.read_text(encoding="utf-8"))["models"]:
        if entry["id"] == embedder.name:
            prefixes: dict[str, str] = entry.get("prefixes", {})
            return prefixes
    raise SystemExit(f"content: {embedder.name} is not in {manifest}")


def write_pack_index(folder: Path, title: str, language: str, layout: str = "tropa") -> int:
    """``--pack DIR``: check a course pack with the content rules and write its index."""
    from builder.content.pack import write_index

    try:
        index = write_index(folder, title, language, layout)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"pack: {len(error.problems)} problem(s); no index was written", file=sys.stderr)
        return 1
    print(f"[pack] {folder}: {len(index.files)} files listed in tropa-pack.json")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder.content", description=__doc__)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "content")
    parser.add_argument("--embedder", type=Path, default=ROOT / "dist" / "models" /
                        "multilingual-e5-small", help="folder of the ONNX embedder")
    parser.add_argument("--dtype", default="q8")
    parser.add_argument("--premium-out", type=Path,
                        help="where the premium trails' text goes, outside the public site, for "
                        "the server (TROPA_PREMIUM_CONTENT); default: beside the site, e.g. "
                        "dist-premium/premium.json for --out dist/content")
    parser.add_argument("--check", action="store_true", help="validate only, write nothing")
    parser.add_argument("--pack", type=Path, metavar="DIR",
                        help="check the course pack in DIR and write its tropa-pack.json")
    parser.add_argument("--title", help="the pack's title (with --pack)")
    parser.add_argument("--language", default="en", help="the pack's source language (with --pack)")
    parser.add_argument("--layout", default="tropa", choices=("tropa", "roadmap.sh"),
                        help="with --pack: DIR holds one roadmap in roadmap.sh's layout")
    parser.add_argument("--import-roadmapsh", type=Path, metavar="SRC",
                        help="convert the roadmap.sh roadmap in folder SRC into --out DIR, a content "
                        "folder (python -m builder.content.roadmapsh SRC DIR)")
    args = parser.parse_args(argv)
    if args.pack is not None:
        return write_pack_index(args.pack, args.title or args.pack.name, args.language, args.layout)
    if args.import_roadmapsh is not None:
        if args.out == parser.get_default("out"):
            parser.error("--import-roadmapsh needs --out DIR, the content folder to write into")
        from builder.content.roadmapsh.__main__ import main as import_roadmapsh

        return import_roadmapsh([str(args.import_roadmapsh), str(args.out)])
    started = time.monotonic()
    try:
        bundles = read_tree(args.content)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"content: {len(error.problems)} problem(s); nothing was published",
              file=sys.stderr)
        return 1
    topics = sum(len(b.topics) for b in bundles)
    print(f"[content] {len(bundles)} roadmaps, {topics} topics checked")
    if args.check:
        return 0
    config = args.embedder / "config.json"
    if not config.is_file():
        print(f"content: embedder not found at {args.embedder} (run `make models`)",
              file=sys.stderr)
        return 1
    # Imported here: validation alone must not need onnxruntime.
    from builder.content.library import write_library
    from models.embedder import Embedder

    dim = int(json.loads(config.read_text(encoding="utf-8"))["hidden_size"])
    embedder = Embedder(args.embedder, dtype=args.dtype)
    model = {"id": args.embedder.name, "dtype": args.dtype, "dim": dim,
             "prefixes": embedder_prefixes(args.embedder)}
    site = args.out.parent
    premium_out = args.premium_out or site.parent / f"{site.name}-premium" / PREMIUM_FILE
    library = write_library(bundles, args.out, embedder, model, premium_out=premium_out)
    retrieval = library["retrieval"]
    print(f"[content] {retrieval['count']} passages embedded with {model['id']} ({args.dtype}) "
          f"into {args.out} ({time.monotonic() - started:.1f} s)")
    premium = sum(1 for t in library["topics"] if t.get("premium"))
    print(f"[content] {premium} premium topics' text into {premium_out} (not in the public site)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
