"""A trail drawn as a graph: sections as bands, topics as boxes, prerequisites as edges.

The layout is computed, never authored (a layered, Sugiyama-like drawing):

1. **Rows.** Within its section a topic's rank is the longest chain of same-section
   prerequisites above it; the sections follow one another downwards, so every edge
   points down. A rank wider than ``Size.columns`` is split over several rows (topics
   of one rank never require each other, so the edges still point down).
2. **Order.** Each row is ordered by the barycentre of its neighbours' columns, sweeping
   down and up a few times and keeping the order with the fewest crossings; ties keep
   the authored order, so the same trail always gives the same drawing.
3. **Columns.** Each row's topics take grid columns as close to those barycentres as the
   order allows (a small dynamic programme).
4. **Edges.** An edge between adjacent rows is a curve through the gap between them; a
   longer one runs in a vertical channel between columns (or in a margin), so no edge
   crosses a box.

>>> trail = layout([("Start", ["a", "b"])], {"b": ["a"]}, {"a": "A", "b": "B"}, NARROW)
>>> [(n.id, n.row) for n in trail.nodes]
[('a', 0), ('b', 1)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True)
class Size:
    """How big the drawing's parts are, in SVG user units (about CSS pixels)."""

    columns: int
    node_width: float
    column_gap: float
    margin: float
    font_size: float = 14
    line_height: float = 17
    # Average advance of one character, as a share of the font size (wrapping estimate).
    char_width: float = 0.56
    max_lines: int = 3
    padding: float = 9
    state_height: float = 16
    lane_space: float = 20  # above and below each row, for long edges' horizontal runs
    band_head: float = 30  # a section's title strip
    band_gap: float = 10

    @property
    def width(self) -> float:
        return 2 * self.margin + self.columns * self.node_width + (self.columns - 1) * self.column_gap

    def column_x(self, column: int) -> float:
        """Left edge of a box in ``column``."""
        return self.margin + column * (self.node_width + self.column_gap)

    def channel_x(self, channel: int) -> float:
        """Centre of vertical channel ``channel``: 0 is the left margin, ``columns`` the
        right one, the others lie between two columns."""
        if channel == 0:
            return self.margin / 2
        if channel == self.columns:
            return self.width - self.margin / 2
        return self.column_x(channel) - self.column_gap / 2

    def channel_half(self, channel: int) -> float:
        """Half the free width of a channel, where its lanes may go."""
        return (self.margin if channel in (0, self.columns) else self.column_gap) / 2 - 2

    @property
    def chars_per_line(self) -> int:
        return max(4, int((self.node_width - 2 * self.padding) / (self.font_size * self.char_width)))


# A phone (about 360 px of content) and a desktop column (about 830 px).
NARROW = Size(columns=2, node_width=152, column_gap=34, margin=16)
WIDE = Size(columns=4, node_width=178, column_gap=36, margin=16)


@dataclass(frozen=True)
class Node:
    id: str
    band: int
    row: int
    column: int
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]  # the title, wrapped

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Edge:
    source: str  # the prerequisite
    target: str  # the topic that requires it
    points: tuple[Point, ...]  # from the source's bottom to the target's top
    curved: bool  # True: a cubic curve through points[0..3]; False: a polyline


@dataclass(frozen=True)
class Band:
    index: int
    title: str
    y: float
    height: float


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    nodes: tuple[Node, ...]  # in reading order: row by row, left to right
    edges: tuple[Edge, ...]
    bands: tuple[Band, ...]

    def node(self, topic_id: str) -> Node:
        return next(n for n in self.nodes if n.id == topic_id)


def wrap(title: str, width: int, max_lines: int) -> tuple[str, ...]:
    """``title`` in lines of at most ``width`` characters (a longer word is cut), at most
    ``max_lines`` of them, the last ending in "…" if the title did not fit."""
    words: list[str] = []
    for word in title.split():
        while len(word) > width:
            words.append(word[: width - 1] + "-")
            word = word[width - 1:]
        words.append(word)
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        lines = [*lines[: max_lines - 1], (last[: width - 1] if len(last) >= width else last) + "…"]
    return tuple(lines) or ("",)


