"""Shift bidding rounds: create one, fill it from CSV, open and close its window, take bids, run the
allocation, publish it. Each step checks the round's state (O112) and its input (coded errors naming the
record); whether the actor may do it is the caller's check (``callqa.access.policies``), and the caller
audits and commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from callqa.access.policies import Owner
from callqa.audit.service import record
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.import_report import ImportReport
from callqa.shifts.assemble import build_problem, round_agents
from callqa.shifts.csv_import import parse_agents, parse_demands, parse_shifts
from callqa.shifts.models import (
    RoundAgentRow,
    RoundDemandRow,
    RoundShiftRow,
    ShiftBidRow,
    ShiftOutcomeRow,
    ShiftRoundRow,
)
from callqa.shifts.problem import RULES, Allocation, Problem
from callqa.shifts.schemas import RoundIn
from callqa.shifts.solver import allocate
from callqa.shifts.wording import why_json
from callqa.users.teams import team_names

Allocate = Callable[[Problem], Allocation]
SYSTEM = "system"  # who the audit log names for what callqa does by itself (a window closing)


def solver_allocate(problem: Problem) -> Allocation:
    """The CP-SAT allocation (``callqa.shifts.solver.allocate``)."""
    return allocate(problem)


def owner_of(row: ShiftRoundRow) -> Owner:
    """Whose a round is: its team's (None: the whole centre's)."""
    return Owner(agent=None, team=row.team)


def _refuse(field: str, value: object, reason: str) -> CallqaError:
    return CallqaError(ErrorCode.O111, field=field, value=value, reason=reason)


def _checked_rules(data: RoundIn) -> dict[str, object]:
    order = [r.strip() for r in data.order]
    for rule in order:
        if rule not in RULES:
            raise _refuse("order", rule, f"is not a rule; known: {', '.join(RULES)}")
    if len(set(order)) != len(order):
        raise _refuse("order", ", ".join(order), "names a rule twice")
    if not 1 <= data.max_choices <= 20:
        raise _refuse("max_choices", data.max_choices, "is not from 1 to 20")
    if not 1 <= data.time_limit_s <= 3600:
        raise _refuse("time_limit_s", data.time_limit_s, "is not from 1 to 3600 seconds")
    return {"order": order, "max_choices": data.max_choices, "time_limit_s": data.time_limit_s}


def create_round(
    session: Session, data: RoundIn, *, by: int | None, now: datetime | None = None
) -> ShiftRoundRow:
    """A new round in draft, every field checked (O111 naming the first bad one)."""
    name = " ".join(data.name.split())
    if not name or not name.isprintable():
        raise _refuse("name", data.name, "is empty or not printable text")
    team = (data.team or "").strip() or None
    if team is not None and team not in team_names(session):
        raise _refuse("team", team, f"is not a team; known: {', '.join(team_names(session)) or 'none'}")
    blocks = [b.strip() for b in data.blocks]
    if not blocks or any(not b or len(b) > 64 or not b.isprintable() for b in blocks):
        raise _refuse("blocks", ", ".join(blocks), "must be 1 or more names of 1 to 64 printable characters")
    if len(set(blocks)) != len(blocks):
        raise _refuse("blocks", ", ".join(blocks), "names a block twice")
    if data.opens_at.tzinfo is None or data.closes_at.tzinfo is None:
        raise _refuse("opens_at", data.opens_at.isoformat(), "needs a time zone offset (e.g. +00:00)")
    if data.closes_at <= data.opens_at:
        raise _refuse("closes_at", data.closes_at.isoformat(), "is not after opens_at")
    row = ShiftRoundRow(
        name=name,
        team=team,
        blocks=blocks,
        opens_at=data.opens_at.astimezone(UTC),  # SQLite keeps the wall time and drops the offset
        closes_at=data.closes_at.astimezone(UTC),
        rules=_checked_rules(data),
        status="draft",
        created_by=by,
        created_at=now or datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row


def get_round(session: Session, round_id: int, *, now: datetime | None = None) -> ShiftRoundRow:
    """The round (O110 when there is none), closed first if its window has ended (``close_if_due``)."""
    row = session.get(ShiftRoundRow, round_id)
    if row is None:
        raise CallqaError(ErrorCode.O110, round=round_id)
    close_if_due(session, row, now=now)
    return row


def close_if_due(session: Session, row: ShiftRoundRow, *, now: datetime | None = None) -> bool:
    """Close an open round whose bidding window has ended, as if its supervisor had pressed Close: every
    read of a round does this, so a round past its window counts as closed everywhere. Audited once, as
    the system's action (the update only takes a round still open, so of two readers at once only one
    closes it). True when this call closed it."""
    now = now or datetime.now(UTC)
    if row.status != "open" or now < as_utc(row.closes_at):
        return False
    closing = update(ShiftRoundRow).where(ShiftRoundRow.id == row.id, ShiftRoundRow.status == "open")
    done = session.execute(closing.values(status="closed"), execution_options={"synchronize_session": False})
    row.status = "closed"
    if not getattr(done, "rowcount", 0):
        return False
    detail = {"why": "its bidding window ended", "closes_at": as_utc(row.closes_at).isoformat()}
    record(
        session,
        user_id=None,
        username=SYSTEM,
        action="close",
        resource="shift_round",
        resource_id=row.id,
        detail=detail,
        client=SYSTEM,
    )
    session.flush()
    return True


def close_due_rounds(session: Session, *, now: datetime | None = None) -> list[ShiftRoundRow]:
    """Close every open round whose window has ended (what reading each would do); the rounds closed."""
    now = now or datetime.now(UTC)
    query = select(ShiftRoundRow).where(ShiftRoundRow.status == "open").order_by(ShiftRoundRow.id)
    return [row for row in session.scalars(query) if close_if_due(session, row, now=now)]


def _expect(row: ShiftRoundRow, action: str, *statuses: str) -> None:
    if row.status not in statuses:
        raise CallqaError(ErrorCode.O112, round=row.name, status=row.status, action=action)


def import_shifts(session: Session, row: ShiftRoundRow, data: bytes, file: str) -> ImportReport:
    """Replace the round's shifts with the good rows of a CSV file (only in draft: bids name shifts)."""
    _expect(row, "replace its shifts", "draft")
    parsed = parse_shifts(data, file, row.blocks)
    session.execute(delete(RoundShiftRow).where(RoundShiftRow.round_id == row.id))
    for shift in parsed.items:
        spans = [[start.isoformat(), end.isoformat()] for start, end in shift.spans]
        session.add(
            RoundShiftRow(
                round_id=row.id,
                code=shift.code,
                block=shift.block,
                label=shift.label,
                spans=spans,
                seats=shift.seats,
                skills=shift.skills,
            )
        )
    session.flush()
    return ImportReport(file, len(parsed.items), tuple(parsed.errors))


