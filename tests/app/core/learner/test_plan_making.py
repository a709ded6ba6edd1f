"""Making plans: the deterministic one, and the model's reply repaired into one that
keeps every rule (cycles, unknown topics, duplicates, truncated JSON, prose around the
JSON, gaps, known topics), or refused when nothing in it is usable."""

from __future__ import annotations

import json

import pytest

from app.core.learner.plan import Plan, problems
from app.core.learner.plan_making import Repairs, from_library, from_reply, messages, parse, topological
from tests.app.core.learner.plan_library import real_library

CHOSEN = ["sql.inner-joins", "sql.group-by-and-having"]


def reply(groups: list[dict[str, object]]) -> str:
    return json.dumps({"groups": groups})


def made(text: str, known: tuple[str, ...] = ()) -> tuple[Plan | None, list[str], bool]:
    plan, repairs = from_reply(text, "plan-1", "Report on sales", CHOSEN, real_library(), "en", 3, 1, known)
    if plan is not None:
        assert problems(plan, real_library(), known) == []
    return plan, repairs.done, repairs.valid


def good_groups() -> list[dict[str, object]]:
    library_plan = from_library("x", "g", CHOSEN, real_library(), "en", 3, 1)
    ids = list(library_plan.topic_ids)
    return [{"title": "Reading data", "steps": [{"id": t, "why": f"needed for {t}"} for t in ids[:4]]},
            {"title": "Summaries", "steps": [{"id": t, "why": "w"} for t in ids[4:]]
             + [{"gap": "Spreadsheet charts", "why": "to show the report"}]}]


def test_the_library_plan_is_the_prerequisite_closure_in_order_grouped_by_section() -> None:
    plan = from_library("p", "Report on sales", CHOSEN, real_library(), "en", 3, 1)
    assert plan.made_by == "library"
    assert plan.topic_ids[0] == "sql.relational-model"
    assert set(CHOSEN) <= set(plan.topic_ids)
    assert problems(plan, real_library()) == []
    assert [g for g, _ in plan.groups()] == ["SQL · Foundations", "SQL · Summarising and combining data"]


def test_a_clean_reply_is_valid_as_it_came() -> None:
    plan, done, valid = made(reply(good_groups()))
    assert valid and done == []
    assert plan is not None and plan.made_by == "model"
    assert plan.gaps[0].title == "Spreadsheet charts" and plan.gaps[0].why == "to show the report"
    assert [g for g, _ in plan.groups()] == ["Reading data", "Summaries"]


def test_prose_and_code_fences_around_the_json_are_cut_away() -> None:
    text = "Sure! Here is your plan:\n```json\n" + reply(good_groups()) + "\n```\nGood luck!"
    plan, done, valid = made(text)
    assert plan is not None and not valid
    assert "prose around the JSON" in done


def test_truncated_json_keeps_its_whole_steps_and_adds_what_the_cut_lost() -> None:
    text = reply(good_groups())
    cut = text[: text.index('"Summaries"') + 40]  # stops inside the second group
    plan, done, _ = made(cut)
    assert plan is not None
    assert "truncated or broken JSON cut to its last whole part" in done
    assert "chosen topic left out added" in done
    assert set(CHOSEN) <= set(plan.topic_ids)


def test_unknown_topics_are_dropped_never_shown_as_library_topics() -> None:
    groups = good_groups()
    groups[0]["steps"] = [{"id": "sql.pivot-tables", "why": "invented"}, *groups[0]["steps"]]  # type: ignore[list-item]
    plan, done, _ = made(reply(groups))
    assert plan is not None and "sql.pivot-tables" not in plan.topic_ids
    assert all(step.title != "sql.pivot-tables" for step in plan.steps)
    assert "unknown topic 'sql.pivot-tables' dropped" in done


def test_duplicates_and_known_topics_are_dropped() -> None:
    groups = good_groups()
    steps = groups[0]["steps"]
    groups[1]["steps"] = [steps[1], *groups[1]["steps"]]  # type: ignore[index, list-item]
    plan, done, _ = made(reply(groups), known=("sql.relational-model",))
    assert plan is not None
    assert len(plan.topic_ids) == len(set(plan.topic_ids))
    assert "sql.relational-model" not in plan.topic_ids
    assert {"duplicate topic dropped", "a topic the learner knows dropped"} <= set(done)


