"""The compiled course library: roadmaps, their sections and topics, per language.

The content compiler (``builder.content``) writes ``library.json``; this module reads
it back into frozen dataclasses and answers the questions the views ask.

>>> lib = Library.from_dict(data)            # doctest: +SKIP
>>> lib.roadmap("python", "ru").title        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from app.core.errors import LibraryError
from app.core.i18n import DEFAULT_LANGUAGE
from contracts import library as format_


@dataclass(frozen=True)
class Resource:
    type: str
    title: str
    url: str


@dataclass(frozen=True)
class Topic:
    id: str
    lang: str
    roadmap: str
    title: str
    level: str
    html: str
    words: int
    requires: tuple[str, ...]
    resources: tuple[Resource, ...]
    source: str
    # On a premium trail: True. Its ``html`` is empty until the server gave a Pro learner
    # the text (``Library.with_premium``); ``locked`` says whether it still is.
    premium: bool = False

    @property
    def locked(self) -> bool:
        """A premium topic whose text this device does not hold."""
        return self.premium and not self.html


@dataclass(frozen=True)
class Section:
    title: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Roadmap:
    id: str
    lang: str
    title: str
    summary: str
    intro_html: str
    sections: tuple[Section, ...]
    premium: bool = False  # a Pro trail: its outline is public, its topics' text is not

    @property
    def topic_ids(self) -> tuple[str, ...]:
        """All topic ids in trail order."""
        return tuple(topic for section in self.sections for topic in section.topics)


def _field(obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind):
        raise LibraryError(f"{where}: field {key!r} must be {kind.__name__}, got {value!r:.60}")
    return value


def _roadmap(raw: Mapping[str, Any]) -> Roadmap:
    where = f"roadmap {raw.get('id')!r}"
    sections = tuple(
        Section(
            title=_field(section, "title", str, where),
            topics=tuple(_field(section, "topics", list, where)),
        )
        for section in _field(raw, "sections", list, where)
    )
    return Roadmap(
        id=_field(raw, "id", str, where),
        lang=_field(raw, "lang", str, where),
        title=_field(raw, "title", str, where),
        summary=_field(raw, "summary", str, where),
        intro_html=_field(raw, "intro_html", str, where),
        sections=sections,
        premium=raw.get("premium") is True,
    )


def _topic(raw: Mapping[str, Any]) -> Topic:
    where = f"topic {raw.get('id')!r}"
    resources = tuple(
        Resource(
            type=_field(item, "type", str, where),
            title=_field(item, "title", str, where),
            url=_field(item, "url", str, where),
        )
        for item in _field(raw, "resources", list, where)
    )
    return Topic(
        id=_field(raw, "id", str, where),
        lang=_field(raw, "lang", str, where),
        roadmap=_field(raw, "roadmap", str, where),
        title=_field(raw, "title", str, where),
        level=_field(raw, "level", str, where),
        html=_field(raw, "html", str, where),
        words=_field(raw, "words", int, where),
        requires=tuple(_field(raw, "requires", list, where)),
        resources=resources,
        source=_field(raw, "source", str, where),
        premium=raw.get("premium") is True,
    )


def _resources(raw: object, where: str) -> tuple[Resource, ...]:
    items = raw if isinstance(raw, list) else []
    return tuple(Resource(type=_field(item, "type", str, where), title=_field(item, "title", str, where),
                          url=_field(item, "url", str, where)) for item in items)


@dataclass(frozen=True)
class Library:
    """Every roadmap and topic, keyed by (id, language)."""

    roadmaps: Mapping[tuple[str, str], Roadmap]
    topics: Mapping[tuple[str, str], Topic]
    order: tuple[str, ...]
    # Where the passages and their vectors are, and which embedder made them.
    retrieval: Mapping[str, Any] = field(default_factory=dict)
    # Old topic id → the topic that took it over (contracts.library.check_renames).
    renames: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Library:
        """Read the structure ``builder.content`` writes (``contracts.library``); raise
        LibraryError if malformed."""
        try:
            format_.check_format(data)
            retrieval = format_.check_retrieval(data["retrieval"]) if "retrieval" in data else {}
        except format_.LibraryFormatError as error:
            raise LibraryError(str(error)) from None
        roadmaps = [_roadmap(raw) for raw in _field(data, "roadmaps", list, "library")]
        topics = [_topic(raw) for raw in _field(data, "topics", list, "library")]
        try:
            renames = format_.check_renames(data.get("renames", {}), {t.id for t in topics})
        except format_.LibraryFormatError as error:
            raise LibraryError(str(error)) from None
        order: list[str] = []
        for roadmap in roadmaps:
            if roadmap.id not in order:
                order.append(roadmap.id)
        return cls(
            roadmaps={(r.id, r.lang): r for r in roadmaps},
            topics={(t.id, t.lang): t for t in topics},
            order=tuple(order),
            retrieval=retrieval,
            renames=renames,
        )

    def premium_roadmaps(self) -> tuple[str, ...]:
        """Ids of the Pro trails, in library order."""
        return tuple(rid for rid in self.order if any(
            r.premium for (found, _), r in self.roadmaps.items() if found == rid))

    def with_premium(self, rows: Sequence[Mapping[str, Any]]) -> Library:
        """This library with the premium topics' text from ``rows`` (the server's answer,
        ``contracts.library.check_premium_topics``); rows of no premium topic here are
        ignored. Raises LibraryError for a malformed row."""
        try:
            format_.check_premium_topics(list(rows))
        except format_.LibraryFormatError as error:
            raise LibraryError(str(error)) from None
        topics = dict(self.topics)
        for row in rows:
            key = (str(row["id"]), str(row["lang"]))
            found = topics.get(key)
            if found is not None and found.premium:
                topics[key] = replace(found, html=str(row["html"]),
                                      resources=_resources(row["resources"], f"premium topic {key[0]!r}"))
        return replace(self, topics=topics)

    def without_premium(self) -> Library:
        """This library with every premium topic's text taken out again (locked)."""
        topics = {key: replace(t, html="", resources=()) if t.premium else t
                  for key, t in self.topics.items()}
        return replace(self, topics=topics)

    def migrate_topic_id(self, topic_id: str) -> str:
        """The id a topic has now: ``topic_id`` itself, or the topic it was renamed to,
        moved as or merged into. Use it on every topic id read back from the device.

        >>> lib.migrate_topic_id("python.defining-functions")   # doctest: +SKIP
        'python.functions'
        """
        return self.renames.get(topic_id, topic_id)

    @staticmethod
    def _any_language(items: Mapping[tuple[str, str], Any], item_id: str) -> Any:
        """The item in any language: a course pack may be written in Russian only."""
        return next((item for (found, _), item in sorted(items.items()) if found == item_id), None)

    def languages_of(self, roadmap_id: str) -> tuple[str, ...]:
        """Languages the roadmap is written in, English first."""
        langs = sorted(lang for (rid, lang) in self.roadmaps if rid == roadmap_id)
        return tuple(sorted(langs, key=lambda lang: lang != DEFAULT_LANGUAGE))

    def roadmap(self, roadmap_id: str, lang: str) -> Roadmap:
        """The roadmap in ``lang``, or in English when it has no such translation (or in
        its one language)."""
        found = self.roadmaps.get((roadmap_id, lang)) or self.roadmaps.get(
            (roadmap_id, DEFAULT_LANGUAGE)
        ) or self._any_language(self.roadmaps, roadmap_id)
        if found is None:
            known = ", ".join(self.order) or "none"
            raise LibraryError(f"no roadmap {roadmap_id!r}; known roadmaps: {known}")
        return found

    def all_roadmaps(self, lang: str) -> Sequence[Roadmap]:
        """Every roadmap once, each in ``lang`` where translated, in library order."""
        return [self.roadmap(roadmap_id, lang) for roadmap_id in self.order]

    def topic(self, topic_id: str, lang: str) -> Topic:
        """The topic in ``lang``, or in English when it has no such translation."""
        found = self.topics.get((topic_id, lang)) or self.topics.get(
            (topic_id, DEFAULT_LANGUAGE)
        ) or self._any_language(self.topics, topic_id)
        if found is None:
            raise LibraryError(f"no topic {topic_id!r}")
        return found

    def neighbours(self, topic: Topic) -> tuple[str | None, str | None]:
        """Ids of the topics before and after ``topic`` on its trail."""
        ids = self.roadmap(topic.roadmap, topic.lang).topic_ids
        if topic.id not in ids:
            return None, None
        index = ids.index(topic.id)
        before = ids[index - 1] if index > 0 else None
        after = ids[index + 1] if index + 1 < len(ids) else None
        return before, after
