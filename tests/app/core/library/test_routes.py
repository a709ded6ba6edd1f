from __future__ import annotations

import pytest

from app.core.library.routes import HOME, NOT_FOUND, Route, href, parse


@pytest.mark.parametrize(
    ("fragment", "route"),
    [
        ("", HOME), ("#", HOME), ("#/", HOME),
        ("#/roadmap/python", Route("roadmap", "python")),
        ("#/topic/python.loops", Route("topic", "python.loops")),
        ("#/topic/", NOT_FOUND), ("#/topic/Python Loops", NOT_FOUND),
        ("#/admin/x", NOT_FOUND), ("#/topic/a/b", NOT_FOUND),
        ("#/topic/<script>", NOT_FOUND),
    ],
)
def test_parse(fragment: str, route: Route) -> None:
    assert parse(fragment) == route


def test_href_round_trips() -> None:
    for route in (HOME, Route("roadmap", "sql"), Route("topic", "git.bisect")):
        assert parse(href(route)) == route
    with pytest.raises(ValueError, match="no link for view 'not-found'"):
        href(NOT_FOUND)
