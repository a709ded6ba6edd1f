"""``python -m builder.content.roadmapsh SRC DIR``: convert the roadmap.sh roadmap in SRC.

SRC is a roadmap's folder in roadmap.sh's layout (``src/data/roadmaps/<slug>`` of
kamranahmedse/developer-roadmap); DIR receives ``en/<slug>/`` in our content layout,
checked with the content compiler's rules before anything is written. The differences
(what was dropped or approximated) are printed, one per line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from builder.content.problems import ContentError
from builder.content.roadmapsh import Conversion, convert


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


def write(conversion: Conversion, out: Path) -> Path:
    """Write the converted files under ``out``; refuse to overwrite a roadmap there."""
    folder = out / next(iter(conversion.files)).rsplit("/", 1)[0]
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} already exists; remove it or give another DIR")
    for rel, text in conversion.files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder.content.roadmapsh", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("src", type=Path, help="the roadmap's folder in roadmap.sh's layout")
    parser.add_argument("out", type=Path, help="the content folder to write en/<slug>/ into")
    args = parser.parse_args(argv)
    if not args.src.is_dir():
        print(f"roadmapsh: {args.src} is not a folder", file=sys.stderr)
        return 2
    try:
        conversion = convert(read_folder(args.src.resolve()))
        check(conversion)
        folder = write(conversion, args.out)
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