def import_demands(session: Session, row: ShiftRoundRow, data: bytes, file: str) -> ImportReport:
    """Replace the round's demands with the good rows of a CSV file (until it is allocated)."""
    _expect(row, "replace its demands", "draft", "open", "closed")
    parsed = parse_demands(data, file)
    session.execute(delete(RoundDemandRow).where(RoundDemandRow.round_id == row.id))
    for d in parsed.items:
        session.add(
            RoundDemandRow(
                round_id=row.id, starts=d.starts, ends=d.ends, skill=d.skill, headcount=d.headcount
            )
        )
    session.flush()
    return ImportReport(file, len(parsed.items), tuple(parsed.errors))


def import_agents(session: Session, row: ShiftRoundRow, data: bytes, file: str) -> ImportReport:
    """Replace the agents' settings (skills, blocks worked) with the good rows of a CSV file; an agent must
    be one of the round's (an active agent of its team)."""
    _expect(row, "replace its agents' settings", "draft", "open", "closed")
    parsed = parse_agents(data, file, row.blocks)
    users = {u.username: u for u in round_agents(session, row)}
    errors = list(parsed.errors)
    session.execute(delete(RoundAgentRow).where(RoundAgentRow.round_id == row.id))
    loaded = 0
    for agent in parsed.items:
        user = users.get(agent.username)
        if user is None:
            scope = f"team {row.team}" if row.team else "the centre"
            reason = f"{agent.username} is not an active agent of {scope}"
            errors.append(str(CallqaError(ErrorCode.O113, file=file, row=agent.row, reason=reason)))
            continue
        session.add(RoundAgentRow(round_id=row.id, user_id=user.id, skills=agent.skills, blocks=agent.blocks))
        loaded += 1
    session.flush()
    return ImportReport(file, loaded, tuple(sorted(errors, key=_row_number)))


