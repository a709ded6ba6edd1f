"""The comfort controls, as pure functions: the colour theme switch (system, light or
dark, kept on the device) and the "Ask the tutor" entry that stays in sight while the
page scrolls and takes the learner to the tutor's question box.

The theme is applied as ``data-theme`` on ``<html>`` (app/static/tropa.css): before the
first paint by app/static/prerender.js, which reads the stored choice, and by the shell
when the learner changes it.
"""

from __future__ import annotations

from app.core.i18n import t
from app.ui.html import Markup, h

THEMES = ("system", "light", "dark")
DEFAULT_THEME = "system"
# The Preferences key (app/bridge/preferences.py: localStorage "tropa.theme").
THEME_KEY = "theme"


def pick_theme(stored: str | None) -> str:
    """The learner's stored theme, or the system's when none (or an unknown one) is kept."""
    return stored if stored in THEMES else DEFAULT_THEME


def theme_switch(theme: str, lang: str) -> Markup:
    """Three buttons, the chosen one pressed."""
    buttons = [
        h("button", {"type": "button", "class": "theme" + (" current" if code == theme else ""),
                     "data-action": "theme", "data-theme": code,
                     "aria-pressed": "true" if code == theme else "false",
                     "title": t(lang, "theme_system_title") if code == "system" else None},
          t(lang, f"theme_{code}"))
        for code in THEMES
    ]
    return h("div", {"class": "themes", "role": "group", "aria-label": t(lang, "theme")}, buttons)


def ask_entry(lang: str) -> Markup:
    """The sticky entry to the tutor panel (``#tutor``): the shell moves focus to its
    question box (it is not a route, as the skip link is not)."""
    return h("a", {"class": "ask-tutor", "href": "#tutor", "data-action": "ask-tutor"},
             t(lang, "ask_tutor"))
