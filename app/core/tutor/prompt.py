"""Building the chat messages for the tutor within the model's budget.

Prompt processing is the slow part in the browser (about 35 tokens/s on WASM here), so
the budget is small: a short fixed system prompt, a few numbered passages trimmed to
fit, and the last turn of the conversation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.library.catalog import Library
from app.core.tutor.intent import Intent
from app.core.tutor.retrieval import Hit

# Conservative: about 3 characters per token for mixed English/Russian/code text.
CHARS_PER_TOKEN = 3.0
# The learner's profile note in the prompt: a goal cut to GOAL_TOKENS and LISTED titles
# per list (weak, then known). Measured on the library: a 200-character goal and 5 + 5
# titles is 140-190 tokens; a cut goal and 3 + 3 median titles about 70.
MAX_LEARNER_TOKENS = 80
GOAL_TOKENS = 24
LISTED = 3

SYSTEM = {
    "en": (
        "You are Tropa, a patient programming tutor. Answer in English, in at most 120 words, "
        "using only the numbered sources. Cite the sources you use as [1], [2]. "
        "Explain the idea with a tiny example, then end with one short question that checks "
        "the learner understood."
    ),
    "ru": (
        "Ты Тропа, терпеливый наставник по программированию. Отвечай по-русски, не длиннее "
        "120 слов, опираясь только на пронумерованные источники. Ссылайся на них как [1], [2]. "
        "Объясни идею на крошечном примере и закончи одним коротким вопросом, который "
        "проверяет понимание."
    ),
}

HINT_FIRST = {
    "en": (
        "The learner asks for the answer to an exercise. Do not give the full solution yet: "
        "give one hint that points to the right idea and ask them to try again."
    ),
    "ru": (
        "Ученик просит готовый ответ к упражнению. Не давай полное решение сразу: дай одну "
        "подсказку, которая ведёт к нужной идее, и предложи попробовать ещё раз."
    ),
}

# The last lines of the user turn: small models follow an instruction best when it comes
# right after the material, just before they start writing.
SOURCES_LABEL = {"en": "Sources:", "ru": "Источники:"}
QUESTION_LABEL = {"en": "Question:", "ru": "Вопрос:"}
ANSWER_CUE = {
    "en": "Answer the question in English, in your own words. After each sentence taken from "
    "a source, write its number, like this: \"<sentence> [1]. <sentence> [2].\"",
    "ru": "Ответь на вопрос по-русски, своими словами, не переписывая источники. После каждого "
    "предложения из источника пиши его номер, вот так: «<предложение> [1]. <предложение> [2].»",
}

# What a small model writes when it echoes the prompt's frame instead of answering
# (seen: "Источники: [1] Ignoring files: … Ответ: …"): the frame's labels in any language,
# and the label it puts before the answer proper.
FRAME_LABELS = tuple(label.lower() for label in (*SOURCES_LABEL.values(), *QUESTION_LABEL.values()))
ANSWER_LABEL = re.compile(r"(?:^|\s)(?:answer|ответ)\s*:\s*", re.IGNORECASE)

SOLUTION_OK = {
    "en": "The learner already had a hint and asks again: now show the full solution, explained.",
    "ru": "Ученик уже получил подсказку и просит снова: теперь покажи полное решение с объяснением.",
}

PLAN = {
    "en": (
        "You are Tropa, a programming tutor. Answer in English. Make a short study plan "
        "of at most 6 steps using only the listed topics, in a sensible order, one line per step."
    ),
    "ru": (
        "Ты Тропа, наставник по программированию. Отвечай по-русски. Составь короткий план "
        "учёбы не больше чем из 6 шагов только из перечисленных тем, по одной строке на шаг."
    ),
}


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str
    intent: Intent = "explain"


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def trim_words(text: str, max_tokens: int) -> str:
    """Cut ``text`` at a word boundary to about ``max_tokens``, marking the cut with '…'."""
    if estimate_tokens(text) <= max_tokens:
        return text
    limit = int(max_tokens * CHARS_PER_TOKEN)
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:")
    return cut + " …"


def learner_block(note: str) -> str:
    """The learner's note as one line of at most MAX_LEARNER_TOKENS ("" when empty)."""
    return trim_words(" ".join(note.split()), MAX_LEARNER_TOKENS)


