"""The solver's question built from a round's stored rows: its shifts, demands, agents (seniority from their
hire date, skills and blocks from the round's settings, fairness from earlier rounds) and bids."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.shifts.models import (
    RoundAgentRow,
    RoundDemandRow,
    RoundShiftRow,
    ShiftBidRow,
    ShiftOutcomeRow,
    ShiftRoundRow,
)
from callqa.shifts.problem import Agent, Bid, Demand, Problem, Rule, Rules, Shift
from callqa.users.models import TeamRow, UserRow
from callqa.users.schemas import UserRole


def round_agents(session: Session, row: ShiftRoundRow) -> list[UserRow]:
    """The agents a round is for: active agents of its team (of every team when it is the centre's)."""
    query = select(UserRow).where(UserRow.role == UserRole.AGENT.value, UserRow.active.is_(True))
    if row.team is not None:
        query = query.join(TeamRow, TeamRow.id == UserRow.team_id).where(TeamRow.name == row.team)
    return list(session.scalars(query.order_by(UserRow.username)))


def missed_before(session: Session, row: ShiftRoundRow) -> dict[int, int]:
    """For each user: the earlier published rounds of the same scope (team, or the centre) in which they
    missed their first choice in some block they bid in."""
    earlier = select(ShiftRoundRow.id).where(
        ShiftRoundRow.status == "published",
        ShiftRoundRow.id != row.id,  # published rounds are earlier than one being allocated
        ShiftRoundRow.team.is_(None) if row.team is None else ShiftRoundRow.team == row.team,
    )
    missed = ShiftOutcomeRow.first_choice.is_not(None) & (
        ShiftOutcomeRow.choice.is_(None) | (ShiftOutcomeRow.choice != 1)
    )
    query = (
        select(ShiftOutcomeRow.user_id, func.count(func.distinct(ShiftOutcomeRow.round_id)))
        .where(ShiftOutcomeRow.round_id.in_(earlier), missed)
        .group_by(ShiftOutcomeRow.user_id)
    )
    return {user_id: int(count) for user_id, count in session.execute(query)}


def _shift(row: RoundShiftRow) -> Shift:
    spans = tuple((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in row.spans)
    return Shift(row.code, row.block, spans, row.seats, frozenset(row.skills), row.label)


def build_problem(session: Session, row: ShiftRoundRow) -> tuple[Problem, dict[str, int]]:
    """The round as a :class:`Problem` (agents named by user name), and each agent's user id by name."""
    shifts = list(
        session.scalars(
            select(RoundShiftRow)
            .where(RoundShiftRow.round_id == row.id)
            .order_by(RoundShiftRow.block, RoundShiftRow.code)
        )
    )
    block_of = {s.code: s.block for s in shifts}
    demands = session.scalars(
        select(RoundDemandRow)
        .where(RoundDemandRow.round_id == row.id)
        .order_by(RoundDemandRow.starts, RoundDemandRow.id)
    )
    settings = {
        s.user_id: s for s in session.scalars(select(RoundAgentRow).where(RoundAgentRow.round_id == row.id))
    }
    missed = missed_before(session, row)
    users = round_agents(session, row)
    agents = []
    for user in users:
        own = settings.get(user.id)
        agents.append(
            Agent(
                id=user.username,
                hired=user.hired_on,
                skills=frozenset(own.skills) if own else frozenset(),
                blocks=frozenset(own.blocks) if own and own.blocks is not None else None,
                missed_before=missed.get(user.id, 0),
            )
        )
    names = {u.id: u.username for u in users}
    # a bid keeps the shifts still offered in blocks the agent still works (settings may change after it)
    works = {a.id: a.blocks for a in agents}
    bids = []
    for b in session.scalars(
        select(ShiftBidRow).where(ShiftBidRow.round_id == row.id).order_by(ShiftBidRow.id)
    ):
        name = names.get(b.user_id)
        if name is None:
            continue
        worked = works[name]
        kept = tuple(c for c in b.choices if c in block_of and (worked is None or block_of[c] in worked))
        if kept:
            bids.append(Bid(name, kept))
    rules = Rules(
        order=tuple(cast(list[Rule], row.rules["order"])),
        max_choices=int(row.rules["max_choices"]),
        time_limit_s=float(row.rules["time_limit_s"]),
    )
    problem = Problem(
        shifts=tuple(_shift(s) for s in shifts),
        demands=tuple(Demand(d.starts, d.ends, d.headcount, d.skill) for d in demands),
        agents=tuple(agents),
        bids=tuple(bids),
        rules=rules,
    )
    return problem, {u.username: u.id for u in users}
