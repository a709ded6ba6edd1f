"""A trail as a map: the computed layout (``app.core.library.graph``) drawn as inline SVG.

Every topic is a real link (``<a href="#/topic/...">`` inside the SVG), in reading order,
so Tab follows the drawing row by row; the shell adds the arrow keys. Each box says its
state in words as well as in colour. Two drawings are made, one for a phone and one
for a wide screen; CSS shows the one that fits (the hidden one is out of the tab order).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.i18n import t
from app.core.learner.mastery import Mastery
from app.core.learner.progress import FINISHED, Progress
from app.core.library.catalog import Library, Roadmap
from app.core.library.graph import KEYS, NARROW, WIDE, Edge, Layout, Node, Size, layout, step
from app.core.library.routes import Route, href
from app.ui.html import Markup, h

# What a box can say of its topic: the learner's marks, then what the trail suggests.
MARKS = ("done", "skipped", "learning")
STATE_ICONS = {"done": "✓", "skipped": "↷", "learning": "◐", "next": "★", "ready": "○", "later": "·"}
RADIUS = 6.0


def states(library: Library, roadmap: Roadmap, progress: Progress | None) -> dict[str, str]:
    """Each topic's state: its mark (done, skipped, learning), else ``next`` for the
    topic to continue with, ``ready`` when its prerequisites are finished, ``later``."""
    progress = progress or Progress()
    requires = {tid: library.topic(tid, roadmap.lang).requires for tid in roadmap.topic_ids}
    upcoming = progress.next_topic(roadmap.topic_ids, requires)
    found: dict[str, str] = {}
    for tid in roadmap.topic_ids:
        status = progress.status(tid)
        if status is not None:
            found[tid] = status
        elif tid == upcoming:
            found[tid] = "next"
        elif all(progress.finished(req) for req in requires[tid]):
            found[tid] = "ready"
        else:
            found[tid] = "later"
    return found


def state_words(state: str, lang: str) -> str:
    return t(lang, f"status_{state}") if state in MARKS else t(lang, f"node_{state}")


def _n(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".removesuffix(".0")


def path_of(edge: Edge) -> str:
    """The SVG path of an edge: its curve, or its polyline with rounded corners."""
    points = edge.points
    if edge.curved:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
        return f"M{_n(x0)} {_n(y0)}C{_n(x1)} {_n(y1)} {_n(x2)} {_n(y2)} {_n(x3)} {_n(y3)}"
    parts = [f"M{_n(points[0][0])} {_n(points[0][1])}"]
    for before, corner, after in zip(points, points[1:], points[2:], strict=False):
        into = _toward(corner, before, RADIUS)
        out = _toward(corner, after, RADIUS)
        parts.append(f"L{_n(into[0])} {_n(into[1])}"
                     f"Q{_n(corner[0])} {_n(corner[1])} {_n(out[0])} {_n(out[1])}")
    parts.append(f"L{_n(points[-1][0])} {_n(points[-1][1])}")
    return "".join(parts)


def _toward(corner: tuple[float, float], other: tuple[float, float], radius: float) -> tuple[float, float]:
    """The point ``radius`` from ``corner`` toward ``other`` (at most half the way)."""
    dx, dy = other[0] - corner[0], other[1] - corner[1]
    length = (dx * dx + dy * dy) ** 0.5
    if length == 0:
        return corner
    share = min(radius, length / 2) / length
    return corner[0] + dx * share, corner[1] + dy * share


def _node(node: Node, title: str, state: str, size: Size, lang: str,
          mastery: Mastery | None = None) -> Markup:
    words = state_words(state, lang)
    if mastery is not None:  # in the label and tooltip; the box has no room for it
        words = f"{words}, {t(lang, 'mastery').lower()}: {t(lang, f'mastery_{mastery.level}')}"
    text_x = node.x + size.padding
    first = node.y + size.padding + size.font_size
    # A space ends every line but the last: the lines' text then reads as the title (an
    # accessible name that holds the visible words, WCAG 2.5.3), not "Running Pythoncode".
    last = len(node.lines) - 1
    lines = [h("tspan", {"x": _n(text_x), "y": _n(first + i * size.line_height)},
               line if i == last else f"{line} ")
             for i, line in enumerate(node.lines)]
    return h(
        "a",
        {"class": f"node state-{state}", "href": href(Route("topic", node.id)), "data-topic": node.id,
         "data-state": state, "data-status": state if state in MARKS else None,
         "data-row": node.row, "data-x": _n(node.centre_x), "aria-label": f"{title}, {words}",
         "data-mastery": mastery.level if mastery else None},
        h("title", None, f"{title} ({words})" if mastery else title),
        h("rect", {"class": "box", "x": _n(node.x), "y": _n(node.y), "width": _n(node.width),
                   "height": _n(node.height), "rx": "8"}),
        h("text", {"class": "label", "font-size": _n(size.font_size)}, lines),
        h("text", {"class": "state-text", "x": _n(text_x),
                   "y": _n(node.bottom - size.padding + 1), "font-size": _n(size.font_size - 2)},
          f"{STATE_ICONS[state]} {state_words(state, lang)}"),
    )


def drawing(drawn: Layout, titles: Mapping[str, str], found: Mapping[str, str], size: Size,
            name: str, lang: str, masteries: Mapping[str, Mastery] | None = None) -> Markup:
    """One SVG of the trail: band backgrounds, edges, then each band's title and boxes."""
    marker = f"arrow-{name}"
    backgrounds = [
        h("rect", {"class": f"band band-{band.index % 2}", "x": "0", "y": _n(band.y),
                   "width": _n(drawn.width), "height": _n(band.height), "rx": "10"})
        for band in drawn.bands
    ]
    edges = [
        h("path", {"class": "edge" + (" edge-met" if found[e.source] in FINISHED else ""),
                   "d": path_of(e), "marker-end": f"url(#{marker})",
                   "data-from": e.source, "data-to": e.target})
        for e in drawn.edges
    ]
    groups = []
    for band in drawn.bands:
        nodes = [_node(n, titles[n.id], found[n.id], size, lang, (masteries or {}).get(n.id))
                 for n in drawn.nodes if n.band == band.index]
        label = f"{band.index + 1} · {band.title}"
        groups.append(h("g", {"class": "band-group", "role": "group", "aria-label": label},
                        h("text", {"class": "band-title", "x": "12", "y": _n(band.y + 20),
                                   "aria-hidden": "true"}, label),
                        nodes))
    defs = h("defs", None, h(
        "marker", {"id": marker, "viewBox": "0 0 10 10", "refX": "9", "refY": "5",
                   "markerWidth": "7", "markerHeight": "7", "orient": "auto-start-reverse"},
        h("path", {"d": "M0 0L10 5L0 10z", "class": "arrowhead"})))
    return h(
        "svg",
        {"class": f"graph-drawing graph-{name}", "xmlns": "http://www.w3.org/2000/svg",
         "viewBox": f"0 0 {_n(drawn.width)} {_n(drawn.height)}", "width": _n(drawn.width),
         "height": _n(drawn.height), "data-layout": name},
        defs, backgrounds, h("g", {"class": "edges", "aria-hidden": "true"}, edges), groups,
    )