def sources_block(hits: Sequence[Hit], budget: int) -> str:
    """Numbered passages trimmed to fit ``budget`` tokens together.

    The best passage gets half the budget (it most often holds the answer, and a small
    model fills a cut-off explanation from its own, less reliable, memory); the others
    share the rest.
    """
    if not hits:
        return ""
    shares = [budget] if len(hits) == 1 else [budget // 2] + [
        budget // 2 // (len(hits) - 1)] * (len(hits) - 1)
    lines = []
    for number, (hit, share) in enumerate(zip(hits, shares, strict=True), start=1):
        body = " ".join(hit.passage.text.split())
        lines.append(f"[{number}] {hit.passage.title}: {trim_words(body, share)}")
    return "\n".join(lines)


def build_messages(
    question: str,
    hits: Sequence[Hit],
    lang: str,
    *,
    intent: Intent = "explain",
    history: Sequence[Turn] = (),
    budget: int = 600,
    learner: str = "",
) -> list[dict[str, str]]:
    """Chat messages for the generator; the whole prompt stays near ``budget`` tokens.

    ``intent`` "solve" asks for a hint first, unless the previous turn already was a
    hint for an exercise (then the solution is allowed). ``learner`` (the profile's note,
    ``app.core.learner.profile.tutor_note``) opens the user turn, at most
    MAX_LEARNER_TOKENS: the system message stays the same for everyone, so the worker's
    KV cache of it (worker/generation.js prefixCache, keyed by the system text) is reused.
    """
    lang = lang if lang in SYSTEM else "en"
    system = SYSTEM[lang]
    cue = ANSWER_CUE[lang]
    if intent == "solve":
        # Said last, where a small model heeds it most, and in the system prompt too.
        had_hint = bool(history) and history[-1].intent == "solve"
        policy = SOLUTION_OK[lang] if had_hint else HINT_FIRST[lang]
        system += " " + policy
        cue = policy
    question = trim_words(question.strip(), 120)
    used = estimate_tokens(system) + estimate_tokens(question) + 16
    messages = [{"role": "system", "content": system}]
    if history:
        last = history[-1]
        answer = trim_words(last.answer, 60)
        used += estimate_tokens(last.question) + estimate_tokens(answer)
        messages += [
            {"role": "user", "content": trim_words(last.question, 60)},
            {"role": "assistant", "content": answer},
        ]
    note = learner_block(learner)
    used += estimate_tokens(cue) + estimate_tokens(note) + 8
    sources = sources_block(hits, max(budget - used, 40 * len(hits)))
    parts = [note] if note else []
    parts += [f"{SOURCES_LABEL[lang]}\n{sources}"] if sources else []
    parts += [f"{QUESTION_LABEL[lang]} {question}", cue]
    messages.append({"role": "user", "content": "\n\n".join(parts)})
    return messages


def strip_echo(text: str, hits: Sequence[Hit] = ()) -> str:
    """The generated ``text`` without the prompt's scaffolding echoed back.

    An answer that opens with the frame (a "Sources:"/"Question:" label, or the source
    line "[n] Title:" of one of ``hits``) keeps only what follows its last "Answer:"
    label, and is empty while there is none (streaming: the frame is never shown); a
    leading "Answer:" label and lines that repeat the answer cue are dropped.
    """
    opening = " ".join(text.split()).lower()
    frames = FRAME_LABELS + tuple(f"[{n}] {hit.passage.title}:".lower()
                                  for n, hit in enumerate(hits, start=1))
    if opening.startswith(frames):
        labels = list(ANSWER_LABEL.finditer(text))
        text = text[labels[-1].end():] if labels else ""
    else:
        label = ANSWER_LABEL.match(text)
        text = text[label.end():] if label else text
    cues = {" ".join(cue.split()) for cue in ANSWER_CUE.values()}
    lines = [line for line in text.split("\n") if " ".join(line.split()) not in cues]
    # The frame again after the answer (a "Sources:" list, the question): cut there.
    for index, line in enumerate(lines):
        if index and " ".join(line.split()).lower().startswith(frames):
            lines = lines[:index]
            break
    return "\n".join(lines).strip()


def build_plan_messages(request: str, topics: Sequence[str], lang: str,
                        learner: str = "") -> list[dict[str, str]]:
    """Messages asking for a study plan built from ``topics`` (titles in trail order);
    ``learner`` (the profile's note) opens the user turn, as in ``build_messages``."""
    lang = lang if lang in PLAN else "en"
    listing = "\n".join(f"- {title}" for title in topics[:30])
    note = learner_block(learner)
    opening = f"{note}\n\n" if note else ""
    return [
        {"role": "system", "content": PLAN[lang]},
        {"role": "user", "content": f"{opening}{listing}\n\n{trim_words(request.strip(), 80)}"},
    ]


def trail_titles(library: Library, roadmap: str | None, lang: str) -> list[str]:
    """Topic titles in trail order: of ``roadmap``, or of every roadmap when it is None."""
    roadmaps = [roadmap] if roadmap else list(library.order)
    return [library.topic(topic_id, lang).title
            for rid in roadmaps for topic_id in library.roadmap(rid, lang).topic_ids]
