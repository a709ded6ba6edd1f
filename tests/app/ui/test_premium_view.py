"""A Pro trail in the views (pure, under CPython): locked, its topics show the outline
and the upgrade note (a link to the plans page) in place of the text; unlocked, the text.
And the built site: no sentence of a premium topic is anywhere in dist/'s text files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import LibraryError
from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.ui import views
from tests.app.services.test_premium import library
from tests.conftest import DIST
from tests.server.content.test_premium import TEXT

ROOT = Path(__file__).resolve().parents[3]
UNLOCK = [{"id": "git-internals.objects", "lang": "en", "roadmap": "git-internals", "html": TEXT,
           "resources": [{"type": "book", "title": "Pro Git", "url": "https://git-scm.com/book"}]}]


def test_a_locked_topic_shows_its_place_and_the_way_to_the_plans_not_its_text() -> None:
    for lang, words in (("en", "part of Pro"), ("ru", "входит в Pro")):
        html = views.page(library(), Route("topic", "git-internals.objects"), lang)
        assert 'class="premium-lock"' in html and words in html
        assert 'class="upgrade" href="#/plans"' in html
        assert 'class="prose"' not in html
        assert "<h1>Objects</h1>" in html and 'rel="next"' in html  # the outline stays


def test_a_locked_trail_says_so_on_its_page_and_its_card() -> None:
    trail = views.page(library(), Route("roadmap", "git-internals"), "en")
    assert 'class="premium-note" role="note" data-locked="true"' in trail
    assert 'href="#/plans"' in trail
    assert "Objects" in trail and "Refs" in trail  # every topic's title: the outline
    home = views.page(library(), Route("home"), "ru")
    assert '<span class="premium-tag">Маршрут Pro</span>' in home


def test_an_unlocked_topic_shows_its_text_and_resources() -> None:
    unlocked = library().with_premium(UNLOCK)
    html = views.page(unlocked, Route("topic", "git-internals.objects"), "en")
    assert TEXT in html and "Pro Git" in html
    assert "premium-lock" not in html
    still = views.page(unlocked, Route("topic", "git-internals.refs"), "en")
    assert "premium-lock" in still  # a topic the server gave no text for stays locked
    again = unlocked.without_premium()
    assert again.topic("git-internals.objects", "en").locked
    assert again.topic("git-internals.objects", "en").resources == ()


def test_rows_for_a_free_topic_change_nothing_and_a_bad_row_is_refused() -> None:
    lib = library()
    assert lib.premium_roadmaps() == ("git-internals",)
    same = lib.with_premium([{**UNLOCK[0], "id": "python.loops"}])
    assert same.topics == lib.topics
    with pytest.raises(LibraryError, match="premium topic 0"):
        lib.with_premium([{"id": "git-internals.objects"}])


def test_the_built_site_holds_no_sentence_of_a_premium_topic() -> None:
    library_json = DIST / "content" / "library.json"
    if not library_json.is_file():
        pytest.skip("dist/ is not built (make build)")
    built = Library.from_dict(json.loads(library_json.read_text(encoding="utf-8")))
    assert built.premium_roadmaps() == ("git-internals",)
    assert all(t.locked for t in built.topics.values() if t.roadmap == "git-internals")
    source = (ROOT / "content/en/git-internals/objects.md").read_text(encoding="utf-8")
    sentence = "Because a tree names blobs by content"
    assert sentence in source
    texts = [p for p in DIST.rglob("*") if p.is_file() and "models" not in p.parts
             and "vendor" not in p.parts and p.suffix in (".json", ".html", ".js", ".txt")]
    assert len(texts) > 50  # the prerendered pages are among them
    assert not [p for p in texts if sentence in p.read_text(encoding="utf-8", errors="replace")]
