"""Coaching sessions: a coach (supervisor or analyst) records a talk with an agent — optionally tied to one
moment of an interaction — with action items and a follow-up date; the agent acknowledges; the coach checks
back and records whether it improved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.coaching.models import ActionItemRow, CoachingRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.review.notifications import notify
from callqa.users.models import UserRow
from callqa.users.schemas import UserRole

FollowUp = Literal["improved", "partly", "not_improved"]


@dataclass(frozen=True)
class ActionIn:
    text: str
    due_on: date | None = None


@dataclass(frozen=True)
class Action:
    id: int
    text: str
    due_on: date | None
    done: bool


@dataclass(frozen=True)
class Coaching:
    id: int
    agent: str
    coach: str | None
    title: str
    notes: str
    interaction_id: int | None
    external_id: str | None
    turn: int | None
    quote: str | None
    state: str
    follow_up_on: date | None
    follow_up_result: str | None
    follow_up_notes: str | None
    created_at: datetime
    acknowledged_at: datetime | None
    followed_up_at: datetime | None
    actions: list[Action]

    @property
    def follow_up_due(self) -> bool:
        return self.state != "closed" and self.follow_up_on is not None and self.follow_up_on <= date.today()


def _fail(coaching: object, reason: str) -> CallqaError:
    return CallqaError(ErrorCode.G100, coaching=coaching, reason=reason)


def agent_user(session: Session, username: str) -> UserRow | None:
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    return user if user is not None and user.role == UserRole.AGENT.value else None


def create_coaching(
    session: Session,
    *,
    agent: UserRow,
    coach_id: int,
    title: str,
    notes: str,
    interaction_id: int | None = None,
    turn: int | None = None,
    actions: Sequence[ActionIn] = (),
    follow_up_on: date | None = None,
) -> CoachingRow:
    """Record a coaching talk (a moment, if given, must be the agent's own work); the agent is told."""
    if not title.strip() or not notes.strip():
        raise _fail(title or "-", "a coaching needs a title and notes")
    quote = None
    if interaction_id is not None:
        row = session.get(InteractionRow, interaction_id)
        if row is None or row.agent != agent.agent_name:
            raise _fail(title, f"interaction {interaction_id} is not {agent.username}'s work")
        if turn is not None:
            quote = session.scalar(
                select(TurnRow.text).where(TurnRow.interaction_id == interaction_id, TurnRow.seq == turn)
            )
            if quote is None:
                raise _fail(title, f"interaction {interaction_id} has no turn {turn}")
    coaching = CoachingRow(
        agent_id=agent.id,
        coach_id=coach_id,
        title=title.strip(),
        notes=notes.strip(),
        interaction_id=interaction_id,
        turn=turn if interaction_id is not None else None,
        quote=quote,
        state="open",
        follow_up_on=follow_up_on,
        created_at=datetime.now(UTC),
    )
    session.add(coaching)
    session.flush()
    for action in actions:
        if action.text.strip():
            session.add(
                ActionItemRow(coaching_id=coaching.id, text=action.text.strip(), due_on=action.due_on)
            )
    notify(
        session,
        [agent.id],
        "coaching",
        f"New coaching: {coaching.title}",
        f"/agents/{agent.username}#coaching-{coaching.id}",
    )
    session.flush()
    return coaching


def acknowledge(session: Session, coaching: CoachingRow) -> None:
    """The agent confirms the talk (seed 004: every talk is logged and signed off)."""
    if coaching.state != "open":
        raise CallqaError(ErrorCode.G102, coaching=coaching.id, state=coaching.state)
    coaching.state = "acknowledged"
    coaching.acknowledged_at = datetime.now(UTC)
    if coaching.coach_id is not None:
        notify(
            session, [coaching.coach_id], "coaching_acknowledged", f"Coaching acknowledged: {coaching.title}"
        )


def set_action_done(session: Session, coaching: CoachingRow, action_id: int, done: bool) -> None:
    action = session.get(ActionItemRow, action_id)
    if action is None or action.coaching_id != coaching.id:
        raise _fail(coaching.id, f"it has no action item {action_id}")
    action.done_at = datetime.now(UTC) if done else None


def follow_up(session: Session, coaching: CoachingRow, *, result: FollowUp, notes: str) -> None:
    """The coach checks back: did it improve? Closes the coaching."""
    if coaching.state == "closed":
        raise CallqaError(ErrorCode.G102, coaching=coaching.id, state="followed up")
    if result not in ("improved", "partly", "not_improved"):
        raise _fail(coaching.id, f"follow-up result '{result}' is not improved, partly or not_improved")
    coaching.state = "closed"
    coaching.follow_up_result = result
    coaching.follow_up_notes = notes.strip() or None
    coaching.followed_up_at = datetime.now(UTC)
    notify(session, [coaching.agent_id], "coaching_followed_up", f"Follow-up of '{coaching.title}': {result}")


def coaching_for(session: Session, agent_id: int) -> list[Coaching]:
    """The agent's coaching, newest first, with action items."""
    names = {r.id: r.username for r in session.execute(select(UserRow.id, UserRow.username))}
    rows = list(
        session.scalars(
            select(CoachingRow).where(CoachingRow.agent_id == agent_id).order_by(CoachingRow.id.desc())
        )
    )
    actions: dict[int, list[Action]] = {r.id: [] for r in rows}
    for a in session.scalars(
        select(ActionItemRow).where(ActionItemRow.coaching_id.in_(list(actions))).order_by(ActionItemRow.id)
    ):
        actions[a.coaching_id].append(Action(a.id, a.text, a.due_on, a.done_at is not None))
    external = {
        r.id: r.external_id
        for r in session.execute(
            select(InteractionRow.id, InteractionRow.external_id).where(
                InteractionRow.id.in_([r.interaction_id for r in rows if r.interaction_id])
            )
        )
    }
    return [
        Coaching(
            r.id,
            names.get(r.agent_id, "?"),
            names.get(r.coach_id) if r.coach_id else None,
            r.title,
            r.notes,
            r.interaction_id,
            external.get(r.interaction_id) if r.interaction_id else None,
            r.turn,
            r.quote,
            r.state,
            r.follow_up_on,
            r.follow_up_result,
            r.follow_up_notes,
            r.created_at,
            r.acknowledged_at,
            r.followed_up_at,
            actions[r.id],
        )
        for r in rows
    ]
