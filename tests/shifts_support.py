"""Small shift rounds written out by hand for the solver's tests (Monday 2027-01-04 unless told)."""

from __future__ import annotations

from datetime import date, datetime

from callqa.shifts.problem import Agent, Bid, Demand, Problem, Rule, Rules, Shift

DAY = date(2027, 1, 4)  # a Monday
ONE_THREAD = {"workers": 1, "time_limit_s": 20.0}


def at(hour: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def shift(
    ident: str,
    start: int,
    end: int,
    *,
    seats: int | None = None,
    skills: frozenset[str] = frozenset(),
    block: str = "W1",
    day: date = DAY,
) -> Shift:
    return Shift(ident, block, ((at(start, day), at(end, day)),), seats, skills, ident.capitalize())


def demand(start: int, end: int, headcount: int, skill: str | None = None, day: date = DAY) -> Demand:
    return Demand(at(start, day), at(end, day), headcount, skill)


def agent(ident: str, hired: int | None = None, *, missed: int = 0, skills: str = "") -> Agent:
    held = frozenset(skills.split()) if skills else frozenset()
    return Agent(ident, date(hired, 1, 1) if hired else None, held, None, missed)


def problem(
    shifts: list[Shift],
    agents: list[Agent],
    bids: dict[str, tuple[str, ...]],
    demands: list[Demand] | None = None,
    order: tuple[Rule, ...] = ("fairness", "seniority", "skills"),
) -> Problem:
    return Problem(
        shifts=tuple(shifts),
        demands=tuple(demands or ()),
        agents=tuple(agents),
        bids=tuple(Bid(a, c) for a, c in bids.items()),
        rules=Rules(order=order, **ONE_THREAD),  # type: ignore[arg-type]
    )
