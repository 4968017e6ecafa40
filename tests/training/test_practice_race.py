"""Two answers sent at the same time to one practice (a double click, two tabs): the first is taken, the
other is refused with T130 (409) or — where the database makes it wait for the first — taken after it;
never a server error, and the conversation stays one line after another (SQLite + PostgreSQL). An answer
read against a practice that moved on meanwhile is refused with T130, deterministically."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.settings import Settings
from callqa.training.models import PracticeRow
from callqa.training.practice import answer, get_practice, start_practice, turns_of
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserRole
from callqa.web.app import create_app
from practice_support import CURT, EMPATHETIC, agent_user, judging, stored_scenario
from support import Database
from web_support import SignedIn, Web, seed

pytestmark = pytest.mark.issue(22)


@pytest.fixture
def web(db: Database, tmp_path: Path) -> Iterator[Web]:
    seed(db)
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    yield Web(db, create_app(settings, engine=db.engine), settings)


def _scenario(web: Web) -> int:
    with web.db.factory.begin() as session:
        analyst = session.scalar(select(UserRow).where(UserRow.username == "analyst"))
        assert analyst is not None
        actor = Actor(analyst.id, analyst.username, analyst.display_name, UserRole.QA_ANALYST)
        return stored_scenario(session, "en", actor)


def _at_once(user: SignedIn, url: str, *bodies: dict[str, str]) -> list[Any]:
    """The replies to ``bodies`` posted to ``url`` by one thread each, let go at the same moment."""
    gate = threading.Barrier(len(bodies))
    answers: list[Any] = [None] * len(bodies)

    def send(i: int, body: dict[str, str]) -> None:
        gate.wait()
        answers[i] = user.post(url, json=body)

    threads = [threading.Thread(target=send, args=(i, b)) for i, b in enumerate(bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def test_two_answers_at_once_never_collide(web: Web) -> None:
    scenario_id = _scenario(web)
    agent = web.signed_in("j.smith")
    pid = agent.post("/api/practices", json={"scenario_id": scenario_id}).json()["id"]
    # warm the pipeline up, so both racing answers spend their time in the same place
    warm = agent.post("/api/practices", json={"scenario_id": scenario_id}).json()["id"]
    assert agent.post(f"/api/practices/{warm}/answer", json={"text": EMPATHETIC}).status_code == 200

    refusals = 0
    for attempt in range(3):
        answers = _at_once(agent, f"/api/practices/{pid}/answer", {"text": EMPATHETIC}, {"text": CURT})
        codes = sorted(a.status_code for a in answers)
        assert all(c in (200, 409) for c in codes), [(a.status_code, a.text) for a in answers]
        assert 200 in codes
        for refused in (a for a in answers if a.status_code == 409):
            detail = refused.json()["detail"]
            assert "T130" in detail or "T121" in detail, detail  # T121: the first answer ended it
            refusals += "T130" in detail
        with web.db.factory() as session:
            practice = session.get(PracticeRow, pid)
            assert practice is not None
            turns = turns_of(session, pid)
        assert [t.seq for t in turns] == list(range(len(turns)))
        roles = [t.role for t in turns]
        assert all(a != b for a, b in itertools.pairwise(roles)), roles  # taking turns
        if practice.state != "running":
            break
        assert roles[-1] == "customer" and turns[-1].step_id == practice.current_step, attempt
    print(f"refused with T130: {refusals}")  # on SQLite usually (timing), on PostgreSQL never (row lock)


def test_two_answers_to_the_same_line_one_is_taken(web: Web) -> None:
    """What the page sends: each answer names the step whose line it answers, so of two sent at once
    exactly one is taken and the other refused with T130 — on PostgreSQL too, where the second waits."""
    scenario_id = _scenario(web)
    agent = web.signed_in("j.smith")
    pid = agent.post("/api/practices", json={"scenario_id": scenario_id}).json()["id"]
    url = f"/api/practices/{pid}/answer"
    answers = _at_once(agent, url, {"text": EMPATHETIC, "step": "open"}, {"text": CURT, "step": "open"})
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409).json()["detail"]
    assert "T130" in refused and f"practice {pid}" in refused and "'open'" in refused
    with web.db.factory() as session:
        turns = turns_of(session, pid)
    assert [(t.role, t.step_id) for t in turns][:2] == [("customer", "open"), ("agent", "open")]
    assert len([t for t in turns if t.role == "agent"]) == 1
    late = agent.post(url, json={"text": EMPATHETIC, "step": "open"})  # after the fact: the same refusal
    assert late.status_code == 409 and "T130" in late.json()["detail"]


def test_an_answer_to_a_line_already_answered_is_refused(db: Database) -> None:
    """Two sessions read the practice at its first line; one answers and commits; the other's answer, read
    against the old line, is refused and adds nothing."""
    with db.factory.begin() as session:
        agent = agent_user(session)
        pid = start_practice(session, agent, stored_scenario(session)).id
    with db.factory() as first, db.factory() as second:
        mine, theirs = get_practice(first, pid), get_practice(second, pid)
        assert mine.current_step == theirs.current_step == "open"
        answer(first, mine, EMPATHETIC, judging=judging(db))
        first.commit()
        with pytest.raises(CallqaError) as refused:
            answer(second, theirs, CURT, judging=judging(db))
        second.rollback()
    assert refused.value.code is ErrorCode.T130 and f"practice {pid}" in str(refused.value)
    assert "'open'" in str(refused.value)
    with db.factory() as session:
        turns = turns_of(session, pid)
        assert [(t.role, t.step_id) for t in turns] == [
            ("customer", "open"),
            ("agent", "open"),
            ("customer", "calm"),
        ]
        assert turns[1].text == EMPATHETIC
