""""Your data": what the device holds, a download of all of it, and an import."""

from __future__ import annotations

from collections.abc import Mapping

from app.core.i18n import t
from app.ui.html import Markup, h

FILE_ID = "data-file"


def page(counts: Mapping[str, int] | None, lang: str, message: str = "", error: str = "",
         detail: str = "") -> Markup:
    """``counts`` per collection (None while they are read); ``message`` says what the
    last export or import did, ``error`` (with its ``detail``) why one was refused."""
    rows = [h("tr", {"data-collection": name}, h("th", {"scope": "row"}, t(lang, f"collection_{name}")),
              h("td", None, str(count)))
            for name, count in (counts or {}).items()]
    return h(
        "section",
        {"class": "your-data", "data-view": "data"},
        h("h1", None, t(lang, "your_data")),
        h("p", None, t(lang, "data_intro")),
        h("table", {"class": "data-counts"}, h("caption", None, t(lang, "data_held")), h("tbody", None, rows))
        if counts is not None else h("p", {"class": "loading"}, t(lang, "loading")),
        h("p", None, h("button", {"type": "button", "class": "export", "data-action": "export"},
                       t(lang, "data_export"))),
        h(
            "form",
            {"class": "import", "data-action": "import"},
            h("h2", None, t(lang, "data_import")),
            h("p", {"class": "meta", "id": "import-note"}, t(lang, "data_import_note")),
            h("label", {"for": FILE_ID}, t(lang, "data_file")),
            " ",
            h("input", {"id": FILE_ID, "type": "file", "name": "file", "accept": ".json,application/json",
                        "aria-describedby": "import-note"}),
            " ",
            h("button", {"type": "submit"}, t(lang, "data_import_button")),
        ),
        h("div", {"class": "data-result", "role": "alert" if error else "status"},
          h("p", {"class": "data-message"}, message) if message else None,
          h("p", {"class": "data-error"}, error) if error else None,
          h("p", {"class": "data-detail"}, detail) if detail else None),
    )
