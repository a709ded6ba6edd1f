"""The learner's progress on the pages: mark buttons on a topic, a trail's share with a
"Continue" link and a reset that can be undone, a card's share, the study streak."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.core.i18n import t
from app.core.learner.mastery import Mastery
from app.core.learner.progress import STATUSES, Progress, Status
from app.core.library.catalog import Library, Roadmap
from app.core.library.routes import Route, href
from app.ui.html import Markup, h


@dataclass(frozen=True)
class Learning:
    """What the pages show of the learner: their progress, streak, the trail whose reset
    can be undone, what the device's storage refused (if anything), the mastery of each
    quizzed topic, and how many review cards are due today."""

    progress: Progress
    streak: int = 0
    undo: str | None = None
    notice: str = ""
    mastery: Mapping[str, Mastery] = field(default_factory=dict)
    due: int = 0


def status_badge(status: Status | None, lang: str) -> Markup | None:
    if status is None:
        return None
    return h("span", {"class": f"state state-{status}"}, t(lang, f"status_{status}"))


def mastery_badge(mastery: Mastery, lang: str) -> Markup:
    """"Mastery: getting there · 60%" (from quizzes and cards, app.core.learner.mastery)."""
    level = t(lang, f"mastery_{mastery.level}")
    words = level if mastery.level == "untested" else t(lang, "mastery_line", level=level,
                                                        percent=mastery.percent)
    return h("span", {"class": f"mastery mastery-{mastery.level}", "data-level": mastery.level},
             t(lang, "mastery"), ": ", words)


def mastery_of(topic_id: str, learning: Learning | None, lang: str) -> Markup | None:
    """The topic's mastery badge once it has been quizzed, else None."""
    found = learning.mastery.get(topic_id) if learning else None
    return mastery_badge(found, lang) if found is not None else None


def mark_controls(topic_id: str, learning: Learning, lang: str) -> Markup:
    """Three toggle buttons: learning, done, skipped (pressing the pressed one clears),
    and the mastery the quizzes show beside them."""
    current = learning.progress.status(topic_id)
    buttons = [
        h("button", {"type": "button", "class": f"mark mark-{status}", "data-action": "mark",
                     "data-topic": topic_id, "data-status": status,
                     "aria-pressed": "true" if status == current else "false"},
          t(lang, f"mark_{status}"))
        for status in STATUSES
    ]
    beside = mastery_of(topic_id, learning, lang)
    return h("div", {"class": "marks", "role": "group", "aria-label": t(lang, "progress_label")},
             buttons, [" ", beside] if beside else None, notice(learning))


def notice(learning: Learning) -> Markup | None:
    if not learning.notice:
        return None
    return h("p", {"class": "notice store-notice", "role": "status"}, learning.notice)


def continue_link(library: Library, roadmap: Roadmap, learning: Learning, lang: str) -> Markup:
    """"Start"/"Continue: <topic>" to the next topic whose prerequisites are met."""
    requires = {t_id: library.topic(t_id, roadmap.lang).requires for t_id in roadmap.topic_ids}
    next_id = learning.progress.next_topic(roadmap.topic_ids, requires)
    if next_id is None:
        return h("p", {"class": "continue finished"}, t(lang, "trail_finished"))
    title = library.topic(next_id, roadmap.lang).title
    key = "continue_with" if learning.progress.started(roadmap.topic_ids) else "start_with"
    return h("a", {"class": "continue", "href": href(Route("topic", next_id)), "data-topic": next_id},
             t(lang, key, title=title))


def share_bar(roadmap: Roadmap, learning: Learning, lang: str) -> Markup:
    share = learning.progress.share(roadmap.topic_ids)
    return h("p", {"class": "share", "data-percent": str(share.percent)},
             h("progress", {"max": share.total or 1, "value": share.finished,
                            "aria-label": t(lang, "progress_label")}),
             " ", t(lang, "trail_share", finished=share.finished, total=share.total,
                    percent=share.percent))


def trail_summary(library: Library, roadmap: Roadmap, learning: Learning, lang: str) -> Markup:
    """The trail page's progress block: share, continue, reset or undo."""
    started = learning.progress.started(roadmap.topic_ids)
    if learning.undo == roadmap.id:
        action = h("button", {"type": "button", "class": "undo", "data-action": "undo"},
                   t(lang, "undo_reset"))
    elif started:
        action = h("button", {"type": "button", "class": "reset", "data-action": "reset",
                              "data-roadmap": roadmap.id}, t(lang, "reset_progress"))
    else:
        action = None
    return h("section", {"class": "trail-progress", "aria-label": t(lang, "progress_label")},
             share_bar(roadmap, learning, lang), continue_link(library, roadmap, learning, lang),
             " ", action, notice(learning))


def card_progress(library: Library, roadmap: Roadmap, learning: Learning, lang: str) -> Markup | None:
    """A library card's share and continue link, once the trail is started."""
    if not learning.progress.started(roadmap.topic_ids):
        return None
    return h("div", {"class": "card-progress"}, share_bar(roadmap, learning, lang),
             continue_link(library, roadmap, learning, lang))


def streak_line(learning: Learning, lang: str) -> Markup | None:
    if learning.streak <= 0:
        return None
    return h("p", {"class": "streak"}, t(lang, "streak", n=learning.streak))
