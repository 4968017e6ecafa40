"""Skill profiles from measured work: how well each agent handles each contact reason, language and channel.

A **cell** is one agent's interactions of one contact reason × language × channel, or a roll-up of them
(agent × reason, agent × language, agent × channel). Each cell has its volume, the official QA score with
its 95 % interval, CSAT (measured, with how many were surveyed, and predicted), the recontact rate (the
customer came back within the facts' recontact window), and handle time against the **baseline**: the
median handle time of the good interactions (``GOOD_SCORE`` or more and, when surveyed, CSAT 4–5) of the
same reason and channel across the centre (all of that reason and channel when fewer than ``MIN_GOOD`` are
good). The ratio is the geometric mean of each interaction's handle time ÷ its baseline.

**Proficiency** 1–5 comes from a composite of four measures, each in units of one interaction's spread
(standard deviation) across the centre for the same value (reason, language or channel), signed so that
higher is better: QA score (weight 0.4), measured CSAT (0.3), no recontact (0.15) and shorter handle time
(0.15). Before it is compared, each measure is **shrunk toward the team** (partial pooling, empirical
Bayes): with ``k`` interactions measured, the estimate is ``(k·agent + m·team) / (k + m)``, and the team's
own mean is shrunk toward the centre the same way, so four calls say little and sixty say much. ``m`` is
estimated from the data for each kind of cell, value and measure (:func:`prior_strengths`): one
interaction's variance ÷ the variance of the agents' true means (method of moments), kept within
``SHRINK_BOUNDS``; ``SHRINK`` (20) when fewer than ``MIN_AGENTS`` agents have such a cell. Where agents
truly differ little, m is large and levels stay near the team's; where they differ much, a few dozen
interactions suffice.
The composite maps to levels by ``THRESHOLDS``: 5 at +0.20 spreads or more, 4 at +0.07, 3 in between,
2 at −0.07 or less, 1 at −0.20 or less; a 5 or a 1 needs ``THIN`` (10) interactions or more.

Everything is measured over the whole centre for the period, whoever asks; filters (team, agent, the
teams a supervisor leads) only choose which cells are returned, so a level never depends on the viewer.

The database adds up each full cell's interactions (:mod:`callqa.skills.sums`, one ``GROUP BY``); Python
only rolls those few thousand sums up, estimates the shrinkage and levels the cells.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from callqa.core.stats import Z95
from callqa.skills.sums import CellSums, Sums, cell_sums, sd

SHRINK = 20.0  # m when too few agents have a cell of the kind to estimate it
SHRINK_BOUNDS = (10.0, 200.0)  # m estimated from the data is kept within these
MIN_AGENTS = 5  # agents with a cell of the kind and value needed to estimate m
WEIGHTS = {"qa": 0.4, "csat": 0.3, "recontact": 0.15, "handle": 0.15}
THRESHOLDS = ((0.2, 5), (0.07, 4), (-0.07, 3), (-0.2, 2))  # composite at or above → level; else 1
THIN = 10  # fewer interactions than this: the sentence says the level is mostly the team's
KINDS = (
    "reason",
    "language",
    "channel",
    "full",
)  # the roll-ups and the full agent × reason × language × channel


@dataclass(frozen=True)
class SkillQuery:
    """Which period the profiles measure (local days, both included; None: all facts) and which cells to
    return (team, agent, or the teams a supervisor leads)."""

    first: date | None = None
    last: date | None = None
    team: str | None = None
    agent: str | None = None
    teams: frozenset[str] | None = None


def _interval(n: int, total: float, squares: float) -> tuple[float | None, float | None]:
    if n < 2:
        return None, None
    mean, error = total / n, Z95 * sd(n, total, squares) / math.sqrt(n)
    return mean - error, mean + error


@dataclass(frozen=True)
class Estimate:
    """A cell's measures shrunk toward the team (and the team's toward the centre)."""

    qa: float | None
    csat: float | None
    recontact: float | None
    handle_ratio: float | None


@dataclass(frozen=True)
class SkillCell:
    agent: str
    team: str
    reason: str | None  # None: all reasons (a roll-up)
    language: str | None
    channel: str | None
    n: int
    scored: int
    handled: int  # with a handle time
    qa: float | None
    qa_low: float | None  # 95 % interval of the mean
    qa_high: float | None
    csat: float | None  # measured, 1–5
    csat_n: int  # surveyed
    csat_low: float | None
    csat_high: float | None
    predicted_csat: float | None
    recontact: float  # share of interactions whose customer came back within the window
    handle_ratio: float | None  # × the baseline (1.0: as long as a good interaction of the same kind)
    team_qa: float | None
    team_csat: float | None
    team_recontact: float
    composite: float  # the shrunk composite, in spreads (0: the centre's mean)
    estimate: Estimate  # the shrunk measures: what to expect of this agent on more such contacts
    level: int  # 1–5

    @property
    def sentence(self) -> str:
        """The level explained in English (pages and the API call :func:`explain` in the reader's
        language); made when asked, as most cells are never shown."""
        return explain(self)

    @property
    def kind(self) -> str:
        """'reason', 'language', 'channel' (a roll-up) or 'full' (reason × language × channel)."""
        return _kind((self.reason, self.language, self.channel))


@dataclass(frozen=True)
class Profiles:
    query: SkillQuery
    cells: list[SkillCell]
    baselines: dict[tuple[str, str], float] = field(default_factory=dict)  # (reason, channel) → seconds

    def of_kind(self, kind: str) -> list[SkillCell]:
        return [c for c in self.cells if c.kind == kind]


def _keys(reason: str, language: str, channel: str) -> Iterator[tuple[str | None, str | None, str | None]]:
    """The (reason, language, channel) cells an interaction counts in: the full cell and the roll-ups."""
    if reason:
        yield reason, language, channel
        yield reason, None, None
    yield None, language, None
    yield None, None, channel


def _value(key: tuple[str | None, str | None, str | None]) -> tuple[str, str]:
    """The dimension whose centre-wide spread a cell is measured in: the reason when it has one."""
    reason, language, channel = key
    if reason is not None:
        return "reason", reason
    if language is not None:
        return "language", language
    return "channel", str(channel)


def _pooled(k: int, mean: float | None, m: float, prior: float) -> float:
    return prior if mean is None or k == 0 else (k * mean + m * prior) / (k + m)


def level_of(composite: float, n: int) -> int:
    """The level of a composite; the extremes (5 and 1) need ``THIN`` interactions or more."""
    level = next((level for at_least, level in THRESHOLDS if composite >= at_least), 1)
    return level if n >= THIN else min(4, max(2, level))


def build_profiles(session: Session, query: SkillQuery = SkillQuery()) -> Profiles:
    """Every agent's skill cells over the period, those the query asks for (the sums added up by the
    database: :mod:`callqa.skills.sums`)."""
    return profiles_from(cell_sums(session, query.first, query.last), query)


def profiles_from(sums: CellSums, query: SkillQuery) -> Profiles:
    """The skill cells from the full cells' sums: rolled up, shrunk toward the team and levelled."""
    cells: dict[tuple[str, str, tuple[str | None, str | None, str | None]], Sums] = defaultdict(Sums)
    teams: dict[tuple[str, tuple[str | None, str | None, str | None]], Sums] = defaultdict(Sums)
    centre: dict[tuple[str, str], Sums] = defaultdict(Sums)
    for (agent, team, reason, language, channel), full in sums.cells.items():
        for key in _keys(reason, language, channel):
            cells[(agent, team, key)].merge(full)
            teams[(team, key)].merge(full)
        for value in (("reason", reason), ("language", language), ("channel", channel)):
            centre[value].merge(full)
    strengths = prior_strengths(cells, centre)
    out = []
    for (agent, team, key), cell in cells.items():
        if not _wanted(query, agent, team):
            continue
        m = strengths.get((_kind(key), *_value(key)), {})
        out.append(_cell(agent, team, key, cell, teams[(team, key)], centre[_value(key)], m))
    out.sort(key=lambda c: (c.agent, KINDS.index(c.kind), c.reason or "", c.language or "", c.channel or ""))
    return Profiles(query, out, {k: v / 1000 for k, v in sums.baselines.items()})


