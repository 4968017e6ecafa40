"""Shift bidding at centre scale: 500 agents × 4 weeks of shifts allocated by CP-SAT, week by week.

    .venv/bin/python bench/shift_bidding.py [--agents 500] [--weeks 4] [--time-limit 60] [--workers 2]

A generated centre (seeded, the same every run):

* **shifts**: every week (one block) offers 32 shifts: six five-day patterns (Mon–Fri, Tue–Sat, Wed–Sun,
  Thu–Mon, Sat–Wed, Sun–Thu) × five times (early 06–14, day 08–16, mid 10–18, late 14–22, evening 16–24),
  plus two Mon–Fri desks needing the loans skill; seats sized to leave about 15 % spare in all;
* **agents**: 1–3 of six queues (billing, cards, loans, tech, sales, retention), one agent in six speaks
  Spanish, one in ten Russian; hired between 2008 and 2026;
* **demands**: per hour 06–24 of every day, a total headcount from a daily curve (morning and afternoon peaks,
  quieter weekends), and per queue and language its share of it: 7 × 18 × 9 = 1,134 demands a week;
* **bids**: five ranked choices per agent and week, drawn from the agent's own taste for times and patterns
  (day shifts on Mon–Fri are what most want, so they are contested), with some noise from week to week.

Weeks are solved one after the other; **fairness is carried forward**: who missed their first choice in week k
counts one more ``missed_before`` in week k+1 (rules order: fairness, seniority, skills).

Measured per week: solve time, status, share of 1st / 2nd / 3rd choices, requests met; and the **baselines**
in the same run: the same model given 1 s, and a greedy seniority-order assignment (each agent in turn takes
their best choice with a seat left, else any free shift) whose coverage is checked only afterwards.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

from callqa.core.errors import CallqaError
from callqa.shifts.fairness import carry_forward
from callqa.shifts.problem import Agent, Allocation, Bid, Demand, Problem, Rules, Shift
from callqa.shifts.round import covered
from callqa.shifts.solver import allocate

QUEUES = ("billing", "cards", "loans", "tech", "sales", "retention")
QUEUE_SHARE = {"billing": 0.25, "cards": 0.2, "loans": 0.1, "tech": 0.2, "sales": 0.15, "retention": 0.1}
LANGUAGES = {"spanish": 6, "russian": 10}  # one agent in N speaks it
PATTERNS = {  # first weekday (0 = Monday) of five days in a row → how many agents like it
    "Mon–Fri": (0, 3.0),
    "Tue–Sat": (1, 1.0),
    "Wed–Sun": (2, 0.8),
    "Thu–Mon": (3, 0.8),
    "Sat–Wed": (5, 0.6),
    "Sun–Thu": (6, 1.2),
}
TIMES = {"early": (6, 3.0), "day": (8, 5.0), "mid": (10, 1.5), "late": (14, 1.5), "evening": (16, 0.7)}
FIRST_MONDAY = date(2027, 1, 4)
HOURS = range(6, 24)
CURVE = (0.25, 0.45, 0.7, 0.9, 1.0, 1.0, 0.9, 0.85, 0.95, 0.95, 0.85, 0.7, 0.55, 0.45, 0.35, 0.3, 0.2, 0.15)


def week_shifts(week: int, agents: int) -> list[Shift]:
    monday = FIRST_MONDAY + timedelta(weeks=week)
    block = f"2027-W{week + 1:02d}"
    shifts = []
    for pattern, (first, _) in PATTERNS.items():
        for name, (start, _) in TIMES.items():
            days = [monday + timedelta(days=(first + i) % 7) for i in range(5)]
            spans = tuple(sorted((_at(d, start), _at(d, start + 8)) for d in days))
            shifts.append(Shift(f"{block}/{pattern}/{name}", block, spans, label=f"{pattern} {name}"))
    for name, (start, _) in (("early", TIMES["early"]), ("day", TIMES["day"])):
        days = [monday + timedelta(days=i) for i in range(5)]
        spans = tuple((_at(d, start), _at(d, start + 8)) for d in days)
        ident = f"{block}/loans desk/{name}"
        shifts.append(Shift(ident, block, spans, skills=frozenset({"loans"}), label=f"loans desk {name}"))
    seats = round(agents * 1.15 / len(shifts)) + 1
    return [replace(s, seats=seats) for s in shifts]


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day) + timedelta(hours=hour)


def week_demands(week: int, agents: int) -> list[Demand]:
    """Headcount per hour: a daily curve scaled so about 60 % of the working agents are asked for."""
    monday = FIRST_MONDAY + timedelta(weeks=week)
    curve = dict(zip(HOURS, CURVE, strict=True))  # calls arriving per hour, peak 1.0 (10–12)
    on_duty = agents * 40 / (7 * len(HOURS))  # agents at work in an average hour
    scale = 0.6 * on_duty / (sum(curve.values()) / len(curve))
    demands = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        quiet = 0.7 if offset >= 5 else 1.0
        for hour in HOURS:
            total = round(scale * curve[hour] * quiet)
            start, end = _at(day, hour), _at(day, hour + 1)
            demands.append(Demand(start, end, total))
            for queue, share in QUEUE_SHARE.items():
                demands.append(Demand(start, end, round(total * share * 0.5), queue))
            for language, one_in in LANGUAGES.items():
                demands.append(Demand(start, end, round(total / one_in * 0.4), language))
    return demands


def centre(count: int, rng: random.Random) -> list[Agent]:
    agents = []
    for n in range(count):
        skills = set(rng.sample(QUEUES, rng.randint(1, 3)))
        skills |= {lang for lang, one_in in LANGUAGES.items() if rng.random() < 1 / one_in}
        hired = date(2008, 1, 1) + timedelta(days=rng.randrange(18 * 365))
        agents.append(Agent(f"agent{n:03d}", hired, frozenset(skills)))
    return agents


Tastes = dict[str, dict[tuple[str, str], float]]


def tastes(agents: list[Agent], rng: random.Random) -> Tastes:
    """Each agent's liking of (pattern, time): the centre's taste, their own leaning and noise."""
    liked: Tastes = {}
    for agent in agents:
        lean = rng.choice(list(TIMES))
        liked[agent.id] = {
            (p, t): pw * tw * (3.0 if t == lean else 1.0) * rng.lognormvariate(0, 0.6)
            for p, (_, pw) in PATTERNS.items()
            for t, (_, tw) in TIMES.items()
        }
    return liked


def week_bids(
    agents: list[Agent],
    shifts: list[Shift],
    liked: Tastes,
    rng: random.Random,
) -> list[Bid]:
    bids = []
    for agent in agents:
        options = [s for s in shifts if s.skills <= agent.skills]

        def score(s: Shift, agent_id: str = agent.id) -> float:
            pattern, time_ = s.label.rsplit(" ", 1)
            base = liked[agent_id].get((pattern, time_), 2.0 * TIMES[time_][1])
            return base * rng.lognormvariate(0, 0.3)

        ranked = sorted(options, key=score, reverse=True)
        bids.append(Bid(agent.id, tuple(s.id for s in ranked[:5])))
    return bids


def greedy(problem: Problem) -> tuple[dict[str, str], int]:
    """Seniority order, each agent their best choice with a seat left (else any free shift they may take);
    returns the assignment and how many demands it leaves short."""
    taken: Counter[str] = Counter()
    shifts = {s.id: s for s in problem.shifts}
    choices = {b.agent: b.choices for b in problem.bids}
    placed: dict[str, str] = {}
    order = sorted(problem.agents, key=lambda a: (a.hired or date.max, a.id))
    for agent in order:
        free = [
            s
            for s in [*(shifts[c] for c in choices.get(agent.id, ())), *problem.shifts]
            if s.skills <= agent.skills and (s.seats is None or taken[s.id] < s.seats)
        ]
        placed[agent.id] = free[0].id
        taken[free[0].id] += 1
    skills = {a.id: a.skills for a in problem.agents}
    short = 0
    for d in problem.demands:
        on = sum(
            1
            for a, s in placed.items()
            if covered(shifts[s], d.start, d.end) and (d.skill is None or d.skill in skills[a])
        )
        short += on < d.headcount
    return placed, short


def greedy_shares(problem: Problem, placed: dict[str, str]) -> tuple[float, float]:
    choices = {b.agent: b.choices for b in problem.bids}
    firsts = sum(1 for a, s in placed.items() if choices[a][:1] == (s,))
    met = sum(1 for a, s in placed.items() if s in choices[a])
    return firsts / len(placed), met / len(placed)


def solve_week(problem: Problem) -> tuple[Allocation | None, str]:
    try:
        return allocate(problem), ""
    except CallqaError as error:
        return None, str(error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    agents = centre(args.agents, rng)
    liked = tastes(agents, rng)
    rules = Rules(time_limit_s=args.time_limit, workers=args.workers)
    rows = []
    for week in range(args.weeks):
        shifts = week_shifts(week, args.agents)
        bids = week_bids(agents, shifts, liked, rng)
        demands = week_demands(week, args.agents)
        problem = Problem(tuple(shifts), tuple(demands), tuple(agents), tuple(bids), rules)
        allocation, error = solve_week(problem)
        if allocation is None:
            print(f"week {week + 1}: {error}", file=sys.stderr)
            sys.exit(1)
        print(f"week {week + 1}: {allocation.seconds:.1f} s, {allocation.status}", file=sys.stderr)
        rows.append(measure(week + 1, problem, allocation))
        agents = list(carry_forward(problem, allocation))
    print(
        f"\n{args.agents} agents × {args.weeks} weeks; "
        f"time limit {args.time_limit:g} s, {args.workers} workers"
    )
    print(f"\n| {' | '.join(COLUMNS)} |")
    print("|" + "---:|" * len(COLUMNS))
    for row in rows:
        print(f"| {' | '.join(row)} |")
    seconds = [a.seconds for a in ALLOCATIONS]
    met = sum(a.requests_met for a in ALLOCATIONS) / len(ALLOCATIONS)
    greedy_met = sum(GREEDY_MET) / len(GREEDY_MET)
    print(
        f"\ntotal {sum(seconds):.1f} s (slowest week {max(seconds):.1f} s); requests met {met:.1%}; "
        f"greedy seniority {greedy_met:.1%} (ratio {met / greedy_met:.2f}×), leaving demands short"
    )


COLUMNS = (
    "week", "shifts", "demands", "seconds", "status", "1st", "2nd", "3rd", "requests met",
    "seats-only ceiling", "10 s limit: met", "greedy: 1st", "greedy: met", "greedy: demands short",
)  # fmt: skip
ALLOCATIONS: list[Allocation] = []
GREEDY_MET: list[float] = []


def measure(week: int, problem: Problem, allocation: Allocation) -> list[str]:
    """One table row: the allocation, then the baselines solved in the same run."""
    ALLOCATIONS.append(allocation)
    ceiling, _ = solve_week(replace(problem, demands=(), rules=replace(problem.rules, time_limit_s=30.0)))
    quick, _ = solve_week(replace(problem, rules=replace(problem.rules, time_limit_s=10.0)))
    placed, short = greedy(problem)
    first, met = greedy_shares(problem, placed)
    GREEDY_MET.append(met)
    share = allocation.granted
    return [
        str(week), str(len(problem.shifts)), f"{len(problem.demands):,}", f"{allocation.seconds:.1f}",
        allocation.status, f"{share.get(1, 0):.1%}", f"{share.get(2, 0):.1%}", f"{share.get(3, 0):.1%}",
        f"{allocation.requests_met:.1%}", f"{ceiling.requests_met:.1%}" if ceiling else "none",
        f"{quick.requests_met:.1%} ({quick.status})" if quick else "none found",
        f"{first:.1%}", f"{met:.1%}", str(short),
    ]  # fmt: skip


if __name__ == "__main__":
    main()
