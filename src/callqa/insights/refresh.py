"""Folding new and changed interactions and evaluations into the facts and roll-ups.

The refresh remembers when it last ran; the next one picks up interactions changed and evaluations made
since then (with a margin for transactions still open at the time), the earlier contacts of the same
customers (their recontact flag may have changed), and rebuilds the roll-ups of every day touched and of
the months holding them. When the settings that shape facts change (time zone, scorecard, low-score line,
recontact window), or when asked, everything is rebuilt. It is safe to run at any time and from several
places: it only derives data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from callqa.core.background import Periodic
from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.settings import Settings
from callqa.db.base import Base
from callqa.db.engine import unit_of_work
from callqa.insights.facts import FactContext, build_facts, neighbours
from callqa.insights.models import MONTHLY, InsightCriterionSlotRow, InsightFactRow, InsightStateRow
from callqa.insights.predict import CsatModel, centre_model, features, text_csat
from callqa.insights.rollups import rebuild_rollups
from callqa.interactions.models import InteractionRow
from callqa.review.models import ReviewRow
from callqa.scoring.models import EvaluationRow

log = logging.getLogger(__name__)
STATE_KEY = "facts"
CHANGED_KEY = "facts_changed"  # when a refresh last changed a fact (STATE_KEY moves on every run)
CSAT_MODEL_KEY = "csat_model"
ROLLUPS = (*MONTHLY, *MONTHLY.values())  # the day roll-ups and the month roll-ups summing them
MARGIN = timedelta(minutes=2)
BATCH = 2000


@dataclass(frozen=True)
class InsightConfig:
    zone: ZoneInfo
    scorecard: str = DEFAULT_SCORECARD
    low_score: float = 70.0
    recontact_days: int = 7

    @classmethod
    def from_settings(cls, settings: Settings) -> InsightConfig:
        return cls(
            settings.zone(),
            settings.insights_scorecard,
            settings.insights_low_score,
            settings.insights_recontact_days,
        )

    def signature(self) -> str:
        return f"{self.zone.key}|{self.scorecard}|{self.low_score:g}|{self.recontact_days}"


@dataclass(frozen=True)
class RefreshReport:
    interactions: int
    days: int
    full: bool
    seconds: float


def refresh_insights(
    factory: sessionmaker[Session],
    config: InsightConfig,
    *,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RefreshReport:
    """Bring facts and roll-ups up to date with what is stored; ``full`` rebuilds everything."""
    began = time.perf_counter()
    started = datetime.now(UTC)
    with unit_of_work(factory) as session:
        state = session.get(InsightStateRow, STATE_KEY)
        full = full or state is None or state.config != config.signature()
        if full:
            ids = list(session.scalars(select(InteractionRow.id).order_by(InteractionRow.id)))
            derived: tuple[type[Base], ...] = (*ROLLUPS, InsightFactRow, InsightCriterionSlotRow)
            for table in derived:
                session.execute(delete(table))
        else:
            assert state is not None
            ids = sorted(_changed(session, config, _utc(state.value) - MARGIN))
        ctx = FactContext.load(
            session,
            zone=config.zone,
            scorecard=config.scorecard,
            recontact_days=config.recontact_days,
            low_score=config.low_score,
        )
        days: set[date] = set()
        for i in range(0, len(ids), BATCH):
            chunk = ids[i : i + BATCH]
            if not full:
                days.update(
                    session.scalars(
                        select(InsightFactRow.day).where(InsightFactRow.interaction_id.in_(chunk)).distinct()
                    )
                )
                session.execute(delete(InsightFactRow).where(InsightFactRow.interaction_id.in_(chunk)))
            facts = build_facts(session, chunk, ctx)
            if facts:
                session.execute(insert(InsightFactRow), facts)
            days.update(f["day"] for f in facts)
            if progress is not None:
                progress(min(i + BATCH, len(ids)), len(ids))
        model = centre_model(session)
        predict_csat(session, ids, model)
        rebuild_rollups(session, days)
        _remember_model(session, model, started)
        if ids or full:
            _remember_change(session, started)
        if state is None:
            session.add(InsightStateRow(key=STATE_KEY, value=started, config=config.signature()))
        else:
            state.value = started
            state.config = config.signature()
    return RefreshReport(len(ids), len(days), full, time.perf_counter() - began)


def _changed(session: Session, config: InsightConfig, since: datetime) -> set[int]:
    changed = set(session.scalars(select(InteractionRow.id).where(InteractionRow.updated_at >= since)))
    changed.update(
        session.scalars(
            select(EvaluationRow.interaction_id).where(
                EvaluationRow.created_at >= since, EvaluationRow.scorecard_name == config.scorecard
            )
        )
    )
    # a review step may have changed the official score and outcomes
    changed.update(session.scalars(select(ReviewRow.interaction_id).where(ReviewRow.updated_at >= since)))
    # interactions the window missed (a transaction open longer than the margin): only looked for when
    # the counts disagree
    stored = session.scalar(select(func.count()).select_from(InteractionRow))
    if stored != session.scalar(select(func.count()).select_from(InsightFactRow)):
        has_fact = select(InsightFactRow.interaction_id).where(
            InsightFactRow.interaction_id == InteractionRow.id
        )
        changed.update(session.scalars(select(InteractionRow.id).where(~has_fact.exists())))
    return changed | neighbours(session, changed, config.recontact_days)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _remember_change(session: Session, at: datetime) -> None:
    changed = session.get(InsightStateRow, CHANGED_KEY)
    if changed is None:
        session.add(InsightStateRow(key=CHANGED_KEY, value=at, config=""))
    else:
        changed.value = at


def facts_changed_at(session: Session) -> datetime | None:
    """When a refresh last changed any fact (None: never); unlike :func:`refreshed_at`, an idle refresh
    leaves it be, so what is derived from the facts can be kept until this moves."""
    changed = session.get(InsightStateRow, CHANGED_KEY)
    return None if changed is None else _utc(changed.value)


def refreshed_at(session: Session) -> datetime | None:
    """When the facts were last brought up to date (None: never)."""
    state = session.get(InsightStateRow, STATE_KEY)
    return None if state is None else _utc(state.value)


def start_refresher(factory: sessionmaker[Session], config: InsightConfig, every_s: float) -> Periodic | None:
    """Fold changes into the dashboards now and every ``every_s`` seconds (None when 0); stop() to end.

    A failed refresh is logged and retried at the next tick; it never stops the server.
    """
    if every_s <= 0:
        return None

    def work() -> None:
        report = refresh_insights(factory, config)
        if report.interactions:
            log.info(
                "insights: %d interactions, %d days in %.1f s",
                report.interactions,
                report.days,
                report.seconds,
            )

    return Periodic("insights refresh", every_s, work).start()


def predict_csat(session: Session, ids: Sequence[int], model: CsatModel | None) -> None:
    """Fill the facts' predicted CSAT: the centre's model when it has one, else from the words alone."""
    f = InsightFactRow
    for i in range(0, len(ids), BATCH):
        chunk = list(ids[i : i + BATCH])
        rows = session.execute(
            select(f.interaction_id, f.sentiment, f.sentiment_end, f.score, f.auto_failed).where(
                f.interaction_id.in_(chunk)
            )
        ).all()
        if model is not None:
            values: list[float | None] = list(model.predict([features(*r[1:]) for r in rows]))
        else:
            values = [text_csat(r.sentiment, r.sentiment_end) for r in rows]
        updates = [{"ident": r.interaction_id, "value": v} for r, v in zip(rows, values, strict=True)]
        if updates:
            statement = (
                update(f)
                .where(f.interaction_id == bindparam("ident"))
                .values(predicted_csat=bindparam("value"))
            )
            session.connection().execute(statement, updates)


def _remember_model(session: Session, model: CsatModel | None, at: datetime) -> None:
    summary = model.summary() if model is not None else "words only"
    state = session.get(InsightStateRow, CSAT_MODEL_KEY)
    if state is None:
        session.add(InsightStateRow(key=CSAT_MODEL_KEY, value=at, config=summary))
    else:
        state.value, state.config = at, summary


def csat_model_summary(session: Session) -> str | None:
    """How predicted CSAT is made now: 'words only' or the centre model's size and cross-validated error."""
    state = session.get(InsightStateRow, CSAT_MODEL_KEY)
    return None if state is None else state.config
