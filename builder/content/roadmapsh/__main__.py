"""``python -m builder.content.roadmapsh SRC DIR``: convert the roadmap.sh roadmap in SRC.

SRC is a roadmap's folder in roadmap.sh's layout (``src/data/roadmaps/<slug>`` of
kamranahmedse/developer-roadmap); DIR receives ``en/<slug>/`` in our content layout,
checked with the content compiler's rules before anything is written. The differences
(what was dropped or approximated) are printed, one per line. ``--update`` replaces an
earlier import there, keeping its topic ids (``builder.content.roadmapsh.ids``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from builder.content.problems import ContentError
from builder.content.roadmapsh import Conversion, convert
from builder.content.roadmapsh.ids import keep_ids


def read_folder(folder: Path) -> dict[str, str]:
    """The roadmap's files as ``convert`` takes them: ``<slug>/...`` → text."""
    files: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".json", ".md"):
            rel = path.relative_to(folder.parent).as_posix()
            files[rel] = path.read_bytes().decode("utf-8", errors="replace")
    return files


def check(conversion: Conversion) -> None:
    """Raise ContentError unless the converted files pass the content compiler's rules."""
    # Imported here: tree reads the app's languages, which convert() alone does not need.
    from builder.content.tree import read_files

    read_files({path: text.encode("utf-8") for path, text in conversion.files.items()})


def folder_of(conversion: Conversion) -> str:
    """The roadmap's folder in our layout ("en/<slug>")."""
    return next(iter(conversion.files)).rsplit("/", 1)[0]


def earlier_import(out: Path, folder: str) -> dict[str, str]:
    """Our files of an earlier import in ``out/folder``; FileExistsError when that folder
    holds a topic written here (without ``origin:``), which an update must not replace."""
    files: dict[str, str] = {}
    for path in sorted((out / folder).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if path.name != "roadmap.md" and "\norigin: " not in text.split("\n---", 1)[0]:
            raise FileExistsError(f"{path} was not imported (it has no 'origin:'); not replacing "
                                  f"{out / folder}")
        files[f"{folder}/{path.name}"] = text
    return files


def write(conversion: Conversion, out: Path, update: bool = False) -> Path:
    """Write the converted files under ``out``; refuse to overwrite a roadmap there,
    unless ``update``: then the earlier import's files that are gone are removed."""
    folder = out / folder_of(conversion)
    if folder.exists() and any(folder.iterdir()) and not update:
        raise FileExistsError(f"{folder} already exists; remove it, give another DIR, or --update")
    for rel, text in conversion.files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for path in folder.glob("*.md"):
        if f"{folder_of(conversion)}/{path.name}" not in conversion.files:
            path.unlink()
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder.content.roadmapsh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("src", type=Path, help="the roadmap's folder in roadmap.sh's layout")
    parser.add_argument("out", type=Path, help="the content folder to write en/<slug>/ into")
    parser.add_argument("--update", action="store_true",
                        help="replace an earlier import in DIR, keeping its topic ids")
    args = parser.parse_args(argv)
    if not args.src.is_dir():
        print(f"roadmapsh: {args.src} is not a folder", file=sys.stderr)
        return 2
    try:
        conversion = convert(read_folder(args.src.resolve()))
        if args.update:
            conversion = keep_ids(conversion, earlier_import(args.out, folder_of(conversion)))
        check(conversion)
        folder = write(conversion, args.out, update=args.update)
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"roadmapsh: {len(error.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    except FileExistsError as error:
        print(f"roadmapsh: {error}", file=sys.stderr)
        return 1
    topics = len(conversion.files) - 1
    print(f"[roadmapsh] {folder}: 1 roadmap, {topics} topics; "
          f"{len(conversion.differences)} difference(s):")
    for difference in conversion.differences:
        print(f"- {difference}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
