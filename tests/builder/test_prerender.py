"""The prerender step: the app's view functions under CPython, written as the pages the
page script shows before Python has started."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from app.core.i18n import LANGUAGES
from app.core.learner.progress import Progress
from app.core.library.catalog import Library
from app.core.library.routes import HOME, Route
from app.ui import boot_view, views
from app.ui.progress_view import Learning
from builder import prerender
from builder.errors import BuildError
from builder.site import ROOT, insert_prerendered
from tests.app.core.library.test_catalog import DATA

TEMPLATE = ('<script type="application/json" id="prerender-config">{prerender_config}</script>'
            '<div id="app">{first_page}</div>')


def written(out: Path, lang: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "pages" / lang / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_every_page_is_written_in_every_language_with_the_views_markup(tmp_path: Path) -> None:
    library = Library.from_dict(DATA)
    prerender.write_pages(tmp_path, library)
    names = ["home", "roadmap/py", "roadmap/sql", "topic/py.a", "topic/py.b", "topic/py.c", "topic/sql.a"]
    routes = [HOME, Route("roadmap", "py"), Route("roadmap", "sql"), Route("topic", "py.a"),
              Route("topic", "py.b"), Route("topic", "py.c"), Route("topic", "sql.a")]
    files = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.json"))
    assert files == sorted(f"pages/{lang}/{name}.json" for lang in LANGUAGES for name in names)
    for lang in LANGUAGES:
        for name, route in zip(names, routes, strict=True):
            page = written(tmp_path, lang, name)
            expected = views.page(library, route, lang, learning=Learning(Progress()))
            assert page["html"] == boot_view.note(lang) + expected
            assert page["title"] == views.title_of(library, route, lang)
            assert page["route"] == name and page["lang"] == lang
    assert "Питон" in written(tmp_path, "ru", "roadmap/py")["html"]
    assert written(tmp_path, "ru", "topic/py.b")["title"] == "Б · Tropa"
    # An English-only trail in Russian: the Russian UI, the English text, the notice.
    assert "Эта тропа пока есть только на английском." in written(tmp_path, "ru", "roadmap/sql")["html"]
    assert "Приложение ещё запускается" not in written(tmp_path, "ru", "home")["html"]
    assert "приложение ещё запускается" in written(tmp_path, "ru", "home")["html"]


def test_text_is_escaped_as_the_views_escape_it_and_placeholders_stay_text(tmp_path: Path) -> None:
    data = copy.deepcopy(DATA)
    data["topics"][0]["title"] = "<img src=x onerror=alert(1)> {css} </script>"
    library = Library.from_dict(data)
    prerender.write_pages(tmp_path, library)
    page = written(tmp_path, "en", "topic/py.a")
    assert "<img" not in page["html"] and "&lt;img src=x onerror=alert(1)&gt;" in page["html"]
    assert "&lt;/script&gt;" in page["html"]
    # The library page lists no topic titles, but the trail does: inline in index.html,
    # "{css}" in the text is left as text (filled in one pass after the other placeholders).
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "library.json").write_text(json.dumps(data), encoding="utf-8")
    page_html, folders = insert_prerendered(TEMPLATE + "{css}", tmp_path, "index.html")
    assert folders == ["/pages"]
    assert page_html.endswith("{css}")  # the template's own text is untouched as well
    first = written(tmp_path, "en", "home")["html"]
    assert f'<div id="app">{first}</div>' in page_html


def test_index_page_gets_the_english_library_and_the_script_settings(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "library.json").write_text(json.dumps(DATA), encoding="utf-8")
    page_html, _ = insert_prerendered(TEMPLATE, tmp_path, "index.html")
    config = json.loads(page_html.split('id="prerender-config">', 1)[1].split("</script>", 1)[0])
    assert config["first"] == "en:home" and config["pages"] == "/pages/"
    assert config["languages"] == list(LANGUAGES)
    assert set(config["stages"]) == set(LANGUAGES)
    assert set(config["progress"].values()) == set(config["stages"]["en"])
    assert 'data-view="home"' in page_html and "Python" in page_html


def test_without_a_compiled_library_the_page_keeps_the_splash(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    page_html, folders = insert_prerendered(TEMPLATE, tmp_path, "index.html")
    assert folders == [] and '<div id="app"></div>' in page_html
    assert '"first": null' in page_html
    assert "no prerendered pages" in capsys.readouterr().err
    with pytest.raises(BuildError, match=r"index.html: placeholder \{first_page\} not found"):
        insert_prerendered("<div></div>{prerender_config}", tmp_path, "index.html")


def test_a_rebuild_removes_pages_of_topics_that_are_gone(tmp_path: Path) -> None:
    prerender.write_pages(tmp_path, Library.from_dict(DATA))
    fewer = copy.deepcopy(DATA)
    fewer["roadmaps"] = [r for r in fewer["roadmaps"] if r["id"] != "sql"]
    fewer["topics"] = [t for t in fewer["topics"] if t["id"] != "sql.a"]
    prerender.write_pages(tmp_path, Library.from_dict(fewer))
    assert not (tmp_path / "pages/en/topic/sql.a.json").exists()
    assert (tmp_path / "pages/en/topic/py.a.json").exists()
    assert not (tmp_path / "pages.new").exists()


def test_descriptions_come_from_the_text_and_are_short() -> None:
    data = copy.deepcopy(DATA)
    long = " ".join(["Loops repeat <code>work</code> &amp; more."] * 12)
    data["topics"][0]["html"] = f"<h2>Why</h2><p>{long}</p><p>Second paragraph.</p>"
    library = Library.from_dict(data)
    text = prerender.describe(library, Route("topic", "py.a"), "en")
    assert text.startswith("Loops repeat work & more. Loops")
    assert len(text) <= prerender.DESCRIPTION_LENGTH and text.endswith("…")
    assert "Second" not in text
    assert prerender.describe(library, Route("roadmap", "py"), "en") == "s"
    assert prerender.describe(library, HOME, "ru").endswith(": Питон, SQL.")
    assert prerender.shorten("short") == "short"


@pytest.mark.skipif(not (ROOT / "dist/content/library.json").is_file(), reason="dist/ not built")
def test_the_built_library_has_a_page_for_every_trail_and_topic_in_both_languages() -> None:
    library = prerender.load(ROOT / "dist/content/library.json")
    pages = prerender.pages(library)
    topics = {topic for topic, _ in library.topics}
    assert {(p.lang, p.route.target) for p in pages if p.route.view == "topic"} == {
        (lang, topic) for lang in LANGUAGES for topic in topics}
    assert {p.route.target for p in pages if p.route.view == "roadmap"} == set(library.order)
    assert all(p.description and len(p.description) <= prerender.DESCRIPTION_LENGTH for p in pages)
    assert len({p.path for p in pages}) == len(pages)
