"""A topic's own text as passages, sentences and word stems: what quizzes are built from
and checked against.

A topic's compiled HTML is read back into plain passages (one per paragraph or list item,
code blocks left out), with inline code kept as ```code``` spans so a question can name a
command or function exactly. Word stems are crude prefixes (``STEM`` letters), which is
enough to match inflected English and Russian words without a dictionary.

>>> passages('<p>A <code>list</code> is mutable.</p><pre><code>x = 1</code></pre>')
['A `list` is mutable.']
>>> sentences('Git is fast. It has `git add .` too.')
['Git is fast.', 'It has `git add .` too.']
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable

# Word stems: the first STEM letters of a word ("commits", "commit" → "commit").
STEM = 6

_BLOCK = re.compile(r"<(p|li)\b[^>]*>(.*?)</\1>", re.S | re.I)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_CODE = re.compile(r"<code\b[^>]*>(.*?)</code>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_SPAN = re.compile(r"`[^`\n]+`")
_FENCE = re.compile(r"```.*?```", re.S)
# A sentence ends at . ! ? (or …) followed by space and a capital, a quote, a digit or code.
_BOUNDARY = re.compile(r"(?<=[.!?…])\s+(?=[A-ZА-ЯЁ0-9`\"«(“\x00])")
_WORD = re.compile(r"[^\W_]+", re.U)


def wordset(*lines: str) -> frozenset[str]:
    """The words of ``lines``, split on spaces."""
    return frozenset(" ".join(lines).split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": wordset(
        "a an the and or but if then so of to in on at by for with from into onto as is are was were be ",
        "been being it its this that these those there here what which who whom whose when where why ",
        "how do does did done not no yes can could should would will may might must shall you your ",
        "yours we our they their them he she his her i me my one ones also only just than too very ",
        "such each every any all some more most other another about over under after before while ",
        "until because through between both either neither own same up down out off again once"),
    "ru": wordset(
        "и а но или если то так же ли не ни да нет в во на по к ко с со из за от до для о об при через ",
        "под над это этот эта эти тот та те то что чтобы как когда где куда почему кто который которая ",
        "которое которые его её ее их им ими он она оно они вы ты мы я вас нас вам нам себя свой своя ",
        "свои есть был была было были быть будет может можно нужно уже ещё еще только также тоже ",
        "очень все всё весь каждый любой один одна одно другой другие более менее там тут здесь"),
}


def passages(topic_html: str) -> list[str]:
    """The prose of a compiled topic: one passage per paragraph or list item, in order,
    inline code as backtick spans, entities decoded; code blocks are left out."""
    body = _PRE.sub(" ", topic_html)
    found = []
    for match in _BLOCK.finditer(body):
        inner = _CODE.sub(lambda code: "`" + _TAG.sub("", code.group(1)) + "`", match.group(2))
        text = re.sub(r"\s+", " ", html.unescape(_TAG.sub("", inner))).strip()
        if text:
            found.append(text)
    return found


def sentences(passage: str) -> list[str]:
    """The sentences of a passage; a period inside a code span never ends one."""
    text = _FENCE.sub(" ", passage)
    spans: list[str] = []

    def hide(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\x00{len(spans) - 1}\x00"

    hidden = _SPAN.sub(hide, text)
    parts = _BOUNDARY.split(re.sub(r"\s+", " ", hidden).strip())
    restored = [re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], part) for part in parts]
    return [part.strip() for part in restored if part.strip()]


def code_spans(text: str) -> list[str]:
    """The inline code of ``text``, without backticks, in order."""
    return [span[1:-1] for span in _SPAN.findall(text)]


def plain(text: str) -> str:
    """``text`` without backticks, spaces collapsed."""
    return re.sub(r"\s+", " ", text.replace("`", "")).strip()


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (letters and digits, any script)."""
    return _WORD.findall(text.lower().replace("ё", "е"))


def stems(text: str, lang: str = "en") -> set[str]:
    """Stems of the content words of ``text`` (stop words of ``lang`` left out)."""
    stop = STOPWORDS.get(lang, STOPWORDS["en"])
    return {word[:STEM] for word in words(text) if word not in stop and (len(word) > 1 or word.isdigit())}


def recall(part: str, whole: str, lang: str = "en") -> float:
    """Share of ``part``'s content stems that ``whole`` has too (0 when ``part`` has none)."""
    wanted = stems(part, lang)
    if not wanted:
        return 0.0
    return len(wanted & stems(whole, lang)) / len(wanted)


def normalise(text: str) -> str:
    """A comparable form: lower case, no backticks or outer punctuation, single spaces."""
    return re.sub(r"\s+", " ", text.replace("`", "").lower().replace("ё", "е")).strip(" .,;:!?«»\"'")


# A quiz asks of its topic's whole text once per candidate term and question: keep the
# recent answers (str hashes are cached, so a long text costs one hash).
@functools.lru_cache(maxsize=512)
def fold(text: str) -> str:
    """Lower case, no backticks, single spaces: for exact comparisons of terms."""
    return re.sub(r"\s+", " ", text.replace("`", "").lower().replace("ё", "е")).strip()


@functools.lru_cache(maxsize=8192)
def contains(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words (case-insensitive)."""
    needle = fold(phrase)
    if not needle:
        return False
    return _whole_words(needle).search(fold(text)) is not None


@functools.lru_cache(maxsize=4096)
def _whole_words(needle: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(needle) + r"(?![\w])")


def all_sentences(texts: Iterable[str]) -> list[str]:
    return [sentence for text in texts for sentence in sentences(text)]
