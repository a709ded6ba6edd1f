"""The model manager page (``#/models``) and the tutor's download consent, as pure
functions of ``app.services.stored_models`` state."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from app.core.i18n import t
from app.core.library.routes import Route, href
from app.services.stored_models import ModelShelf, Outcome, StoredModel
from app.ui.html import Markup, h


def size_text(total: int, lang: str = "en") -> str:
    """Bytes in decimal units, as disks are sold: 1.2 GB, 135 MB, 312 kB (in ``lang``)."""
    if total >= 1_000_000_000:
        return t(lang, "size_gb", n=f"{total / 1_000_000_000:.1f}".replace(".", t(lang, "decimal_point")))
    if total >= 1_000_000:
        return t(lang, "size_mb", n=f"{total / 1_000_000:.0f}")
    return t(lang, "size_kb", n=f"{max(total, 0) / 1000:.0f}")


def shown(models: list[StoredModel], in_use: Collection[str]) -> list[StoredModel]:
    """The models a learner is shown: test models (tier "tiny") only when in use or stored."""
    return [m for m in models if m.tier != "tiny" or m.id in in_use or m.stored > 0]


def state_text(model: StoredModel, lang: str) -> str:
    return t(lang, f"model_state_{model.state}", stored=size_text(model.stored, lang),
             size=size_text(model.size, lang))


def outcome_text(outcome: Outcome, lang: str) -> str:
    if not outcome.ok:
        return t(lang, "models_action_failed", error=outcome.error)
    if outcome.task == "verify" and outcome.bad:
        return t(lang, "model_done_verify_bad", n=outcome.bad)
    return t(lang, f"model_done_{outcome.task}", size=size_text(outcome.bytes, lang))


def _activity(shelf: ModelShelf, model: StoredModel, lang: str) -> Markup | None:
    task = shelf.running.get(model.id)
    if task is None:
        return None
    if task == "delete":
        return h("p", {"class": "model-activity"}, t(lang, "model_deleting"))
    done, total = shelf.progress.get(model.id, (0, model.size))
    key = "model_downloading" if task == "download" else "model_verifying"
    return h("p", {"class": "model-activity"},
             t(lang, key, done=size_text(done, lang), total=size_text(total, lang)),
             h("progress", {"max": total or 1, "value": done}))


def _buttons(shelf: ModelShelf, model: StoredModel, lang: str) -> Markup:
    busy = model.id in shelf.running

    def button(action: str, label: str) -> Markup:
        return h("button", {"type": "button", "class": action, "data-action": action,
                            "data-model": model.id, "disabled": busy}, label)

    return h("td", {"class": "actions"},
             button("model-download", t(lang, "model_download_rest" if model.state == "partial"
                                        else "model_download")) if not model.complete else None,
             button("model-verify", t(lang, "model_verify")) if model.stored else None,
             button("model-delete", t(lang, "model_delete")) if model.stored else None)


def model_row(shelf: ModelShelf, model: StoredModel, in_use: bool, lang: str) -> Markup:
    outcome = shelf.outcomes.get(model.id)
    return h(
        "tr", {"class": "stored-model", "data-model": model.id, "data-state": model.state,
               "data-busy": shelf.running.get(model.id)},
        h("th", {"scope": "row"}, h("span", {"class": "model-id"}, model.id),
          h("span", {"class": "meta"}, " ", t(lang, "model_runs_on", device=model.device.upper(),
                                              dtype=model.dtype))),
        h("td", None, t(lang, f"model_for_{model.role}"),
          [" · ", h("span", {"class": "in-use"}, t(lang, "model_in_use"))] if in_use else None),
        h("td", {"class": "size"}, size_text(model.size, lang)),
        h("td", {"class": "model-state"}, h("span", {"class": "state-text"}, state_text(model, lang)),
          _activity(shelf, model, lang),
          h("p", {"class": "model-outcome", "role": "status" if outcome.ok else "alert"},
            outcome_text(outcome, lang)) if outcome else None),
        _buttons(shelf, model, lang),
    )


def storage_line(shelf: ModelShelf, lang: str, persisted: bool | None = None) -> Markup | None:
    """Storage used and free, whether it is persistent and what that means; ``persisted``
    the browser's answer when it was asked to keep the site's data (None: not asked)."""
    storage = shelf.storage
    if storage is None:
        return None
    kept = storage.persisted or bool(persisted)
    return h("p", {"class": "storage", "data-persisted": "true" if kept else "false"},
             t(lang, "models_storage", used=size_text(storage.usage, lang),
               quota=size_text(storage.quota, lang), free=size_text(storage.free, lang)), " ",
             h("span", {"class": "persistence"},
               t(lang, "models_persisted" if kept else "models_not_persisted")),
             [" ", h("span", {"class": "persist-asked"},
                     t(lang, "persist_asked_granted" if persisted else "persist_asked_refused"))]
             if persisted is not None else None)


def page(shelf: ModelShelf, in_use: Collection[str], lang: str, *, tiers: Markup | None = None,
         persisted: bool | None = None) -> Markup:
    """The tutor's choices (``tiers``, app.ui.choice_view), then every model with what it
    is for, its size here, its state and its buttons."""
    if shelf.models is None:
        body: Markup = h("p", {"class": "loading" if not shelf.error else "notice",
                              "role": "alert" if shelf.error else None},
                         t(lang, "models_unreadable", error=shelf.error) if shelf.error
                         else t(lang, "models_reading"))
    else:
        heads = ("model", "for", "size", "state", "actions")
        body = h("table", {"class": "stored-models"},
                 h("caption", None, t(lang, "models_table")),
                 h("thead", None, h("tr", None, [h("th", {"scope": "col"}, t(lang, f"models_col_{name}"))
                                                 for name in heads])),
                 h("tbody", None, [model_row(shelf, m, m.id in in_use, lang)
                                   for m in shown(shelf.models, in_use)]))
    return h("section", {"class": "models-page", "data-view": "models"},
             h("h1", None, t(lang, "models_title")),
             h("p", None, t(lang, "models_intro")),
             storage_line(shelf, lang, persisted),
             tiers,
             body)


@dataclass(frozen=True)
class Consent:
    """The tutor's question waiting for the learner to allow its models' download."""

    models: tuple[StoredModel, ...]  # those not wholly on the device
    question: str
    free: int | None = None  # bytes the browser still allows this site, when known

    @property
    def size(self) -> int:
        return sum(m.missing for m in self.models)


def consent(ask: Consent | None, declined: bool, lang: str) -> Markup:
    """The consent block of the tutor's panel (``#tutor-consent``): empty when nothing waits."""
    attrs = {"id": "tutor-consent", "class": "consent", "role": "region" if ask else None,
             "aria-labelledby": "consent-title" if ask else None}
    if ask is None:
        return h("div", attrs, h("p", {"class": "meta consent-declined"}, t(lang, "consent_declined"))
                 if declined else None)
    names = ", ".join(f"{m.id} ({t(lang, f'model_role_{m.role}')}, {size_text(m.missing, lang)})"
                      for m in ask.models)
    key = "consent_text_one" if len(ask.models) == 1 else "consent_text"
    return h(
        "div", {**attrs, "data-size": ask.size},
        h("h3", {"id": "consent-title"}, t(lang, "consent_title")),
        h("p", {"class": "consent-text"}, t(lang, key, n=len(ask.models), size=size_text(ask.size, lang),
                                            models=names)),
        h("p", {"class": "meta"}, t(lang, "consent_free", free=size_text(ask.free, lang)))
        if ask.free is not None else None,
        h("p", {"class": "meta consent-question"}, t(lang, "consent_question", question=ask.question)),
        h("div", {"class": "buttons"},
          h("button", {"type": "button", "class": "consent-download", "data-action": "consent-download"},
            t(lang, "consent_download")),
          h("button", {"type": "button", "class": "consent-later", "data-action": "consent-later"},
            t(lang, "consent_later")),
          h("a", {"href": href(Route("models"))}, t(lang, "models_manage"))),
    )
