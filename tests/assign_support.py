"""People, scenarios, finished practices and real evaluations for the assignment and meeting-pack tests.

Practice rows are inserted directly: ``training_practices`` is the stored interface the practice code
writes (state "finished", score, passed, harder branches, assignment id)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.interactions.models import InteractionRow
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow, ScorecardRow
from callqa.training.library import create_scenario
from callqa.training.models import PracticeRow, ScenarioRow
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserCreate, UserRole
from callqa.users.service import create_user
from training_support import content

PASSWORD = "Practise-scenarios-42"


@dataclass(frozen=True)
class People:
    analyst: Actor
    lead: Actor  # leads North
    ana: int  # agents: ana and ben in North, cai in South
    ben: int
    cai: int


def _user(session: Session, username: str, role: UserRole, **extra: object) -> UserRow:
    new = UserCreate(username=username, display_name=username.title(), password=PASSWORD, role=role, **extra)  # type: ignore[arg-type]
    return create_user(session, new)


def people(session: Session) -> People:
    analyst = _user(session, "quinn", UserRole.QA_ANALYST)
    lead = _user(session, "sam", UserRole.SUPERVISOR, leads=["North"])
    ana = _user(session, "ana", UserRole.AGENT, agent_name="ana", team="North")
    ben = _user(session, "ben", UserRole.AGENT, agent_name="ben", team="North")
    cai = _user(session, "cai", UserRole.AGENT, agent_name="cai", team="South")
    session.flush()
    return People(
        Actor(analyst.id, "quinn", "Quinn", UserRole.QA_ANALYST),
        Actor(lead.id, "sam", "Sam", UserRole.SUPERVISOR, led_teams=frozenset({"North"})),
        ana.id,
        ben.id,
        cai.id,
    )


def scenario(
    session: Session, actor: Actor, language: str = "en", title: str = "Charged twice"
) -> ScenarioRow:
    return create_scenario(
        session, actor, title=title, scorecard="standard", content=content(language), criterion="empathy"
    )


def practice(
    session: Session,
    *,
    agent_id: int,
    scenario_id: int,
    score: float,
    passed: bool,
    harder: int,
    finished_at: datetime,
    assignment_id: int | None = None,
    state: str = "finished",
) -> PracticeRow:
    """A practice as the practice code stores it when it finishes."""
    agent = session.get(UserRow, agent_id)
    assert agent is not None and agent.agent_name
    row = PracticeRow(
        scenario_id=scenario_id,
        version=1,
        level=1,
        agent_id=agent_id,
        agent_name=agent.agent_name,
        assignment_id=assignment_id,
        customer="offline",
        state=state,
        harder_branches=harder,
        started_at=finished_at,
        finished_at=finished_at if state == "finished" else None,
        scorecard="standard",
        score=score,
        passed=passed,
        auto_failed=False,
        results=[{"id": "empathy", "outcome": "pass" if passed else "fail"}],
    )
    session.add(row)
    session.flush()
    return row


def _scorecard(session: Session) -> ScorecardRow:
    row = session.scalar(select(ScorecardRow).where(ScorecardRow.name == "standard"))
    if row is None:
        row = ScorecardRow(
            name="standard",
            version=1,
            title="Standard",
            content_hash="0" * 64,
            source="",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        session.add(row)
        session.flush()
    return row


def real_result(
    session: Session,
    *,
    agent: str,
    team: str,
    started_at: datetime,
    outcomes: dict[str, str],
    reason: str | None = None,
) -> int:
    """A real interaction of the agent with a current evaluation whose criteria had these official outcomes
    (and the contact reason its analysis recognised)."""
    card = _scorecard(session)
    key = f"{agent}-{started_at.isoformat()}-{len(outcomes)}-{reason}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    interaction = InteractionRow(
        source="test",
        external_id=digest[:20],
        channel="voice",
        agent=agent,
        team=team,
        started_at=started_at,
        language="en",
        meta={},
        turn_count=0,
        content_hash=digest,
        created_at=started_at,
        updated_at=started_at,
    )
    session.add(interaction)
    session.flush()
    if reason is not None:
        session.add(
            AnalysisRow(
                interaction_id=interaction.id,
                pipeline="test",
                interaction_hash=digest,
                language="en",
                data={"reason": {"id": reason, "title": reason}},
                created_at=started_at,
            )
        )
    failed = "fail" in outcomes.values()
    evaluation = EvaluationRow(
        interaction_id=interaction.id,
        scorecard_id=card.id,
        scorecard_name="standard",
        engine_version="test",
        pipeline="test",
        interaction_hash=digest,
        score=60.0 if failed else 95.0,
        raw_score=60.0 if failed else 95.0,
        auto_failed=False,
        passed=not failed,
        is_current=True,
        created_at=started_at,
    )
    session.add(evaluation)
    session.flush()
    for criterion, outcome in outcomes.items():
        session.add(
            CriterionResultRow(
                evaluation_id=evaluation.id,
                criterion=criterion,
                section="s",
                title=criterion.title(),
                outcome=outcome,
                confidence=1.0,
                weight=1.0,
                critical=False,
                explanation="",
                evidence=[],
            )
        )
    session.flush()
    return interaction.id
