"""Retention: removing each kind of data once it is older than the configured days (per channel/queue
rules first, then the defaults), except what a legal hold covers; every removal audited by kind, rule and
count, never content. A dry run does the same work in a transaction it rolls back, so it counts exactly
what a real run would remove.

What each kind removes is in docs/privacy.md ("Retention"). Removing transcript text keeps the interaction,
its scores, criterion outcomes and analyses — dashboards do not change — and marks it
(``retention_marks``) so pages can say the text was removed, and when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, not_, or_, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from callqa.audit.models import AuditRow
from callqa.audit.service import record
from callqa.coaching.models import ActionItemRow, CoachingRow
from callqa.core.background import Periodic
from callqa.core.config import RETENTION_KINDS, RetentionConfig, RetentionDays
from callqa.interactions.models import EventRow, InteractionRow, RedactionRow, TurnRow
from callqa.lifecycle.holds import Actor, held_condition
from callqa.lifecycle.models import RetentionMarkRow
from callqa.lifecycle.purge import CHUNK, delete_files, purge_interactions, recording_uris
from callqa.ml.embeddings import forget_cached_texts
from callqa.review.models import DisputeRow, OverrideRow, ReviewCommentRow, ReviewRow, SelfEvaluationRow
from callqa.scoring.models import AnalysisRow, CriterionResultRow, EvaluationRow, LlmVerdictRow
from callqa.storage.files import FileStore

DEFAULT_RULE = "default"
SCHEDULER = Actor("retention", None, "scheduler")


@dataclass(frozen=True)
class RetentionItem:
    """One kind removed under one rule: how many items (interactions, rows of the kind), rows, files."""

    kind: str
    rule: str
    days: int
    items: int
    rows: int
    files: int


@dataclass
class RetentionReport:
    dry_run: bool
    at: datetime
    items: list[RetentionItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(item.items for item in self.items)

    def count(self, kind: str) -> int:
        return sum(item.items for item in self.items if item.kind == kind)


@dataclass(frozen=True)
class _Scope:
    """Interactions of one rule for one kind: older than its days, not held."""

    rule: str
    days: int
    cutoff: datetime
    condition: ColumnElement[bool]


def run_retention(
    factory: sessionmaker[Session],
    store: FileStore,
    config: RetentionConfig,
    actor: Actor,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> RetentionReport:
    """Apply every retention policy, committing each rule's removal with its audit entry; a dry run does the
    same in one transaction it rolls back (files only counted), so it counts what a run would remove."""
    now = now or datetime.now(UTC)
    report = RetentionReport(dry_run, now)
    files = _CountingStore(store) if dry_run else store
    with factory() as session:
        try:
            held = held_condition(session)
            for kind in RETENTION_KINDS:
                for scope in _scopes(config, kind, now, held):
                    item = _APPLY[kind](session, files, scope)
                    if item is not None and item.items:
                        report.items.append(item)
                        if not dry_run:
                            _audit(session, actor, item)
                    if not dry_run:
                        session.commit()  # a rule at a time: writers are not kept waiting for a whole run
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
    if not dry_run and any(i.kind in ("analyses", "transcript_text", "interactions") for i in report.items):
        forget_cached_texts()
    return report


def _scopes(config: RetentionConfig, kind: str, now: datetime, held: ColumnElement[bool]) -> list[_Scope]:
    """The rules setting ``kind`` (each minus the interactions an earlier one matched), then the default."""
    scopes: list[_Scope] = []
    earlier: list[ColumnElement[bool]] = []
    age = func.coalesce(InteractionRow.started_at, InteractionRow.created_at)
    for rule in config.rules:
        days = rule.days(kind)
        if days is None:
            continue
        match = and_(
            InteractionRow.channel == rule.channel if rule.channel else true(),
            InteractionRow.queue == rule.queue if rule.queue else true(),
        )
        cutoff = now - timedelta(days=days)
        condition = and_(match, *(not_(e) for e in earlier), age < cutoff, not_(held))
        scopes.append(_Scope(rule.label(), days, cutoff, condition))
        earlier.append(match)
    days = config.days(kind)
    if days is not None:
        cutoff = now - timedelta(days=days)
        condition = and_(*(not_(e) for e in earlier), age < cutoff, not_(held))
        scopes.append(_Scope(DEFAULT_RULE, days, cutoff, condition))
    return scopes


def _ids(session: Session, scope: _Scope, *extra: ColumnElement[bool]) -> list[int]:
    return list(
        session.scalars(select(InteractionRow.id).where(scope.condition, *extra).order_by(InteractionRow.id))
    )


def _interactions(session: Session, store: FileStore, scope: _Scope) -> RetentionItem:
    ids = _ids(session, scope)
    purged = purge_interactions(session, store, ids)
    return _item("interactions", scope, purged.interactions, sum(purged.rows.values()), purged.files)


def _recording_audio(session: Session, store: FileStore, scope: _Scope) -> RetentionItem:
    items = files = 0
    for interaction_id, recording in _recorded(session, scope):
        original = (recording or {}).get("original_uri")
        if not original:
            continue
        files += delete_files(store, [original])
        session.execute(
            update(InteractionRow)
            .where(InteractionRow.id == interaction_id)
            .values(recording={**recording, "original_uri": None})
        )
        items += 1
    return _item("recording_audio", scope, items, items, files)


def _recorded(session: Session, scope: _Scope) -> list[tuple[int, dict[str, Any]]]:
    """Interactions of the scope with a recording (one without may hold SQL NULL or JSON null)."""
    rows = session.execute(
        select(InteractionRow.id, InteractionRow.recording).where(
            scope.condition, InteractionRow.recording.is_not(None)
        )
    )
    return [(row.id, row.recording) for row in rows if row.recording]


def _redacted_audio(session: Session, store: FileStore, scope: _Scope) -> RetentionItem:
    rows = _recorded(session, scope)
    files = delete_files(store, [uri for _, recording in rows for uri in recording_uris(recording)])
    ids = [interaction_id for interaction_id, _ in rows]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(update(InteractionRow).where(InteractionRow.id.in_(chunk)).values(recording=None))
    _mark(session, ids, "redacted_audio", scope)
    return _item("redacted_audio", scope, len(ids), len(ids), files)


def _transcript_text(session: Session, store: FileStore, scope: _Scope) -> RetentionItem:
    marked = select(RetentionMarkRow.interaction_id).where(RetentionMarkRow.kind == "transcript_text")
    ids = _ids(session, scope, InteractionRow.id.not_in(marked))
    rows = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows += _count(session, delete(TurnRow).where(TurnRow.interaction_id.in_(chunk)))
        rows += _count(session, delete(RedactionRow).where(RedactionRow.interaction_id.in_(chunk)))
        rows += _count(
            session,
            update(EventRow)
            .where(EventRow.interaction_id.in_(chunk), EventRow.detail.is_not(None))
            .values(detail=None),
        )
        session.execute(
            update(InteractionRow)
            .where(InteractionRow.id.in_(chunk))
            .values(subject=None, survey_comment=None)
            .execution_options(synchronize_session=False)
        )
        evaluations = select(EvaluationRow.id).where(EvaluationRow.interaction_id.in_(chunk))
        rows += _count(
            session,
            update(CriterionResultRow)
            .where(CriterionResultRow.evaluation_id.in_(evaluations))
            .values(evidence=[]),
        )
    _mark(session, ids, "transcript_text", scope)
    return _item("transcript_text", scope, len(ids), rows, 0)


def _analyses(session: Session, store: FileStore, scope: _Scope) -> RetentionItem:
    ids = _ids(session, scope)
    rows = 0
    for start in range(0, len(ids), CHUNK):
        rows += _count(
            session, delete(AnalysisRow).where(AnalysisRow.interaction_id.in_(ids[start : start + CHUNK]))
        )
    if scope.rule == DEFAULT_RULE:  # cached verdicts belong to no interaction: the default days apply
        rows += _count(session, delete(LlmVerdictRow).where(LlmVerdictRow.created_at < scope.cutoff))
    return _item("analyses", scope, rows, rows, 0)


def _evaluations(session: Session, store: FileStore, scope: _Scope) -> RetentionItem:
    ids = _ids(session, scope)
    items = rows = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows += _delete_reviews(session, ReviewRow.interaction_id.in_(chunk))
        evaluations = select(EvaluationRow.id).where(EvaluationRow.interaction_id.in_(chunk))
        rows += _count(
            session, delete(CriterionResultRow).where(CriterionResultRow.evaluation_id.in_(evaluations))
        )
        removed = _count(session, delete(EvaluationRow).where(EvaluationRow.interaction_id.in_(chunk)))
        items += removed
        rows += removed
    return _item("evaluations", scope, items, rows, 0)


def _reviews(session: Session, store: FileStore, scope: _Scope) -> RetentionItem:
    ids = _ids(session, scope)
    items = rows = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        items += session.scalar(select(func.count()).where(ReviewRow.interaction_id.in_(chunk))) or 0
        rows += _delete_reviews(session, ReviewRow.interaction_id.in_(chunk))
    if scope.rule == DEFAULT_RULE:  # coaching is about an agent: the default days, from when it was held
        coaching = _coaching_ids(session, scope.cutoff)
        if coaching:
            rows += _count(session, delete(ActionItemRow).where(ActionItemRow.coaching_id.in_(coaching)))
            removed = _count(session, delete(CoachingRow).where(CoachingRow.id.in_(coaching)))
            items += removed
            rows += removed
    return _item("reviews", scope, items, rows, 0)


def _coaching_ids(session: Session, cutoff: datetime) -> list[int]:
    """Coaching older than ``cutoff`` whose agent and interaction no hold covers."""
    held_interactions = select(InteractionRow.id).where(held_condition(session))
    held_agents = (
        select(InteractionRow.agent)
        .where(held_condition(session), InteractionRow.agent.is_not(None))
        .distinct()
    )
    return list(
        session.scalars(
            select(CoachingRow.id).where(
                CoachingRow.created_at < cutoff,
                or_(
                    CoachingRow.interaction_id.is_(None), CoachingRow.interaction_id.not_in(held_interactions)
                ),
                CoachingRow.agent_name.not_in(held_agents),
            )
        )
    )


def _audit_log(session: Session, store: FileStore, scope: _Scope) -> RetentionItem | None:
    if scope.rule != DEFAULT_RULE:
        return None  # audit entries belong to no channel or queue
    rows = _count(session, delete(AuditRow).where(AuditRow.at < scope.cutoff))
    return _item("audit_log", scope, rows, rows, 0)


def _delete_reviews(session: Session, condition: ColumnElement[bool]) -> int:
    reviews = select(ReviewRow.id).where(condition)
    rows = 0
    for child in (OverrideRow, DisputeRow, SelfEvaluationRow, ReviewCommentRow):
        rows += _count(session, delete(child).where(child.review_id.in_(reviews)))
    return rows + _count(session, delete(ReviewRow).where(condition))


def _mark(session: Session, ids: list[int], kind: str, scope: _Scope) -> None:
    now = datetime.now(UTC)
    marked = select(RetentionMarkRow.interaction_id).where(RetentionMarkRow.kind == kind)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        fresh = session.scalars(
            select(InteractionRow.id).where(InteractionRow.id.in_(chunk), InteractionRow.id.not_in(marked))
        ).all()
        if fresh:
            session.execute(
                insert(RetentionMarkRow),
                [{"interaction_id": i, "kind": kind, "rule": scope.rule, "at": now} for i in fresh],
            )


def _item(kind: str, scope: _Scope, items: int, rows: int, files: int) -> RetentionItem:
    return RetentionItem(kind, scope.rule, scope.days, items, rows, files)


def _count(session: Session, statement: Any) -> int:
    result: Any = session.execute(statement, execution_options={"synchronize_session": False})
    return int(result.rowcount or 0)


def _audit(session: Session, actor: Actor, item: RetentionItem) -> None:
    record(
        session,
        user_id=actor.user_id,
        username=actor.username,
        action="retention",
        resource=item.kind,
        detail={
            "rule": item.rule,
            "days": item.days,
            "items": item.items,
            "rows": item.rows,
            "files": item.files,
        },
        client=actor.client,
    )


class _CountingStore(FileStore):
    """A dry run's file store: says what exists, deletes nothing."""

    def __init__(self, store: FileStore) -> None:
        super().__init__(store.root)
        self._store = store

    def exists(self, uri: str) -> bool:
        return self._store.exists(uri)

    def delete(self, uri: str) -> None:
        return None