def _row_number(message: str) -> int:
    _, _, rest = message.partition(", row ")
    number = rest.split(":", 1)[0]
    return int(number) if number.isdigit() else 0


def open_round(session: Session, row: ShiftRoundRow) -> ShiftRoundRow:
    """Open the bidding window (the round needs shifts); bids are taken from ``opens_at`` to ``closes_at``."""
    _expect(row, "open", "draft")
    if session.scalar(select(RoundShiftRow.id).where(RoundShiftRow.round_id == row.id).limit(1)) is None:
        raise CallqaError(ErrorCode.O116, round=row.name, reason="it has no shifts; import them first")
    row.status = "open"
    session.flush()
    return row


def close_round(session: Session, row: ShiftRoundRow) -> ShiftRoundRow:
    """Close the window: no bid is taken or changed after this."""
    _expect(row, "close", "open")
    row.status = "closed"
    session.flush()
    return row


def submit_bid(
    session: Session, row: ShiftRoundRow, user_id: int, choices: Sequence[str], *, now: datetime | None = None
) -> ShiftBidRow:
    """Place or replace an agent's bid while the round is open: shift ids of the round, in blocks they
    work, no more than the round's ``max_choices`` per block, none twice."""
    _expect(row, "take bids", "open")
    now = now or datetime.now(UTC)
    if not as_utc(row.opens_at) <= now < as_utc(row.closes_at):
        opens, closes = (f"{as_utc(t):%Y-%m-%d %H:%M} UTC" for t in (row.opens_at, row.closes_at))
        raise CallqaError(
            ErrorCode.O117, round=row.name, opens=opens, closes=closes, now=f"{now:%Y-%m-%d %H:%M} UTC"
        )
    users = {u.id: u for u in round_agents(session, row)}
    if user_id not in users:
        scope = f"team {row.team}" if row.team else "the centre"
        raise CallqaError(ErrorCode.O115, round=row.name, reason=f"only active agents of {scope} bid in it")
    settings = session.scalar(
        select(RoundAgentRow).where(RoundAgentRow.round_id == row.id, RoundAgentRow.user_id == user_id)
    )
    works = set(settings.blocks) if settings is not None and settings.blocks is not None else None
    query = select(RoundShiftRow.code, RoundShiftRow.block).where(RoundShiftRow.round_id == row.id)
    blocks = {code: block for code, block in session.execute(query)}
    wanted = [c.strip() for c in choices if c.strip()]
    per_block: dict[str, int] = {}
    for code in wanted:
        if code not in blocks:
            raise CallqaError(
                ErrorCode.O115, round=row.name, reason=f"shift '{code[:64]}' is not one of the round's"
            )
        if works is not None and blocks[code] not in works:
            reason = f"shift '{code}' is in block {blocks[code]}, which you do not work in this round"
            raise CallqaError(ErrorCode.O115, round=row.name, reason=reason)
        per_block[blocks[code]] = per_block.get(blocks[code], 0) + 1
    if len(set(wanted)) != len(wanted):
        twice = next(c for c in wanted if wanted.count(c) > 1)
        raise CallqaError(ErrorCode.O115, round=row.name, reason=f"shift '{twice}' is ranked twice")
    most = int(cast(int, row.rules["max_choices"]))
    for block, count in per_block.items():
        if count > most:
            reason = f"{count} choices in block {block}; at most {most} per block"
            raise CallqaError(ErrorCode.O115, round=row.name, reason=reason)
    bid = session.scalar(
        select(ShiftBidRow).where(ShiftBidRow.round_id == row.id, ShiftBidRow.user_id == user_id)
    )
    if bid is None:
        bid = ShiftBidRow(round_id=row.id, user_id=user_id, choices=wanted, submitted_at=now)
        session.add(bid)
    else:
        bid.choices = wanted
        bid.submitted_at = now
    session.flush()
    return bid


