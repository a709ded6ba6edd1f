"""Hash routes of the single-page app.

``#/`` is the library, ``#/roadmap/<id>`` a trail, ``#/topic/<id>`` a topic page;
``#/search?q=<words>`` searches the library, ``#/notes`` lists the learner's notes and
``#/data`` is the page to export and import their data, ``#/review`` the questions due
today (spaced repetition), ``#/models`` the AI models kept on the device, ``#/packs`` the
course packs added by URL; ``#/account`` and ``#/plans``
are the learner's account and subscription; ``#/plan`` is "My trail", the learner's own
roadmap toward their goal.
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
from urllib.parse import parse_qs, quote

_ID = re.compile(r"^[a-z0-9][a-z0-9.-]{0,120}$")
VIEWS = ("home", "packs", "roadmap", "topic", "search", "notes", "data", "review", "models", "account",
         "plans", "plan")
# Views with no target: one page each, which a part of the UI renders (app.ui.parts).
PLAIN = ("packs", "notes", "data", "review", "models", "account", "plans", "plan")
# The longest search kept from an address.
MAX_QUERY = 200


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
    if path in PLAIN:
        return Route(path)
    if path == "search" or path.startswith("search?"):
        words = parse_qs(path.partition("?")[2]).get("q", [""])[0]
        return Route("search", " ".join(words.split())[:MAX_QUERY])
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
    if route.view == "search":
        return "#/search?q=" + quote(route.target, safe="") if route.target else "#/search"
    if route.view in PLAIN:
        return f"#/{route.view}"
    raise ValueError(f"no link for view {route.view!r}; should be one of: {', '.join(VIEWS)}")
