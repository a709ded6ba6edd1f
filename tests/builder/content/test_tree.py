"""The content compiler's validation: each broken fixture gives exact path:line errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder.content.problems import ContentError
from builder.content.tree import read_tree
from tests.builder.content.conftest import edit

Tree = Callable[..., Path]


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        read_tree(root)
    return [str(p) for p in caught.value.problems]


def test_good_library_reads_every_roadmap_and_topic(tree: Tree) -> None:
    bundles = read_tree(tree())
    assert [(b.lang, b.roadmap.id) for b in bundles] == [("en", "demo"), ("ru", "demo")]
    en = bundles[0]
    assert sorted(en.topics) == ["alpha", "beta", "gamma"]
    assert en.topics["beta"].id == "demo.beta"
    assert en.topics["gamma"].level == "advanced"
    assert [r.type for r in en.topics["alpha"].resources] == ["official", "article"]
    assert [e.requires for e in en.roadmap.entries()] == [[], ["alpha"], ["alpha", "beta"]]
    assert [s.title for s in bundles[1].roadmap.sections] == ["Первый раздел", "Второй раздел"]


def test_code_blocks_do_not_count_as_words(tree: Tree) -> None:
    root = tree(("en",))
    path = root / "en/demo/alpha.md"
    before = read_tree(root)[0].topics["alpha"].words
    edit(path, "print('hello')", "print('hello')\n" + "word " * 500)
    assert read_tree(root)[0].topics["alpha"].words == before


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("alpha.md", "id: demo.alpha\n", "",
         ["content/en/demo/alpha.md:1: front matter lacks required key 'id'"]),
        ("alpha.md", "level: beginner", "level: expert",
         ["content/en/demo/alpha.md:3: unknown level 'expert'; should be one of: "
          "beginner, intermediate, advanced"]),
        ("alpha.md", "level: beginner", "level: beginner\nauthor: me",
         ["content/en/demo/alpha.md:4: unknown front matter key 'author'; "
          "allowed: id, level, formerly, origin"]),
        ("alpha.md", "id: demo.alpha", "id: Demo Alpha",
         ["content/en/demo/alpha.md:2: id 'Demo Alpha' must look like '<roadmap>.<slug>': "
          "lowercase letters, digits and '-'"]),
        ("alpha.md", "id: demo.alpha", "id: other.alpha",
         ["content/en/demo/alpha.md:2: id 'other.alpha' must start with 'demo.', "
          "the roadmap it belongs to"]),
        ("gamma.md", "id: demo.gamma", "id: demo.alpha",
         ["content/en/demo/gamma.md:2: duplicate id 'demo.alpha' "
          "(first used in content/en/demo/alpha.md:2)"]),
        ("beta.md", "[@official@Python tutorial]", "[@blog@Python tutorial]",
         ["content/en/demo/beta.md:17: unknown link type 'blog'; should be one of: "
          "official, article, video, course, book, tool, opensource"]),
        ("beta.md", "(https://example.org/beta)", "(http://example.org/beta)",
         ["content/en/demo/beta.md:18: resource URL must start with https://: "
          "http://example.org/beta"]),
        ("beta.md", "- [@article@Another reading]", "* [@article@Another reading]",
         ["content/en/demo/beta.md:18: expected a resource link '- [@type@Title](https://...)', "
          "found '* [@article@Another reading](https://example.org/beta)'"]),
        ("beta.md", "## Resources", "## Reading",
         ["content/en/demo/beta.md:5: missing '## Resources' section"]),
        ("beta.md", "# Beta steps", "Beta steps",
         ["content/en/demo/beta.md:5: expected a '# Title' line, found 'Beta steps'"]),
        ("beta.md", "---\n# Beta", "# Beta",
         ["content/en/demo/beta.md:1: front matter is not closed: no second '---' line"]),
        ("roadmap.md", "- beta <- alpha", "- beta <- omega",
         ["content/en/demo/roadmap.md:13: dangling edge: 'beta' requires 'omega', "
          "which is not in this roadmap"]),
        ("roadmap.md", "- alpha\n- beta", "- alpha <- beta\n- beta",
         ["content/en/demo/roadmap.md:12: cycle: alpha <- beta <- alpha",
          "content/en/demo/roadmap.md:13: cycle: alpha <- beta <- alpha"]),
        ("roadmap.md", "- gamma <- alpha, beta", "- gamma <- alpha, beta\n- beta",
         ["content/en/demo/roadmap.md:18: topic 'beta' is listed twice (first on line 13)"]),
        ("roadmap.md", "- alpha\n- beta <- alpha", "- beta <- alpha\n- alpha",
         ["content/en/demo/roadmap.md:12: prerequisite 'alpha' must be listed before 'beta'"]),
        ("roadmap.md", "- gamma <- alpha, beta", "- gamma <- alpha, beta\n- delta",
         ["content/en/demo/roadmap.md:18: no topic file delta.md for 'delta'"]),
        ("roadmap.md", "id: demo", "id: other",
         ["content/en/demo/roadmap.md:2: roadmap id 'other' must equal its folder name 'demo'"]),
        ("roadmap.md", "\n- gamma <- alpha, beta", "\nsome words",
         ["content/en/demo/roadmap.md:15: section 'Second section' lists no topics",
          "content/en/demo/roadmap.md:17: only '- slug' items may follow a section heading, "
          "found 'some words'",
          "content/en/demo/gamma.md:1: topic is not listed in content/en/demo/roadmap.md"]),
    ],
)
def test_broken_content_is_reported_with_file_and_line(
    tree: Tree, file: str, old: str, new: str, expected: list[str]
) -> None:
    root = tree(("en",))
    edit(root / "en/demo" / file, old, new)
    assert problems_of(root) == sorted(expected)


def test_short_and_oversized_topics_are_refused(tree: Tree) -> None:
    root = tree(("en",))
    alpha = root / "en/demo/alpha.md"
    text = alpha.read_text(encoding="utf-8")
    prose = text.split("# Alpha steps\n", 1)[1].split("## Resources", 1)[0]
    alpha.write_text(text.replace(prose, "\nToo short to teach anything.\n\n"), encoding="utf-8")
    gamma = root / "en/demo/gamma.md"
    edit(gamma, "print('hello')\n```\n", "print('hello')\n```\n\n" + "many words here " * 400)
    assert problems_of(root) == [
        "content/en/demo/alpha.md:5: topic has 5 words of prose; at least 150 needed",
        "content/en/demo/gamma.md:5: topic is oversized: 1404 words of prose; at most 1200, "
        "split it into several topics",
    ]


def test_every_problem_is_reported_not_only_the_first(tree: Tree) -> None:
    root = tree(("en",))
    edit(root / "en/demo/alpha.md", "level: beginner", "level: expert")
    edit(root / "en/demo/beta.md", "[@official@", "[@blog@")
    edit(root / "en/demo/roadmap.md", "- beta <- alpha", "- beta <- omega")
    assert len(problems_of(root)) == 3


def test_unknown_language_folder_and_topic_outside_the_roadmap(tree: Tree) -> None:
    root = tree(("en",))
    (root / "de").mkdir()
    extra = root / "en/demo/delta.md"
    extra.write_text((root / "en/demo/alpha.md").read_text(encoding="utf-8")
                     .replace("demo.alpha", "demo.delta"), encoding="utf-8")
    assert problems_of(root) == [
        "content/de:1: unknown language folder 'de'; should be one of: en, ru",
        "content/en/demo/delta.md:1: topic is not listed in content/en/demo/roadmap.md",
    ]


def test_translation_must_mirror_the_original(tree: Tree) -> None:
    root = tree()
    edit(root / "ru/demo/beta.md", "level: intermediate", "level: beginner")
    edit(root / "ru/demo/gamma.md", "id: demo.gamma", "id: demo.gamma-ru")
    edit(root / "ru/demo/roadmap.md", "- gamma <- alpha, beta", "- gamma <- beta")
    assert problems_of(root) == [
        "content/ru/demo/beta.md:1: level 'beginner' differs from the original's "
        "'intermediate' (content/en/demo/beta.md)",
        "content/ru/demo/gamma.md:2: id 'demo.gamma-ru' differs from the original's "
        "'demo.gamma' (content/en/demo/gamma.md)",
        "content/ru/demo/roadmap.md:15: section's topics or prerequisites differ from "
        "content/en/demo/roadmap.md",
    ]


def test_translation_without_original_is_refused(tree: Tree) -> None:
    root = tree()
    for path in sorted((root / "en/demo").iterdir()):
        target = root / "en/other" / path.name
        target.parent.mkdir(exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8").replace("demo", "other"),
                          encoding="utf-8")
        path.unlink()
    (root / "en/demo").rmdir()
    assert problems_of(root) == [
        "content/ru/demo/roadmap.md:1: translation of 'demo' has no original in en/"
    ]
