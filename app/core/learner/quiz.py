"""Quiz questions built deterministically from a topic's own text.

Three kinds, each in the topic's language:

- ``cloze``: a sentence of the topic with a key term blanked; the other options are terms
  of the same trail that the topic never uses, so only the key fits the source.
- ``definition``: "which description matches <term>", from a sentence that defines the
  term ("A branch in Git is …", "Интерпретатор — программа …"); the other options are
  definitions of other terms of the trail.
- ``open``: "in your own words, what is <term>", graded against the defining sentence.

Every question carries the passage it comes from (shown with the feedback) and is
checked against it by ``app.core.learner.keys`` before it is shown.

>>> bank = TrailTerms.collect([("git.a", "en", ["`git add` stages a file."])])
>>> [q.kind for q in questions_for("git.a", "en", ["`git add` stages a file."], bank)]  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from app.core.learner import sentences as text

Kind = Literal["cloze", "definition", "open", "model-choice", "model-open"]
KINDS: tuple[Kind, ...] = get_args(Kind)
Origin = Literal["text", "model"]
BLANK = "_____"
OPTIONS = 4

# A sentence worth asking about: long enough to carry a fact, short enough to read.
MIN_WORDS, MAX_WORDS = 6, 40
MAX_TERM_WORDS = 4
MAX_DEFINITION_WORDS = 25

STEMS: dict[str, dict[str, str]] = {
    "en": {
        "cloze": "Fill in the blank: {sentence}",
        "definition": "Which description matches {term}?",
        "open": "In your own words: what is {term}?",
    },
    "ru": {
        "cloze": "Вставьте пропущенное: {sentence}",
        "definition": "Какое описание подходит к понятию «{term}»?",
        "open": "Своими словами: что такое «{term}»?",
    },
}

# Subjects that start a sentence but name no concept ("A common mistake is …").
GENERIC = {
    "en": text.wordset("mistake mistakes misunderstanding confusion surprise problem problems error ",
                    "errors line lines first second third one way ways thing things result reason ",
                    "rule rules idea point part step steps example examples option options difference ",
                    "usual classic common frequent typical main other another this that it each ",
                    "entries output answer question payoff trap handy useful good best simple easy safe",
                    "quick ",
                    "if when whenever sometimes after before once while since because although though ",
                    "even unlike like instead without with for so"),
    "ru": text.wordset("ошибка ошибки ошибок проблема проблемы путаница способ способы вопрос вопросы ",
                    "пример примеры первый первая первое второй вторая третий третья третье шаг ",
                    "правило правила частая частый типичная типичный главная главный другой другая ",
                    "это этот эта такой такая результат причина разница вариант если когда ",
                    "иногда после перед пока хотя вместо ловушка приём следствие последняя последний",
                    "итог ",
                    "ещё еще"),
}

_EN_IS = re.compile(
    r"^(?:An? |The )?(?P<term>`[^`]+`|[A-Za-z][\w'+#.-]*(?: [A-Za-z`][\w'+#.`-]*){0,3}) "
    r"(?:is|are) (?P<definition>.+)$")
_EN_CALLED = re.compile(
    r"^(?P<definition>.+?) (?:is|are) (?:called|known as) (?:the |an? )?(?P<term>[^,;]+?)$")
_RU_DASH = re.compile(
    r"^(?P<term>`[^`]+`|[А-ЯЁA-Z][^\s,—:]*(?: [^\s,—:]+){0,3}) — (?:это )?(?P<definition>.+)$")
# An English definition is a noun phrase: "a …", "the …", "any …", "Git's …".
_NOUN_PHRASE = re.compile(r"^(?:an?|the|any|one)\s|^[\w`'-]+'s\s", re.I)
_BAD_DEFINITION = re.compile(r"^(?:also |still |not |that |why |because |where |how |what |to |just |"
                             r"usually |often |одна из |не |в том, что |то, что )", re.I)


@dataclass(frozen=True)
class Question:
    """One quiz question, JSON-able (``to_record``) so a card keeps it.

    ``options`` is empty for an open question, whose ``answer`` is the reference text and
    ``terms`` the key terms a good answer names. ``key`` indexes the right option.
    ``source`` is the passage the question is built from; ``sentence`` the one that
    supports the key.
    """

    id: str
    topic: str
    lang: str
    kind: Kind
    stem: str
    options: tuple[str, ...]
    key: int
    answer: str
    source: str
    sentence: str
    terms: tuple[str, ...] = ()
    origin: Origin = "text"

    @property
    def is_choice(self) -> bool:
        return bool(self.options)

    def to_record(self) -> dict[str, Any]:
        return {"id": self.id, "topic": self.topic, "lang": self.lang, "kind": self.kind,
                "stem": self.stem, "options": list(self.options), "key": self.key,
                "answer": self.answer, "source": self.source, "sentence": self.sentence,
                "terms": list(self.terms), "origin": self.origin}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Question:
        """Raise ValueError on a record that is not a question."""
        try:
            question = cls(
                id=str(record["id"]), topic=str(record["topic"]), lang=str(record["lang"]),
                kind=record["kind"], stem=str(record["stem"]),
                options=tuple(str(o) for o in record["options"]), key=int(record["key"]),
                answer=str(record["answer"]), source=str(record["source"]),
                sentence=str(record["sentence"]), terms=tuple(str(t) for t in record.get("terms", ())),
                origin=record.get("origin", "text"))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a quiz question: {error}") from None
        if question.kind not in KINDS or question.origin not in ("text", "model"):
            raise ValueError(f"not a quiz question: kind {question.kind!r}, origin {question.origin!r}")
        if question.options and not 0 <= question.key < len(question.options):
            raise ValueError(f"question {question.id}: key {question.key} is not one of its options")
        return question


def question_id(topic: str, lang: str, kind: str, stem: str, answer: str) -> str:
    """A stable id: the same question built again gets the same id (and the same card)."""
    digest = hashlib.sha256(f"{topic}\n{lang}\n{kind}\n{stem}\n{answer}".encode()).hexdigest()
    return f"{topic}:{digest[:12]}"


def _seeded(seed: str, items: Iterable[str]) -> list[str]:
    """``items`` in an order fixed by ``seed`` (deterministic, varied between questions)."""
    return sorted(items, key=lambda item: hashlib.sha256(f"{seed}|{item}".encode()).digest())


@dataclass(frozen=True)
class Definition:
    term: str  # as written, with backticks when it is code
    definition: str  # the defining words, without the term
    sentence: str
    passage: str


def _term_ok(term: str, lang: str) -> bool:
    words = text.words(term)
    if not words or len(words) > MAX_TERM_WORDS or len(text.plain(term)) < 2:
        return False
    if term.startswith("`"):
        return True
    stop = text.STOPWORDS.get(lang, text.STOPWORDS["en"])
    generic = {word.replace("ё", "е") for word in GENERIC.get(lang, GENERIC["en"])}
    return words[0] not in stop and not set(words) & generic


def _clean_definition(definition: str) -> str:
    return definition.strip().rstrip(".!?;:").strip()


def find_definition(sentence: str, passage: str, lang: str) -> Definition | None:
    """The term ``sentence`` defines and its definition, or None when it defines nothing."""
    clause = sentence.split("; ")[0].strip()
    # Russian "X называется Y" puts the term in another case ("называют докстрингом"),
    # which reads badly as a question: only "X — Y" is used.
    patterns = (_RU_DASH,) if lang == "ru" else (_EN_IS, _EN_CALLED)
    for pattern in patterns:
        match = pattern.match(clause)
        if not match:
            continue
        term = match.group("term").strip()
        definition = _clean_definition(match.group("definition"))
        if not _term_ok(term, lang) or _BAD_DEFINITION.match(definition):
            continue
        if pattern is _EN_IS and not _NOUN_PHRASE.match(definition):
            continue
        size = len(text.words(definition))
        if not 3 <= size <= MAX_DEFINITION_WORDS or text.contains(definition, text.plain(term)):
            continue
        return Definition(term, definition, sentence, passage)
    return None


def _usable(sentence: str) -> bool:
    return MIN_WORDS <= len(text.words(sentence)) <= MAX_WORDS and not sentence.endswith(":")


@dataclass
class TrailTerms:
    """The terms of each trail in each language: the pool distractors are drawn from."""

    # (roadmap, lang) → code terms (without backticks) and definitions.
    code: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    definitions: dict[tuple[str, str], list[Definition]] = field(default_factory=dict)

    @classmethod
    def collect(cls, topics: Iterable[tuple[str, str, Sequence[str]]]) -> TrailTerms:
        """From (topic id, lang, passages) of every topic; the trail is the id's prefix."""
        bank = cls()
        for topic_id, lang, texts in topics:
            trail = (topic_id.split(".")[0], lang)
            codes = bank.code.setdefault(trail, [])
            defs = bank.definitions.setdefault(trail, [])
            for passage in texts:
                for sentence in text.sentences(passage):
                    codes.extend(span for span in text.code_spans(sentence) if span not in codes)
                    found = find_definition(sentence, passage, lang)
                    if found is not None:
                        defs.append(found)
        return bank