def _kind(key: tuple[str | None, str | None, str | None]) -> str:
    given = [k for k, v in zip(("reason", "language", "channel"), key, strict=True) if v is not None]
    return given[0] if len(given) == 1 else "full"


def prior_strengths(
    cells: dict[tuple[str, str, tuple[str | None, str | None, str | None]], Sums],
    centre: dict[tuple[str, str], Sums],
) -> dict[tuple[str, str, str], dict[str, float]]:
    """m per (kind, dimension, value) and measure, by the method of moments: one interaction's variance σ²
    ÷ the variance τ² of agents' true means, τ² being the variance of the agents' measured means less what
    their sampling noise (σ²/k) explains. Little real difference between agents: a large m (pool more)."""
    groups: dict[tuple[str, str, str], list[Sums]] = defaultdict(list)
    for (_agent, _team, key), sums in cells.items():
        groups[(_kind(key), *_value(key))].append(sums)
    low, high = SHRINK_BOUNDS
    out: dict[tuple[str, str, str], dict[str, float]] = {}
    for group, members in groups.items():
        spreads = centre[group[1:]].spreads()
        found = {}
        for measure in WEIGHTS:
            measured = [
                (k, mean) for k, mean in (s.measures()[measure] for s in members) if k and mean is not None
            ]
            variance = spreads[measure] ** 2
            if len(measured) < MIN_AGENTS or not variance:
                continue
            means = [mean for _, mean in measured]
            average = sum(means) / len(means)
            observed = sum((x - average) ** 2 for x in means) / (len(means) - 1)
            true = observed - variance * sum(1 / k for k, _ in measured) / len(measured)
            found[measure] = high if true <= 0 else min(high, max(low, variance / true))
        out[group] = found
    return out