_APPLY: dict[str, Callable[[Session, FileStore, _Scope], RetentionItem | None]] = {
    "interactions": _interactions,
    "recording_audio": _recording_audio,
    "redacted_audio": _redacted_audio,
    "transcript_text": _transcript_text,
    "analyses": _analyses,
    "evaluations": _evaluations,
    "reviews": _reviews,
    "audit_log": _audit_log,
}


@dataclass(frozen=True)
class Removal:
    kind: str
    rule: str
    at: datetime


def removals(session: Session, interaction_id: int) -> dict[str, Removal]:
    """What retention removed of one interaction, by kind (pages say so instead of showing nothing)."""
    rows = session.scalars(select(RetentionMarkRow).where(RetentionMarkRow.interaction_id == interaction_id))
    return {row.kind: Removal(row.kind, row.rule, row.at) for row in rows}


def start_retention(
    factory: sessionmaker[Session], store: FileStore, config: RetentionConfig, every_s: float
) -> Periodic | None:
    """Run retention every ``every_s`` seconds on a thread (None when 0 or nothing is configured)."""
    if every_s <= 0 or not _configured(config):
        return None

    def work() -> None:
        run_retention(factory, store, config, SCHEDULER)

    return Periodic("retention", every_s, work).start()


def _configured(config: RetentionConfig) -> bool:
    def any_days(days: RetentionDays) -> bool:
        return any(days.days(kind) is not None for kind in RETENTION_KINDS)

    return any_days(config) or any(any_days(rule) for rule in config.rules)
