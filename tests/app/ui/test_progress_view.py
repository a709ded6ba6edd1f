from __future__ import annotations

from typing import Any

from app.core.learner.progress import Mark, Progress
from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.ui import views
from app.ui.progress_view import Learning
from tests.app.core.library.test_catalog import DATA


def learning(**statuses: str) -> Learning:
    marks = {topic.replace("_", "."): Mark(s, 0) for topic, s in statuses.items()}  # type: ignore[arg-type]
    return Learning(Progress(marks), streak=3)


def lib() -> Library:
    return Library.from_dict(DATA)


def test_topic_page_has_mark_buttons_with_the_current_one_pressed() -> None:
    html = views.page(lib(), Route("topic", "py.a"), "en", learning=learning(py_a="done"))
    assert 'data-action="mark" data-topic="py.a" data-status="done" aria-pressed="true"' in html
    assert 'data-status="learning" aria-pressed="false"' in html
    assert "Skip, I know it" in html


def test_trail_page_shows_share_continue_and_reset() -> None:
    html = views.page(lib(), Route("roadmap", "py"), "ru", learning=learning(py_a="done"),
                      trail_view="list")
    assert 'data-percent="33"' in html and "1 из 3 тем · 33%" in html
    assert 'class="continue" href="#/topic/py.b"' in html and "Продолжить:" in html
    assert 'data-action="reset" data-roadmap="py"' in html
    assert '<li class="step" data-topic="py.a" data-status="done">' in html
    fresh = views.page(lib(), Route("roadmap", "py"), "en", learning=learning())
    assert "Start:" in fresh and 'data-action="reset"' not in fresh


def test_undo_replaces_reset_and_the_library_shows_started_trails() -> None:
    undo = Learning(Progress(), undo="py")
    assert 'data-action="undo"' in views.page(lib(), Route("roadmap", "py"), "en", learning=undo)
    home = views.page(lib(), Route("home"), "en", learning=learning(py_a="done"))
    assert home.count('class="card-progress"') == 1  # only the started trail
    assert "Days studied in a row: 3" in home


def test_without_progress_the_pages_are_as_before() -> None:
    html: Any = views.page(lib(), Route("topic", "py.a"), "en")
    assert 'data-action="mark"' not in html