def _wanted(query: SkillQuery, agent: str, team: str) -> bool:
    if query.agent is not None and agent != query.agent:
        return False
    if query.team is not None and team != query.team:
        return False
    return query.teams is None or team in query.teams


def _composite(sums: Sums, team: Sums, centre: Sums, strengths: dict[str, float]) -> tuple[float, Estimate]:
    spreads, middle, own, theirs = centre.spreads(), centre.measures(), sums.measures(), team.measures()
    total = weight = 0.0
    shrunk: dict[str, float | None] = dict.fromkeys(WEIGHTS)
    for measure, w in WEIGHTS.items():
        spread, (_, centre_mean) = spreads[measure], middle[measure]
        if centre_mean is None:
            continue
        team_k, team_mean = theirs[measure]
        m = strengths.get(measure, SHRINK)
        prior = _pooled(team_k, team_mean, m, centre_mean)
        k, mean = own[measure]
        shrunk[measure] = estimate = _pooled(k, mean, m, prior)
        if spread:
            total += w * (estimate - centre_mean) / spread
            weight += w
    qa, csat, recontact, handle = (shrunk[m] for m in ("qa", "csat", "recontact", "handle"))
    return total / weight if weight else 0.0, Estimate(
        qa,
        csat,
        -recontact if recontact is not None else None,
        math.exp(-handle) if handle is not None else None,
    )


def _cell(
    agent: str,
    team: str,
    key: tuple[str | None, str | None, str | None],
    sums: Sums,
    of_team: Sums,
    centre: Sums,
    strengths: dict[str, float],
) -> SkillCell:
    composite, estimate = _composite(sums, of_team, centre, strengths)
    level = level_of(composite, sums.n)
    qa_low, qa_high = _interval(sums.scored, sums.score, sums.score2)
    csat_low, csat_high = _interval(sums.surveyed, sums.csat, sums.csat2)
    return SkillCell(
        agent=agent,
        team=team,
        reason=key[0],
        language=key[1],
        channel=key[2],
        n=sums.n,
        scored=sums.scored,
        handled=sums.handled,
        qa=sums.score / sums.scored if sums.scored else None,
        qa_low=qa_low,
        qa_high=qa_high,
        csat=sums.csat / sums.surveyed if sums.surveyed else None,
        csat_n=sums.surveyed,
        csat_low=csat_low,
        csat_high=csat_high,
        predicted_csat=sums.predicted / sums.predicted_n if sums.predicted_n else None,
        recontact=sums.recontact / sums.n if sums.n else 0.0,
        handle_ratio=math.exp(sums.log_ratio / sums.handled) if sums.handled else None,
        team_qa=of_team.score / of_team.scored if of_team.scored else None,
        team_csat=of_team.csat / of_team.surveyed if of_team.surveyed else None,
        team_recontact=of_team.recontact / of_team.n if of_team.n else 0.0,
        composite=composite,
        estimate=estimate,
        level=level,
    )


def _same(text: str) -> str:
    return text


def explain(cell: SkillCell, _: Callable[[str], str] = _same, titles: Mapping[str, str] | None = None) -> str:
    """One sentence explaining the level (in the language of the gettext ``_``), e.g. 'Level 4: QA 88
    (team 81), CSAT 4.4 from 12 surveyed over 57 interactions (Lost card); recontact 6 % (team 11 %).'
    The reason is named by its title in ``titles`` (reason id → title), else by its id."""
    reason = (titles or {}).get(cell.reason, cell.reason) if cell.reason is not None else None
    what = " · ".join(v for v in (reason, cell.language, cell.channel) if v is not None)
    if cell.n < THIN:
        text = _(
            "Level %(level)s: only %(n)s interactions (%(what)s), so the level stays close to the team's."
        )
        return text % {"level": cell.level, "n": cell.n, "what": what}
    parts = []
    if cell.qa is not None:
        team = f"{cell.team_qa:.0f}" if cell.team_qa is not None else "–"
        parts.append(_("QA %(qa)s (team %(team)s)") % {"qa": f"{cell.qa:.0f}", "team": team})
    if cell.csat is not None:
        parts.append(_("CSAT %(csat)s from %(n)s surveyed") % {"csat": f"{cell.csat:.1f}", "n": cell.csat_n})
    text = _(
        "Level %(level)s: %(measures)s over %(n)s interactions (%(what)s); "
        "recontact %(recontact)s (team %(team)s)."
    ) % {
        "level": cell.level,
        "measures": ", ".join(parts) or "–",
        "n": cell.n,
        "what": what,
        "recontact": f"{cell.recontact:.0%}",
        "team": f"{cell.team_recontact:.0%}",
    }
    if cell.handle_ratio is not None:
        text += " " + _("Handle time %(ratio)s× the baseline.") % {"ratio": f"{cell.handle_ratio:.2f}"}
    return text
