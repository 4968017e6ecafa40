"""Deleting interactions and everything derived from them, in the caller's transaction, on SQLite and
PostgreSQL alike (rows are deleted explicitly rather than left to ``ON DELETE CASCADE``, so each table's
count is known and nothing depends on the foreign-key pragma).

What goes with an interaction: its turns, events, redaction records, customer keys, retention marks,
analysis, evaluations with their criterion results, reviews with their overrides, disputes and
self-evaluations, review-queue and calibration entries, notifications linking to it, its insight fact, its
metadata overlays, and its recording files (the redacted copy, the original when kept, the waveform peaks).
The dashboards' roll-ups of the days it counted in are summed again from the facts that are left.

An **erasure** goes further than retention, because the customer's words may have been copied elsewhere:
knowledge-base articles promoted from the interaction and live alerts raised on it are deleted, a coaching
session's quote from it is cleared (the session, which is about the agent, stays), and cached LLM verdicts
quoting its text are deleted. Retention unlinks those instead (they have retention rules of their own).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import column, delete, or_, select, table, update
from sqlalchemy.orm import Session

from callqa.calibration.models import CalibrationExpertRow, CalibrationGradeRow, CalibrationItemRow
from callqa.coaching.models import CoachingRow
from callqa.insights.models import InsightFactRow
from callqa.insights.rollups import rebuild_rollups
from callqa.interactions.models import (
    CustomerKeyRow,
    EventRow,
    InteractionRow,
    MetadataOverlayRow,
    RedactionRow,
    TurnRow,
)
from callqa.knowledge.models import ArticleRow
from callqa.lifecycle.models import RetentionMarkRow
from callqa.review.models import (
    DisputeRow,
    NotificationRow,
    OverrideRow,
    QueueItemRow,
    ReviewCommentRow,
    ReviewOpenRow,
    ReviewRow,
    SelfEvaluationRow,
)
from callqa.scoring.models import (
    AnalysisRow,
    CriterionResultRow,
    EvaluationRow,
    LlmVerdictRow,
    ScoreFailureRow,
)
from callqa.storage.files import SCHEME, FileStore
from callqa.training.models import ScenarioRow

CHUNK = 500
# Live alerts are kept by the live layer, which sits above this one: named, not imported. The test
# tests/lifecycle/test_purge.py checks every table referring to interactions is handled here.
LIVE_ALERTS = table("live_alerts", column("id"), column("interaction_id"))
# tables whose rows hang off an interaction directly (counted and deleted by interaction id)
_CHILDREN: tuple[Any, ...] = (
    TurnRow,
    EventRow,
    RedactionRow,
    CustomerKeyRow,
    RetentionMarkRow,
    AnalysisRow,
    ScoreFailureRow,
    QueueItemRow,
    ReviewOpenRow,
    CalibrationItemRow,
    CalibrationGradeRow,
    CalibrationExpertRow,
)
HANDLED_TABLES = frozenset(
    {
        "interactions",
        "reviews",
        "evaluations",
        "insight_facts",
        "coaching",
        "kb_articles",
        "live_alerts",
        "training_scenarios",  # unlinked (a foreign key SET NULL) by retention, deleted by an erasure
        "training_assignments",  # unlinked by the foreign key (SET NULL): an assignment copies no words
        "training_class_items",  # deleted with the interaction by the foreign key (CASCADE), comments too
        *(t.__tablename__ for t in _CHILDREN),
    }
)  # every table with a foreign key to interactions.id


@dataclass
class PurgeReport:
    """How many rows of each table and how many files went (never what they held)."""

    interactions: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    files: int = 0
    days: set[date] = field(default_factory=set)

    def add(self, other: PurgeReport) -> None:
        self.interactions += other.interactions
        self.rows.update(other.rows)
        self.files += other.files
        self.days |= other.days

    def as_detail(self) -> dict[str, Any]:
        return {
            "interactions": self.interactions,
            "rows": {name: n for name, n in sorted(self.rows.items()) if n},
            "files": self.files,
        }


def recording_uris(recording: dict[str, Any] | None) -> list[str]:
    """The file-store URIs an interaction's recording uses (redacted copy, original, peaks)."""
    if not recording:
        return []
    found = [recording.get(name) for name in ("uri", "original_uri", "peaks_uri")]
    return [uri for uri in found if isinstance(uri, str) and uri.startswith(SCHEME)]


def delete_files(store: FileStore, uris: Sequence[str]) -> int:
    """Delete blobs (a missing one is not an error); returns how many were there."""
    deleted = 0
    for uri in dict.fromkeys(uris):
        if store.exists(uri):
            store.delete(uri)
            deleted += 1
    return deleted


def purge_interactions(
    session: Session, store: FileStore, ids: Sequence[int], *, erase: bool = False
) -> PurgeReport:
    """Delete these interactions and everything derived from them; re-sum the roll-ups they counted in.

    Files go first: when the transaction then fails, the rows are still there for the next run to find.
    """
    report = PurgeReport()
    for start in range(0, len(ids), CHUNK):
        report.add(_purge_chunk(session, store, list(ids[start : start + CHUNK]), erase=erase))
    if report.days:
        rebuild_rollups(session, report.days)
    return report


