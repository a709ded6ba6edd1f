"""The tutor panel as pure functions of the Tutor's state.

The panel has three parts that update separately: the model status line, the
conversation log (re-rendered while an answer streams) and the question form (left
alone, so typing is never interrupted).
"""

from __future__ import annotations

from app.core.i18n import MESSAGES, t
from app.core.library.routes import Route, href
from app.core.tutor.answer import link_for
from app.core.tutor.conversation import Exchange
from app.core.tutor.markdown import render
from app.services.pipelines import PipelineState
from app.services.tutor import Tutor
from app.ui.choice_view import choice_line
from app.ui.html import Markup, h


def size_text(total: int) -> str:
    if total >= 1_000_000:
        return f"{total / 1_000_000:.0f} MB"
    return f"{max(total, 0) / 1000:.0f} kB"


def reason_text(reason: str, lang: str) -> str:
    """A device reason code (``contracts.protocol.DeviceReason``) in words; an unknown
    code (a newer worker) is shown as it is."""
    key = "reason_" + reason
    return t(lang, key) if key in MESSAGES["en"] else reason


def model_line(state: PipelineState, lang: str) -> Markup:
    attrs = {"class": f"model model-{state.phase}", "data-model": state.id,
             "data-phase": state.phase, "data-device": state.device or None,
             "data-dtype": state.dtype or None}
    if state.phase == "loading":
        percent = round(100 * state.loaded / state.total) if state.total else 0
        return h("li", attrs,
                 t(lang, "model_loading", model=state.id, percent=percent, size=size_text(state.total)),
                 h("progress", {"max": state.total or 1, "value": state.loaded}))
    if state.phase == "ready":
        return h("li", attrs,
                 t(lang, "model_ready", model=state.id, device=state.device.upper(), dtype=state.dtype),
                 h("span", {"class": "reason", "title": state.detail or None}, " — ",
                   reason_text(state.reason, lang)) if state.reason else None)
    if state.phase == "failed":
        return h("li", attrs, t(lang, "model_failed", model=state.id, error=state.error))
    return h("li", attrs, t(lang, "model_idle", model=state.id))


def status(tutor: Tutor, lang: str) -> Markup:
    # Passages only has no generator line; the choice line says which tutor and why.
    return h("ul", {"class": "models"}, model_line(tutor.embedder, lang),
             model_line(tutor.generator, lang) if tutor.generator.id else None,
             choice_line(tutor.choice, lang))


def topic_links(exchange: Exchange) -> list[list[object]]:
    """Links to the topics of the exchange's passages, each topic once, best first."""
    titles: dict[str, str] = {}
    for hit in exchange.hits:
        titles.setdefault(hit.passage.topic, hit.passage.title)
    return [[", " if i else "", h("a", {"href": href(Route("topic", topic))}, title)]
            for i, (topic, title) in enumerate(titles.items())]


