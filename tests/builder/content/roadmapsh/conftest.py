"""The roadmap.sh fixture: a tiny roadmap written for these tests in roadmap.sh's layout."""

from __future__ import annotations

from pathlib import Path

FIXTURE = Path(__file__).parents[1] / "fixtures" / "roadmapsh"
FOLDER = "src/data/roadmaps/home-network"


def fixture_files() -> dict[str, str]:
    """Every file of the fixture, by its path in the developer-roadmap repository."""
    return {path.relative_to(FIXTURE).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(FIXTURE.rglob("*")) if path.is_file()}
