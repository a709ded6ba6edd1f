"""Questions written by the on-device model: the prompt, and reading its reply.

The model is asked for one question at a time about one passage, in a strict format::

    Question: What does `git add` do?
    A) ...
    B) ...
    C) ...
    D) ...
    Answer: B

(or ``Question:`` / ``Answer:`` only, for an open question). ``parse`` turns a reply
into a ``Question`` or says why it cannot; its key is *not* trusted:
``app.core.learner.keys.check`` verifies it against the passage before it is shown.

>>> parse_reply("Question: Why?\\nA) x\\nB) y\\nC) z\\nAnswer: B", "t.a", "en", "src").options
('x', 'y', 'z')
"""

from __future__ import annotations

import re
from typing import Literal

from app.core.learner import sentences as text
from app.core.learner.quiz import Question, key_terms, question_id

DraftKind = Literal["choice", "open"]
# A passage is cut to this many characters: prompt processing is the slow part.
MAX_PASSAGE_CHARS = 700
MAX_NEW_TOKENS = 140

SYSTEM = {
    "en": "You write quiz questions for a programming course. Use only facts stated in the text. "
          "Write in English.",
    "ru": "Ты составляешь вопросы для курса программирования. Используй только факты из текста. "
          "Пиши по-русски.",
}
ASK = {
    ("en", "choice"): "Write one multiple-choice question about the text, with four options and "
                      "exactly one correct option. Use exactly this format:\n"
                      "Question: ...\nA) ...\nB) ...\nC) ...\nD) ...\nAnswer: <letter>",
    ("ru", "choice"): "Составь один вопрос с вариантами ответа по тексту: четыре варианта, ровно "
                      "один верный. Строго в таком формате:\n"
                      "Вопрос: ...\nA) ...\nB) ...\nC) ...\nD) ...\nОтвет: <буква>",
    ("en", "open"): "Write one short question about the text and its answer in one sentence. "
                    "Use exactly this format:\nQuestion: ...\nAnswer: ...",
    ("ru", "open"): "Составь один короткий вопрос по тексту и ответ на него одним предложением. "
                    "Строго в таком формате:\nВопрос: ...\nОтвет: ...",
}
TEXT_LABEL = {"en": "Text:", "ru": "Текст:"}

_LETTERS = "ABCDE"
# Cyrillic look-alikes a Russian reply may use for the option letters.
_CYRILLIC = {"А": "A", "Б": "B", "В": "C", "Г": "D", "Д": "E"}
_QUESTION = re.compile(r"^\s*(?:\*\*)?(?:question|вопрос)\s*\d*\s*[:.]\s*(?:\*\*)?\s*(?P<q>.+)$", re.I)
_OPTION = re.compile(r"^\s*(?P<letter>[A-EАБВГД])\s*[).:]\s*(?P<text>.+)$")
_ANSWER = re.compile(r"^\s*(?:\*\*)?(?:correct answer|answer|правильный ответ|ответ)\s*[:.]\s*(?:\*\*)?\s*"
                     r"(?P<a>.+)$", re.I)


class DraftError(ValueError):
    """A model reply that is not a usable question; the message says what is wrong."""


def messages(passage: str, lang: str, kind: DraftKind) -> list[dict[str, str]]:
    """The chat messages that ask for one question of ``kind`` about ``passage``."""
    lang = lang if lang in SYSTEM else "en"
    cut = passage if len(passage) <= MAX_PASSAGE_CHARS else passage[:MAX_PASSAGE_CHARS].rsplit(" ", 1)[0]
    return [{"role": "system", "content": SYSTEM[lang]},
            {"role": "user", "content": f"{TEXT_LABEL[lang]}\n{cut}\n\n{ASK[(lang, kind)]}"}]


def _letter(raw: str) -> str:
    letter = raw.strip().strip("*()[]. ").upper()[:1]
    return _CYRILLIC.get(letter, letter)


def _in_language(sample: str, lang: str) -> bool:
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return False
    cyrillic = sum("а" <= c.lower() <= "я" or c.lower() == "ё" for c in letters) / len(letters)
    return cyrillic >= 0.3 if lang == "ru" else cyrillic < 0.1


def parse_reply(reply: str, topic: str, lang: str, passage: str) -> Question:
    """The question in a model ``reply`` about ``passage``; raise DraftError if there is none.

    A reply with options becomes a ``model-choice`` question keyed as the model said
    (still to be checked), one without becomes ``model-open`` with the answer as reference.
    """
    stem = answer = ""
    options: dict[str, str] = {}
    for line in reply.replace("\r", "").split("\n"):
        if not line.strip():
            continue
        if not stem and (match := _QUESTION.match(line)):
            stem = match.group("q").strip()
        elif stem and not answer and (match := _OPTION.match(line)):
            letter = _CYRILLIC.get(match.group("letter"), match.group("letter"))
            options.setdefault(letter, match.group("text").strip())
        elif stem and (match := _ANSWER.match(line)):
            answer = match.group("a").strip()
            break
    if not stem:
        raise DraftError("the reply has no 'Question:' line")
    if not answer:
        raise DraftError("the reply has no 'Answer:' line")
    if not _in_language(stem, lang):
        raise DraftError(f"the question is not in the topic's language ({lang})")
    if options:
        return _choice(stem, options, answer, topic, lang, passage)
    if len(text.words(answer)) < 3:
        raise DraftError("the open answer is too short to grade against")
    qid = question_id(topic, lang, "model-open", stem, answer)
    return Question(qid, topic, lang, "model-open", stem, (), -1, answer, passage, "",
                    key_terms(answer, lang), "model")


def _choice(stem: str, options: dict[str, str], answer: str, topic: str, lang: str,
            passage: str) -> Question:
    letters = [letter for letter in _LETTERS if letter in options]
    if letters != list(_LETTERS[:len(letters)]) or not 3 <= len(letters) <= 5:
        raise DraftError(f"the options are not A) to D) (got {', '.join(sorted(options)) or 'none'})")
    texts = tuple(options[letter] for letter in letters)
    if len({text.fold(t) for t in texts}) != len(texts):
        raise DraftError("two options are the same")
    key_letter = _letter(answer)
    if key_letter not in letters:
        # "Answer: the staging area" names the option by its text.
        matches = [i for i, t in enumerate(texts) if text.fold(t) == text.fold(answer)]
        if len(matches) != 1:
            raise DraftError(f"the answer {answer[:20]!r} names no option")
        key = matches[0]
    else:
        key = letters.index(key_letter)
    qid = question_id(topic, lang, "model-choice", stem, texts[key])
    return Question(qid, topic, lang, "model-choice", stem, texts, key, texts[key], passage, "",
                    (), "model")
