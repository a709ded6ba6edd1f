"""Checking a question's key against its source passage before the question is shown.

The on-device model's own keys are often wrong, and even a question built from the text
can go wrong (a distractor the topic also uses). So every question passes ``check``:

- a cloze's key, put back in the blank, must give a sentence of the source, and no
  distractor may occur anywhere in the topic's text;
- a definition's key must be words of a source sentence, its distractors must not be;
- an open question's reference answer must be supported by a source sentence;
- a model's multiple-choice key must be clearly better supported by a source sentence
  than every other option: word overlap with the sentence (weighted by how much that
  sentence is about the question), plus, when the embedder is loaded, the cosine
  similarity of "question + option" to the sentence. When another option is the clearly
  supported one, the question is re-keyed to it; when none is, the question is dropped.

>>> check(question, passages).ok                      # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.learner import sentences as text
from app.core.learner.quiz import BLANK, Question

# The key's support (0..1) must reach KEY_MIN and beat every other option by MARGIN.
KEY_MIN = 0.45
MARGIN = 0.15
# e5's cosine similarities sit between about 0.75 (unrelated) and 0.95 (paraphrase):
# mapped linearly to 0..1 between these.
SIM_FLOOR, SIM_CEIL = 0.78, 0.92
# A distractor sharing this much of the key sentence's words may well be true too.
DISTRACTOR_MAX = 0.5
# An open reference answer needs this much support in one sentence.
REFERENCE_MIN = 0.6


@dataclass(frozen=True)
class Check:
    """The verdict on one question: ``ok`` with the ``key`` to use (``rekeyed`` when it is
    not the one the question came with), or not ok with the ``reason``."""

    ok: bool
    key: int
    reason: str
    scores: tuple[float, ...] = ()
    rekeyed: bool = False


def _fail(question: Question, reason: str, scores: Sequence[float] = ()) -> Check:
    return Check(False, question.key, reason, tuple(scores))


def _source_sentences(passages: Sequence[str]) -> list[str]:
    return text.all_sentences(passages)


def _distinct(options: Sequence[str]) -> bool:
    folded = [text.fold(option) for option in options]
    return all(folded) and len(set(folded)) == len(folded)


def check(question: Question, passages: Sequence[str],
          similarity: Sequence[Sequence[float]] | None = None) -> Check:
    """Whether ``question`` may be shown, judged against the topic's ``passages``.

    ``similarity[i][j]`` (optional) is the embedder's cosine between option ``i`` (with the
    question) and sentence ``j`` of ``passages`` in order; it is used for model questions.
    """
    if question.is_choice and not _distinct(question.options):
        return _fail(question, "two options are the same")
    if question.kind == "cloze":
        return _check_cloze(question, passages)
    if question.kind == "definition":
        return _check_definition(question, passages)
    if question.kind in ("open", "model-open"):
        return _check_reference(question, passages, similarity)
    return check_choice(question, passages, similarity)


def _check_cloze(question: Question, passages: Sequence[str]) -> Check:
    topic_text = "\n".join(passages)
    found = {text.fold(sentence) for sentence in _source_sentences(passages)}
    blanked = question.stem.split(": ", 1)[-1]
    if BLANK not in blanked:
        return _fail(question, "the sentence has no blank")

    def filled(option: str) -> str:
        return text.fold(blanked.replace(BLANK, option))

    if filled(question.options[question.key]) not in found:
        return _fail(question, "the key does not give a sentence of the source")
    for index, option in enumerate(question.options):
        if index != question.key and (filled(option) in found or text.contains(topic_text, option)):
            return _fail(question, f"the source also supports option {index + 1}")
    return Check(True, question.key, "verified")


def _check_definition(question: Question, passages: Sequence[str]) -> Check:
    key_text = question.options[question.key]
    lang = question.lang
    supporting = [s for s in _source_sentences(passages) if text.fold(key_text) in text.fold(s)]
    if not supporting:
        return _fail(question, "the keyed description is not in the source")
    topic_text = "\n".join(passages)
    for index, option in enumerate(question.options):
        if index == question.key:
            continue
        in_source = text.fold(option) in text.fold(topic_text)
        if in_source or text.recall(option, supporting[0], lang) >= DISTRACTOR_MAX:
            return _fail(question, f"the source also supports option {index + 1}")
    return Check(True, question.key, "verified")


def _check_reference(question: Question, passages: Sequence[str],
                     similarity: Sequence[Sequence[float]] | None) -> Check:
    sentences = _source_sentences(passages)
    if not text.stems(question.answer, question.lang):
        return _fail(question, "the reference answer is empty")
    lexical = [text.recall(question.answer, s, question.lang) for s in sentences]
    best = max(lexical, default=0.0)
    if similarity and similarity[0]:
        pairs = zip(lexical, similarity[0], strict=False)
        best = max(best, max(0.5 * lex + 0.5 * _sim(sim) for lex, sim in pairs))
    if best < REFERENCE_MIN:
        return _fail(question, f"the reference answer is not supported by the source ({best:.2f})", [best])
    return Check(True, -1, "verified", (best,))


def _sim(cosine: float) -> float:
    return min(1.0, max(0.0, (cosine - SIM_FLOOR) / (SIM_CEIL - SIM_FLOOR)))


def support(stem: str, options: Sequence[str], sentences: Sequence[str], lang: str,
            similarity: Sequence[Sequence[float]] | None = None) -> list[float]:
    """Each option's support by its best sentence, 0..1.

    Lexical part: the share of the option's own words (those not already in the question)
    found in a sentence, weighted by how much of the question that sentence covers.
    With ``similarity``, averaged with the embedder's mapped cosine.
    """
    question_stems = text.stems(stem, lang)
    relevance = [text.recall(stem, s, lang) if question_stems else 1.0 for s in sentences]
    scores = []
    for i, option in enumerate(options):
        own = text.stems(option, lang) - question_stems or text.stems(option, lang)
        best = 0.0
        for j, sentence in enumerate(sentences):
            sentence_stems = text.stems(sentence, lang)
            lexical = len(own & sentence_stems) / len(own) if own else 0.0
            score = lexical * (0.5 + 0.5 * relevance[j])
            if similarity is not None and i < len(similarity) and j < len(similarity[i]):
                score = 0.5 * score + 0.5 * _sim(similarity[i][j]) * (lexical > 0)
            best = max(best, score)
        scores.append(round(best, 4))
    return scores


def check_choice(question: Question, passages: Sequence[str],
                 similarity: Sequence[Sequence[float]] | None = None) -> Check:
    """A multiple-choice key from anywhere (the model): verified, re-keyed or refused."""
    sentences = _source_sentences(passages)
    if len(question.options) < 3:
        return _fail(question, "fewer than three options")
    scores = support(question.stem, question.options, sentences, question.lang, similarity)
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    best, runner_up = ranked[0], ranked[1]
    clear = scores[best] >= KEY_MIN and scores[best] - scores[runner_up] >= MARGIN
    if not clear:
        return _fail(question, "no option is clearly supported by the source", scores)
    if best != question.key:
        return Check(True, best, f"the given key (option {question.key + 1}) is not the supported "
                     f"one; option {best + 1} is", tuple(scores), rekeyed=True)
    return Check(True, best, "verified", tuple(scores))
