"""What a round shows: the rounds a viewer sees, its shifts and demands, the bids and outcomes with the
agents' names, each bid and outcome kept only for viewers who see that agent's work (an agent: their own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed, sees_shift_outcomes, sees_shift_round
from callqa.shifts.assemble import missed_before, round_agents
from callqa.shifts.models import (
    RoundAgentRow,
    RoundDemandRow,
    RoundShiftRow,
    ShiftBidRow,
    ShiftOutcomeRow,
    ShiftRoundRow,
)
from callqa.shifts.service import as_utc, close_if_due, owner_of
from callqa.shifts.wording import Gettext, reason_codes, reason_text
from callqa.users.models import TeamRow, UserRow
from callqa.users.schemas import Actor


@dataclass(frozen=True)
class Person:
    user_id: int
    username: str
    display_name: str
    owner: Owner  # whose work: the agent and their team


@dataclass(frozen=True)
class BidView:
    agent: Person
    choices: list[str]
    submitted_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent.username,
            "choices": self.choices,
            "submitted_at": as_utc(self.submitted_at).isoformat(),
        }


@dataclass(frozen=True)
class OutcomeView:
    agent: Person
    block: str
    shift: str
    label: str
    choice: int | None
    first_choice: str | None
    reason: str  # in the reader's language
    code: str | None = None  # the reason's stable code (callqa.shifts.reasons.CODES)
    missed: str | None = None  # the code of why the first choice was missed, if it was

    def as_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent.username,
            "block": self.block,
            "shift": self.shift,
            "label": self.label,
            "choice": self.choice,
            "first_choice": self.first_choice,
            "reason": self.reason,
            "reason_code": self.code,
            "missed_code": self.missed,
        }


@dataclass(frozen=True)
class AgentView:
    """An agent of a round and what the rules read about them."""

    agent: Person
    hired_on: date | None
    skills: list[str]
    blocks: list[str] | None  # None: every block
    missed_before: int

    def as_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent.username,
            "hired_on": self.hired_on.isoformat() if self.hired_on else None,
            "skills": self.skills,
            "blocks": self.blocks,
            "missed_before": self.missed_before,
        }


def agents_of(session: Session, row: ShiftRoundRow, actor: Actor) -> list[AgentView]:
    """The round's agents ``actor`` sees, with their seniority, skills, blocks and fairness count."""
    users = round_agents(session, row)
    people = _people(session, {u.id for u in users})
    settings = {
        s.user_id: s for s in session.scalars(select(RoundAgentRow).where(RoundAgentRow.round_id == row.id))
    }
    missed = missed_before(session, row)
    views = []
    for user in users:
        person = people[user.id]
        if not allowed(actor, Action.SHIFT_VIEW, person.owner):
            continue
        own = settings.get(user.id)
        skills = list(own.skills) if own else []
        blocks = list(own.blocks) if own and own.blocks is not None else None
        views.append(AgentView(person, user.hired_on, skills, blocks, missed.get(user.id, 0)))
    return views


def visible_rounds(session: Session, actor: Actor) -> list[ShiftRoundRow]:
    """The rounds ``actor`` sees, newest first (an agent: those of their team or the centre, once open)."""
    rows = list(
        session.scalars(
            select(ShiftRoundRow).order_by(ShiftRoundRow.created_at.desc(), ShiftRoundRow.id.desc())
        )
    )
    for row in rows:
        close_if_due(session, row)
    return [
        r
        for r in rows
        if allowed(actor, Action.SHIFT_VIEW, owner_of(r)) and sees_shift_round(actor, r.status)
    ]


def shifts_of(session: Session, row: ShiftRoundRow) -> list[RoundShiftRow]:
    query = select(RoundShiftRow).where(RoundShiftRow.round_id == row.id)
    return list(session.scalars(query.order_by(RoundShiftRow.block, RoundShiftRow.code)))


def demands_of(session: Session, row: ShiftRoundRow) -> list[RoundDemandRow]:
    query = select(RoundDemandRow).where(RoundDemandRow.round_id == row.id)
    return list(
        session.scalars(query.order_by(RoundDemandRow.starts, RoundDemandRow.skill, RoundDemandRow.id))
    )


