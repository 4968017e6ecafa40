"""Routing recommendations from skill profiles: for each queue and contact reason, the agents to route to
first, the skill level to set for each, and what the measured data says that would change.

Agents are **ranked** for a reason by their profile's shrunk composite (``profiles``), among those with at
least ``MIN_EVIDENCE`` interactions of the reason in the period; the level to set is their proficiency
level. Agents with less evidence are not listed: the routing system keeps what it has for them.

The **expected effect** assumes each agent keeps their measured (shrunk) results for the reason when given
more of it, and can take up to ``HEADROOM`` times the reason's share of the work they did in the period
(their capacity for it). The reason's volume is then given to the ranked agents best first until it is
covered (the last one in part), and the expected QA score, CSAT, recontact and handle time are the
volume-weighted means of those agents' estimates, set beside today's (every agent who handled the reason,
as they did). The simulation (``simulate``) checks this against contacts replayed through a known truth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.insights.models import InsightFactRow
from callqa.skills.assignments import SkillAssignment
from callqa.skills.profiles import Profiles, SkillCell, SkillQuery, build_profiles

F = InsightFactRow
MIN_EVIDENCE = 5  # interactions of the reason an agent needs to be ranked for it
HEADROOM = 2.0  # an agent can take up to this many times the reason's share of their work
MIN_SHARE = 0.05  # a reason is routed in a queue when at least this share of the queue's contacts have it


@dataclass(frozen=True)
class Outcomes:
    qa: float | None
    csat: float | None
    recontact: float | None
    handle_ratio: float | None  # × the baseline


@dataclass(frozen=True)
class RankedAgent:
    rank: int
    agent: str
    team: str
    level: int
    composite: float
    n: int
    share: float  # of the reason's volume the expected effect gives them (0: ranked but not needed)
    sentence: str
    cell: SkillCell = field(repr=False, compare=False)  # the profile cell it is ranked by


@dataclass(frozen=True)
class ReasonRouting:
    queue: str
    reason: str
    volume: int  # contacts of this reason in this queue over the period
    ranked: list[RankedAgent]
    today: Outcomes
    expected: Outcomes

    def assignments(self) -> list[SkillAssignment]:
        return [
            SkillAssignment(a.agent, f"reason:{self.reason}", a.level, queue=self.queue, rank=a.rank)
            for a in self.ranked
        ]


@dataclass(frozen=True)
class Routing:
    query: SkillQuery
    reasons: list[ReasonRouting]

    def queues(self) -> list[str]:
        return sorted({r.queue for r in self.reasons})

    def assignments(self) -> list[SkillAssignment]:
        return [a for r in self.reasons for a in r.assignments()]


def _queue_reasons(session: Session, query: SkillQuery, queue: str | None) -> list[tuple[str, str, int]]:
    """(queue, reason, contacts) for each reason with at least ``MIN_SHARE`` of its queue."""
    stmt = select(F.queue, F.reason, func.count()).where(F.reason != "", F.agent != "")
    if query.first is not None:
        stmt = stmt.where(F.day >= query.first)
    if query.last is not None:
        stmt = stmt.where(F.day <= query.last)
    if queue is not None:
        stmt = stmt.where(F.queue == queue)
    counts = [(str(q), str(r), int(n)) for q, r, n in session.execute(stmt.group_by(F.queue, F.reason))]
    totals: dict[str, int] = defaultdict(int)
    for q, _, n in counts:
        totals[q] += n
    kept = [(q, r, n) for q, r, n in counts if n >= MIN_SHARE * totals[q]]
    return sorted(kept, key=lambda x: (x[0], -x[2], x[1]))


def _mean(pairs: Sequence[tuple[float, float | None]]) -> float | None:
    """The weighted mean of the known values."""
    known = [(w, v) for w, v in pairs if v is not None and w > 0]
    total = sum(w for w, _ in known)
    return sum(w * v for w, v in known) / total if total else None


def today(cells: Sequence[SkillCell]) -> Outcomes:
    """The reason's outcomes as its contacts were handled (every agent's measured means)."""
    return Outcomes(
        _mean([(c.scored, c.qa) for c in cells]),
        _mean([(c.csat_n, c.csat) for c in cells]),
        _mean([(c.n, c.recontact) for c in cells]),
        _mean([(c.handled, c.handle_ratio) for c in cells]),
    )


def plan(cells: Sequence[SkillCell], work: dict[str, int], volume: int, total: int) -> dict[str, float]:
    """Each ranked agent's share of the reason's volume: best first, each up to their capacity."""
    shares: dict[str, float] = {}
    left = float(volume)
    for cell in cells:
        if left <= 0:
            break
        capacity = HEADROOM * work.get(cell.agent, 0) * volume / total if total else 0.0
        take = min(left, capacity)
        shares[cell.agent] = take / volume if volume else 0.0
        left -= take
    return shares


def expected(cells: Sequence[SkillCell], shares: dict[str, float]) -> Outcomes:
    pairs = [(shares.get(c.agent, 0.0), c.estimate) for c in cells]
    return Outcomes(
        _mean([(w, e.qa) for w, e in pairs]),
        _mean([(w, e.csat) for w, e in pairs]),
        _mean([(w, e.recontact) for w, e in pairs]),
        _mean([(w, e.handle_ratio) for w, e in pairs]),
    )


def recommend(
    session: Session,
    query: SkillQuery | None = None,
    *,
    queue: str | None = None,
    profiles: Profiles | None = None,
) -> Routing:
    """The routing recommendations per queue and reason (the agents of ``query``'s scope)."""
    query = query or SkillQuery()
    found = profiles if profiles is not None else build_profiles(session, query)
    by_reason: dict[str, list[SkillCell]] = defaultdict(list)
    work: dict[str, int] = defaultdict(int)
    for cell in found.of_kind("reason"):
        by_reason[str(cell.reason)].append(cell)
        work[cell.agent] += cell.n
    total = sum(work.values())
    out = []
    for q, reason, volume in _queue_reasons(session, query, queue):
        cells = by_reason.get(reason, [])
        ranked = sorted((c for c in cells if c.n >= MIN_EVIDENCE), key=lambda c: (-c.composite, c.agent))
        reason_total = sum(c.n for c in cells)
        shares = plan(ranked, work, reason_total, total)
        agents = [
            RankedAgent(
                i, c.agent, c.team, c.level, c.composite, c.n, shares.get(c.agent, 0.0), c.sentence, c
            )
            for i, c in enumerate(ranked, start=1)
        ]
        out.append(ReasonRouting(q, reason, volume, agents, today(cells), expected(ranked, shares)))
    return Routing(query, out)
