"""Turning the generator's text into an answer with citations of library topics."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.library.routes import Route, href
from app.core.tutor.lexical import terms
from app.core.tutor.markdown import CITATION
from app.core.tutor.retrieval import Hit


@dataclass(frozen=True)
class Citation:
    number: int
    topic: str
    title: str

    @property
    def href(self) -> str:
        return href(Route("topic", self.topic))


@dataclass(frozen=True)
class Answer:
    text: str
    citations: tuple[Citation, ...]
    # False: the model named no source; an answer then lists the passage its words overlap
    # most (``closest``), and the passages-only answer lists every passage.
    cited_by_model: bool


def printable(text: str) -> str:
    """``text`` without control characters (tab and newlines kept) or lone surrogates: a
    small model can emit any token, and such characters neither display nor store."""
    return "".join(
        char for char in text
        if char in "\t\n\r" or unicodedata.category(char) not in ("Cc", "Cs")
    )


# Code (fenced blocks and `spans`) is in no natural language: left out of the language check.
_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.DOTALL)
# Share of Cyrillic among the letters: a Russian answer names English terms (git, SELECT),
# an English one has next to no Cyrillic. The bad case was 17% Cyrillic.
MIN_CYRILLIC_RU = 0.5
MAX_CYRILLIC_EN = 0.1
# Fewer letters than this say nothing about the language.
MIN_LETTERS = 20


def in_language(text: str, lang: str) -> bool:
    """Whether ``text`` (outside code) is written in ``lang`` ("en" or "ru"); True for a
    text too short to tell, or a language this check does not know."""
    letters = [char for char in _CODE.sub(" ", text) if char.isalpha()]
    if len(letters) < MIN_LETTERS or lang not in ("en", "ru"):
        return True
    cyrillic = sum("\u0400" <= char <= "\u04ff" for char in letters) / len(letters)
    return cyrillic >= MIN_CYRILLIC_RU if lang == "ru" else cyrillic <= MAX_CYRILLIC_EN


_MARKERS = re.compile(r"\[\d{1,2}\]")
MIN_PROSE_LETTERS = 6  # "Use venv" says something; "ok", or nothing around the code, does not


def explains(text: str) -> bool:
    """Whether ``text`` says something in words: at least MIN_PROSE_LETTERS letters outside
    code and ``[n]`` markers. A small model sometimes answers with a command or a list of markers
    alone ("[1]. git push --force [2]. git clone"), which teaches nothing and cannot be
    checked for its language."""
    prose = _MARKERS.sub(" ", _CODE.sub(" ", text))
    return sum(char.isalpha() for char in prose) >= MIN_PROSE_LETTERS


# A sentence this long said twice is a small model looping, not emphasis.
MIN_REPEATED = 24
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def without_repeats(text: str) -> str:
    """``text`` cut where it starts saying again a sentence (of MIN_REPEATED characters or
    more, outside fenced code) it already said: greedy decoding of a small model can loop
    on one sentence until the token budget ends."""
    seen: set[str] = set()
    in_code = False
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not in_code:
            for match in _SENTENCE.finditer(line):
                sentence = " ".join(match.group().split()).lower()
                if len(sentence) >= MIN_REPEATED and sentence in seen:
                    return text[:offset + match.start()].rstrip()
                seen.add(sentence)
        offset += len(line)
    return text


def without_stray_markers(text: str, count: int) -> str:
    """``text`` without the ``[n]`` markers that point past the ``count`` passages of the
    prompt (a citation never points at a passage the model was not given)."""
    def keep(match: re.Match[str]) -> str:
        return match.group(0) if 1 <= int(match.group(1)) <= count else ""

    return re.sub(r" ?" + CITATION.pattern, keep, text)


def closest(text: str, hits: Sequence[Hit]) -> int | None:
    """The number (1-based) of the passage sharing the largest part of ``text``'s words
    (stems, ``app.core.tutor.lexical.terms``); None when it shares none with any."""
    words = set(terms(_CODE.sub(lambda m: m.group().strip("`"), text)))
    if not words:
        return None
    shares = [len(words & set(terms(f"{h.passage.title} {h.passage.text}"))) for h in hits]
    best = max(shares, default=0)
    return shares.index(best) + 1 if best else None


def cite(text: str, hits: Sequence[Hit]) -> Answer:
    """Map ``[n]`` markers to the n-th passage's topic.

    Markers outside 1..len(hits) are dropped from the text. When the model cites nothing,
    its answer lists the one passage its words overlap most (``closest``), as the tutor's
    match, not the model's (``cited_by_model`` False); with no text (the passages-only
    answer) every passage is listed, since the answer is them.
    """
    text = without_stray_markers(text, len(hits))
    sources = {n: hit for n, hit in enumerate(hits, start=1)}
    numbers = sorted({int(m) for m in CITATION.findall(text) if int(m) in sources})
    cited_by_model = bool(numbers)
    if not numbers:
        best = closest(text, hits) if text.strip() else None
        numbers = [best] if best is not None else sorted(sources)
    seen: set[str] = set()
    citations = []
    for n in numbers:
        passage = sources[n].passage
        if passage.topic not in seen:
            seen.add(passage.topic)
            citations.append(Citation(n, passage.topic, passage.title))
    return Answer(text.strip(), tuple(citations), cited_by_model)


def link_for(answer_hits: Sequence[Hit]) -> dict[int, str]:
    """Citation number → topic link, for the Markdown renderer's ``cite`` callback."""
    return {n: href(Route("topic", hit.passage.topic)) for n, hit in enumerate(answer_hits, 1)}