def _people(session: Session, user_ids: set[int]) -> dict[int, Person]:
    query = (
        select(UserRow.id, UserRow.username, UserRow.display_name, UserRow.agent_name, TeamRow.name)
        .outerjoin(TeamRow, TeamRow.id == UserRow.team_id)
        .where(UserRow.id.in_(sorted(user_ids)))
    )
    return {
        uid: Person(uid, username, shown, Owner(agent=agent, team=team))
        for uid, username, shown, agent, team in session.execute(query)
    }


def bids_of(session: Session, row: ShiftRoundRow, actor: Actor) -> list[BidView]:
    """The round's bids whose agent ``actor`` sees, by agent name."""
    bids = list(session.scalars(select(ShiftBidRow).where(ShiftBidRow.round_id == row.id)))
    people = _people(session, {b.user_id for b in bids})
    views = [BidView(people[b.user_id], list(b.choices), b.submitted_at) for b in bids if b.user_id in people]
    return sorted(
        (v for v in views if allowed(actor, Action.SHIFT_VIEW, v.agent.owner)), key=lambda v: v.agent.username
    )


def outcomes_of(
    session: Session, row: ShiftRoundRow, actor: Actor, gettext: Gettext | None = None
) -> list[OutcomeView]:
    """The allocation's outcomes ``actor`` sees: none before it is theirs to see (an agent: once published,
    their own only); reasons in the language of ``gettext`` (English without)."""
    if not sees_shift_outcomes(actor, row.status):
        return []
    labels = {s.code: s.label for s in shifts_of(session, row)}
    rows = list(session.scalars(select(ShiftOutcomeRow).where(ShiftOutcomeRow.round_id == row.id)))
    people = _people(session, {o.user_id for o in rows})
    views = [
        OutcomeView(
            people[o.user_id],
            o.block,
            o.shift_code,
            labels.get(o.shift_code, ""),
            o.choice,
            o.first_choice,
            reason_text(o.reason, o.why, gettext),
            *reason_codes(o.why),
        )
        for o in rows
        if o.user_id in people
    ]
    return sorted(
        (v for v in views if allowed(actor, Action.SHIFT_VIEW, v.agent.owner)),
        key=lambda v: (v.agent.username, v.block),
    )


def own_bid(session: Session, row: ShiftRoundRow, user_id: int) -> list[str]:
    """The choices of the user's bid in the round (empty: none yet)."""
    query = select(ShiftBidRow.choices).where(ShiftBidRow.round_id == row.id, ShiftBidRow.user_id == user_id)
    return list(session.scalar(query) or [])


def blocks_worked(session: Session, row: ShiftRoundRow, user_id: int) -> list[str]:
    """The blocks of the round the user works (every block unless their settings name some)."""
    query = select(RoundAgentRow.blocks).where(
        RoundAgentRow.round_id == row.id, RoundAgentRow.user_id == user_id
    )
    named = session.scalar(query)
    return [b for b in row.blocks if named is None or b in named]


def round_json(row: ShiftRoundRow) -> dict[str, Any]:
    """A round's own fields and its latest allocation's figures."""
    return {
        "id": row.id,
        "name": row.name,
        "team": row.team,
        "blocks": row.blocks,
        "opens_at": as_utc(row.opens_at).isoformat(),
        "closes_at": as_utc(row.closes_at).isoformat(),
        "rules": row.rules,
        "status": row.status,
        "allocated_at": as_utc(row.allocated_at).isoformat() if row.allocated_at else None,
        "published_at": as_utc(row.published_at).isoformat() if row.published_at else None,
        "allocation": {
            "solver_status": row.solver_status,
            "seconds": row.solver_seconds,
            "granted": row.granted,
            "requests_met": row.requests_met,
            "coverage": row.coverage,
            "error": row.error,
        },
    }


def shift_json(row: RoundShiftRow) -> dict[str, Any]:
    return {
        "id": row.code,
        "block": row.block,
        "label": row.label,
        "spans": row.spans,
        "seats": row.seats,
        "skills": row.skills,
    }


def demand_json(row: RoundDemandRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "start": row.starts.isoformat(),
        "end": row.ends.isoformat(),
        "skill": row.skill,
        "headcount": row.headcount,
    }
