"""Hash routes of the single-page app.

``#/`` is the library, ``#/roadmap/<id>`` a trail, ``#/topic/<id>`` a topic page.
Links are plain anchors, so navigation needs no per-element event handlers and the
browser's back button works.

>>> parse("#/topic/python.loops")
Route(view='topic', target='python.loops')
>>> href(Route("roadmap", "sql"))
'#/roadmap/sql'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID = re.compile(r"^[a-z0-9][a-z0-9.-]{0,120}$")
VIEWS = ("home", "roadmap", "topic")


@dataclass(frozen=True)
class Route:
    view: str
    target: str = ""


HOME = Route("home")
NOT_FOUND = Route("not-found")


def parse(fragment: str) -> Route:
    """Turn ``location.hash`` into a Route; anything unknown is NOT_FOUND."""
    path = fragment.removeprefix("#").strip("/")
    if not path:
        return HOME
    parts = path.split("/")
    if len(parts) == 2 and parts[0] in ("roadmap", "topic") and _ID.match(parts[1]):
        return Route(parts[0], parts[1])
    return NOT_FOUND


def href(route: Route) -> str:
    """The anchor ``href`` for ``route``."""
    if route.view == "home":
        return "#/"
    if route.view in ("roadmap", "topic"):
        return f"#/{route.view}/{route.target}"
    raise ValueError(f"no link for view {route.view!r}; should be one of: {', '.join(VIEWS)}")
