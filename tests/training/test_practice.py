"""A practice is judged by the scorecard's own detectors: an empathetic answer goes on, a curt one takes
the harder branch; the finished practice is scored on its own row and never as an evaluation (SQLite +
PostgreSQL, the real pipeline and the standard scorecard)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callqa.audit.models import AuditRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.scoring.models import EvaluationRow
from callqa.training.models import AssignmentRow, PracticeRow
from callqa.training.practice import abandon, answer, get_practice, start_practice, turns_of
from callqa.training.practice_queries import practice_file
from practice_support import CARD, CURT, EMPATHETIC, LINES, agent_user, judging, stored_scenario
from support import Database
from training_support import analyst_user

pytestmark = pytest.mark.issue(22)


def _count(db: Database, table: type) -> int:
    with db.factory() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_an_empathetic_answer_goes_on_and_the_practice_is_scored(db: Database) -> None:
    with db.factory.begin() as session:
        agent = agent_user(session)
        scenario_id = stored_scenario(session)
        practice = start_practice(session, agent, scenario_id)
        practice_id = practice.id
        first = turns_of(session, practice_id)
        assert [(t.role, t.step_id) for t in first] == [("customer", "open")]
        assert "charged twice" in first[0].text
        mine = answer(session, practice, EMPATHETIC, judging=judging(db))
        assert mine.branch == "pass" and practice.current_step == "calm"
        assert mine.checks is not None and mine.checks[0]["criterion"] == "empathy"
        assert mine.checks[0]["outcome"] == "pass" and "sorry to hear" in mine.checks[0]["evidence"]
        last = answer(session, practice, "It will be back within five days.", judging=judging(db))
        assert last.branch == "pass" and last.checks == []  # a step without act points just moves on
    with db.factory() as session:
        practice = get_practice(session, practice_id)
        turns = turns_of(session, practice_id)
        assert practice.state == "finished" and practice.current_step is None
        assert practice.harder_branches == 0
        assert practice.score is not None and practice.scorecard == "standard" and practice.scorecard_hash
        results = {r["id"]: r for r in practice.results or []}
        assert results["empathy"]["outcome"] == "pass"
        assert any("sorry to hear" in said for said in results["empathy"]["said"])
        assert {r["outcome"] for r in results.values()} >= {"pass", "fail", "n/a"}
        assert [t.role for t in turns] == ["customer", "agent", "customer", "agent"]
        assert [t.input for t in turns if t.role == "agent"] == ["typed", "typed"]
        audited = session.scalars(select(AuditRow.action).where(AuditRow.resource == "practice")).all()
    assert audited == ["practice.start", "practice.finish"]
    assert _count(db, EvaluationRow) == 0  # practice is never an evaluation


def test_a_curt_answer_takes_the_harder_branch(db: Database) -> None:
    with db.factory.begin() as session:
        agent = agent_user(session)
        practice = start_practice(session, agent, stored_scenario(session))
        mine = answer(session, practice, CURT, judging=judging(db))
        assert mine.branch == "miss" and practice.current_step == "angry" and practice.harder_branches == 1
        assert mine.checks == [
            {"criterion": "empathy", "title": "Empathy and courtesy", "outcome": "fail", "evidence": []}
        ]
        angry = turns_of(session, practice.id)[-1]
        assert angry.role == "customer" and angry.mood == "angry" and "third time" in angry.text
        # still curt: the angry step has no harder branch left, so the practice ends there, failed on empathy
        answer(session, practice, "Give me the order number.", judging=judging(db))
        assert practice.state == "finished"
        results = {r["id"]: r for r in practice.results or []}
        assert results["empathy"]["outcome"] == "fail"
        assert practice.harder_branches == 1
    assert _count(db, EvaluationRow) == 0


def test_answers_are_redacted_and_bad_ones_refused(db: Database) -> None:
    with db.factory.begin() as session:
        agent = agent_user(session)
        practice = start_practice(session, agent, stored_scenario(session))
        with pytest.raises(CallqaError) as empty:
            answer(session, practice, "   ", judging=judging(db))
        assert empty.value.code is ErrorCode.T122 and f"practice {practice.id}" in str(empty.value)
        with pytest.raises(CallqaError, match=r"T122.*at most 2000"):
            answer(session, practice, "x" * 2001, judging=judging(db))
        mine = answer(session, practice, f"Sorry about that. Is your card {CARD}?", judging=judging(db))
        assert CARD not in mine.text and "4111" not in mine.text
        abandon(session, agent, practice)
        assert practice.state == "abandoned"
        with pytest.raises(CallqaError) as done:
            answer(session, practice, EMPATHETIC, judging=judging(db))
        assert done.value.code is ErrorCode.T121 and "is abandoned" in str(done.value)
        with pytest.raises(CallqaError, match=r"T123.*has no level 3; its levels: 1"):
            start_practice(session, agent, practice.scenario_id, level=3)
        with pytest.raises(CallqaError, match="T101"):
            start_practice(session, agent, 999_999)
        with pytest.raises(CallqaError, match="T125"):
            start_practice(session, agent, practice.scenario_id, assignment_id=999_999)
    with db.factory() as session:
        texts = [t.text for t in turns_of(session, practice.id)]
    assert not any("4111" in t for t in texts)


def test_finishing_an_assigned_practice_completes_the_assignment(db: Database) -> None:
    from datetime import UTC, datetime

    with db.factory.begin() as session:
        agent = agent_user(session)
        scenario_id = stored_scenario(session)
        assignment = AssignmentRow(
            scenario_id=scenario_id,
            agent_id=agent.user_id,
            agent_name="j.smith",
            origin="manual",
            created_at=datetime.now(UTC),
        )
        session.add(assignment)
        session.flush()
        practice = start_practice(session, agent, scenario_id, assignment_id=assignment.id)
        answer(session, practice, EMPATHETIC, judging=judging(db))
        answer(session, practice, "Within five days.", judging=judging(db))
        assert assignment.state == "done" and assignment.completed_at is not None
        assert practice.assignment_id == assignment.id


@pytest.mark.parametrize("language", ["fa", "zh"])
def test_a_persian_or_chinese_practice_branches_on_the_same_detectors(db: Database, language: str) -> None:
    said = LINES[language]
    with db.factory.begin() as session:
        agent = agent_user(session)
        scenario_id = stored_scenario(session, language)
        missed = start_practice(session, agent, scenario_id)
        assert answer(session, missed, said["curt"], judging=judging(db)).branch == "miss"
        assert turns_of(session, missed.id)[-1].text == said["angry"]
        good = start_practice(session, agent, scenario_id)
        assert answer(session, good, said["empathetic"], judging=judging(db)).branch == "pass"
        assert turns_of(session, good.id)[-1].text == said["calm"]
    assert _count(db, PracticeRow) == 2


def test_the_quality_file_part_counts_an_agents_finished_practices_only(db: Database) -> None:
    with db.factory.begin() as session:
        agent, analyst = agent_user(session), analyst_user(session)
        scenario_id = stored_scenario(session, actor=analyst)
        for who in (agent, analyst):
            practice = start_practice(session, who, scenario_id)
            answer(session, practice, EMPATHETIC, judging=judging(db))
            answer(session, practice, "Within five days.", judging=judging(db))
        start_practice(session, agent, scenario_id)  # running: not in the file
        found = practice_file(session, "j.smith")
        assert [e.scenario for e in found["entries"]] == ["Double charge (en)"]
        assert found["criteria"]["empathy"] == {"passed": 1, "applicable": 1}
        assert found["criteria"]["thanks"] == {"passed": 0, "applicable": 1}
        assert found["abilities"]["empathy"] == 0.5  # the ability is empathy and thanks (coaching.abilities)
        assert practice_file(session, "quinn")["entries"] == []  # a staff trial is nobody's quality file
