"""The status line of a prerendered page: what can be done already, and what is still
loading before the app takes the page over (``builder.prerender`` puts it above the page;
the app's first render replaces it with the page itself)."""

from __future__ import annotations

from app.core.i18n import t
from app.ui.html import Markup, h

# PyScript's ``py:progress`` messages → the stage they start (app/static/prerender.js).
STAGES = {
    "Loading Pyodide": "runtime",
    "Loading packages": "packages",
    "Loading remote packages": "packages",
    "Loading files": "start",
}
STAGE_KEYS = {"runtime": "boot_runtime", "packages": "boot_packages", "start": "boot_start"}


def stages(lang: str) -> dict[str, str]:
    """Stage name → the words saying it is under way, in ``lang``."""
    return {stage: t(lang, key) for stage, key in STAGE_KEYS.items()}


def note(lang: str) -> Markup:
    """The line that says the page is readable and the app is still starting."""
    return h("p", {"class": "boot-note", "role": "status", "lang": lang},
             t(lang, "boot_reading"), " ",
             h("span", {"class": "boot-stage"}, t(lang, "boot_runtime")))
