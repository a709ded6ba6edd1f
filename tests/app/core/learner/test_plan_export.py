"""A plan exported in the content format compiles with the real content compiler
(``python -m builder.content --check``, and its reader in-process): the trail's order,
groups and the library's prerequisites come out as a roadmap an author can publish."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from app.core.learner.plan import Plan, Step
from app.core.learner.plan_export import filename, files, slug_of, tar_text, to_markdown
from app.core.learner.plan_making import from_library
from builder.content.tree import read_tree
from tests.app.core.learner.plan_library import real_library

ROOT = Path(__file__).resolve().parents[4]


def unpack(text: str, into: Path) -> Path:
    """Write the tar the page offers (as text) to disk the way a browser saves it."""
    with tarfile.open(fileobj=io.BytesIO(text.encode("utf-8")), mode="r") as archive:
        archive.extractall(into, filter="data")
    return into / "content"


def sql_plan(lang: str = "en") -> Plan:
    plan = from_library("plan-7", "Report on sales with SQL", ["sql.group-by-and-having", "sql.inner-joins"],
                        real_library(), lang, 3, 1_733_000_000_000)
    steps = list(plan.steps)
    steps.insert(3, Step("", "Spreadsheet charts", "to show the report", steps[2].group))
    return Plan(**{**plan.__dict__, "steps": tuple(steps)})


def test_the_export_compiles_with_the_content_compiler(tmp_path: Path) -> None:
    plan = sql_plan()
    root = unpack(tar_text(plan, real_library()), tmp_path)
    result = subprocess.run([sys.executable, "-m", "builder.content", "--check", "--content", str(root)],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    [bundle] = read_tree(root)
    slug = "report-on-sales-with-sql"
    assert bundle.roadmap.id == slug and bundle.roadmap.title == plan.goal
    entries = bundle.roadmap.entries()
    assert [e.slug for e in entries] == [t.replace(".", "-") for t in plan.topic_ids]
    joins = next(e for e in entries if e.slug == "sql-inner-joins")
    assert joins.requires == ["sql-filtering-with-where"]
    assert [s.title for s in bundle.roadmap.sections] == [g for g, _ in plan.groups()]
    gaps = "Not in the library yet, to write: Spreadsheet charts (to show the report)."
    assert gaps in bundle.roadmap.intro
    topic = bundle.topics["sql-inner-joins"]
    assert topic.id == f"{slug}.sql-inner-joins" and topic.title == "Inner joins"
    assert topic.words >= 150 and topic.resources


def test_a_russian_plan_exports_the_english_original_and_its_translation(tmp_path: Path) -> None:
    plan = from_library("plan-8", "Выучить циклы", ["python.loops"], real_library(), "ru", 3, 1)
    root = unpack(tar_text(plan, real_library()), tmp_path)
    bundles = read_tree(root)
    assert sorted(b.lang for b in bundles) == ["en", "ru"]
    ru = next(b for b in bundles if b.lang == "ru")
    assert ru.roadmap.id == "plan-8"  # a goal without Latin letters takes the plan's id
    assert ru.topics["python-loops"].title == real_library().topic("python.loops", "ru").title


def test_every_library_topic_comes_back_as_markdown_the_compiler_accepts(tmp_path: Path) -> None:
    library = real_library()
    # The published trails (a pack being written beside them may have no text yet).
    ids = [t for r in library.all_roadmaps("en") if r.id in ("git", "python", "sql") for t in r.topic_ids]
    plan = from_library("plan-9", "Everything", ids, library, "en", 10, 1)
    root = unpack(tar_text(plan, library), tmp_path)
    [bundle] = read_tree(root)
    assert len(bundle.topics) == len(plan.topic_ids)


def test_code_blocks_inline_code_and_links_survive_the_trip_back_to_markdown() -> None:
    html = ('<p>Use <code>for</code> and <a href="https://docs.python.org/">the docs</a>, '
            '<strong>always</strong>.</p>\n<pre tabindex="0"><code class="language-python">for i in x:\n'
            '    print(i &lt; 2)\n</code></pre>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>')
    assert to_markdown(html) == ("Use `for` and [the docs](https://docs.python.org/), **always**.\n\n"
                                 "```python\nfor i in x:\n    print(i < 2)\n```\n\n- one\n\n- two")


@pytest.mark.parametrize(("goal", "slug"), [("Learn SQL for analytics!", "learn-sql-for-analytics"),
                                            ("Выучить SQL", "sql"), ("Выучить", "my-trail")])
def test_slugs(goal: str, slug: str) -> None:
    assert slug_of(goal) == slug


def test_the_tar_is_text_that_keeps_its_bytes() -> None:
    plan = from_library("plan-8", "Выучить циклы", ["python.loops"], real_library(), "ru", 3, 1)
    text = tar_text(plan, real_library())
    with tarfile.open(fileobj=io.BytesIO(text.encode("utf-8")), mode="r") as archive:
        names = archive.getnames()
        member = archive.extractfile("content/ru/plan-8/python-loops.md")
        assert member is not None
        expected = files(plan, real_library())["content/ru/plan-8/python-loops.md"]
        assert member.read().decode("utf-8") == expected
    assert "content/en/plan-8/roadmap.md" in names
    assert filename(plan) == "plan-8.tar"
