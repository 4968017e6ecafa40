"""The skill profiles' sums added up in Python, one fact at a time (importable as ``skills_reference``): how
callqa computed them before the database did (callqa.skills.sums). Tests check the two agree; the
benchmark (bench/skill_profiles.py) times one against the other."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.insights.contact_reasons import GOOD_SCORE, MIN_GOOD
from callqa.insights.models import InsightFactRow
from callqa.skills.profiles import Profiles, SkillQuery, profiles_from
from callqa.skills.sums import CellSums, FullKey, Sums, in_period

F = InsightFactRow
EVERYTHING = SkillQuery()
Row = tuple[str, str, str, str, str, float | None, float | None, float | None, bool, int | None]


def load(session: Session, first: date | None = None, last: date | None = None) -> list[Row]:
    stmt = select(
        F.agent, F.team, F.reason, F.language, F.channel, F.score, F.csat, F.predicted_csat,
        F.recontact, F.handle_ms,
    ).where(*in_period(first, last))  # fmt: skip
    return [tuple(row) for row in session.execute(stmt.execution_options(yield_per=20_000))]  # type: ignore[misc]


def handle_baselines(rows: list[Row]) -> dict[tuple[str, str], float]:
    """The median handle time (ms) of the good interactions per reason and channel (all: too few good)."""
    good: dict[tuple[str, str], list[int]] = defaultdict(list)
    every: dict[tuple[str, str], list[int]] = defaultdict(list)
    for _agent, _team, reason, _language, channel, score, csat, _p, _back, handle_ms in rows:
        if not handle_ms:
            continue
        every[(reason, channel)].append(handle_ms)
        if score is not None and score >= GOOD_SCORE and (csat is None or csat >= 4):
            good[(reason, channel)].append(handle_ms)
    return {
        key: float(median(good[key] if len(good[key]) >= MIN_GOOD else values))
        for key, values in every.items()
    }


def python_sums(session: Session, first: date | None = None, last: date | None = None) -> CellSums:
    """Every fact read into Python and added to its full cell's sums."""
    rows = load(session, first, last)
    baselines = handle_baselines(rows)
    cells: dict[FullKey, Sums] = defaultdict(Sums)
    for agent, team, reason, language, channel, score, csat, predicted, back, handle_ms in rows:
        s = cells[(agent, team, reason, language, channel)]
        s.n += 1
        s.recontact += bool(back)
        if score is not None:
            s.scored, s.score, s.score2 = s.scored + 1, s.score + score, s.score2 + score**2
        if csat is not None:
            s.surveyed, s.csat, s.csat2 = s.surveyed + 1, s.csat + csat, s.csat2 + csat**2
        if predicted is not None:
            s.predicted_n, s.predicted = s.predicted_n + 1, s.predicted + predicted
        base = baselines.get((reason, channel))
        if handle_ms and base:
            ratio = math.log(handle_ms / base)
            s.handled, s.log_ratio, s.log_ratio2 = s.handled + 1, s.log_ratio + ratio, s.log_ratio2 + ratio**2
    return CellSums(dict(cells), baselines)


def python_profiles(session: Session, query: SkillQuery = EVERYTHING) -> Profiles:
    return profiles_from(python_sums(session, query.first, query.last), query)
