"""Score stored interactions: pick what needs scoring, analyse, evaluate, store with history."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, and_, delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from callqa.analysis.base import Analysis
from callqa.analysis.pipeline import Pipeline
from callqa.core.config import DEFAULT_ITEM_BUDGET_S
from callqa.core.document import Interaction
from callqa.core.errors import CallqaError
from callqa.core.gc_tuning import bulk_gc
from callqa.interactions.models import InteractionRow
from callqa.interactions.service import load_documents
from callqa.ml.embeddings import canonical, cores, get_embedder
from callqa.scoring.budget import Step, run_within
from callqa.scoring.detectors import Services
from callqa.scoring.engine import ENGINE_VERSION, Evaluation, evaluate
from callqa.scoring.loader import Scorecard
from callqa.scoring.models import (
    AnalysisRow,
    CriterionResultRow,
    EvaluationRow,
    ScorecardRow,
    ScoreFailureRow,
)
from callqa.scoring.serialize import analysis_json

ProgressCallback = Callable[[int, int], None]
log = logging.getLogger(__name__)
# What a bad interaction can raise while being analysed or evaluated: reported, the batch goes on.
_EXPECTED = (CallqaError, ValueError, KeyError, TypeError)


@dataclass
class ScoreFailure:
    interaction_id: int
    external_id: str
    reason: str


@dataclass
class ScoreReport:
    scorecard: str
    version: int
    selected: int = 0
    scored: int = 0
    failures: list[ScoreFailure] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    auto_failed: int = 0
    already_current: int = 0  # scored, but found evaluated alike when stored (another worker was first)


def register_scorecard(session: Session, scorecard: Scorecard) -> ScorecardRow:
    """The stored version of this exact scorecard, adding a new version number when it changed.

    On PostgreSQL, registrations of one scorecard name wait for each other (a transaction-scoped advisory
    lock): two workers starting on a new version at once would otherwise both add it as the same number.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_name_lock(scorecard.name))))
    row = session.scalars(
        select(ScorecardRow).where(
            ScorecardRow.name == scorecard.name, ScorecardRow.content_hash == scorecard.content_hash
        )
    ).first()
    latest = session.scalar(select(func.max(ScorecardRow.version)).where(ScorecardRow.name == scorecard.name))
    if row is not None:
        if row.origin == "draft" and scorecard.origin == "editor":
            _publish_draft(session, row, latest or 0)
        return row
    row = ScorecardRow(
        name=scorecard.name,
        version=(latest or 0) + 1,
        title=scorecard.spec.title,
        content_hash=scorecard.content_hash,
        source=scorecard.source_text,
        created_at=datetime.now(UTC),
        origin=scorecard.origin,
    )
    session.add(row)
    session.flush()
    return row


def _publish_draft(session: Session, row: ScorecardRow, latest: int) -> None:
    """A draft saved in the editor as it is becomes the editor's version scoring uses; when versions were
    added after it, it takes the next number, so the newest version is the one just saved."""
    row.origin = "editor"
    row.created_at = datetime.now(UTC)
    if row.version < latest:
        row.version = latest + 1
    session.flush()


def _name_lock(name: str) -> int:
    """A signed 64-bit advisory-lock key for a scorecard name."""
    digest = hashlib.blake2b(f"callqa.scorecard:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def select_for_scoring(
    session: Session,
    card: ScorecardRow,
    *,
    rescore: bool,
    pipeline: str,
    among: Sequence[int] | None = None,
) -> list[int]:
    """Interactions with no current evaluation by this scorecard, or whose content changed since.

    With ``rescore``, also those evaluated by another version of the scorecard, engine or pipeline;
    with ``among``, only interactions of these ids (a worker's batch, checked again when it runs).
    """
    current = select(EvaluationRow).where(
        EvaluationRow.interaction_id == InteractionRow.id,
        EvaluationRow.scorecard_name == card.name,
        EvaluationRow.is_current.is_(True),
    )
    up_to_date = current.where(EvaluationRow.interaction_hash == InteractionRow.content_hash)
    if rescore:
        up_to_date = up_to_date.where(
            and_(
                EvaluationRow.scorecard_id == card.id,
                EvaluationRow.engine_version == ENGINE_VERSION,
                EvaluationRow.pipeline == pipeline,
            )
        )
    query = select(InteractionRow.id).where(~up_to_date.exists()).order_by(InteractionRow.id)
    if among is not None:
        query = query.where(InteractionRow.id.in_(list(among)))
    return list(session.scalars(query))


@dataclass(frozen=True)
class Scored:
    """One interaction's analysis and evaluation, ready to store."""

    interaction_id: int
    content_hash: str
    analysis: Analysis
    evaluation: Evaluation


_CRITERIA_TABLE = cast(Table, CriterionResultRow.__table__)
_ANALYSIS_TABLE = cast(Table, AnalysisRow.__table__)


