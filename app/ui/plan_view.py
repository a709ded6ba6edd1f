"""The ``#/plan`` page ("My trail") as pure functions of its state: the goal form, the
trail as a map (``app.ui.graph_view``) with progress, its steps with their edit
buttons, the gaps marked "not in the library", and the learner's other trails."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.core.i18n import t
from app.core.learner.mastery import Mastery
from app.core.learner.plan import Plan, as_roadmap, weeks
from app.core.learner.progress import Progress
from app.core.library.catalog import Library
from app.core.library.routes import Route, href
from app.ui import graph_view
from app.ui.html import Markup, h


@dataclass(frozen=True)
class Form:
    """What the goal form shows (the learner's last entries are kept across redraws)."""

    goal: str = ""
    interests: str = ""
    hours: str = "3"
    known: str = ""
    use_progress: bool = True
    use_model: bool = True


def _check(name: str, label: str, checked: bool) -> Markup:
    return h("label", {"class": "check"},
             h("input", {"type": "checkbox", "name": name, "checked": "checked" if checked else None}),
             " ", label)


def form(values: Form, busy: bool, lang: str) -> Markup:
    def field(name: str, key: str, value: str, kind: str = "text",
              extra: dict[str, str] | None = None) -> Markup:
        attributes = {"id": f"plan-{name}", "name": name, "type": kind, "value": value, **(extra or {})}
        return h("p", {"class": "field"}, h("label", {"for": f"plan-{name}"}, t(lang, key)),
                 h("input", attributes))

    return h(
        "form", {"class": "plan-form", "data-action": "plan-make"},
        field("goal", "plan_goal", values.goal, extra={"maxlength": "250", "required": "required",
                                                       "aria-describedby": "plan-goal-hint"}),
        h("p", {"id": "plan-goal-hint", "class": "meta"}, t(lang, "plan_goal_hint")),
        field("interests", "plan_interests", values.interests, extra={"maxlength": "150"}),
        field("hours", "plan_hours", values.hours, "number", {"min": "0.5", "max": "80", "step": "0.5"}),
        field("known", "plan_known", values.known, extra={"maxlength": "600"}),
        _check("use_progress", t(lang, "plan_use_progress"), values.use_progress),
        _check("use_model", t(lang, "plan_use_model"), values.use_model),
        h("p", None, h("button", {"type": "submit", "disabled": "disabled" if busy else None},
                       t(lang, "plan_make"))),
    )


def consent(size: str, lang: str) -> Markup:
    return h("div", {"class": "plan-consent", "role": "group"},
             h("p", None, t(lang, "plan_consent", size=size)),
             h("button", {"type": "button", "class": "plan-consent-yes", "data-action": "plan-consent-yes"},
               t(lang, "plan_consent_yes")), " ",
             h("button", {"type": "button", "class": "plan-consent-no", "data-action": "plan-consent-no"},
               t(lang, "plan_consent_no")))


def made_by(plan: Plan, lang: str) -> str:
    if plan.made_by == "model":
        return t(lang, "plan_made_model")
    return t(lang, f"plan_note_{plan.note or 'model-off'}")


def _step_controls(index: int, count: int, lang: str, name: str) -> Markup:
    def button(action: str, key: str, disabled: bool) -> Markup:
        return h("button", {"type": "button", "class": action, "data-action": action, "data-index": index,
                            "disabled": "disabled" if disabled else None,
                            "aria-label": f"{t(lang, key)}: {name}"}, t(lang, key))

    return h("span", {"class": "step-controls"}, button("plan-up", "plan_up", index == 0), " ",
             button("plan-down", "plan_down", index == count - 1), " ",
             button("plan-remove", "plan_remove", False))


def steps(plan: Plan, library: Library, progress: Progress, states: Mapping[str, str], lang: str) -> Markup:
    """The steps, group by group, each with its week, why, state and edit buttons."""
    week_of = weeks(plan, library)
    index = 0
    groups = []
    for number, (group, members) in enumerate(plan.groups(), start=1):
        items = []
        for step in members:
            if step.gap:
                name = step.title
                head: Markup = h("span", {"class": "gap-title"}, step.title, " ",
                                 h("span", {"class": "badge gap-badge"}, t(lang, "plan_gap")))
            else:
                name = library.topic(step.topic, lang).title
                state = states.get(step.topic, "later")
                head = h("a", {"href": href(Route("topic", step.topic))}, name)
                head = Markup(str(head) + str(h("span", {"class": f"badge state-{state}"},
                                                 graph_view.state_words(state, lang))))
            items.append(h(
                "li", {"class": "plan-step" + (" gap" if step.gap else ""), "data-topic": step.topic or None,
                       "data-gap": "true" if step.gap else None, "data-index": index},
                head, " ", h("span", {"class": "meta"}, t(lang, "plan_week", n=week_of[index])),
                h("p", {"class": "why"}, step.why) if step.why else None,
                _step_controls(index, len(plan.steps), lang, name)))
            index += 1
        groups.append(h("li", {"class": "plan-group"}, h("h3", None, f"{number} · {group}"),
                        h("ol", {"class": "plan-steps"}, items)))
    return h("section", {"class": "plan-list", "aria-labelledby": "plan-steps-heading"},
             h("h2", {"id": "plan-steps-heading"}, t(lang, "plan_steps")),
             h("ul", {"class": "plan-groups"}, groups))


def adder(plan: Plan, library: Library, lang: str) -> Markup:
    have = set(plan.topic_ids)
    options = [h("option", {"value": topic_id}, f"{roadmap.title} · {library.topic(topic_id, lang).title}")
               for roadmap in library.all_roadmaps(lang) for topic_id in roadmap.topic_ids
               if topic_id not in have]
    return h("form", {"class": "plan-add", "data-action": "plan-add"},
             h("label", {"for": "plan-add-topic"}, t(lang, "plan_add")), " ",
             h("select", {"id": "plan-add-topic", "name": "topic"}, options), " ",
             h("button", {"type": "submit"}, t(lang, "plan_add_button")))


def trail(plan: Plan, library: Library, progress: Progress, lang: str,
          masteries: Mapping[str, Mastery] | None = None) -> Markup:
    """The plan: heading, how it was made, summary, map with progress, steps, tools."""
    roadmap = as_roadmap(plan, library)
    share = progress.share(plan.topic_ids)
    week_of = weeks(plan, library)
    states = graph_view.states(library, roadmap, progress) if roadmap.sections else {}
    summary = t(lang, "plan_summary", n=len(plan.topic_ids), weeks=max(week_of, default=0),
                hours=f"{plan.hours_per_week:g}")
    if plan.gaps:
        summary += " · " + t(lang, "plan_gaps", n=len(plan.gaps))
    return h(
        "section", {"class": "plan", "data-plan": plan.id, "data-made-by": plan.made_by,
                    "aria-labelledby": "plan-heading"},
        h("h2", {"id": "plan-heading"}, plan.goal),
        h("p", {"class": "plan-made meta"}, made_by(plan, lang)),
        h("p", {"class": "plan-summary"}, summary),
        h("p", {"class": "plan-share", "aria-label": t(lang, "plan_progress")},
          t(lang, "trail_share", finished=share.finished, total=share.total, percent=share.percent)),
        graph_view.graph(library, roadmap, progress, lang, masteries) if roadmap.sections else None,
        steps(plan, library, progress, states, lang),
        adder(plan, library, lang),
        h("p", {"class": "plan-tools"},
          h("button", {"type": "button", "class": "plan-export", "data-action": "plan-export"},
            t(lang, "plan_export")), " ",
          h("button", {"type": "button", "class": "plan-delete", "data-action": "plan-delete"},
            t(lang, "plan_delete"))),
    )


def others(plans: Sequence[Plan], current: str, lang: str) -> Markup | None:
    rest = [p for p in sorted(plans, key=lambda p: -p.created_ms) if p.id != current]
    if not rest:
        return None
    return h("section", {"class": "plan-others"}, h("h2", None, t(lang, "plan_others")),
             h("ul", None, [h("li", None, p.goal, " ",
                              h("button", {"type": "button", "data-action": "plan-open", "data-plan": p.id},
                                t(lang, "plan_open"))) for p in rest]))


def page(values: Form, plan: Plan | None, plans: Sequence[Plan], library: Library, progress: Progress,
         lang: str, *, busy: bool, status: str, consent_size: str = "",
         masteries: Mapping[str, Mastery] | None = None) -> Markup:
    return h(
        "section", {"class": "plan-page", "data-view": "plan", "data-busy": "true" if busy else "false"},
        h("h1", None, t(lang, "plan_title")),
        h("p", {"class": "intro"}, t(lang, "plan_intro")),
        form(values, busy, lang),
        h("p", {"class": "plan-status", "role": "status"}, status),
        consent(consent_size, lang) if consent_size else None,
        trail(plan, library, progress, lang, masteries) if plan is not None else
        h("p", {"class": "plan-none meta"}, t(lang, "plan_empty")),
        others(plans, plan.id if plan else "", lang),
    )
