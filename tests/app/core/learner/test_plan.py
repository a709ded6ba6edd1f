"""The rules every plan keeps, and the learner's edits (add, remove, reorder) that
keep them or are refused with the reason; on the real library's prerequisites."""

from __future__ import annotations

import pytest

from app.core.learner import plan as rules
from app.core.learner.plan import Plan, PlanRefused, Step, problems
from app.core.learner.plan_making import from_library
from tests.app.core.learner.plan_library import real_library


def title(topic_id: str) -> str:
    return real_library().topic(topic_id, "en").title


def loops_plan(known: tuple[str, ...] = ()) -> Plan:
    return from_library("plan-1", "Write loops", ["python.loops"], real_library(), "en", 2.0, 1_000, known)


def test_the_library_plan_keeps_every_rule_and_round_trips_through_its_record() -> None:
    plan = loops_plan()
    assert plan.topic_ids == ("python.installing-python", "python.running-code", "python.variables-and-types",
                              "python.conditionals", "python.loops")
    assert problems(plan, real_library()) == []
    assert Plan.from_record(plan.to_record()) == plan


@pytest.mark.parametrize(("steps", "expected"), [
    ((Step("python.loops", "", "", "g"), Step("python.conditionals", "", "", "g")),
     "'python.loops' needs 'python.conditionals' earlier"),
    ((Step("python.magic", "", "", "g"),), "'python.magic' is not a library topic"),
    ((Step("", "python.loops", "", "g"),), "a gap must have a title and may not be a topic id"),
])
def test_a_plan_that_breaks_a_rule_is_named(steps: tuple[Step, ...], expected: str) -> None:
    plan = Plan("p", "g", "en", 2, steps, "model", 1, known=("python.variables-and-types",))
    found = problems(plan, real_library())
    assert any(expected in problem for problem in found), found


def test_a_topic_twice_is_a_problem() -> None:
    plan = loops_plan()
    twice = Plan("p", "g", "en", 2, (*plan.steps, plan.steps[-1]), "model", 1)
    assert any("twice" in problem for problem in problems(twice, real_library()))


def test_known_topics_satisfy_their_dependants_without_being_in_the_plan() -> None:
    plan = loops_plan(known=("python.variables-and-types",))
    assert plan.topic_ids == ("python.conditionals", "python.loops")
    assert problems(plan, real_library()) == []


def test_a_move_before_a_prerequisite_is_refused_with_the_reason() -> None:
    plan = loops_plan()
    last = len(plan.steps) - 1
    with pytest.raises(PlanRefused, match="“Loops” needs “Conditionals” first"):
        rules.move(plan, last, -1, real_library(), title)
    with pytest.raises(PlanRefused, match="already the first step"):
        rules.move(plan, 0, -1, real_library(), title)


def test_a_move_at_a_group_edge_crosses_into_the_next_group() -> None:
    plan = loops_plan()
    index = plan.topic_ids.index("python.conditionals")  # first of "Control flow"
    moved = rules.move(plan, index, -1, real_library(), title)
    assert moved.topic_ids == plan.topic_ids
    assert moved.steps[index].group == plan.steps[index - 1].group
    assert problems(moved, real_library()) == []


def test_independent_topics_swap() -> None:
    plan = from_library("p", "g", ["python.strings", "python.numbers-and-arithmetic"], real_library(),
                        "en", 2, 1)
    a, b = plan.topic_ids.index("python.numbers-and-arithmetic"), plan.topic_ids.index("python.strings")
    moved = rules.move(plan, a, b - a, real_library(), title)
    assert moved.topic_ids[a] == "python.strings" and moved.topic_ids[b] == "python.numbers-and-arithmetic"


def test_removing_a_prerequisite_is_refused_but_a_last_topic_goes() -> None:
    plan = loops_plan()
    with pytest.raises(PlanRefused, match="“Loops” needs “Conditionals”"):
        rules.remove(plan, plan.topic_ids.index("python.conditionals"), real_library(), title)
    shorter = rules.remove(plan, len(plan.steps) - 1, real_library(), title)
    assert "python.loops" not in shorter.topic_ids


def test_adding_a_topic_brings_its_missing_prerequisites_first() -> None:
    plan = loops_plan()
    added = rules.add(plan, "python.comprehensions", real_library(), title)
    new = added.topic_ids[len(plan.topic_ids):]
    assert new[-1] == "python.comprehensions"
    assert set(new) == {"python.functions", "python.lists-and-tuples", "python.dictionaries-and-sets",
                        "python.comprehensions"}
    assert problems(added, real_library()) == []
    with pytest.raises(PlanRefused, match="in your trail already"):
        rules.add(added, "python.loops", real_library(), title)
    with pytest.raises(PlanRefused, match="not a topic of the library"):
        rules.add(added, "python.flying", real_library(), title)


def test_weeks_fill_the_hours_a_week_in_order() -> None:
    plan = loops_plan()
    one_hour = rules.weeks(Plan(**{**plan.__dict__, "hours_per_week": 1.0}), real_library())
    ten_hours = rules.weeks(Plan(**{**plan.__dict__, "hours_per_week": 10.0}), real_library())
    assert one_hour == sorted(one_hour) and one_hour[-1] > 1
    assert ten_hours == [1] * len(plan.steps)


def test_a_record_that_is_not_a_plan_is_refused() -> None:
    with pytest.raises(ValueError, match="not a plan"):
        Plan.from_record({"id": "x"})
    with pytest.raises(ValueError, match="unknown maker"):
        Plan.from_record({**loops_plan().to_record(), "made_by": "oracle"})
