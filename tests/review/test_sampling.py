"""Sampling strategies and review queues on constructed evaluations with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from callqa.core.document import Interaction
from callqa.core.errors import CallqaError
from callqa.interactions.service import StoreItem, store_interactions
from callqa.review.models import QueueItemRow, ReviewRow
from callqa.review.queue_plan import build_queue
from callqa.review.queue_spec import QueueSpec, Strategy
from callqa.review.queues import list_queues, pending_for
from callqa.review.sampling import mark_reviewed
from callqa.scoring.loader import load_scorecard
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow
from callqa.scoring.service import register_scorecard
from callqa.users.schemas import UserCreate, UserRole
from callqa.users.service import create_user
from support import Database

# name: (agent, score, auto_failed, lowest confidence, csat out of 5, customer sentiment)
CASES = {
    "good": ("ann", 95.0, False, 0.9, 5.0, 0.6),
    "low": ("ann", 40.0, False, 0.9, 3.0, 0.0),
    "lower": ("bob", 20.0, False, 0.8, None, -0.1),
    "unsure": ("bob", 85.0, False, 0.3, None, 0.2),
    "autofail": ("cy", 0.0, True, 0.9, 2.0, -0.2),
    "unhappy": ("cy", 90.0, False, 0.9, 1.0, -0.7),  # high score, low CSAT, negative
    "happy_bad": ("ann", 50.0, False, 0.9, 5.0, 0.4),  # low score, high CSAT
    "newbie": ("nia", 88.0, False, 0.9, None, 0.1),
}
START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)

PASSWORD = "sampling-test-pw"


def _seed(db: Database) -> dict[str, int]:
    card = load_scorecard("standard")
    docs = [
        Interaction.model_validate(
            {
                "external_id": name,
                "channel": "chat",
                "agent": agent,
                "team": "T",
                "started_at": (START + timedelta(hours=n)).isoformat(),
                "turns": [{"role": "customer", "text": "hello"}],
                **({"survey": {"csat": csat, "csat_scale": 5}} if csat is not None else {}),
            }
        )
        for n, (name, (agent, _, _, _, csat, _)) in enumerate(CASES.items())
    ]
    now = datetime.now(UTC)
    with db.factory.begin() as session:
        stored = store_interactions(session, [StoreItem(d) for d in docs])
        ids = {d.external_id: int(s.interaction_id or 0) for d, s in zip(docs, stored, strict=True)}
        row = register_scorecard(session, card)
        for name, (_, score, auto, confidence, _, feeling) in CASES.items():
            evaluation = EvaluationRow(
                interaction_id=ids[name],
                scorecard_id=row.id,
                scorecard_name=card.name,
                engine_version="t",
                pipeline="t",
                interaction_hash="h",
                score=score,
                raw_score=score,
                auto_failed=auto,
                passed=score >= 80,
                is_current=True,
                created_at=now,
            )
            session.add(evaluation)
            session.flush()
            for criterion, conf, outcome in (
                ("greeting", confidence, "pass"),
                ("thanks", 0.99, "fail"),
                ("hold", 0.1, "n/a"),
            ):
                session.add(
                    CriterionResultRow(
                        evaluation_id=evaluation.id,
                        criterion=criterion,
                        section="s",
                        title=criterion,
                        outcome=outcome,
                        confidence=conf,
                        weight=1.0,
                        critical=False,
                        explanation="",
                        evidence=[],
                    )
                )
            session.add(
                AnalysisRow(
                    interaction_id=ids[name],
                    pipeline="t",
                    interaction_hash="h",
                    language="en",
                    data={"sentiment": {"customer": {"overall": feeling}}},
                    created_at=now,
                )
            )
        for username, role in (
            ("qa1", UserRole.QA_ANALYST),
            ("qa2", UserRole.QA_ANALYST),
            ("lead", UserRole.SUPERVISOR),
        ):
            create_user(
                session, UserCreate(username=username, display_name=username, password=PASSWORD, role=role)
            )
        create_user(
            session,
            UserCreate(
                username="nia",
                display_name="Nia",
                password=PASSWORD,
                role=UserRole.AGENT,
                agent_name="nia",
                hired_on=date.today() - timedelta(days=10),
            ),
        )
        create_user(
            session,
            UserCreate(
                username="ann",
                display_name="Ann",
                password=PASSWORD,
                role=UserRole.AGENT,
                agent_name="ann",
                hired_on=date.today() - timedelta(days=900),
            ),
        )
    return ids


def _build(
    db: Database, *strategies: Strategy, quota: int = 50, analysts: tuple[str, ...] = ("qa1",)
) -> dict[str, str]:
    """Picked external id → reason."""
    ids = {v: k for k, v in _seed(db).items()}
    with db.factory.begin() as session:
        queue = build_queue(
            session,
            QueueSpec(name="q", strategies=list(strategies), analysts=list(analysts), quota=quota, seed=7),
            created_by=None,
        )
        items = session.scalars(
            select(QueueItemRow).where(QueueItemRow.queue_id == queue.id).order_by(QueueItemRow.id)
        ).all()
        return {ids[i.interaction_id]: i.reason for i in items}


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        (Strategy(kind="low_score"), ["autofail", "lower", "low", "happy_bad"]),  # below 70, lowest first
        (Strategy(kind="low_score", below=45), ["autofail", "lower", "low"]),
        (Strategy(kind="low_confidence"), ["unsure"]),  # n/a criteria do not count
        (Strategy(kind="auto_fail"), ["autofail"]),
        (Strategy(kind="negative_sentiment"), ["unhappy"]),  # below -0.3
        (Strategy(kind="negative_sentiment", below=0.0), ["unhappy", "autofail", "lower"]),
        (Strategy(kind="csat_disagreement"), ["unhappy", "happy_bad"]),
        (Strategy(kind="new_agents", days=30), ["newbie"]),
    ],
    ids=lambda v: v.kind if isinstance(v, Strategy) else "",
)
def test_each_strategy_picks_what_it_says(db: Database, strategy: Strategy, expected: list[str]) -> None:
    picked = _build(db, strategy)
    assert list(picked) == expected
    assert set(picked.values()) == {strategy.kind}


def test_random_takes_the_share_asked_for_and_the_seed_fixes_it(db: Database) -> None:
    picked = _build(db, Strategy(kind="random", percent=50))
    assert len(picked) == 4 and set(picked) <= set(CASES)


def test_strategies_in_order_each_interaction_once_quota_per_analyst(db: Database) -> None:
    ids = _seed(db)
    spec = QueueSpec(
        name="week 47",
        strategies=[
            Strategy(kind="auto_fail"),
            Strategy(kind="low_score"),
            Strategy(kind="csat_disagreement"),
        ],
        analysts=["qa1", "qa2"],
        quota=2,
    )
    with db.factory.begin() as session:
        queue = build_queue(session, spec, created_by=None)
        items = session.scalars(
            select(QueueItemRow).where(QueueItemRow.queue_id == queue.id).order_by(QueueItemRow.id)
        ).all()
    by_id = {v: k for k, v in ids.items()}
    assert [(by_id[i.interaction_id], i.reason) for i in items] == [
        ("autofail", "auto_fail"),
        ("lower", "low_score"),
        ("low", "low_score"),
        ("unhappy", "csat_disagreement"),
    ]  # 4 slots, equal shares 2/1/1; auto_fail has 1 candidate, its spare slot goes to low_score (first in
    # a tie); autofail is not picked twice
    assert [i.assigned_to for i in items][:2] != [items[0].assigned_to] * 2  # dealt round-robin
    with db.factory() as session:
        first, second = (
            pending_for(session, uid) for uid in sorted({i.assigned_to for i in items if i.assigned_to})
        )
        assert [len(first), len(second)] == [2, 2]
        listed = list_queues(session)[0]
        assert {k: listed[k] for k in ("id", "name", "items", "done", "overdue", "closed")} == {
            "id": queue.id,
            "name": "week 47",
            "items": 4,
            "done": 0,
            "overdue": 0,
            "closed": False,
        }
        assert listed["analysts"] == [
            {"analyst": "qa1", "done": 0, "total": 2},
            {"analyst": "qa2", "done": 0, "total": 2},
        ]
    # a second queue does not pick what waits in the first
    with db.factory.begin() as session:
        again = build_queue(session, spec.model_copy(update={"name": "again"}), created_by=None)
        taken = {
            i.interaction_id
            for i in session.scalars(select(QueueItemRow).where(QueueItemRow.queue_id == again.id))
        }
    assert not taken & {i.interaction_id for i in items}
    # reviewing (sharing) an interaction marks its item done
    with db.factory.begin() as session:
        mark_reviewed(session, ids["autofail"])
    with db.factory() as session:
        assert list_queues(session)[1]["done"] == 1


def test_reviewed_interactions_are_not_picked(db: Database) -> None:
    ids = _seed(db)
    with db.factory.begin() as session:
        evaluation = session.scalars(
            select(EvaluationRow).where(EvaluationRow.interaction_id == ids["autofail"])
        ).one()
        session.add(
            ReviewRow(
                evaluation_id=evaluation.id,
                interaction_id=ids["autofail"],
                state="final",
                score=0.0,
                auto_failed=True,
                created_at=START,
                updated_at=START,
            )
        )
    with db.factory.begin() as session:
        queue = build_queue(
            session,
            QueueSpec(name="q", strategies=[Strategy(kind="auto_fail")], analysts=["qa1"]),
            created_by=None,
        )
        assert session.scalars(select(QueueItemRow).where(QueueItemRow.queue_id == queue.id)).all() == []


def test_only_analysts_get_reviews_and_bad_specs_are_refused(db: Database) -> None:
    _seed(db)
    with (
        db.factory.begin() as session,
        pytest.raises(CallqaError, match="'lead' is not an active QA analyst"),
    ):
        build_queue(
            session,
            QueueSpec(name="q", strategies=[Strategy(kind="auto_fail")], analysts=["lead"]),
            created_by=None,
        )
    with pytest.raises(ValidationError):
        QueueSpec(name="q", strategies=[], analysts=["qa1"])
    with pytest.raises(
        ValidationError, match=r"\[V132\] queue strategy 'mood' is unknown; known: auto_fail, low_score"
    ):
        Strategy(kind="mood")