def exchange_view(exchange: Exchange, lang: str) -> Markup:
    links = link_for(exchange.hits)
    passages = [
        h("li", None,
          h("a", {"href": links[n]}, f"[{n}] ", hit.passage.title),
          h("span", {"class": "excerpt"}, " — ", " ".join(hit.passage.text.split()[:40]), "…"))
        for n, hit in enumerate(exchange.hits, start=1)
    ] if exchange.status != "uncovered" else []  # not sources: shown as related topics below
    body: list[Markup] = []
    if exchange.status == "retrieving":
        body.append(h("p", {"class": "pending"}, t(lang, "reading_sources")))
    if exchange.status == "waiting":
        body.append(h("p", {"class": "pending"}, t(lang, "waiting_model")))
    if exchange.status == "passages":
        # ``error`` says why an answer that was generated is not shown, if that is the case.
        body.append(h("p", {"class": "notice"}, exchange.error or t(lang, "passages_only")))
    if exchange.status == "uncovered":
        body.append(h("p", {"class": "notice uncovered"}, t(lang, "not_covered")))
        body.append(h("p", {"class": "related"}, t(lang, "related"), ": ", topic_links(exchange)))
    if exchange.text:
        answer = h("div", {"class": "answer-text"}, Markup(render(exchange.text, links.get)))
        if exchange.hint_first:
            # Hint before solution, whatever the model wrote: its answer stays folded.
            body.append(h("p", {"class": "hint"}, t(lang, "hint_lead"), " ", topic_links(exchange),
                          "."))
            answer = h("details", {"class": "solution"},
                       h("summary", None, t(lang, "show_solution")), answer)
        body.append(answer)
    if exchange.status == "stopped":
        body.append(h("p", {"class": "pending"}, t(lang, "stopped")))
    if exchange.status == "failed":
        body.append(h("p", {"class": "notice", "role": "alert"},
                      t(lang, "answer_failed", error=exchange.error)))
    if exchange.answer and exchange.answer.citations and exchange.status != "generating":
        # The model named no source: the passage its words overlap most, said to be the tutor's.
        matched = bool(exchange.text) and not exchange.answer.cited_by_model
        body.append(h("p", {"class": "sources", "data-matched": matched or None},
                      t(lang, "sources_matched" if matched else "sources"), ": ", [
            [", " if i else "", h("a", {"class": "source", "href": c.href, "data-topic": c.topic},
                                  c.title)]
            for i, c in enumerate(exchange.answer.citations)]))
    return h(
        "li", {"class": "exchange", "data-status": exchange.status, "data-intent": exchange.intent},
        h("div", {"class": "question"}, h("b", None, t(lang, "you"), ": "), exchange.question),
        h("details", {"class": "passages", "open": exchange.status in ("waiting", "passages")},
          h("summary", None, t(lang, "from_library")), h("ol", None, passages))
        if passages else None,
        h("div", {"class": "answer"},
          h("b", None, t(lang, "tutor"), ": "),
          h("span", {"class": "badge"}, t(lang, "hint_badge")) if exchange.intent == "solve" else None,
          body),
    )


def log(exchanges: list[Exchange], lang: str) -> Markup:
    return h("ol", {"class": "log"}, [exchange_view(e, lang) for e in exchanges])


def panel(tutor: Tutor | None, exchanges: list[Exchange], lang: str, topic_title: str | None,
          notice: str = "", consent: Markup | None = None, intro_size: str = "") -> Markup:
    """The whole panel; ``tutor`` is None before the learner first uses it; ``notice``
    says why the conversation is not being kept on the device, if it is not; ``consent``
    asks before the models' first download (app.ui.models_view.consent); ``intro_size`` says
    what the current tutor downloads (app.ui.choice_view.intro_size)."""
    placeholder = (t(lang, "tutor_placeholder_topic", title=topic_title) if topic_title
                   else t(lang, "tutor_placeholder"))
    busy = bool(tutor and tutor.busy)
    return h(
        "section", {"id": "tutor", "class": "tutor", "aria-labelledby": "tutor-title"},
        h("h2", {"id": "tutor-title"}, t(lang, "tutor_title")),
        h("p", {"class": "meta"}, t(lang, "tutor_intro"), " ",
          h("span", {"class": "intro-size"}, intro_size, " ") if intro_size else None,
          h("a", {"class": "models-link", "href": href(Route("models"))}, t(lang, "models_manage"))),
        h("div", {"id": "tutor-status"}, status(tutor, lang) if tutor else None),
        consent,
        h("p", {"id": "tutor-notice", "class": "store-notice", "role": "status"}, notice),
        h("div", {"id": "tutor-log"}, log(exchanges, lang)),
        h("form", {"id": "tutor-form", "data-action": "ask", "autocomplete": "off"},
          h("textarea", {"name": "question", "rows": 2, "maxlength": 1000, "required": True,
                         "placeholder": placeholder, "aria-label": t(lang, "tutor_title")}),
          h("div", {"class": "buttons"},
            h("button", {"type": "submit", "class": "ask", "disabled": busy}, t(lang, "ask")),
            h("button", {"type": "button", "class": "stop", "data-action": "stop",
                         "disabled": not busy}, t(lang, "stop")))),
    )