def store_evaluations(
    session: Session, items: Sequence[Scored], card: ScorecardRow, pipeline: str
) -> list[int]:
    """Add each evaluation as current (earlier ones by the same scorecard stay, as history), in bulk.

    The interactions' rows are locked first (PostgreSQL: ``FOR UPDATE``, in id order), and an item whose
    current evaluation is already by this scorecard version, engine and pipeline for this content is left
    out: two workers delivered the same batch leave exactly one current evaluation per interaction.
    Returns the new evaluation ids in the order of the items stored. The analysis of each is replaced.
    """
    items = _not_yet_current(session, items, card, pipeline)
    if not items:
        return []
    now = datetime.now(UTC)
    ids = [item.interaction_id for item in items]
    session.execute(
        update(EvaluationRow)
        .where(
            EvaluationRow.interaction_id.in_(ids),
            EvaluationRow.scorecard_name == card.name,
            EvaluationRow.is_current.is_(True),
        )
        .values(is_current=False)
    )
    evaluation_ids = list(
        session.scalars(
            insert(EvaluationRow).returning(EvaluationRow.id, sort_by_parameter_order=True),
            [
                {
                    "interaction_id": item.interaction_id,
                    "scorecard_id": card.id,
                    "scorecard_name": card.name,
                    "engine_version": item.evaluation.engine_version,
                    "pipeline": pipeline,
                    "interaction_hash": item.content_hash,
                    "score": item.evaluation.score,
                    "raw_score": item.evaluation.raw_score,
                    "auto_failed": item.evaluation.auto_failed,
                    "passed": item.evaluation.passed,
                    "is_current": True,
                    "created_at": now,
                }
                for item in items
            ],
        )
    )
    criteria = [
        {
            "evaluation_id": evaluation_id,
            "criterion": r.criterion,
            "section": r.section,
            "title": r.title,
            "outcome": r.outcome,
            "confidence": round(r.confidence, 4),
            "weight": r.weight,
            "critical": r.critical,
            "explanation": r.explanation,
            "evidence": [e.as_json() for e in r.evidence],
        }
        for evaluation_id, item in zip(evaluation_ids, items, strict=True)
        for r in item.evaluation.results
    ]
    if criteria:  # Core inserts: the ORM's per-row bookkeeping costs more than the rows themselves
        session.execute(insert(_CRITERIA_TABLE), criteria)
    session.execute(delete(AnalysisRow).where(AnalysisRow.interaction_id.in_(ids)))
    analyses = [analysis_json(item.analysis) for item in items]
    session.execute(
        insert(_ANALYSIS_TABLE),
        [
            {
                "interaction_id": item.interaction_id,
                "pipeline": pipeline,
                "interaction_hash": item.content_hash,
                "language": data["language"].get("language"),
                "data": data,
                "created_at": now,
            }
            for item, data in zip(items, analyses, strict=True)
        ],
    )
    return evaluation_ids


def _not_yet_current(
    session: Session, items: Sequence[Scored], card: ScorecardRow, pipeline: str
) -> list[Scored]:
    """Lock the items' interactions (until the transaction ends) and drop those already evaluated alike."""
    ids = sorted({item.interaction_id for item in items})
    if not ids:
        return []
    session.execute(
        select(InteractionRow.id)
        .where(InteractionRow.id.in_(ids))
        .order_by(InteractionRow.id)
        .with_for_update()
    )
    done = {
        (row[0], row[1])
        for row in session.execute(
            select(EvaluationRow.interaction_id, EvaluationRow.interaction_hash).where(
                EvaluationRow.interaction_id.in_(ids),
                EvaluationRow.scorecard_id == card.id,
                EvaluationRow.is_current.is_(True),
                EvaluationRow.engine_version == ENGINE_VERSION,
                EvaluationRow.pipeline == pipeline,
            )
        )
    }
    return [item for item in items if (item.interaction_id, item.content_hash) not in done]


def score_stored(
    factory: sessionmaker[Session],
    scorecard: Scorecard,
    *,
    pipeline: Pipeline,
    services: Services | None = None,
    rescore: bool = False,
    ids: Sequence[int] | None = None,
    batch_size: int = 50,
    progress: ProgressCallback | None = None,
    budget_s: float | None = DEFAULT_ITEM_BUDGET_S,
) -> ScoreReport:
    """Score what needs scoring, one transaction per batch; a failing interaction is reported, not fatal.

    One interaction may take ``budget_s`` seconds to analyse and evaluate (None: no limit); a slower one is
    failed with S106 and the rest of its batch is stored. Every failure is kept in ``score_failures``.
    """
    services = services or Services()
    with factory.begin() as session:
        card = register_scorecard(session, scorecard)
        card_id, version = card.id, card.version
        todo = (
            list(ids)
            if ids is not None
            else select_for_scoring(session, card, rescore=rescore, pipeline=pipeline.version)
        )
    report = ScoreReport(scorecard.name, version, selected=len(todo))
    # Batches are started (loaded, analysed up to the first stage that embeds) up to LOOKAHEAD ahead and
    # their new texts embedded in background threads, one per model instance (the model releases the GIL),
    # while the oldest started batch is finished, evaluated and stored on this one. New texts cluster at the
    # start of a run (the cache is cold), so starting ahead keeps every core busy while the embedder works
    # through them. A text goes to the embedder once per run: batches finish in order, so the batch that
    # sent it has waited for its embedding before any later batch needs it.
    batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
    started: deque[_Started] = deque()
    sent: set[str] = set()
    done = 0
    with (
        bulk_gc(),
        ThreadPoolExecutor(max_workers=_embedders(), thread_name_prefix="callqa-embed") as background,
    ):
        for index in range(len(batches)):
            while len(started) < LOOKAHEAD and index + len(started) < len(batches):
                current = _start_batch(factory, pipeline, batches[index + len(started)], report, budget_s)
                texts = _new_texts(pipeline, current, sent)
                if texts:
                    current.embedded = background.submit(_warm, texts)
                started.append(current)
            _finish_batch(
                factory, started.popleft(), pipeline, scorecard, services, card_id, report, budget_s
            )
            done += len(batches[index])
            if progress is not None:
                progress(done, len(todo))
    if progress is not None and not batches:
        progress(0, 0)
    return report