def _shape(term: str) -> tuple[str, bool, bool, bool]:
    """What a term looks like: first word, a call, a flag, upper case (SQL keywords)."""
    first = term.split()[0] if term.split() else ""
    return (first if len(term.split()) > 1 else "", "(" in term, term.startswith("-"),
            term.isupper())


def pick_distractors(key: str, pool: Iterable[str], topic_text: str, seed: str,
                     count: int = OPTIONS - 1) -> list[str]:
    """Up to ``count`` terms of ``pool`` unlike the key yet of its shape, none of which the
    topic's text uses (so the source cannot support them)."""
    key_shape, key_folded = _shape(key), text.fold(key)
    candidates = [term for term in dict.fromkeys(pool)
                  if text.fold(term) != key_folded and not text.contains(topic_text, term)
                  and re.search(r"[^\W\d_]", term) and len(term) <= 2 * len(key) + 10]

    def likeness(term: str) -> int:
        shape = _shape(term)
        return sum(a == b and bool(a) for a, b in zip(shape, key_shape, strict=True)) * 2 + (
            abs(len(term) - len(key)) <= max(4, len(key) // 2))

    ordered = _seeded(seed, candidates)
    ordered.sort(key=likeness, reverse=True)
    return ordered[:count]


def _choice(topic: str, lang: str, kind: Kind, stem: str, key_text: str, distractors: Sequence[str],
            passage: str, sentence: str) -> Question | None:
    if len(distractors) < OPTIONS - 1:
        return None
    qid = question_id(topic, lang, kind, stem, key_text)
    options = tuple(_seeded(qid, [key_text, *distractors]))
    return Question(qid, topic, lang, kind, stem, options, options.index(key_text), key_text,
                    passage, sentence)


def cloze(topic: str, lang: str, sentence: str, passage: str, key: str, pool: Iterable[str],
          topic_text: str) -> Question | None:
    """Blank every occurrence of ``key`` (as written, with or without backticks) in
    ``sentence``; None when the trail has too few distractors."""
    pattern = re.compile(r"`?" + re.escape(text.plain(key)) + r"`?", re.I if not key.startswith("`") else 0)
    blanked, count = pattern.subn(BLANK, sentence) if not key.startswith("`") else (
        sentence.replace(key, BLANK), sentence.count(key))
    if count == 0 or len(text.words(blanked.replace(BLANK, ""))) < MIN_WORDS - 1:
        return None
    stem = STEMS.get(lang, STEMS["en"])["cloze"].format(sentence=blanked)
    shown_key = text.plain(key)
    distractors = pick_distractors(shown_key, pool, topic_text, stem)
    return _choice(topic, lang, "cloze", stem, shown_key, distractors, passage, sentence)


def definition_choice(topic: str, lang: str, found: Definition, others: Sequence[Definition],
                      topic_text: str) -> Question | None:
    """"Which description matches <term>?" with other terms' definitions as distractors."""
    term = text.plain(found.term)
    stem = STEMS.get(lang, STEMS["en"])["definition"].format(term=term)
    pool = [other.definition for other in others
            if text.fold(other.term) != text.fold(found.term)
            and text.recall(other.definition, found.definition, lang) < 0.5
            and not text.contains(other.definition, term)
            and not any(text.fold(other.definition) in text.fold(s) for s in text.sentences(topic_text))]
    distractors = _seeded(stem, dict.fromkeys(pool))[:OPTIONS - 1]
    return _choice(topic, lang, "definition", stem, found.definition, distractors, found.passage,
                   found.sentence)


def open_question(topic: str, lang: str, found: Definition) -> Question:
    """"In your own words: what is <term>?", graded against the defining sentence."""
    term = text.plain(found.term)
    stem = STEMS.get(lang, STEMS["en"])["open"].format(term=term)
    qid = question_id(topic, lang, "open", stem, found.definition)
    return Question(qid, topic, lang, "open", stem, (), -1, found.definition, found.passage,
                    found.sentence, key_terms(found.definition, lang))


def key_terms(reference: str, lang: str, limit: int = 4) -> tuple[str, ...]:
    """The words a good answer should name: code spans first, then the longest content words."""
    codes = text.code_spans(reference)
    stop = text.STOPWORDS.get(lang, text.STOPWORDS["en"])
    content = [w for w in dict.fromkeys(text.words(text.plain(reference)))
               if w not in stop and len(w) >= 4 and not any(w in text.words(c) for c in codes)]
    content.sort(key=len, reverse=True)
    return tuple([*codes, *content][:limit])


def questions_for(topic: str, lang: str, topic_passages: Sequence[str], bank: TrailTerms) -> list[Question]:
    """Every deterministic question the topic's text gives, in text order (unchecked:
    ``app.core.learner.keys.check`` decides which may be shown)."""
    trail = (topic.split(".")[0], lang)
    topic_text = "\n".join(topic_passages)
    pool_code = bank.code.get(trail, [])
    trail_defs = bank.definitions.get(trail, [])
    defined_terms = [text.plain(d.term) for d in trail_defs]
    found: list[Question] = []
    seen: set[str] = set()

    def add(question: Question | None) -> None:
        if question is not None and question.id not in seen:
            seen.add(question.id)
            found.append(question)

    for passage in topic_passages:
        for sentence in text.sentences(passage):
            definition = find_definition(sentence, passage, lang)
            if definition is not None:
                add(definition_choice(topic, lang, definition, trail_defs, topic_text))
                add(open_question(topic, lang, definition))
                if not definition.term.startswith("`"):
                    add(cloze(topic, lang, sentence, passage, definition.term, defined_terms, topic_text))
            if not _usable(sentence):
                continue
            spans = [s for s in dict.fromkeys(text.code_spans(sentence)) if len(s) >= 2]
            if spans:
                key = max(spans, key=len)
                add(cloze(topic, lang, sentence, passage, f"`{key}`", pool_code, topic_text))
    return found


def with_key(question: Question, key: int) -> Question:
    """The question with another option keyed (after a check found the given key wrong)."""
    return replace(question, key=key, answer=question.options[key])
