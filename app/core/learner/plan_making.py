"""Making a plan (``app.core.learner.plan``): from the library alone, or from the model's
reply, checked and repaired.

**From the library** (``from_library``): the prerequisite closure of the chosen topics
(less what the learner knows), in topological order, ties kept in the library's own
order, grouped by trail section. It needs no model, so a plan always comes out.

**From the model** (``messages`` then ``from_reply``): the model sees the goal and the
chosen topics as ``id: title`` lines and answers compact JSON::

    {"groups": [{"title": "Basics", "steps": [{"id": "python.loops", "why": "..."},
                                               {"gap": "pandas", "why": "..."}]}]}

A step is a library topic (``id``) or a gap the library does not cover (``gap``);
``after`` may list ids a step should follow. The reply is repaired, each repair named
in ``Repairs``: prose or code fences around the JSON, truncated JSON (cut back to the
last whole step), unknown ids (dropped: nothing becomes a topic that is not one), a
gap named like a library topic (made that topic), duplicates, known topics, missing
prerequisites and chosen topics left out (added), an order that breaks a prerequisite
(re-sorted, the library's edges first) and ``after`` edges closing a cycle (dropped).
A reply with no usable step gives None: the caller asks once more, then uses
``from_library``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import LibraryError
from app.core.learner.plan import MAX_STEPS, MAX_TITLE, MAX_WHY, Plan, Step, clip, requires_of
from app.core.library.catalog import Library

MAX_GAPS = 5
MAX_NEW_TOKENS = 420
# Chosen topics sent to the model: enough for a trail, few enough for a short prompt.
MAX_SENT = 18


@dataclass
class Repairs:
    """What had to be fixed in a reply, one entry per repair; ``strict`` is True when
    the reply was JSON and nothing else."""

    strict: bool = True
    done: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if what not in self.done:
            self.done.append(what)

    @property
    def valid(self) -> bool:
        """The raw reply was usable as it came: strict JSON and no repair."""
        return self.strict and not self.done


def _order_key(library: Library, lang: str) -> dict[str, int]:
    """Each topic's place in the library's own reading order (trail by trail)."""
    ids = [t for roadmap in library.all_roadmaps(lang) for t in roadmap.topic_ids]
    return {t: i for i, t in enumerate(ids)}


def _section_of(library: Library, lang: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for roadmap in library.all_roadmaps(lang):
        for section in roadmap.sections:
            for topic in section.topics:
                found.setdefault(topic, f"{roadmap.title} · {section.title}")
    return found


def closure(chosen: Sequence[str], library: Library, lang: str, known: Sequence[str] = ()) -> list[str]:
    """``chosen`` and every prerequisite they lead back to, less ``known``, each once."""
    skip = set(known)
    out: list[str] = []

    def visit(topic: str, path: tuple[str, ...]) -> None:
        if topic in out or topic in skip or topic in path:
            return
        for required in requires_of(library, topic, lang):
            visit(required, (*path, topic))
        out.append(topic)

    for topic in chosen:
        if _is_topic(library, topic, lang):
            visit(topic, ())
    return out


def topological(topics: Sequence[str], edges: Mapping[str, Sequence[str]],
                rank: Mapping[str, int]) -> list[str]:
    """``topics`` with every ``edges[t]`` (those present) before ``t``; among topics
    free to go, the lowest ``rank`` first (Kahn's algorithm). Edges closing a cycle
    are ignored: the topics on it keep ``rank`` order."""
    present = set(topics)
    waiting = {t: {p for p in edges.get(t, ()) if p in present and p != t} for t in topics}
    out: list[str] = []
    done: set[str] = set()
    while len(out) < len(topics):
        free = [t for t in topics if t not in done and waiting[t] <= done]
        if not free:  # a cycle: release the first topic by rank
            free = [min((t for t in topics if t not in done), key=lambda t: rank.get(t, 0))]
        pick = min(free, key=lambda t: rank.get(t, 0))
        out.append(pick)
        done.add(pick)
    return out


def from_library(plan_id: str, goal: str, chosen: Sequence[str], library: Library, lang: str,
                 hours_per_week: float, created_ms: int, known: Sequence[str] = (),
                 interests: str = "", note: str = "") -> Plan:
    """The deterministic plan: closure of ``chosen``, ordered, grouped by section."""
    rank = _order_key(library, lang)
    topics = closure(chosen, library, lang, known)[:MAX_STEPS]
    edges = {t: requires_of(library, t, lang) for t in topics}
    ordered = topological(topics, edges, rank)
    sections = _section_of(library, lang)
    steps = tuple(Step(t, "", "", sections.get(t, "")) for t in ordered)
    return Plan(plan_id, clip(goal, 200), lang, hours_per_week, steps, "library", created_ms,
                tuple(known), interests, note)


# -- the model's part -----------------------------------------------------------------------

SYSTEM = {
    "en": ("You plan study trails. Answer with JSON only, no prose: "
           '{"groups":[{"title":"...","steps":[{"id":"<topic id>","why":"<one line>"},'
           '{"gap":"<skill not listed>","why":"..."}]}]}. Use only the listed ids, each once, '
           "prerequisites first; 2-4 groups; at most 3 gaps; each why under 12 words."),
    "ru": ("Ты составляешь учебные маршруты. Ответь только JSON, без текста: "
           '{"groups":[{"title":"...","steps":[{"id":"<id темы>","why":"<одна строка>"},'
           '{"gap":"<навык не из списка>","why":"..."}]}]}. Только id из списка, каждый один раз, '
           "сначала основы; 2-4 группы; не больше 3 пробелов; why короче 12 слов, по-русски."),
}
ASK = {
    "en": "Goal: {goal}\nInterests: {interests}\nTime: {hours} h a week\nKnown: {known}\n"
          "Topics:\n{topics}\nCopy ids exactly, e.g. {{\"id\":\"{first}\",\"why\":\"...\"}}.",
    "ru": "Цель: {goal}\nИнтересы: {interests}\nВремя: {hours} ч в неделю\nУже знаю: {known}\n"
          "Темы:\n{topics}\nКопируй id точно, например {{\"id\":\"{first}\",\"why\":\"...\"}}.",
}


def messages(goal: str, interests: str, hours: float, topics: Sequence[str], library: Library,
             lang: str, known: Sequence[str] = ()) -> list[dict[str, str]]:
    """The chat for the model: the rules, then the goal and ``topics`` as ``id: title``."""
    words = "en" if lang not in SYSTEM else lang

    def title(topic: str) -> str:
        try:
            return library.topic(topic, lang).title
        except LibraryError:
            return topic

    lines = "\n".join(f"{t}: {title(t)}" for t in topics[:MAX_SENT])
    known_titles = ", ".join(title(t) for t in known[:8]) or "-"
    user = ASK[words].format(goal=clip(goal, 200), interests=clip(interests, 120) or "-",
                             hours=f"{hours:g}", known=known_titles, topics=lines,
                             first=topics[0] if topics else "")
    return [{"role": "system", "content": SYSTEM[words]}, {"role": "user", "content": user}]


_FENCE = re.compile(r"```(?:json)?", re.IGNORECASE)


def _truncated(text: str) -> Any:
    """The JSON value of ``text`` cut short: everything up to the last complete object
    or array, with the brackets still open closed; None when nothing is whole."""
    stack: list[str] = []
    cuts: list[tuple[int, tuple[str, ...]]] = []
    in_string = escape = False
    for i, char in enumerate(text):
        if in_string:
            if escape:
                escape = False
            elif char == "\\":
                escape = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if not stack or stack[-1] != char:
                break
            stack.pop()
            cuts.append((i + 1, tuple(stack)))
            if not stack:
                break
    for end, still_open in reversed(cuts):
        try:
            return json.loads(text[:end] + "".join(reversed(still_open)))
        except ValueError:
            continue
    return None


def parse(text: str, repairs: Repairs) -> Any:
    """The JSON object in the model's ``text``, repaired where it can be; None if none."""
    stripped = text.strip()
    try:
        value = json.loads(stripped)
        if isinstance(value, dict):
            return value
    except ValueError:
        pass
    repairs.strict = False
    body = _FENCE.sub("", stripped)
    start = body.find("{")
    if start < 0:
        repairs.note("no JSON in the reply")
        return None
    if start > 0 and body[:start].strip():
        repairs.note("prose around the JSON")
    try:
        value, end = json.JSONDecoder().raw_decode(body[start:])
        if body[start + end:].strip():
            repairs.note("prose around the JSON")
        return value if isinstance(value, dict) else None
    except ValueError:
        value = _truncated(body[start:])
        repairs.note("truncated or broken JSON cut to its last whole part")
        return value if isinstance(value, dict) else None


def _is_topic(library: Library, topic: str, lang: str) -> bool:
    return (topic, lang) in library.topics or (topic, "en") in library.topics


def _raw_steps(value: Mapping[str, Any], repairs: Repairs) -> list[tuple[str, Mapping[str, Any]]]:
    """(group title, step object) of every step of the reply, in order."""
    groups = value.get("groups")
    if not isinstance(groups, list):
        steps = value.get("steps")
        if isinstance(steps, list):
            repairs.note("steps without groups")
            groups = [{"title": "", "steps": steps}]
        else:
            return []
    out: list[tuple[str, Mapping[str, Any]]] = []
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, Mapping) or not isinstance(group.get("steps"), list):
            repairs.note("a group that is not an object with steps")
            continue
        title = clip(str(group.get("title") or ""), MAX_TITLE) or f"{number}"
        for step in group["steps"]:
            if isinstance(step, Mapping):
                out.append((title, step))
            elif isinstance(step, str):
                out.append((title, {"id": step}))
                repairs.note("a step given as a bare id")
            else:
                repairs.note("a step that is not an object")
    return out