def graph(library: Library, roadmap: Roadmap, progress: Progress | None, lang: str,
          masteries: Mapping[str, Mastery] | None = None) -> Markup:
    """The trail's map: a phone drawing and a wide one, labelled, with a short help line;
    each quizzed topic's mastery (``masteries``) is in its box's label and tooltip."""
    sections = [(s.title, s.topics) for s in roadmap.sections]
    topics = {tid: library.topic(tid, roadmap.lang) for tid in roadmap.topic_ids}
    requires = {tid: topic.requires for tid, topic in topics.items()}
    titles = {tid: topic.title for tid, topic in topics.items()}
    found = states(library, roadmap, progress)
    drawings = [drawing(layout(sections, requires, titles, size), titles, found, size, name, lang,
                        masteries)
                for name, size in (("narrow", NARROW), ("wide", WIDE))]
    return h(
        "section",
        {"class": "graph", "aria-label": t(lang, "graph_label", title=roadmap.title),
         "lang": roadmap.lang},
        h("p", {"class": "graph-help", "lang": lang}, t(lang, "graph_help")),
        drawings,
    )


def view_switch(current: str, lang: str) -> Markup:
    """Map / List toggle buttons for the trail page (the choice is kept on the device)."""
    buttons = [
        h("button", {"type": "button", "class": "view-choice", "data-action": "trail-view",
                     "data-view": view, "aria-pressed": "true" if view == current else "false"},
          t(lang, f"view_{view}"))
        for view in ("graph", "list")
    ]
    return h("div", {"class": "view-switch", "role": "group", "aria-label": t(lang, "trail_view")},
             buttons)


def arrow_key(event: Any) -> bool:
    """Move focus between a map's boxes with the arrow keys, Home and End (the box
    elements and the event are the browser's, handed over by the shell); True when the
    key was used."""
    key = str(event.key)
    target = event.target
    if key not in KEYS or not hasattr(target, "closest"):
        return False
    node = target.closest("a.node")
    drawing_ = node.closest("svg") if node else None
    if not drawing_:
        return False
    boxes = list(drawing_.querySelectorAll("a.node"))
    places = [(str(b.dataset.topic), int(str(b.dataset.row)), float(str(b.dataset.x))) for b in boxes]
    found = step(places, str(node.dataset.topic), key)
    if found is None:
        return False
    event.preventDefault()
    boxes[[p[0] for p in places].index(found)].focus()
    return True
