"""Which tutor runs here and why (the tutor panel's line), and the model manager's three
choices (full tutor, small tutor, passages only) with their download sizes, as pure functions."""

from __future__ import annotations

from collections.abc import Mapping

from app.core.generator_choice import TIERS, GeneratorChoice, Tier, download_size, tier_models
from app.core.i18n import t
from app.ui.html import Markup, h
from app.ui.models_view import size_text

TIER_ACTION = "tier-choose"
DELETE_OTHER_ID = "tiers-delete-other"


def _figure(choice: GeneratorChoice, lang: str) -> str:
    if choice.figure is None:
        return ""
    slow = choice.reason == "slow-first-token"
    value = f"{choice.figure / 1000:.0f}" if slow else f"{choice.figure:g}"
    return value.replace(".", t(lang, "decimal_point"))


def why(choice: GeneratorChoice, lang: str) -> str:
    """Why ``choice`` was made, in ``lang``, with the English-only note where it applies."""
    text = t(lang, f"choice_reason_{choice.reason}", figure=_figure(choice, lang))
    if choice.language_kept:
        text += ". " + t(lang, f"choice_kept_{choice.tier}")
    return text


def choice_line(choice: GeneratorChoice | None, lang: str) -> Markup | None:
    """The tutor panel's line: which tutor, and why (``li.tutor-choice``)."""
    if choice is None:
        return None
    return h("li", {"class": "tutor-choice", "data-tier": choice.tier, "data-reason": choice.reason},
             t(lang, "choice_line", tier=t(lang, f"tier_{choice.tier}"), why=why(choice, lang)))


def intro_size(choice: GeneratorChoice, size: int | None, lang: str) -> str:
    """The tutor intro's sentence on the current tutor's download ("" when its size is unknown)."""
    if size is None:
        return ""
    return t(lang, "tutor_intro_size", tier=t(lang, f"tier_{choice.tier}").lower() if lang == "en"
             else t(lang, f"tier_{choice.tier}"), size=size_text(size, lang))


def _tier(tier: Tier, embedder: str, sizes: Mapping[str, int], missing: Mapping[str, int] | None,
          current: GeneratorChoice, suggested: GeneratorChoice, switching: Tier | None,
          lang: str) -> Markup:
    models = tier_models(tier, embedder)
    size = download_size(models, sizes)
    left = download_size(models, missing) if missing is not None else None
    in_use, proposed = tier == current.tier, tier == suggested.tier
    badges = [h("span", {"class": "badge in-use"}, t(lang, "tier_in_use")) if in_use else None,
              h("span", {"class": "badge suggested"}, t(lang, "tier_suggested")) if proposed else None]
    return h(
        "li", {"class": "tier", "data-tier": tier, "data-current": in_use, "data-suggested": proposed,
               "data-size": size},
        h("h3", None, t(lang, f"tier_{tier}"), " ", badges),
        h("p", None, t(lang, f"tier_{tier}_about")),
        h("p", {"class": "meta tier-size"},
          t(lang, "tier_size", size=size_text(size, lang)) if size is not None else None,
          [" · ", t(lang, "tier_stored") if left == 0 else t(lang, "tier_missing",
                                                              size=size_text(left, lang))]
          if left is not None else None),
        h("button", {"type": "button", "class": TIER_ACTION, "data-action": TIER_ACTION,
                     "data-tier": tier, "aria-pressed": "true" if in_use else "false",
                     "disabled": switching is not None},
          t(lang, "tier_switching") if switching == tier else t(lang, "tier_use")),
    )


def tiers(embedder: str, sizes: Mapping[str, int], missing: Mapping[str, int] | None,
          current: GeneratorChoice, suggested: GeneratorChoice, switching: Tier | None,
          outcome: str, failed: bool, lang: str) -> Markup:
    """The three choices (``section.tiers``): ``sizes``/``missing`` bytes per model id (the
    model store's for this device; ``missing`` None when not listed yet); ``outcome`` the
    last switch's message."""
    return h(
        "section", {"class": "tiers", "aria-labelledby": "tiers-title"},
        h("h2", {"id": "tiers-title"}, t(lang, "tiers_title")),
        h("p", {"class": "meta"}, t(lang, "tiers_intro")),
        h("p", {"class": "tier-why", "data-tier": current.tier, "data-reason": current.reason},
          t(lang, "choice_line", tier=t(lang, f"tier_{current.tier}"), why=why(current, lang))),
        h("p", {"class": "tier-suggestion", "data-tier": suggested.tier,
                "data-reason": suggested.reason},
          t(lang, "tier_suggested").capitalize() + ": ",
          t(lang, "choice_line", tier=t(lang, f"tier_{suggested.tier}"), why=why(suggested, lang)))
        if suggested.tier != current.tier else None,
        h("ul", {"class": "tier-list"},
          [_tier(tier, embedder, sizes, missing, current, suggested, switching, lang) for tier in TIERS]),
        h("p", None, h("label", None,
                       h("input", {"type": "checkbox", "id": DELETE_OTHER_ID}), " ",
                       t(lang, "tiers_delete_other"))),
        h("p", {"class": "tier-outcome", "role": "alert" if failed else "status"}, outcome),
    )