def from_reply(text: str, plan_id: str, goal: str, chosen: Sequence[str], library: Library, lang: str,
               hours_per_week: float, created_ms: int, known: Sequence[str] = (),
               interests: str = "") -> tuple[Plan | None, Repairs]:
    """The plan the model's reply ``text`` describes, repaired to keep every rule of
    ``app.core.learner.plan``; (None, repairs) when it holds no usable step."""
    repairs = Repairs()
    value = parse(text, repairs)
    if value is None:
        return None, repairs
    raw = _raw_steps(value, repairs)
    titles = {library.topic(t, lang).title.casefold(): t for t in _all_ids(library, lang)}
    skip = set(known)
    steps: list[Step] = []
    after: dict[str, list[str]] = {}
    seen: set[str] = set()
    gaps = 0
    for group, item in raw:
        why = clip(str(item.get("why") or ""), MAX_WHY)
        topic = str(item.get("id") or "").strip()
        gap = clip(str(item.get("gap") or ""), MAX_TITLE)
        if not topic and gap and (gap.casefold() in titles or _is_topic(library, gap, lang)):
            topic = titles.get(gap.casefold(), gap)
            repairs.note("a gap that is a library topic made that topic")
        elif not topic and gap and not _NAMED.search(gap):
            repairs.note("a gap with no name dropped")
            continue
        if topic and not _is_topic(library, topic, lang):
            fixed = _spelled(topic, library, lang)
            if fixed:
                repairs.note("a topic id misspelt ('-' for '.') corrected")
                topic = fixed
        if topic:
            if not _is_topic(library, topic, lang):
                repairs.note(f"unknown topic {clip(topic, 40)!r} dropped")
                continue
            if topic in seen:
                repairs.note("duplicate topic dropped")
                continue
            if topic in skip:
                repairs.note("a topic the learner knows dropped")
                continue
            seen.add(topic)
            links = item.get("after")
            after[topic] = [str(a) for a in links] if isinstance(links, list) else []
            steps.append(Step(topic, "", why, group))
        elif gap and gaps < MAX_GAPS:
            gaps += 1
            steps.append(Step("", gap, why, group))
        else:
            repairs.note("an empty step or a gap too many dropped")
    if not any(not s.gap for s in steps):
        repairs.note("no library topic in the reply")
        return None, repairs
    steps = _complete(steps, chosen, library, lang, skip, repairs)
    steps = _ordered(steps, after, library, lang, repairs)
    plan = Plan(plan_id, clip(goal, 200), lang, hours_per_week, tuple(steps[:MAX_STEPS]), "model",
                created_ms, tuple(known), interests)
    return plan, repairs


