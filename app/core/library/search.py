"""Searching the library by words: a small BM25 index over every topic in every language.

Built in the browser from the compiled library (titles and the text of each topic's
HTML), in pure Python; about a hundred topics index in a few milliseconds. Words are
lower-cased, ``ё`` read as ``е``, and cut to a rough stem (English and Russian endings),
so "functions" finds "function" and "функции" finds "функция"; a query word of three
letters or more also matches the longer words it begins. Topics holding every query
word come first, then by score; a title counts three times its text.

>>> index = Index.build(library)                          # doctest: +SKIP
>>> index.search("list comprehension", "en")[0].topic     # doctest: +SKIP
'python.comprehensions'
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html import unescape

from app.core.library.catalog import Library

_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")
_RU_ENDINGS = sorted(
    ["ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ость", "ости", "ой", "ей", "ий",
     "ый", "ая", "яя", "ое", "ее", "ые", "ие", "ую", "юю", "ам", "ям", "ах", "ях", "ом", "ем",
     "ов", "ев", "ию", "ия", "ии", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь"],
    key=len, reverse=True)
_EN_ENDINGS = ("ies", "ing", "ed", "es", "s")
TITLE_WEIGHT = 3
PREFIX_WEIGHT = 0.5
MIN_PREFIX = 3
K1, B = 1.2, 0.75
SNIPPET_CHARS = 180


def stem(word: str) -> str:
    """A rough stem: lower case, ``ё`` as ``е``, a common ending cut when enough is left."""
    word = word.lower().replace("ё", "е")
    if re.search("[а-я]", word):
        for ending in _RU_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                word = word[: -len(ending)]
                break
        # A stem's own soft end: "функци|ями" and "функц|ия", "учител|ями" and "учител|ь".
        return word[:-1] if word[-1:] in ("и", "ь") and len(word) > 3 else word
    for ending in _EN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3 and not word.endswith("ss"):
            return word[: -len(ending)] + ("y" if ending == "ies" else "")
    return word


def words(text: str) -> list[str]:
    """The stems of ``text``'s words (one-letter words left out)."""
    return [stem(w) for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]


def plain(html: str) -> str:
    """The text of compiled topic HTML, tags dropped, entities decoded, spaces folded."""
    return " ".join(unescape(_TAG.sub(" ", html)).split())


@dataclass(frozen=True)
class Document:
    topic: str
    lang: str
    roadmap: str
    title: str
    text: str  # plain text of the body
    counts: dict[str, float] = field(hash=False, compare=False)  # weighted term counts
    length: float = 0.0


@dataclass(frozen=True)
class Result:
    topic: str
    lang: str  # of the document that matched
    roadmap: str
    title: str
    score: float
    matched: int  # how many of the query's words it holds
    snippet: tuple[tuple[str, bool], ...]  # text pieces, True where a query word is
    by_meaning: bool = False  # found by the semantic index alone


class Index:
    """BM25 over (topic, language) documents, weighted title + text."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = list(documents)
        self.frequency: dict[str, int] = {}
        for doc in self.documents:
            for term in doc.counts:
                self.frequency[term] = self.frequency.get(term, 0) + 1
        self.vocabulary = sorted(self.frequency)
        self.average = sum(d.length for d in self.documents) / len(self.documents) if self.documents else 1.0

    @classmethod
    def build(cls, library: Library) -> Index:
        docs = []
        for topic in library.topics.values():
            text = plain(topic.html)
            counts: dict[str, float] = {}
            for term in words(topic.title):
                counts[term] = counts.get(term, 0) + TITLE_WEIGHT
            for term in words(text):
                counts[term] = counts.get(term, 0) + 1
            docs.append(Document(topic.id, topic.lang, topic.roadmap, topic.title, text, counts,
                                 sum(counts.values())))
        docs.sort(key=lambda d: (d.topic, d.lang))
        return cls(docs)

    def expand(self, term: str) -> list[tuple[str, float]]:
        """Index terms a query term stands for: itself, and those it begins (weighted less)."""
        found = [(term, 1.0)] if term in self.frequency else []
        if len(term) >= MIN_PREFIX:
            start = bisect.bisect_right(self.vocabulary, term)
            for other in self.vocabulary[start:]:
                if not other.startswith(term):
                    break
                found.append((other, PREFIX_WEIGHT))
        return found

    def _idf(self, term: str) -> float:
        n = self.frequency.get(term, 0)
        return math.log(1 + (len(self.documents) - n + 0.5) / (n + 0.5))

    def search(self, query: str, lang: str, limit: int = 20) -> list[Result]:
        """Topics matching ``query``, best first, one result per topic (its best
        language; on a tie the learner's ``lang``)."""
        terms = list(dict.fromkeys(words(query)))
        if not terms:
            return []
        expanded = {term: self.expand(term) for term in terms}
        best: dict[str, tuple[tuple[int, float, bool], Document]] = {}
        for doc in self.documents:
            score, matched = 0.0, 0
            norm = K1 * (1 - B + B * doc.length / self.average)
            for term in terms:
                part = 0.0
                for other, weight in expanded[term]:
                    tf = doc.counts.get(other, 0.0)
                    if tf:
                        part = max(part, weight * self._idf(other) * tf * (K1 + 1) / (tf + norm))
                if part:
                    matched += 1
                    score += part
            if not matched:
                continue
            key = (matched, score, doc.lang == lang)
            if doc.topic not in best or key > best[doc.topic][0]:
                best[doc.topic] = (key, doc)
        ranked = sorted(best.values(), key=lambda item: (-item[0][0], -item[0][1], item[1].topic))
        return [Result(doc.topic, doc.lang, doc.roadmap, doc.title, round(key[1], 6), key[0],
                       snippet(doc.text, self.matcher(terms)))
                for key, doc in ranked[:limit]]

    def matcher(self, terms: Iterable[str]) -> Callable[[str], bool]:
        """Whether a word of the text is one the query asked for (same stem, or begun by one)."""
        wanted = list(terms)

        def matches(word: str) -> bool:
            stemmed = stem(word)
            return any(stemmed == t or (len(t) >= MIN_PREFIX and stemmed.startswith(t)) for t in wanted)

        return matches


def snippet(text: str, matches: Callable[[str], bool],
            width: int = SNIPPET_CHARS) -> tuple[tuple[str, bool], ...]:
    """About ``width`` characters of ``text`` around its densest run of matching words,
    split into pieces marked True where a word matches ("…" where cut)."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text) if matches(m.group())]
    if spans:
        start = max(spans, key=lambda s: (sum(1 for o in spans if s[0] <= o[0] < s[0] + width), -s[0]))[0]
        start = max(0, start - width // 4)
    else:
        start = 0
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    pieces: list[tuple[str, bool]] = [("…", False)] if start else []
    cursor = start
    for a, b in spans:
        if a < start or b > end:
            continue
        if a > cursor:
            pieces.append((text[cursor:a], False))
        pieces.append((text[a:b], True))
        cursor = b
    if cursor < end:
        pieces.append((text[cursor:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return tuple(pieces)


def fuse(lexical: Sequence[str], semantic: Sequence[str], k: int = 60) -> list[str]:
    """Topics of both rankings by reciprocal rank fusion (each list best first)."""
    scores: dict[str, float] = {}
    for ranking in (lexical, semantic):
        for rank, topic in enumerate(ranking):
            scores[topic] = scores.get(topic, 0.0) + 1 / (k + rank + 1)
    order = {topic: i for i, topic in enumerate([*lexical, *semantic])}
    return sorted(scores, key=lambda topic: (-scores[topic], order[topic]))
