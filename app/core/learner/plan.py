"""A learner's own trail ("My trail"): steps through the library toward a stated goal.

A ``Plan`` is an ordered list of steps, each in a group (a stage of the trail). A step
is a library topic (its stable topic id, linked to its page) or a *gap*: something the
goal needs that the library does not teach, always shown as "not in the library".
Every rule a plan keeps is checked here, whoever made it (``app.core.learner.plan_making``
from the library or from the model's reply, or the learner's edits):

- every topic step is a library topic, and no gap carries a library topic's id;
- no topic twice;
- every prerequisite of a topic (the library's ``requires``) that the learner does not
  already know comes earlier in the plan, so the plan is a DAG in reading order.

Stored in the ``roadmaps`` collection by plan id (synced as kind ``roadmap``).

>>> step = Step("python.loops", "Loops", "to repeat work", "Basics")
>>> step.gap
False
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from app.core.errors import LibraryError, TropaError
from app.core.library.catalog import Library, Roadmap, Section

MAX_STEPS = 60
MAX_TITLE = 90  # a gap's or a group's title
MAX_WHY = 160
MAX_GOAL = 200
MAX_HOURS = 80.0
# Study time of one step: reading at 200 words a minute, three times over with the
# examples tried, plus a quarter of an hour of practice; a gap is guessed at an hour.
WORDS_PER_MINUTE = 200
GAP_MINUTES = 60

Maker = Literal["model", "library"]
MAKERS: tuple[Maker, ...] = get_args(Maker)


class PlanRefused(TropaError):
    """An edit that would break a rule of the plan; the message says which and why."""


@dataclass(frozen=True)
class Step:
    """One step: ``topic`` is a library topic id, or "" for a gap (then ``title`` says
    what is missing); ``why`` is the one line that says what the step is for."""

    topic: str
    title: str
    why: str
    group: str

    @property
    def gap(self) -> bool:
        return not self.topic

    def to_record(self) -> dict[str, str]:
        return {"topic": self.topic, "title": self.title, "why": self.why, "group": self.group}


@dataclass(frozen=True)
class Plan:
    """A saved trail. ``made_by``: "model" (ordered and explained by the on-device
    model, then checked) or "library" (the prerequisite order alone); ``note`` says why
    the model was not used ("" when it was); ``known`` the topics the learner said they
    know, which the plan leaves out."""

    id: str
    goal: str
    lang: str
    hours_per_week: float
    steps: tuple[Step, ...]
    made_by: Maker
    created_ms: int
    known: tuple[str, ...] = ()
    interests: str = ""
    note: str = ""

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(step.topic for step in self.steps if not step.gap)

    @property
    def gaps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.gap)

    def groups(self) -> list[tuple[str, list[Step]]]:
        """Consecutive steps of one group together, in order."""
        out: list[tuple[str, list[Step]]] = []
        for step in self.steps:
            if out and out[-1][0] == step.group:
                out[-1][1].append(step)
            else:
                out.append((step.group, [step]))
        return out

    def to_record(self) -> dict[str, Any]:
        return {"id": self.id, "goal": self.goal, "lang": self.lang, "hours": self.hours_per_week,
                "steps": [s.to_record() for s in self.steps], "made_by": self.made_by,
                "created": self.created_ms, "known": list(self.known), "interests": self.interests,
                "note": self.note}

    @classmethod
    def from_record(cls, record: object) -> Plan:
        """Raise ValueError on a record that is not a plan."""
        if not isinstance(record, Mapping):
            raise ValueError(f"not a plan: {record!r:.60}")
        try:
            steps = tuple(Step(str(s["topic"]), str(s["title"]), str(s["why"]), str(s["group"]))
                          for s in record["steps"])
            made_by = record["made_by"]
            if made_by not in MAKERS:
                raise ValueError(f"unknown maker {made_by!r}")
            return cls(str(record["id"]), str(record["goal"]), str(record["lang"]),
                       float(record["hours"]), steps, made_by, int(record["created"]),
                       tuple(str(k) for k in record.get("known", ())), str(record.get("interests", "")),
                       str(record.get("note", "")))
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a plan ({error}): {dict(record)!r:.80}") from None


def clip(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters (cut at a word, with "…")."""
    line = " ".join(str(text).split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut + "…"


def requires_of(library: Library, topic_id: str, lang: str) -> tuple[str, ...]:
    try:
        return library.topic(topic_id, lang).requires
    except LibraryError:
        return ()


def problems(plan: Plan, library: Library, known: Collection[str] = ()) -> list[str]:
    """Every rule ``plan`` breaks, in words (empty when it keeps them all)."""
    found: list[str] = []
    seen: set[str] = set()
    skip = set(known) | set(plan.known)
    for index, step in enumerate(plan.steps, start=1):
        if step.gap:
            if (step.title, plan.lang) in library.topics or not step.title.strip():
                found.append(f"step {index}: a gap must have a title and may not be a topic id")
            continue
        if (step.topic, "en") not in library.topics and (step.topic, plan.lang) not in library.topics:
            found.append(f"step {index}: {step.topic!r} is not a library topic")
            continue
        if step.topic in seen:
            found.append(f"step {index}: {step.topic!r} is in the plan twice")
        for required in requires_of(library, step.topic, plan.lang):
            if required not in seen and required not in skip:
                found.append(f"step {index}: {step.topic!r} needs {required!r} earlier in the plan")
        seen.add(step.topic)
    if len(plan.steps) > MAX_STEPS:
        found.append(f"the plan has {len(plan.steps)} steps; at most {MAX_STEPS}")
    return found


def minutes(step: Step, library: Library, lang: str) -> int:
    """The study time guessed for one step."""
    if step.gap:
        return GAP_MINUTES
    try:
        words = library.topic(step.topic, lang).words
    except LibraryError:
        return GAP_MINUTES
    return round(3 * words / WORDS_PER_MINUTE) + 15


def weeks(plan: Plan, library: Library) -> list[int]:
    """The week (1, 2, ...) of each step, filling ``hours_per_week`` in order; a step
    longer than a week takes a week of its own."""
    budget = max(plan.hours_per_week, 0.5) * 60
    week, used, out = 1, 0.0, []
    for step in plan.steps:
        cost = minutes(step, library, plan.lang)
        if used and used + cost > budget:
            week, used = week + 1, 0.0
        out.append(week)
        used += cost
    return out


def as_roadmap(plan: Plan, library: Library) -> Roadmap:
    """The plan's library topics as a trail the graph view draws (one section per group)."""
    sections = tuple(Section(group, tuple(s.topic for s in steps if not s.gap))
                     for group, steps in plan.groups())
    return Roadmap(plan.id, plan.lang, plan.goal, "", "", tuple(s for s in sections if s.topics))


# -- the learner's edits --------------------------------------------------------------------

Title = Callable[[str], str]


def _needs(plan: Plan, library: Library, topic: str) -> set[str]:
    return set(requires_of(library, topic, plan.lang)) - set(plan.known)


def add(plan: Plan, topic_id: str, library: Library, title: Title, why: str = "") -> Plan:
    """``plan`` with library topic ``topic_id`` added at the end, after any of its
    prerequisites it lacks (which join it); raise PlanRefused when it is no library
    topic or is already in the plan."""
    if (topic_id, "en") not in library.topics and (topic_id, plan.lang) not in library.topics:
        raise PlanRefused(f"{topic_id!r} is not a topic of the library")
    if topic_id in plan.topic_ids:
        raise PlanRefused(f"“{title(topic_id)}” is in your trail already")
    have = set(plan.topic_ids) | set(plan.known)
    missing: list[str] = []

    def visit(topic: str) -> None:
        for required in requires_of(library, topic, plan.lang):
            if required not in have and required not in missing:
                visit(required)
                missing.append(required)

    visit(topic_id)
    group = plan.steps[-1].group if plan.steps else clip(title(topic_id), MAX_TITLE)
    added = [Step(t, "", "", group) for t in missing] + [Step(topic_id, "", clip(why, MAX_WHY), group)]
    if len(plan.steps) + len(added) > MAX_STEPS:
        raise PlanRefused(f"a trail holds at most {MAX_STEPS} steps")
    return replace(plan, steps=(*plan.steps, *added))


def remove(plan: Plan, index: int, library: Library, title: Title) -> Plan:
    """``plan`` without step ``index``; raise PlanRefused when a later step needs it."""
    step = _at(plan, index)
    if not step.gap:
        for later in plan.steps[index + 1:]:
            if not later.gap and step.topic in _needs(plan, library, later.topic):
                raise PlanRefused(f"“{title(later.topic)}” needs “{title(step.topic)}”: remove "
                                  f"“{title(later.topic)}” first, or mark “{title(step.topic)}” done")
    return replace(plan, steps=plan.steps[:index] + plan.steps[index + 1:])


def move(plan: Plan, index: int, delta: int, library: Library, title: Title) -> Plan:
    """``plan`` with step ``index`` one place up (``delta`` -1) or down (+1). At a
    group's edge the step crosses into the next group instead of swapping. Raise
    PlanRefused when the move would put a topic before one it needs."""
    if delta not in (-1, 1):
        raise PlanRefused(f"a step moves by -1 or +1, not {delta}")
    step = _at(plan, index)
    other_index = index + delta
    if not 0 <= other_index < len(plan.steps):
        raise PlanRefused(f"“{_name(step, title)}” is already the {'first' if delta < 0 else 'last'} step")
    other = plan.steps[other_index]
    steps = list(plan.steps)
    if other.group != step.group:
        steps[index] = replace(step, group=other.group)
        return replace(plan, steps=tuple(steps))
    first, second = (other, step) if delta < 0 else (step, other)
    # After the swap ``second`` comes before ``first``: refused if ``second`` needs ``first``.
    if not first.gap and not second.gap and first.topic in _needs(plan, library, second.topic):
        raise PlanRefused(f"“{title(second.topic)}” needs “{title(first.topic)}” first, so it "
                          f"cannot move before it")
    steps[index], steps[other_index] = other, step
    return replace(plan, steps=tuple(steps))


def _at(plan: Plan, index: int) -> Step:
    if not 0 <= index < len(plan.steps):
        raise PlanRefused(f"the trail has no step {index + 1}; it has {len(plan.steps)}")
    return plan.steps[index]


def _name(step: Step, title: Title) -> str:
    return step.title if step.gap else title(step.topic)


def known_topics(stated: Sequence[str], finished: Collection[str]) -> tuple[str, ...]:
    """What the learner knows: the topics they named, then those their progress finished."""
    out = list(dict.fromkeys(stated))
    out += [t for t in sorted(finished) if t not in out]
    return tuple(out)
