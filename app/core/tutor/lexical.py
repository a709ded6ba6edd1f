"""Lexical retrieval: words, stems and BM25 over the library's passages.

The dense embedder finds passages by meaning but dilutes a one-word fact (DISTINCT, reflog)
inside a long passage, and scores passages in the question's language higher; exact words
do neither. The content compiler builds the index (``build_index``, written next to the
passage vectors); the browser reads it (``Lexicon.from_json``) and scores a question's
words with BM25 (``Lexicon.scores``) to fuse with the embedder's scores
(``app.core.tutor.retrieval.fuse``).

Words are stemmed by script: Cyrillic words by ``stem_ru`` (a small suffix stripper after
the Snowball Russian algorithm), Latin words by ``stem_en`` (plural, -ing, -ed, -ly), so a
Russian passage's code words and an English passage share one term space. A Russian
question on an English-only trail reaches its passages through the bilingual glossary
(``app.core.tutor.glossary``): each Russian word that has an entry also counts as its
English terms.

>>> terms("Как отменить последние коммиты?")
['отмен', 'последн', 'коммит']
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Bumped when tokens or stems change: an index built with another version is not used.
VERSION = 1
K1 = 1.2
B = 0.75

_WORD = re.compile(r"[a-z0-9_]+|[а-яё]+")

STOPWORDS = frozenset("""
a an the and or but if then so of to in on at by for with from into over about as is are was
were be been being am do does did done doing have has had i me my mine you your we our they
them their he she it its this that these those there here what which who whom whose when where
why how can could should would will shall may might must not no yes just only also very too
some any all each every more most other such own same than again once want need like get got
make made let please tell show give explain way use using used one two way thing something
between difference different instead still yet even ever always never without within как что
это эта этот эти в во и на не ни я ты мы вы он она оно они мне меня мой моя мои твой с со по
для а или ли чем чтобы то же у из к ко о об от до за при под над про все всё всех так его её ее
их если уже есть бы был была было были будет вообще зачем почему когда где какой какая какие
каком можно нужно надо ещё еще там тут тот та те да нет но же только очень свой своё свои свою
себя себе который которая которые которое чем чего кто сделать делать объясни объясните
объяснить расскажи расскажите рассказать покажи покажите показать помоги помогите помочь хочу
пожалуйста способ способы использовать используя разница разницу отличие отличается вещь
""".split())  # noqa: SIM905 - a word list reads better as text

RU_VOWELS = "аеиоуыэюя"
# _PERFECTIVE_1: after а or я
_PERFECTIVE_1: tuple[str, ...] = ("вшись", "вши", "в")
_PERFECTIVE_2: tuple[str, ...] = ("ывшись", "ившись", "ывши", "ивши", "ыв", "ив")
_REFLEXIVE: tuple[str, ...] = ("ся", "сь")
_ADJECTIVE: tuple[str, ...] = ("ими", "ыми", "его", "ого", "ему", "ому", "ее", "ие", "ые", "ое",
    "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею")
# _PARTICIPLE_1: after а or я
_PARTICIPLE_1: tuple[str, ...] = ("ем", "нн", "вш", "ющ", "щ")
_PARTICIPLE_2: tuple[str, ...] = ("ивш", "ывш", "ующ")
# _VERB_1: after а or я
_VERB_1: tuple[str, ...] = ("ете", "йте", "ешь", "нно", "ла", "на", "ли", "ем", "ло", "но", "ет",
    "ют", "ны", "ть", "й", "л", "н")
_VERB_2: tuple[str, ...] = ("ейте", "уйте", "ила", "ыла", "ена", "ите", "или", "ыли", "ило", "ыло",
    "ено", "ует", "уют", "ены", "ить", "ыть", "ишь", "ей", "уй", "ил", "ыл", "им", "ым", "ен",
    "ят", "ит", "ыт", "ую", "ю")
_NOUN: tuple[str, ...] = ("иями", "ями", "ами", "ией", "иям", "ием", "иях", "ев", "ов", "ие", "ье",
    "еи", "ии", "ей", "ой", "ий", "ям", "ем", "ам", "ом", "ах", "ях", "ию", "ью", "ия", "ья", "а",
    "е", "и", "й", "о", "у", "ы", "ь", "ю", "я")


def _by_length(endings: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(endings, key=len, reverse=True))


_PERFECTIVE_1, _PERFECTIVE_2 = _by_length(_PERFECTIVE_1), _by_length(_PERFECTIVE_2)
_ADJECTIVE, _NOUN = _by_length(_ADJECTIVE), _by_length(_NOUN)
_PARTICIPLE_1, _PARTICIPLE_2 = _by_length(_PARTICIPLE_1), _by_length(_PARTICIPLE_2)
_VERB_1, _VERB_2 = _by_length(_VERB_1), _by_length(_VERB_2)


def _strip(word: str, start: int, endings: Sequence[str], after_a: bool = False) -> str | None:
    """``word`` without the longest of ``endings`` that lies within ``word[start:]`` (and,
    with ``after_a``, follows а or я, which stays); None when none does."""
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= start:
            if after_a:
                before = len(word) - len(ending) - 1
                if before < start or word[before] not in "ая":
                    continue
            return word[:len(word) - len(ending)]
    return None


def stem_ru(word: str) -> str:
    """A Russian word's stem: the Snowball Russian steps (perfective gerund, reflexive,
    adjectival, verb and noun endings, then и, нн, ейш and ь) within the region after
    the first vowel; the derivational step is left out, and a verb ending is not taken
    when it would leave no vowel after the first. Lowercase input."""
    word = word.replace("ё", "е")
    first = next((i for i, char in enumerate(word) if char in RU_VOWELS), None)
    if first is None:
        return word
    rv = first + 1
    stripped = _strip(word, rv, _PERFECTIVE_1, True) or _strip(word, rv, _PERFECTIVE_2)
    if stripped is None:
        word = _strip(word, rv, _REFLEXIVE) or word
        adjective = _strip(word, rv, _ADJECTIVE)
        if adjective is not None:
            stripped = (_strip(adjective, rv, _PARTICIPLE_1, True)
                        or _strip(adjective, rv, _PARTICIPLE_2) or adjective)
        else:
            verb = _strip(word, rv, _VERB_1, True) or _strip(word, rv, _VERB_2)
            # A verb ending that would leave no vowel after the first one is a noun's end
            # ("коммит" is not "комм" + -ит; "коммиты" is "коммит" + -ы).
            if verb is not None and not any(char in RU_VOWELS for char in verb[rv:]):
                verb = None
            stripped = verb or _strip(word, rv, _NOUN)
    word = stripped if stripped is not None else word
    word = _strip(word, rv, ("и",)) or word
    if word.endswith("нн") and len(word) - 1 >= rv:
        return word[:-1]
    word = _strip(word, rv, ("ейше", "ейш")) or word
    if word.endswith("нн") and len(word) - 1 >= rv:
        return word[:-1]
    return _strip(word, rv, ("ь",)) or word


def stem_en(word: str) -> str:
    """An English word's stem: plural -s/-es/-ies, -ing, -ed and -ly stripped when a
    vowel is left before them (a doubled final consonant undone). Lowercase input."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed", "ly"):
        base = word[:-len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and any(c in "aeiouy" for c in base):
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base
    return word


def stem(word: str) -> str:
    return stem_ru(word) if "а" <= word[0] <= "я" or word[0] == "ё" else stem_en(word)


def words(text: str) -> list[str]:
    """Lowercase words of ``text`` (Latin with digits and ``_``, or Cyrillic), stop words
    and one-letter words left out."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOPWORDS]


def terms(text: str) -> list[str]:
    """The stems of ``text``'s words, in order (repeats kept)."""
    return [stem(word) for word in words(text)]


def build_index(texts: Sequence[str]) -> dict[str, Any]:
    """The lexical index of ``texts`` (one per passage, in the passages' order), ready for
    JSON: ``terms`` maps each stem to its postings ``[row, count, row, count, …]``,
    ``lengths`` the terms per passage."""
    postings: dict[str, list[int]] = {}
    lengths = []
    for row, text in enumerate(texts):
        counts: dict[str, int] = {}
        found = terms(text)
        for term in found:
            counts[term] = counts.get(term, 0) + 1
        for term, count in counts.items():
            postings.setdefault(term, []).extend((row, count))
        lengths.append(len(found))
    return {"version": VERSION, "count": len(texts), "lengths": lengths,
            "terms": dict(sorted(postings.items()))}


class LexiconError(ValueError):
    """A lexical index that is malformed or of another version; the message says which."""


@dataclass(frozen=True)
class Lexicon:
    postings: Mapping[str, Sequence[int]]
    lengths: Sequence[int]

    @classmethod
    def from_json(cls, data: Any, count: int) -> Lexicon:
        """The index ``build_index`` wrote, for ``count`` passages; LexiconError otherwise."""
        if not isinstance(data, Mapping) or data.get("version") != VERSION:
            version = data.get("version") if isinstance(data, Mapping) else None
            raise LexiconError(f"lexical index version {version!r}, expected {VERSION}")
        lengths, postings = data.get("lengths"), data.get("terms")
        if not isinstance(lengths, list) or len(lengths) != count or not isinstance(postings, Mapping):
            raise LexiconError(f"lexical index is not one of {count} passages")
        return cls(postings, lengths)

    @property
    def average_length(self) -> float:
        return sum(self.lengths) / max(len(self.lengths), 1)

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency; a term in no passage gets the highest."""
        count = len(self.lengths)
        df = len(self.postings.get(term, ())) // 2
        return math.log(1 + (count - df + 0.5) / (df + 0.5))

    def scores(self, groups: Sequence[Iterable[str]], rows: Iterable[int] | None = None,
               ) -> tuple[dict[int, float], float]:
        """BM25 of each passage (within ``rows`` when given) for a question of ``groups``
        (one per word: the alternatives that may stand for it, such as its stem and its
        glossary translations; the best of them counts), and the best score a passage
        could reach (every word found, each once in a passage of average length), which
        turns a score into the share of the question found."""
        allowed = None if rows is None else set(rows)
        average = self.average_length or 1.0
        total: dict[int, float] = {}
        ideal = 0.0
        for group in groups:
            alternatives = list(dict.fromkeys(group))
            if not alternatives:
                continue
            ideal += max(self.idf(term) for term in alternatives)
            best: dict[int, float] = {}
            for term in alternatives:
                idf = self.idf(term)
                postings = self.postings.get(term, ())
                for i in range(0, len(postings) - 1, 2):
                    row, count = int(postings[i]), int(postings[i + 1])
                    if allowed is not None and row not in allowed:
                        continue
                    norm = K1 * (1 - B + B * self.lengths[row] / average)
                    value = idf * count * (K1 + 1) / (count + norm)
                    best[row] = max(best.get(row, 0.0), value)
            for row, value in best.items():
                total[row] = total.get(row, 0.0) + value
        return total, ideal