def _ranks(band: Sequence[str], requires: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Longest chain of same-band prerequisites above each topic of ``band``."""
    members = set(band)
    ranks: dict[str, int] = {}
    visiting: set[str] = set()

    def rank(topic: str) -> int:
        if topic in ranks:
            return ranks[topic]
        if topic in visiting:
            raise ValueError(f"prerequisites form a cycle through {topic!r}")
        visiting.add(topic)
        above = [rank(p) + 1 for p in requires.get(topic, ()) if p in members and p != topic]
        visiting.discard(topic)
        ranks[topic] = max(above, default=0)
        return ranks[topic]

    for topic in band:
        rank(topic)
    return ranks


def _place(order: Sequence[str], wanted: Mapping[str, float | None], columns: int) -> dict[str, int]:
    """Columns for ``order`` (left to right, strictly increasing) as close as possible to
    each topic's wanted column; a topic with no wish leans to the middle, lightly."""
    count = len(order)
    middle = (columns - 1) / 2

    def cost(topic: str, column: int) -> float:
        want = wanted.get(topic)
        return abs(column - want) if want is not None else 0.01 * abs(column - middle)

    inf = float("inf")
    best = [[inf] * columns for _ in range(count)]
    back = [[-1] * columns for _ in range(count)]
    for column in range(columns):
        best[0][column] = cost(order[0], column)
    for i in range(1, count):
        for column in range(i, columns):
            prev = min(range(i - 1, column), key=lambda c: (best[i - 1][c], c))
            best[i][column] = best[i - 1][prev] + cost(order[i], column)
            back[i][column] = prev
    column = min(range(count - 1, columns), key=lambda c: (best[count - 1][c], c))
    placed: dict[str, int] = {}
    for i in range(count - 1, -1, -1):
        placed[order[i]] = column
        column = back[i][column]
    return placed


def _crossings(edges: Sequence[tuple[str, str]], row: Mapping[str, int], col: Mapping[str, int]) -> int:
    """Pairs of edges that cross, each drawn straight between (column, row) points."""

    def orient(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    segments = [((col[s], row[s]), (col[t], row[t])) for s, t in edges]
    count = 0
    for i, (a, b) in enumerate(segments):
        for c, d in segments[i + 1:]:
            if len({a, b, c, d}) < 4:
                continue  # edges sharing an end do not cross
            if orient(a, b, c) * orient(a, b, d) < 0 and orient(c, d, a) * orient(c, d, b) < 0:
                count += 1
    return count


def _rows(sections: Sequence[tuple[str, Sequence[str]]], requires: Mapping[str, Sequence[str]],
          columns: int) -> tuple[list[list[str]], list[int]]:
    """Topics by row (in authored order for now) and each row's band."""
    rows: list[list[str]] = []
    bands: list[int] = []
    for index, (_, topics) in enumerate(sections):
        ranks = _ranks(topics, requires)
        for rank in range(max(ranks.values(), default=-1) + 1):
            group = [t for t in topics if ranks[t] == rank]
            for start in range(0, len(group), columns):
                rows.append(group[start:start + columns])
                bands.append(index)
    return rows, bands


def _order(rows: list[list[str]], edges: Sequence[tuple[str, str]], authored: Mapping[str, int],
           columns: int) -> dict[str, int]:
    """Each topic's column, after barycentre sweeps that reduce crossings."""
    row_of = {topic: r for r, row in enumerate(rows) for topic in row}
    ups: dict[str, list[str]] = {t: [] for t in row_of}
    downs: dict[str, list[str]] = {t: [] for t in row_of}
    for source, target in edges:
        ups[target].append(source)
        downs[source].append(target)
    col: dict[str, int] = {}

    def arrange(r: int, neighbours: Mapping[str, list[str]]) -> None:
        wanted: dict[str, float | None] = {}
        for topic in rows[r]:
            placed = [col[n] for n in neighbours[topic] if n in col]
            wanted[topic] = sum(placed) / len(placed) if placed else None
        key_of = {t: (wanted[t] if wanted[t] is not None else col.get(t, (columns - 1) / 2),
                      authored[t]) for t in rows[r]}
        rows[r].sort(key=lambda t: key_of[t])
        col.update(_place(rows[r], wanted, columns))

    for r in range(len(rows)):
        arrange(r, ups)
    best = (_crossings(edges, row_of, col), dict(col), [list(row) for row in rows])
    both = {t: ups[t] + downs[t] for t in row_of}
    for _ in range(3):
        for r in range(len(rows) - 1, -1, -1):
            arrange(r, both)
        for r in range(len(rows)):
            arrange(r, both)
        score = _crossings(edges, row_of, col)
        if score < best[0]:
            best = (score, dict(col), [list(row) for row in rows])
    rows[:] = best[2]
    return best[1]


def layout(sections: Sequence[tuple[str, Sequence[str]]], requires: Mapping[str, Sequence[str]],
           titles: Mapping[str, str], size: Size) -> Layout:
    """Lay out a trail: ``sections`` are (title, topic ids) in order, ``requires`` maps a
    topic to its prerequisites, ``titles`` gives each topic's title. Prerequisites
    outside the trail, or listed after their topic, are not drawn."""
    rows, row_bands = _rows(sections, requires, size.columns)
    row_of = {topic: r for r, row in enumerate(rows) for topic in row}
    authored = {t: i for i, t in enumerate(t for _, ts in sections for t in ts)}
    edges = [(p, t) for t in authored for p in requires.get(t, ())
             if p in row_of and row_of[p] < row_of[t]]
    col = _order(rows, edges, authored, size.columns)
    wrapped = {t: wrap(titles.get(t, t), size.chars_per_line, size.max_lines) for t in row_of}

    nodes: list[Node] = []
    bands: list[Band] = []
    tops: list[float] = []
    heights: list[float] = []
    y = 0.0
    for r, row in enumerate(rows):
        band = row_bands[r]
        if r == 0 or row_bands[r - 1] != band:
            if bands:
                y += size.lane_space
                last = bands[-1]
                bands[-1] = Band(last.index, last.title, last.y, y - last.y)
                y += size.band_gap
            bands.append(Band(band, sections[band][0], y, 0))
            y += size.band_head
        y += size.lane_space
        lines = max(len(wrapped[t]) for t in row)
        height = 2 * size.padding + lines * size.line_height + size.state_height
        tops.append(y)
        heights.append(height)
        for topic in sorted(row, key=lambda t: col[t]):
            nodes.append(Node(topic, band, r, col[topic], size.column_x(col[topic]), y,
                              size.node_width, height, wrapped[topic]))
        y += height + size.lane_space
    if bands:
        last = bands[-1]
        bands[-1] = Band(last.index, last.title, last.y, y - last.y)
    by_id = {n.id: n for n in nodes}
    drawn = _route(edges, by_id, tops, heights, size)
    return Layout(size.width, y, tuple(nodes), tuple(drawn), tuple(bands))


def _spread(index: int, count: int, room: float, step: float = 5.0) -> float:
    """Offset of lane ``index`` of ``count`` around a centre, within ±``room``."""
    if count <= 1:
        return 0.0
    spacing = min(step, 2 * room / (count - 1))
    return (index - (count - 1) / 2) * spacing


def _route(edges: Sequence[tuple[str, str]], nodes: Mapping[str, Node], tops: Sequence[float],
           heights: Sequence[float], size: Size) -> list[Edge]:
    """Points of every edge: a curve between adjacent rows, else a run down a channel."""
    long_edges = [(s, t) for s, t in edges if nodes[t].row - nodes[s].row > 1]
    # Which channel each long edge runs down: the one with the shortest way across.
    channel: dict[tuple[str, str], int] = {}
    for s, t in long_edges:
        sx, tx = nodes[s].centre_x, nodes[t].centre_x
        channel[(s, t)] = min(range(size.columns + 1),
                              key=lambda c: (abs(size.channel_x(c) - sx) + abs(size.channel_x(c) - tx), c))
    # Lanes: long edges leaving / entering a row, and sharing a channel, each get their own.
    leaving: dict[int, list[tuple[str, str]]] = {}
    entering: dict[int, list[tuple[str, str]]] = {}
    in_channel: dict[int, list[tuple[str, str]]] = {}
    for edge in long_edges:
        leaving.setdefault(nodes[edge[0]].row, []).append(edge)
        entering.setdefault(nodes[edge[1]].row, []).append(edge)
        in_channel.setdefault(channel[edge], []).append(edge)
    room = size.lane_space / 2 - 3
    drawn: list[Edge] = []
    for s, t in edges:
        a, b = nodes[s], nodes[t]
        start = (a.centre_x, tops[a.row] + heights[a.row])
        end = (b.centre_x, tops[b.row])
        if (s, t) not in channel:
            middle = (start[1] + end[1]) / 2
            drawn.append(Edge(s, t, (start, (start[0], middle), (end[0], middle), end), True))
            continue
        out = leaving[a.row]
        below = start[1] + size.lane_space / 2 + _spread(out.index((s, t)), len(out), room)
        into = entering[b.row]
        above = end[1] - size.lane_space / 2 + _spread(into.index((s, t)), len(into), room)
        c = channel[(s, t)]
        lanes = in_channel[c]
        x = size.channel_x(c) + _spread(lanes.index((s, t)), len(lanes), size.channel_half(c))
        points = (start, (start[0], below), (x, below), (x, above), (end[0], above), end)
        drawn.append(Edge(s, t, points, False))
    return drawn


KEYS = ("ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End")


def step(places: Sequence[tuple[str, int, float]], current: str, key: str) -> str | None:
    """The topic arrow ``key`` moves to from ``current`` among ``places`` ((id, row,
    centre x) in reading order): left and right along the row (on to the next row at
    its end), up and down to the nearest box of the row above or below, Home and End to
    the first and last topic; None when there is nowhere to go."""
    ids = [p[0] for p in places]
    if current not in ids or key not in KEYS or not places:
        return None
    index = ids.index(current)
    _, row, x = places[index]
    if key == "Home":
        return ids[0]
    if key == "End":
        return ids[-1]
    if key in ("ArrowLeft", "ArrowRight"):
        index += 1 if key == "ArrowRight" else -1
        return ids[index] if 0 <= index < len(ids) else None
    rows = sorted({p[1] for p in places})
    position = rows.index(row) + (1 if key == "ArrowDown" else -1)
    if not 0 <= position < len(rows):
        return None
    candidates = [p for p in places if p[1] == rows[position]]
    return min(candidates, key=lambda p: (abs(p[2] - x), p[2]))[0]