def _purge_chunk(session: Session, store: FileStore, ids: list[int], *, erase: bool) -> PurgeReport:
    report = PurgeReport()
    rows = session.execute(
        select(InteractionRow.id, InteractionRow.external_id, InteractionRow.recording).where(
            InteractionRow.id.in_(ids)
        )
    ).all()
    if not rows:
        return report
    ids = [row.id for row in rows]
    report.files = delete_files(store, [uri for row in rows for uri in recording_uris(row.recording)])
    report.days = set(
        session.scalars(select(InsightFactRow.day).where(InsightFactRow.interaction_id.in_(ids)).distinct())
    )
    if erase:
        _erase_copies(session, ids, report)
    else:
        report.rows["live_alerts"] += _count_update(
            session,
            update(LIVE_ALERTS).where(LIVE_ALERTS.c.interaction_id.in_(ids)).values(interaction_id=None),
        )
    reviews = select(ReviewRow.id).where(ReviewRow.interaction_id.in_(ids))
    for child in (OverrideRow, DisputeRow, SelfEvaluationRow, ReviewCommentRow):
        report.rows[child.__tablename__] += _delete(session, child, child.review_id.in_(reviews))
    report.rows["reviews"] += _delete(session, ReviewRow, ReviewRow.interaction_id.in_(ids))
    evaluations = select(EvaluationRow.id).where(EvaluationRow.interaction_id.in_(ids))
    report.rows["criterion_results"] += _delete(
        session, CriterionResultRow, CriterionResultRow.evaluation_id.in_(evaluations)
    )
    report.rows["evaluations"] += _delete(session, EvaluationRow, EvaluationRow.interaction_id.in_(ids))
    links = [f"/interactions/{i}" for i in ids]
    report.rows["notifications"] += _delete(
        session,
        NotificationRow,
        or_(NotificationRow.link.in_(links), *(NotificationRow.link.startswith(f"{x}#") for x in links)),
    )
    for child in _CHILDREN:
        report.rows[child.__tablename__] += _delete(session, child, child.interaction_id.in_(ids))
    report.rows["insight_facts"] += _delete(session, InsightFactRow, InsightFactRow.interaction_id.in_(ids))
    external_ids = sorted({row.external_id for row in rows})
    still_used = set(
        session.scalars(
            select(InteractionRow.external_id).where(
                InteractionRow.external_id.in_(external_ids), InteractionRow.id.not_in(ids)
            )
        )
    )
    gone = [e for e in external_ids if e not in still_used]
    report.rows["metadata_overlays"] += _delete(
        session, MetadataOverlayRow, MetadataOverlayRow.external_id.in_(gone)
    )
    report.rows["coaching_unlinked"] += _count_update(
        session,
        update(CoachingRow).where(CoachingRow.interaction_id.in_(ids)).values(interaction_id=None, turn=None),
    )
    report.rows["kb_articles_unlinked"] += _count_update(
        session,
        update(ArticleRow)
        .where(ArticleRow.source_interaction_id.in_(ids))
        .values(source_interaction_id=None, source_turn=None),
    )
    report.interactions = _delete(session, InteractionRow, InteractionRow.id.in_(ids))
    report.rows["interactions"] += report.interactions
    return report


def _erase_copies(session: Session, ids: list[int], report: PurgeReport) -> None:
    """Copies of the customer's words outside the interaction's own rows (erasure only)."""
    report.rows["kb_articles"] += _delete(session, ArticleRow, ArticleRow.source_interaction_id.in_(ids))
    # A training scenario's script is the customer's lines: it goes, with its versions and practices.
    report.rows["training_scenarios"] += _delete(
        session, ScenarioRow, ScenarioRow.source_interaction_id.in_(ids)
    )
    report.rows["live_alerts"] += _count_update(
        session, delete(LIVE_ALERTS).where(LIVE_ALERTS.c.interaction_id.in_(ids))
    )
    report.rows["coaching_quotes"] += _count_update(
        session,
        update(CoachingRow)
        .where(CoachingRow.interaction_id.in_(ids), CoachingRow.quote.is_not(None))
        .values(quote=None),
    )
    texts = [t for t in session.scalars(select(TurnRow.text).where(TurnRow.interaction_id.in_(ids))) if t]
    if texts:
        quoting = [
            key
            for key, value in session.execute(select(LlmVerdictRow.key, LlmVerdictRow.value))
            if _quotes_any(value, texts)
        ]
        for start in range(0, len(quoting), CHUNK):
            report.rows["llm_verdicts"] += _delete(
                session, LlmVerdictRow, LlmVerdictRow.key.in_(quoting[start : start + CHUNK])
            )


def _quotes_any(value: Any, texts: list[str]) -> bool:
    quote = value.get("quote") if isinstance(value, dict) else None
    if not isinstance(quote, str) or len(quote.strip()) < 4:
        return False
    needle = quote.strip()
    return any(needle in text for text in texts)


def _delete(session: Session, model: Any, condition: Any) -> int:
    return _count_update(session, delete(model).where(condition))


def _count_update(session: Session, statement: Any) -> int:
    result: Any = session.execute(statement, execution_options={"synchronize_session": False})
    return int(result.rowcount or 0)
