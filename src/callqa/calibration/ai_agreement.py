"""How well the AI grades, measured all the time against the centre's own graders.

Every shared review is a set of labels: for each criterion of the reviewed evaluation the reviewer either
changed the AI's outcome or let it stand (the official outcome after the review and any upheld dispute is
the human label). Every answer in a calibration session is one too, against the AI's outcome of the same
interaction. Per scorecard version × criterion (and language, channel) this module counts them: agreement
with its Wilson interval, Cohen's kappa, precision and recall of "fail", the confusion counts and the trend
by month; and it puts the graders' own agreement with each other (calibration sessions) beside it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations
from statistics import fmean
from typing import Any, Literal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from callqa.calibration.models import CalibrationGradeRow, CalibrationRow
from callqa.core.metrics import cohen_kappa
from callqa.core.stats import wilson_interval
from callqa.interactions.models import InteractionRow
from callqa.scoring.loader import scorecard_spec
from callqa.scoring.models import CriterionResultRow, EvaluationRow, ScorecardRow

Source = Literal["review", "calibration"]
KEYS = ("scorecard", "version", "criterion", "language", "channel")
OUTCOMES = ("pass", "fail", "n/a")


@dataclass(frozen=True)
class Example:
    """One human label of one criterion beside what the AI decided."""

    interaction_id: int
    external_id: str
    scorecard: str
    version: int
    criterion: str
    title: str
    language: str
    channel: str
    month: str  # the interaction's month, YYYY-MM ("undated")
    ai: str
    human: str
    source: Source
    grader: str | None = None  # the calibration grader (reviews: None)

    def key(self, by: Sequence[str]) -> tuple[Any, ...]:
        return tuple(getattr(self, k) for k in by)


def _month(at: datetime | None) -> str:
    return at.strftime("%Y-%m") if at else "undated"


def _language(tag: str | None) -> str:
    return (tag or "").split("-")[0].lower()


def _on_channel(source: str, name: str, criterion: str, channel: str) -> bool:
    """Whether the criterion can apply on the channel at all (a voice-only criterion on a chat cannot: both
    sides' n/a there says nothing about the AI)."""
    spec = scorecard_spec(source, name)
    for section in spec.sections:
        for c in section.criteria:
            if c.id == criterion:
                return not c.channels or channel in {str(ch) for ch in c.channels}
    return True


def _example(row: Any, human: str, source: Source, grader: str | None = None) -> Example:
    """A label from a query row holding the interaction, the scorecard version and the criterion result."""
    return Example(
        row.id,
        row.external_id,
        row.scorecard_name,
        row.version,
        row.criterion,
        row.title,
        _language(row.language),
        str(row.channel),
        _month(row.started_at),
        row.ai_outcome or row.outcome,
        human,
        source,
        grader,
    )


def _columns() -> list[Any]:
    """What a label needs of the interaction, the scorecard version and the AI's criterion result."""
    e, r, i = EvaluationRow, CriterionResultRow, InteractionRow
    return [
        i.id,
        i.external_id,
        i.language,
        i.channel,
        i.started_at,
        e.scorecard_name,
        ScorecardRow.version,
        ScorecardRow.source,
        r.criterion,
        r.title,
        r.ai_outcome,
        r.outcome,
    ]


def review_examples(session: Session, *, scorecard: str | None = None) -> list[Example]:
    """The labels of every shared review (any evaluation that was reviewed, current or since re-scored),
    leaving out criteria that cannot apply on the interaction's channel."""
    e, r, i = EvaluationRow, CriterionResultRow, InteractionRow
    query = (
        select(*_columns())
        .join(e, e.id == r.evaluation_id)
        .join(i, i.id == e.interaction_id)
        .join(ScorecardRow, ScorecardRow.id == e.scorecard_id)
        .where(e.review_state.is_not(None))
        .order_by(i.id, r.id)
    )
    if scorecard is not None:
        query = query.where(e.scorecard_name == scorecard)
    return [
        _example(row, row.outcome, "review")
        for row in session.execute(query)
        if _on_channel(row.source, row.scorecard_name, row.criterion, str(row.channel))
    ]


def calibration_examples(session: Session, *, scorecard: str | None = None) -> list[Example]:
    """Every calibration answer beside the AI's outcome of the interaction's evaluation in that session's
    scorecard (the current one, as the session compared)."""
    g, e, r, i = CalibrationGradeRow, EvaluationRow, CriterionResultRow, InteractionRow
    query = (
        select(*_columns(), g.outcome.label("given"), g.user_id)
        .select_from(g)
        .join(CalibrationRow, CalibrationRow.id == g.calibration_id)
        .join(i, i.id == g.interaction_id)
        .join(
            e,
            and_(
                e.interaction_id == g.interaction_id,
                e.scorecard_name == CalibrationRow.scorecard_name,
                e.is_current.is_(True),
            ),
        )
        .join(r, and_(r.evaluation_id == e.id, r.criterion == g.criterion))
        .join(ScorecardRow, ScorecardRow.id == e.scorecard_id)
        .order_by(g.id)
    )
    if scorecard is not None:
        query = query.where(e.scorecard_name == scorecard)
    return [
        _example(row, row.given, "calibration", str(row.user_id))
        for row in session.execute(query)
        if _on_channel(row.source, row.scorecard_name, row.criterion, str(row.channel))
    ]


def examples(session: Session, *, scorecard: str | None = None) -> list[Example]:
    return [
        *review_examples(session, scorecard=scorecard),
        *calibration_examples(session, scorecard=scorecard),
    ]


@dataclass(frozen=True)
class Agreement:
    """The AI against people for one group of examples."""

    key: dict[str, Any]
    title: str
    n: int
    agreed: int
    low: float  # 95 % Wilson interval of the agreement
    high: float
    kappa: float | None  # None: one outcome only on both sides (kappa is undefined)
    fail_precision: float | None  # of the AI's fails, the share people also failed
    fail_recall: float | None  # of the people's fails, the share the AI found
    confusion: dict[str, dict[str, int]]  # AI outcome → human outcome → count
    by_month: dict[str, tuple[int, int]] = field(default_factory=dict)  # month → (n, agreed)

    @property
    def rate(self) -> float:
        return self.agreed / self.n if self.n else 0.0

    def below(self, floor: float) -> bool:
        """Whether even the interval's top is under the floor (few examples never raise the alarm)."""
        return self.n > 0 and self.high < floor

    def as_json(self) -> dict[str, Any]:
        return {
            **self.key,
            "title": self.title,
            "n": self.n,
            "agreed": self.agreed,
            "agreement": round(self.rate, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "kappa": None if self.kappa is None else round(self.kappa, 4),
            "fail_precision": None if self.fail_precision is None else round(self.fail_precision, 4),
            "fail_recall": None if self.fail_recall is None else round(self.fail_recall, 4),
            "confusion": self.confusion,
            "by_month": {m: {"n": n, "agreed": a} for m, (n, a) in sorted(self.by_month.items())},
        }


def _share(k: int, n: int) -> float | None:
    return k / n if n else None


def measure(
    found: Iterable[Example], by: Sequence[str] = ("scorecard", "version", "criterion")
) -> list[Agreement]:
    """Agreement per group of ``by`` (any of :data:`KEYS`), the lowest first."""
    unknown = [k for k in by if k not in KEYS]
    if unknown:
        raise ValueError(f"group by {', '.join(unknown)}: choose from {', '.join(KEYS)}")
    groups: dict[tuple[Any, ...], list[Example]] = defaultdict(list)
    for example in found:
        groups[example.key(by)].append(example)
    out = []
    for key, group in groups.items():
        ai, human = [x.ai for x in group], [x.human for x in group]
        agreed = sum(a == h for a, h in zip(ai, human, strict=True))
        confusion: dict[str, dict[str, int]] = {a: dict.fromkeys(OUTCOMES, 0) for a in OUTCOMES}
        months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for x in group:
            confusion.setdefault(x.ai, dict.fromkeys(OUTCOMES, 0))
            confusion[x.ai][x.human] = confusion[x.ai].get(x.human, 0) + 1
            months[x.month][0] += 1
            months[x.month][1] += x.ai == x.human
        both_fail = confusion["fail"]["fail"]
        kappa = cohen_kappa(human, ai) if len(set(ai) | set(human)) > 1 else None
        low, high = wilson_interval(agreed, len(group))
        out.append(
            Agreement(
                dict(zip(by, key, strict=True)),
                group[0].title if "criterion" in by else "",
                len(group),
                agreed,
                low,
                high,
                None if kappa is None or kappa != kappa else kappa,  # NaN: undefined
                _share(both_fail, ai.count("fail")),
                _share(both_fail, human.count("fail")),
                confusion,
                {m: (n, a) for m, (n, a) in months.items()},
            )
        )
    return sorted(out, key=lambda a: (a.rate, -a.n, tuple(str(v) for v in a.key.values())))


def grader_agreement(session: Session, *, scorecard: str | None = None) -> dict[str, tuple[int, float]]:
    """Per criterion, how often two of the centre's graders gave the same outcome to the same interaction
    in calibration sessions: (pairs compared, share that agreed)."""
    query = select(
        CalibrationGradeRow.calibration_id,
        CalibrationGradeRow.interaction_id,
        CalibrationGradeRow.criterion,
        CalibrationGradeRow.user_id,
        CalibrationGradeRow.outcome,
    ).join(CalibrationRow, CalibrationRow.id == CalibrationGradeRow.calibration_id)
    if scorecard is not None:
        query = query.where(CalibrationRow.scorecard_name == scorecard)
    units: dict[tuple[int, int, str], dict[int, str]] = defaultdict(dict)
    for calibration, interaction, criterion, user, outcome in session.execute(query):
        units[(calibration, interaction, criterion)][user] = outcome
    pairs: dict[str, list[float]] = defaultdict(list)
    for (_, _, criterion), given in units.items():
        pairs[criterion].extend(1.0 if a == b else 0.0 for a, b in combinations(given.values(), 2))
    return {c: (len(p), fmean(p)) for c, p in sorted(pairs.items()) if p}


def sources(found: Iterable[Example]) -> dict[str, int]:
    """How many labels came from reviews and from calibration sessions."""
    return dict(Counter(x.source for x in found))