def as_utc(moment: datetime) -> datetime:
    """A stored instant as aware UTC (SQLite hands timezone-aware columns back naive, in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def allocate_round(
    session: Session, row: ShiftRoundRow, *, now: datetime | None = None, allocate: Allocate = solver_allocate
) -> ShiftRoundRow:
    """Solve the round from its stored shifts, demands, agents and bids and store the outcomes. The window
    must be closed (an open round whose window has passed is closed now). When the solver refuses (e.g.
    coverage cannot be met), its coded message is stored on the round as ``error``, no outcome is kept and
    the round stays closed: nothing can be published."""
    now = now or datetime.now(UTC)
    close_if_due(session, row, now=now)
    _expect(row, "allocate", "closed", "allocated")
    problem, users = build_problem(session, row)
    if not problem.shifts:
        raise CallqaError(ErrorCode.O116, round=row.name, reason="it has no shifts")
    if not problem.agents:
        raise CallqaError(ErrorCode.O116, round=row.name, reason="no active agent works in it")
    session.execute(delete(ShiftOutcomeRow).where(ShiftOutcomeRow.round_id == row.id))
    try:
        result = allocate(problem)
    except CallqaError as exc:
        _clear(row, error=str(exc), status="closed")
        session.flush()
        return row
    _store(session, row, problem, result, users)
    row.status = "allocated"
    row.allocated_at = now
    session.flush()
    return row


def _clear(row: ShiftRoundRow, *, error: str | None, status: str) -> None:
    row.status = status
    row.error = error
    row.solver_status = row.solver_seconds = row.requests_met = None
    row.granted = row.coverage = None
    row.allocated_at = None


def _store(
    session: Session, row: ShiftRoundRow, problem: Problem, result: Allocation, users: dict[str, int]
) -> None:
    codes = {s.id: s.block for s in problem.shifts}
    firsts: dict[tuple[str, str], str] = {}
    for bid in problem.bids:
        for code in bid.choices:
            firsts.setdefault((bid.agent, codes[code]), code)
    for outcome in result.outcomes:
        session.add(
            ShiftOutcomeRow(
                round_id=row.id,
                user_id=users[outcome.agent],
                block=outcome.block,
                shift_code=outcome.shift,
                choice=outcome.choice,
                first_choice=firsts.get((outcome.agent, outcome.block)),
                reason=outcome.reason,
                why=why_json(outcome),
            )
        )
    row.error = None
    row.solver_status = result.status
    row.solver_seconds = round(result.seconds, 3)
    row.granted = {str(rank): share for rank, share in sorted(result.granted.items())}
    row.requests_met = result.requests_met
    row.coverage = [
        {
            "starts": line.demand.start.isoformat(),
            "ends": line.demand.end.isoformat(),
            "skill": line.demand.skill,
            "headcount": line.demand.headcount,
            "assigned": line.assigned,
        }
        for line in result.coverage
    ]


def publish_round(session: Session, row: ShiftRoundRow, *, now: datetime | None = None) -> ShiftRoundRow:
    """Publish the allocation: each agent then sees their shifts and why."""
    _expect(row, "publish", "allocated")
    row.status = "published"
    row.published_at = now or datetime.now(UTC)
    session.flush()
    return row
