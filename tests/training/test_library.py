"""Scenario scripts are checked before they are stored; every save is a new version (SQLite + PostgreSQL)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from callqa.audit.models import AuditRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.training.library import content_of, create_scenario, get_scenario, save_version
from callqa.training.models import ScenarioVersionRow
from callqa.training.script import ScenarioContent, Script, ScriptError, Step
from support import Database
from training_support import analyst_user, content, two_step_script


def test_a_script_round_trips_through_json() -> None:
    original = content("lt")
    assert ScenarioContent.from_json(original.as_json()) == original
    assert original.level(1).criteria == ("empathy",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": "nowhere"}, "the start step 'nowhere' is not in the script"),
        ({"level": 7}, "level 7 is not one of (1, 2, 3)"),
        ({"steps": ()}, "the script has no step"),
    ],
)
def test_a_broken_script_is_refused_with_its_cause(change: dict[str, object], message: str) -> None:
    with pytest.raises(ScriptError, match=message.replace("(", r"\(").replace(")", r"\)")):
        dataclasses.replace(two_step_script(), **change).check()  # type: ignore[arg-type]


def test_branches_must_name_steps_and_every_step_must_be_reached() -> None:
    script = two_step_script()
    first = dataclasses.replace(script.steps[0], on_miss="gone")
    dangling = dataclasses.replace(script, steps=(first, *script.steps[1:]))
    with pytest.raises(ScriptError, match="goes to 'gone', which is not a step"):
        dangling.check()
    orphan = dataclasses.replace(script, steps=(*script.steps, Step(id="lost", customer="Hello?")))
    with pytest.raises(ScriptError, match="steps never reached: lost"):
        orphan.check()
    with pytest.raises(ScriptError, match="criteria not in the scorecard: empathy"):
        script.check({"greeting"})


def test_scenarios_are_stored_and_versioned(db: Database) -> None:
    with db.factory.begin() as session:
        actor = analyst_user(session)
        row = create_scenario(session, actor, title="Double charge", scorecard="default", content=content())
        harder = Script(
            level=2,
            start="s",
            steps=(Step(id="s", customer="My card was blocked too!", mood="annoyed", criteria=("empathy",)),),
        )
        version = save_version(
            session, actor, row, ScenarioContent("en", (two_step_script(), harder)), note="level 2 added"
        )
        scenario_id = row.id
    assert version == 2
    with db.factory() as session:
        row = get_scenario(session, scenario_id)
        assert row.current_version == 2
        assert content_of(session, row).levels == (1, 2)
        assert content_of(session, row, 1).levels == (1,)
        versions = session.scalar(select(func.count()).select_from(ScenarioVersionRow))
        audited = session.scalars(select(AuditRow.action).order_by(AuditRow.id)).all()
    assert versions == 2
    assert audited == ["scenario.create", "scenario.version"]


def test_a_bad_scenario_stores_nothing_and_names_the_cause(db: Database) -> None:
    with db.factory.begin() as session:
        actor = analyst_user(session)
        with pytest.raises(CallqaError) as caught:
            create_scenario(
                session,
                actor,
                title="Refund",
                scorecard="default",
                content=content(),
                known_criteria={"greeting"},
            )
        assert caught.value.code is ErrorCode.T100
        assert "scenario 'Refund'" in str(caught.value) and "empathy" in str(caught.value)
    with db.factory() as session:
        assert session.scalar(select(func.count()).select_from(ScenarioVersionRow)) == 0
        with pytest.raises(CallqaError, match="T101"):
            get_scenario(session, 99)