# A gap's title must name something: letters, not a bare number or punctuation.
_NAMED = re.compile(r"[^\W\d_]{2}")


def _spelled(topic: str, library: Library, lang: str) -> str:
    """The library id ``topic`` stands for when the model wrote ``git-merging`` for
    ``git.merging`` (a roadmap id, then '-' for the dot); "" when none."""
    for roadmap in library.order:
        if topic.startswith(roadmap + "-"):
            candidate = roadmap + "." + topic[len(roadmap) + 1:]
            if _is_topic(library, candidate, lang):
                return candidate
    return ""


def _all_ids(library: Library, lang: str) -> list[str]:
    return [t for roadmap in library.all_roadmaps(lang) for t in roadmap.topic_ids]


def _complete(steps: list[Step], chosen: Sequence[str], library: Library, lang: str, skip: set[str],
              repairs: Repairs) -> list[Step]:
    """``steps`` with the missing prerequisites (before their topic) and the chosen
    topics the model left out (at the end) added."""
    present = {s.topic for s in steps if not s.gap}
    wanted = closure([*(s.topic for s in steps if not s.gap), *chosen], library, lang, sorted(skip))
    missing = [t for t in wanted if t not in present]
    if not missing:
        return steps
    if any(t not in chosen for t in missing):
        repairs.note("missing prerequisite added")
    if any(t in chosen for t in missing):
        repairs.note("chosen topic left out added")
    sections = _section_of(library, lang)
    last = steps[-1].group
    return [*steps, *(Step(t, "", "", last if t in chosen else sections.get(t, last)) for t in missing)]