@dataclass
class _Started:
    """A batch whose analyses ran up to the first embedding stage."""

    analyses: dict[int, Analysis]
    external_ids: dict[int, str]
    hashes: dict[int, str]
    embedded: Future[None] | None = None
    spent: dict[int, float] = field(default_factory=dict)  # seconds of each interaction's budget used
    failures: list[ScoreFailure] = field(default_factory=list)  # to record with the batch


LOOKAHEAD = 8  # batches started ahead of the one being finished


def _embedders() -> int:
    return cores()


def _new_texts(pipeline: Pipeline, started: _Started, sent: set[str]) -> list[str]:
    """The texts of a started batch that no earlier batch of this run sent to the embedder (compared in the
    embedding cache's canonical form)."""

    texts: list[str] = []
    for analysis in started.analyses.values():
        for text in pipeline.embedding_texts(analysis):
            key = canonical(text)
            if key not in sent:
                sent.add(key)
                texts.append(text)
    return texts


def _warm(texts: list[str]) -> None:
    get_embedder().embed(texts)


def _failed(report: ScoreReport, started: _Started, interaction_id: int, exc: Exception) -> None:
    reason = str(exc) if isinstance(exc, CallqaError) else f"{type(exc).__name__}: {exc}"
    failure = ScoreFailure(interaction_id, started.external_ids[interaction_id], reason)
    report.failures.append(failure)
    started.failures.append(failure)


def _start_batch(
    factory: sessionmaker[Session],
    pipeline: Pipeline,
    batch: Sequence[int],
    report: ScoreReport,
    budget_s: float | None,
) -> _Started:
    with factory() as session:
        docs = load_documents(session, batch)
        hashes = {
            row[0]: row[1]
            for row in session.execute(
                select(InteractionRow.id, InteractionRow.content_hash).where(InteractionRow.id.in_(batch))
            )
        }
    started = _Started({}, {i: docs[i].external_id for i in batch}, hashes)
    for interaction_id in batch:
        doc = docs[interaction_id]
        began = time.monotonic()
        try:
            started.analyses[interaction_id] = run_within(budget_s, _starter(pipeline, doc))
        except _EXPECTED as exc:
            _failed(report, started, interaction_id, exc)
        started.spent[interaction_id] = time.monotonic() - began
    return started


def _starter(pipeline: Pipeline, doc: Interaction) -> Callable[[Step], Analysis]:
    return lambda _step: pipeline.start(doc)


def _finish_batch(
    factory: sessionmaker[Session],
    started: _Started,
    pipeline: Pipeline,
    scorecard: Scorecard,
    services: Services,
    card_id: int,
    report: ScoreReport,
    budget_s: float | None,
) -> None:
    if started.embedded is not None:
        try:
            started.embedded.result()
        except Exception:
            log.warning(
                "embedding a batch in the background failed; embedding per interaction", exc_info=True
            )
    scored: list[Scored] = []
    for interaction_id, analysis in started.analyses.items():

        def finish(step: Step, analysis: Analysis = analysis) -> Evaluation:
            pipeline.finish(analysis)
            step.name = "evaluation"
            return evaluate(analysis, scorecard, services)

        try:
            evaluation = run_within(budget_s, finish, spent=started.spent[interaction_id])
        except _EXPECTED as exc:
            _failed(report, started, interaction_id, exc)
            continue
        scored.append(Scored(interaction_id, started.hashes[interaction_id], analysis, evaluation))
        report.scored += 1
        report.auto_failed += evaluation.auto_failed
        if evaluation.score is not None:
            report.scores.append(evaluation.score)
    with factory.begin() as session:
        card = session.get_one(ScorecardRow, card_id)
        stored = store_evaluations(session, scored, card, pipeline.version)
        report.already_current += len(scored) - len(stored)
        _record_failures(session, started.failures, card.name)


def _record_failures(session: Session, failures: Sequence[ScoreFailure], scorecard_name: str) -> None:
    now = datetime.now(UTC)
    session.add_all(
        ScoreFailureRow(
            interaction_id=f.interaction_id,
            scorecard_name=scorecard_name,
            message=f.reason[:4000],
            created_at=now,
        )
        for f in failures
    )
