"""The trail map as HTML: real links in reading order, states in words, labels escaped,
the list still one click away; the shell keeps the choice and moves focus by arrows."""

from __future__ import annotations

import asyncio
import copy
import re
from types import SimpleNamespace
from typing import Any

from app.core.learner.progress import Mark, Progress
from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.ui import graph_view, views
from app.ui.progress_view import Learning
from tests.app.core.library.test_catalog import DATA
from tests.app.ui.test_shell_unit import click, make_shell
from tests.fakes import FakePage


def lib(data: dict[str, Any] = DATA) -> Library:
    return Library.from_dict(data)


def test_each_topic_is_a_link_in_both_drawings_with_its_state_in_words() -> None:
    learning = Learning(Progress({"py.a": Mark("done", 0)}))
    html = views.page(lib(), Route("roadmap", "py"), "en", learning=learning)
    assert 'data-trail-view="graph"' in html
    for name in ("narrow", "wide"):
        svg = re.search(f'<svg class="graph-drawing graph-{name}".*?</svg>', html, re.S)
        assert svg is not None
        links = re.findall(r'<a class="node state-(\w+)" href="#/topic/([\w.-]+)"', svg.group(0))
        assert links == [("done", "py.a"), ("next", "py.b"), ("ready", "py.c")]
    assert 'aria-label="A, done"' in html and "✓ done" in html and "★ next up" in html
    assert 'aria-label="Map of the Python trail"' in html
    # py.b requires py.a: one edge, drawn as met (its prerequisite is done).
    assert html.count('class="edge edge-met"') == 2 and 'data-from="py.a" data-to="py.b"' in html


def test_a_topic_whose_prerequisite_is_unfinished_waits_and_russian_words_are_used() -> None:
    data = copy.deepcopy(DATA)
    next(t for t in data["topics"] if t["id"] == "py.b" and t["lang"] == "ru")["requires"] = ["py.a"]
    html = views.page(lib(data), Route("roadmap", "py"), "ru", learning=Learning(Progress()))
    assert 'class="node state-later" href="#/topic/py.b"' in html and "нужны темы выше" in html
    assert 'class="node state-next" href="#/topic/py.a"' in html and "Карта тропы" in html


def test_titles_are_escaped_in_text_and_labels() -> None:
    data = copy.deepcopy(DATA)
    data["topics"][0]["title"] = '<img src=x onerror="alert(1)">'
    html = graph_view.graph(lib(data), lib(data).roadmap("py", "en"), None, "en")
    assert "<img" not in html and "&lt;img" in html and 'aria-label="&lt;img src=x onerror=&quot;' in html


def test_the_list_is_an_alternative_and_the_choice_is_kept_on_the_device() -> None:
    page = FakePage("#/roadmap/py")
    shell, _, preferences = make_shell({"/content/library.json": DATA}, page)
    asyncio.run(shell.load())
    assert 'data-trail-view="graph"' in page.root.innerHTML
    assert 'data-view="list" aria-pressed="false"' in page.root.innerHTML
    page.dispatch("root", "click", click("trail-view", view="list"))
    assert preferences.saved["trail_view"] == "list"
    assert 'data-trail-view="list"' in page.root.innerHTML and '<li class="step"' in page.root.innerHTML
    page.dispatch("root", "click", click("trail-view", view="sideways"))  # ignored
    assert preferences.saved["trail_view"] == "list"


class Box:
    """A box of the drawing as the browser hands it over: dataset, focus, closest."""

    def __init__(self, topic: str, row: int, x: float, svg: Any) -> None:
        self.dataset = SimpleNamespace(topic=topic, row=str(row), x=str(x))
        self.svg = svg
        self.focused = False

    def closest(self, selector: str) -> Any:
        return self if selector == "a.node" else self.svg

    def focus(self) -> None:
        self.focused = True


def test_arrow_down_moves_focus_to_the_box_below_and_other_keys_pass() -> None:
    svg = SimpleNamespace()
    boxes = [Box("a", 0, 100, svg), Box("b", 1, 40, svg), Box("c", 1, 210, svg)]
    svg.querySelectorAll = lambda _selector: boxes
    prevented: list[bool] = []
    event = SimpleNamespace(key="ArrowDown", target=boxes[0], preventDefault=lambda: prevented.append(True))
    assert graph_view.arrow_key(event) is True and boxes[1].focused and prevented == [True]
    assert graph_view.arrow_key(SimpleNamespace(key="a", target=boxes[0])) is False
    outside = SimpleNamespace(closest=lambda _selector: None)
    assert graph_view.arrow_key(SimpleNamespace(key="ArrowDown", target=outside)) is False
