"""Course packs as a shell part (``app.ui.parts``): the ``#/packs`` page to add a pack by
URL (with its progress, or the refusal with every ``path:line`` problem), and the list
of packs on the device, each with Update and Remove.

While a pack is added only the status block is redrawn (``#pack-status``), so the
address stays in its field; when it is done, ``changed`` hands the new library (the
built-in one with the stored packs) to the shell, and the page is drawn again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from app.core.errors import TropaError
from app.core.i18n import t
from app.core.library.catalog import Library
from app.core.library.packs import PackRefused
from app.core.library.routes import Route
from app.ports import Page
from app.services.packs import Added, PackShelf, Step
from app.ui.html import Markup, h

ACTIONS = frozenset({"pack-add", "pack-update", "pack-remove"})
URL_FIELD = "pack_url"


def step_text(step: Step, lang: str) -> str:
    if step.stage == "model" and step.total:
        mb = 1024 * 1024
        return t(lang, "packs_step_model_bytes", done=str(round(step.done / mb)),
                 total=str(round(step.total / mb)))
    return t(lang, f"packs_step_{step.stage}", done=str(step.done), total=str(step.total))


class PacksUi:
    def __init__(self, shelf: PackShelf, page: Page, *, base: Callable[[], Library | None],
                 changed: Callable[[], Awaitable[None]], lang: Callable[[], str],
                 rerender: Callable[[], None]) -> None:
        """``base()`` is the built-in library (without packs); ``changed()`` is awaited
        after a pack was added, updated or removed."""
        self.shelf = shelf
        self.page = page
        self.base = base
        self.changed = changed
        self.lang = lang
        self.rerender = rerender
        self.busy = False
        self.step: Step | None = None
        self.message = ""
        self.problems: list[str] = []
        self.draft = ""

    def handles(self, action: str) -> bool:
        return action in ACTIONS

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        return None

    # -- the page -------------------------------------------------------------------------
    def content(self, route: Route, lang: str) -> Markup | None:
        if route.view != "packs":
            return None
        return h(
            "section", {"class": "packs", "data-view": "packs", "aria-labelledby": "packs-heading"},
            h("h1", {"id": "packs-heading"}, t(lang, "packs_title")),
            h("p", None, t(lang, "packs_intro")),
            h("form", {"class": "pack-form", "data-action": "pack-add"},
              h("label", {"for": "pack-url"}, t(lang, "packs_url")),
              h("input", {"id": "pack-url", "name": URL_FIELD, "type": "url", "value": self.draft,
                          "required": True, "autocomplete": "off", "spellcheck": "false",
                          "aria-describedby": "pack-url-hint"}),
              h("button", {"type": "submit", "disabled": self.busy}, t(lang, "packs_add"))),
            h("p", {"id": "pack-url-hint", "class": "meta"}, t(lang, "packs_url_hint"), " ",
              t(lang, "packs_models_note")),
            h("div", {"id": "pack-status", "role": "status", "aria-live": "polite"}, self.status(lang)),
            self.listing(lang),
        )

    def status(self, lang: str) -> Markup:
        """The progress of the pack being added, or what came of the last one."""
        if self.busy and self.step is not None:
            step = self.step
            bar = h("progress", {"value": str(step.done), "max": str(step.total)}) if step.total else None
            return h("div", {"class": "pack-progress", "data-stage": step.stage},
                     h("p", None, step_text(step, lang)), bar)
        if self.problems:
            return h("div", {"class": "pack-refused"},
                     h("p", None, t(lang, "packs_refused", n=str(len(self.problems)))),
                     h("ul", {"class": "pack-problems"}, [h("li", None, h("code", None, p))
                                                          for p in self.problems]))
        return h("p", {"class": "pack-message"}, self.message) if self.message else Markup("")

    def listing(self, lang: str) -> Markup:
        items = []
        for record in self.shelf.records:
            title = str(record.get("title", ""))
            roadmaps = record.get("library", {}).get("roadmaps", [])
            titles = ", ".join(dict.fromkeys(str(r["title"]) for r in roadmaps))
            topics = len({topic["id"] for topic in record.get("library", {}).get("topics", [])})
            items.append(h(
                "li", {"class": "pack", "data-pack": record["id"]},
                h("h3", None, title),
                h("p", {"class": "meta"}, t(lang, "packs_from", url=str(record.get("url", ""))), " · ",
                  t(lang, "packs_topics", n=str(topics))),
                h("p", None, t(lang, "packs_trails", titles=titles), " ",
                  [[" ", h("a", {"href": f"#/roadmap/{r['id']}"}, str(r["title"]))]
                   for r in roadmaps if r.get("lang") == record.get("language")]),
                h("button", {"type": "button", "class": "pack-update", "data-action": "pack-update",
                             "data-pack": record["id"], "disabled": self.busy,
                             "aria-label": t(lang, "packs_update_label", title=title)},
                  t(lang, "packs_update")),
                h("button", {"type": "button", "class": "pack-remove", "data-action": "pack-remove",
                             "data-pack": record["id"], "disabled": self.busy,
                             "aria-label": t(lang, "packs_remove_label", title=title)},
                  t(lang, "packs_remove")),
                self._differences(record, lang),
            ))
        return h("section", {"class": "pack-list", "aria-labelledby": "pack-list-heading"},
                 h("h2", {"id": "pack-list-heading"}, t(lang, "packs_added_list")),
                 h("ul", {"class": "packs-added"}, items) if items else h("p", None, t(lang, "packs_none")))

    @staticmethod
    def _differences(record: dict[str, Any], lang: str) -> Markup | None:
        """What converting a roadmap.sh pack dropped or approximated (the converter's
        sentences, in English), folded under a count."""
        differences = [str(d) for d in record.get("differences") or []]
        if record.get("layout") != "roadmap.sh":
            return None
        return h("details", {"class": "pack-differences"},
                 h("summary", None, t(lang, "packs_converted", n=str(len(differences)))),
                 h("ul", {"lang": "en"}, [h("li", None, d) for d in differences]) if differences else None)

    def _show_step(self, step: Step) -> None:
        self.step = step
        element = self.page.element("pack-status")
        if element:
            element.innerHTML = str(self.status(self.lang()))

    # -- actions --------------------------------------------------------------------------
    async def submit(self, action: str, form: Any) -> None:
        if action != "pack-add":
            return
        self.draft = str(form.elements.namedItem(URL_FIELD).value).strip()
        base = self.base()
        if base is None:
            return
        await self._run(lambda: self.shelf.add(self.draft, base, self._show_step), "packs_done")

    async def act(self, action: str, element: Any) -> None:
        pack_id = str(element.dataset.pack)
        base = self.base()
        record = self.shelf.find(pack_id)
        if base is None or record is None:
            return
        if action == "pack-update":
            await self._run(lambda: self.shelf.update(pack_id, base, self._show_step), "packs_updated")
        elif action == "pack-remove" and not self.busy:
            title = str(record.get("title", ""))
            self.problems = []
            try:
                await self.shelf.remove(pack_id)
            except TropaError as error:
                self.message = t(self.lang(), "packs_failed", reason=str(error))
            else:
                self.message = t(self.lang(), "packs_removed", title=title)
                await self.changed()
            self.rerender()

    async def _run(self, work: Callable[[], Awaitable[Added]], done_key: str) -> None:
        lang = self.lang()
        if self.busy:
            self.message = t(lang, "packs_busy")
            self._show_step(self.step or Step("index"))
            return
        self.busy, self.problems, self.message = True, [], ""
        self.rerender()
        try:
            added = await work()
        except PackRefused as refused:
            self.problems = refused.problems
        except TropaError as error:
            self.message = t(lang, "packs_failed", reason=str(error))
        else:
            record = added.record
            self.message = t(lang, done_key, title=str(record["title"]),
                             topics=str(len({x["id"] for x in record["library"]["topics"]})),
                             fetched=str(added.fetched), kb=str(round(added.bytes / 1024, 1)),
                             embedded=str(added.embedded), seconds=f"{added.seconds:.1f}")
            self.draft = ""
            await self.changed()
        finally:
            self.busy, self.step = False, None
        self.rerender()
