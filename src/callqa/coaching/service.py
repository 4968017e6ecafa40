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

from callqa.coaching.agents import AgentRef
from callqa.coaching.models import ActionItemRow, CoachingRow
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.review.notifications import notify
from callqa.users.models import UserRow
from callqa.users.schemas import UserRole

FollowUp = Literal["improved", "partly", "not_improved"]
ACTION_STATES = ("open", "done", "not_done")  # an action item's follow-up status


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
    status: str


@dataclass(frozen=True)
class Moment:
    """One turn of an interaction, as a coach picks it from the transcript."""

    interaction_id: int
    external_id: str
    agent: str
    turn: int
    role: str
    text: str
    start_ms: int | None


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
    turn_start_ms: int | None
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


def moment(session: Session, interaction_id: int, turn: int) -> Moment:
    """The turn a coach clicked, with the interaction it belongs to (a coded error if either is missing)."""
    row = session.get(InteractionRow, interaction_id)
    if row is None:
        raise CallqaError(ErrorCode.V143, interaction=interaction_id, turn=turn, reason="no such interaction")
    if not row.agent:
        raise CallqaError(
            ErrorCode.V143, interaction=row.external_id, turn=turn, reason="it names no agent to coach"
        )
    found = session.scalar(
        select(TurnRow).where(TurnRow.interaction_id == interaction_id, TurnRow.seq == turn)
    )
    if found is None:
        raise CallqaError(ErrorCode.V143, interaction=row.external_id, turn=turn, reason="no such turn")
    return Moment(interaction_id, row.external_id, row.agent, turn, found.role, found.text, found.start_ms)


def _add_actions(session: Session, coaching: CoachingRow, actions: Sequence[ActionIn]) -> None:
    for action in actions:
        if action.text.strip():
            session.add(
                ActionItemRow(
                    coaching_id=coaching.id, text=action.text.strip(), due_on=action.due_on, status="open"
                )
            )


def create_coaching(
    session: Session,
    *,
    agent: AgentRef,
    coach_id: int,
    title: str,
    notes: str,
    interaction_id: int | None = None,
    turn: int | None = None,
    actions: Sequence[ActionIn] = (),
    follow_up_on: date | None = None,
) -> CoachingRow:
    """Record a coaching talk (a moment, if given, must be the agent's own work); the agent, if they have an
    account, is told."""
    if not title.strip() or not notes.strip():
        raise _fail(title or "-", "a coaching needs a title and notes")
    quote = None
    if interaction_id is not None:
        row = session.get(InteractionRow, interaction_id)
        if row is None or row.agent != agent.name:
            raise _fail(title, f"interaction {interaction_id} is not {agent.key}'s work")
        if turn is not None:
            quote = session.scalar(
                select(TurnRow.text).where(TurnRow.interaction_id == interaction_id, TurnRow.seq == turn)
            )
            if quote is None:
                raise _fail(title, f"interaction {interaction_id} has no turn {turn}")
    coaching = CoachingRow(
        agent_id=agent.user_id,
        agent_name=agent.name,
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
    _add_actions(session, coaching, actions)
    if agent.user_id is not None:
        notify(
            session,
            [agent.user_id],
            "coaching",
            f"New coaching: {coaching.title}",
            f"/agents/{agent.key}#coaching-{coaching.id}",
        )
    session.flush()
    return coaching


def add_action(session: Session, coaching: CoachingRow, action: ActionIn) -> ActionItemRow:
    """One more action item (any number; not once the coaching is closed)."""
    if coaching.state == "closed":
        raise CallqaError(ErrorCode.V142, coaching=coaching.id, item="(new)", reason="the coaching is closed")
    if not action.text.strip():
        raise CallqaError(ErrorCode.V142, coaching=coaching.id, item="(new)", reason="it needs a text")
    row = ActionItemRow(
        coaching_id=coaching.id, text=action.text.strip(), due_on=action.due_on, status="open"
    )
    session.add(row)
    session.flush()
    return row


def _action(session: Session, coaching: CoachingRow, action_id: int) -> ActionItemRow:
    action = session.get(ActionItemRow, action_id)
    if action is None or action.coaching_id != coaching.id:
        raise CallqaError(ErrorCode.V144, coaching=coaching.id, item=action_id)
    return action


def remove_action(session: Session, coaching: CoachingRow, action_id: int) -> None:
    """Drop an action item (not once the coaching is closed)."""
    action = _action(session, coaching, action_id)
    if coaching.state == "closed":
        raise CallqaError(
            ErrorCode.V142, coaching=coaching.id, item=action_id, reason="the coaching is closed"
        )
    session.delete(action)
    session.flush()


def set_action_status(session: Session, coaching: CoachingRow, action_id: int, status: str) -> None:
    """An item's follow-up status: open, done or not_done."""
    action = _action(session, coaching, action_id)
    if status not in ACTION_STATES:
        raise CallqaError(
            ErrorCode.V142,
            coaching=coaching.id,
            item=action_id,
            reason=f"status '{status}' is not one of {', '.join(ACTION_STATES)}",
        )
    action.status = status
    action.done_at = (action.done_at or datetime.now(UTC)) if status == "done" else None


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
    set_action_status(session, coaching, action_id, "done" if done else "open")


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
    if coaching.agent_id is not None:  # an agent without an account is told in person
        notify(
            session, [coaching.agent_id], "coaching_followed_up", f"Follow-up of '{coaching.title}': {result}"
        )


def coaching_for(session: Session, agent_name: str) -> list[Coaching]:
    """The agent's coaching, newest first, with action items."""
    names = {r.id: r.username for r in session.execute(select(UserRow.id, UserRow.username))}
    rows = list(
        session.scalars(
            select(CoachingRow).where(CoachingRow.agent_name == agent_name).order_by(CoachingRow.id.desc())
        )
    )
    actions: dict[int, list[Action]] = {r.id: [] for r in rows}
    for a in session.scalars(
        select(ActionItemRow).where(ActionItemRow.coaching_id.in_(list(actions))).order_by(ActionItemRow.id)
    ):
        actions[a.coaching_id].append(Action(a.id, a.text, a.due_on, a.status == "done", a.status))
    starts = {
        (t.interaction_id, t.seq): t.start_ms
        for t in session.execute(
            select(TurnRow.interaction_id, TurnRow.seq, TurnRow.start_ms).where(
                TurnRow.interaction_id.in_([r.interaction_id for r in rows if r.turn is not None])
            )
        )
    }
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
            names.get(r.agent_id, r.agent_name) if r.agent_id else r.agent_name,
            names.get(r.coach_id) if r.coach_id else None,
            r.title,
            r.notes,
            r.interaction_id,
            external.get(r.interaction_id) if r.interaction_id else None,
            r.turn,
            r.quote,
            starts.get((r.interaction_id, r.turn)) if r.turn is not None else None,
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