def _ordered(steps: list[Step], after: Mapping[str, Sequence[str]], library: Library, lang: str,
             repairs: Repairs) -> list[Step]:
    """``steps`` in an order that keeps every prerequisite first, as close to the
    model's as that allows; a gap stays right after the topic before it."""
    topics = [s.topic for s in steps if not s.gap]
    library_edges = {t: list(requires_of(library, t, lang)) for t in topics}
    edges = {t: list(library_edges[t]) for t in topics}
    for topic, extra in after.items():
        for before in extra:
            if before in library_edges and before != topic and not _reaches(edges, before, topic):
                edges[topic].append(before)
            elif before in library_edges and before != topic:
                repairs.note("an 'after' that closes a cycle dropped")
    rank = {t: i for i, t in enumerate(topics)}
    order = topological(topics, edges, rank)
    if order != topics:
        repairs.note("order fixed so that prerequisites come first")
    by_topic = {s.topic: s for s in steps if not s.gap}
    # Each gap follows the topic it came after in the reply (or leads, if first).
    trailing: dict[str, list[Step]] = {}
    leading: list[Step] = []
    previous = ""
    for step in steps:
        if step.gap:
            (trailing.setdefault(previous, []) if previous else leading).append(step)
        else:
            previous = step.topic
    out = list(leading)
    for topic in order:
        out.append(by_topic[topic])
        out += trailing.get(topic, [])
    return _regrouped(out)


def _reaches(edges: Mapping[str, Sequence[str]], start: str, goal: str) -> bool:
    """Whether ``goal`` is among ``start``'s prerequisites, however far back."""
    stack, seen = [start], set()
    while stack:
        topic = stack.pop()
        if topic == goal:
            return True
        if topic not in seen:
            seen.add(topic)
            stack.extend(edges.get(topic, ()))
    return False


def _regrouped(steps: list[Step]) -> list[Step]:
    """A group split apart by re-sorting keeps one run: a step whose group was already
    left joins the group of the step before it."""
    out: list[Step] = []
    closed: set[str] = set()
    for step in steps:
        if out and step.group != out[-1].group:
            if step.group in closed:
                step = Step(step.topic, step.title, step.why, out[-1].group)
            else:
                closed.add(out[-1].group)
        out.append(step)
    return out