def test_an_order_against_the_prerequisites_is_sorted_and_a_cycle_of_afters_dropped() -> None:
    groups = good_groups()
    first = groups[0]["steps"]
    first.reverse()  # type: ignore[union-attr]
    # "relational model after inner joins" closes a cycle with the library's edges.
    first[-1]["after"] = ["sql.inner-joins"]  # type: ignore[index]
    plan, done, _ = made(reply(groups))
    assert plan is not None and plan.topic_ids[0] == "sql.relational-model"
    assert "order fixed so that prerequisites come first" in done
    assert "an 'after' that closes a cycle dropped" in done


def test_an_after_that_keeps_the_dag_is_followed() -> None:
    groups = [{"title": "All", "steps": [{"id": "sql.relational-model"}, {"id": "sql.tables-and-types"},
                                          {"id": "sql.select-basics"}, {"id": "sql.sorting-and-limiting"},
                                          {"id": "sql.filtering-with-where", "why": "",
                                           "after": []},
                                          {"id": "sql.inner-joins", "after": ["sql.sorting-and-limiting"]}]}]
    plan, _, _ = made(reply(groups))
    assert plan is not None
    ids = plan.topic_ids
    assert ids.index("sql.sorting-and-limiting") < ids.index("sql.inner-joins")


def test_a_missing_prerequisite_is_added_before_its_topic() -> None:
    plan, done, _ = made(reply([{"title": "Only", "steps": [{"id": "sql.group-by-and-having", "why": "w"}]}]))
    assert plan is not None and "missing prerequisite added" in done
    assert plan.topic_ids.index("sql.aggregate-functions") < plan.topic_ids.index("sql.group-by-and-having")


def test_a_gap_named_like_a_library_topic_becomes_that_topic() -> None:
    groups = good_groups()
    groups[1]["steps"] = [{"gap": "Window functions", "why": "ranking"}]  # type: ignore[index]
    plan, done, _ = made(reply(groups))
    assert plan is not None and "sql.window-functions" in plan.topic_ids
    assert all(gap.title != "Window functions" for gap in plan.gaps)
    assert "a gap that is a library topic made that topic" in done


@pytest.mark.parametrize("text", ["I cannot help with that.", "{\"groups\": []}", "",
                                  '{"groups": [{"title": "x", "steps": [{"gap": "Excel"}]}]}', "[1, 2"])
def test_a_reply_with_no_usable_library_topic_gives_none(text: str) -> None:
    plan, done, valid = made(text)
    assert plan is None and not valid and done


def test_parse_reads_strict_json_as_valid() -> None:
    repairs = Repairs()
    assert parse('{"groups": []}', repairs) == {"groups": []} and repairs.strict


def test_the_prompt_is_short_ids_and_titles_only() -> None:
    chat = messages("Report on sales", "retail", 3, from_library("x", "g", CHOSEN, real_library(), "en", 3, 1)
                    .topic_ids, real_library(), "ru")
    assert [m["role"] for m in chat] == ["system", "user"]
    assert "sql.inner-joins: " in chat[1]["content"] and "Цель: Report on sales" in chat[1]["content"]
    assert len(chat[0]["content"]) + len(chat[1]["content"]) < 1400


def test_topological_keeps_rank_order_where_edges_allow_and_survives_a_cycle() -> None:
    assert topological(["b", "a", "c"], {"b": ["a"]}, {"b": 0, "a": 1, "c": 2}) == ["a", "b", "c"]
    assert sorted(topological(["a", "b"], {"a": ["b"], "b": ["a"]}, {"a": 0, "b": 1})) == ["a", "b"]


def test_library_ids_written_as_gaps_or_with_a_dash_are_the_topics_and_nameless_gaps_go() -> None:
    library_plan = from_library("x", "g", CHOSEN, real_library(), "en", 3, 1)
    ids = list(library_plan.topic_ids)
    steps: list[dict[str, object]] = [{"id": ids[0], "why": "w"}, {"gap": ids[1], "why": "w"},
                                      {"id": ids[2].replace(".", "-", 1), "why": "w"},
                                      {"gap": "1", "why": "w"}, *({"id": t} for t in ids[3:])]
    plan, done, _ = made(reply([{"title": "All", "steps": steps}]))
    assert plan is not None and plan.topic_ids == tuple(ids) and plan.gaps == ()
    assert {"a gap that is a library topic made that topic", "a topic id misspelt ('-' for '.') corrected",
            "a gap with no name dropped"} <= set(done)
