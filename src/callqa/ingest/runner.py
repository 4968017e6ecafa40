"""The ingest batch: discover files, parse them, store in batches, record every failure and the run."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callqa.core.config import IngestConfig
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ingest.base import (
    Failure,
    FormatRegistry,
    MetadataRow,
    Parsed,
    ParseResult,
    Skipped,
    SourceRef,
)
from callqa.ingest.discovery import InputFile, discover
from callqa.ingest.file_metadata import with_file_fields
from callqa.ingest.parallel import ParallelParser
from callqa.ingest.runs import FailureLine, RunCounts, close_run, open_run
from callqa.ingest.validation import describe_validation_error
from callqa.interactions.models import InteractionRow
from callqa.interactions.overlays import MetadataItem, OverlayFields, store_metadata
from callqa.interactions.service import Outcome, Stored, StoreItem, store_interactions
from callqa.privacy.redact import identifier_findings, redact_identifier


@dataclass(frozen=True, slots=True)
class Progress:
    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int
    items: int
    failed: int


@dataclass
class IngestReport:
    """What one run did: counts per outcome and every failure, in input order."""

    run_id: int | None = None
    files: int = 0
    counts: Counter[Outcome] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    pending_ids: set[str] = field(default_factory=set)
    stored_ids: list[int] = field(default_factory=list)  # interactions created, updated or unchanged

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def stored(self) -> int:
        return sum(self.counts.values())


ProgressCallback = Callable[[Progress], None]
_Pending = StoreItem | MetadataItem


class _Batch:
    """Collects parsed items and writes them in transactions of ``size``."""

    def __init__(self, factory: sessionmaker[Session], size: int, report: IngestReport) -> None:
        self.factory, self.size, self.report = factory, size, report
        self.items: list[tuple[_Pending, SourceRef]] = []
        self.consumed: dict[int, Path] = {}  # item index -> input file to delete once the item is stored

    def add(self, item: _Pending, ref: SourceRef, consumed: Path | None = None) -> None:
        if consumed is not None:
            self.consumed[len(self.items)] = consumed
        self.items.append((item, ref))
        if len(self.items) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.items:
            return
        items, self.items = self.items, []
        consumed, self.consumed = self.consumed, {}
        outcomes: list[Stored | None]
        with self.factory() as session:
            try:
                outcomes = list(_store(session, [item for item, _ in items]))
                session.commit()
            except (SQLAlchemyError, CallqaError, ValidationError, ValueError, OverflowError):
                session.rollback()
                outcomes = self._one_by_one(session, items)
        for index, ((item, ref), stored) in enumerate(zip(items, outcomes, strict=True)):
            outcome = None if stored is None else stored.outcome
            if outcome is Outcome.PENDING and isinstance(item, MetadataItem):
                self.report.pending_ids.add(item.external_id)
            elif outcome is not None:
                self.report.counts[outcome] += 1
            if outcome in _CHANGED and stored is not None and stored.interaction_id is not None:
                self.report.stored_ids.append(stored.interaction_id)
            if outcome is not None and index in consumed:
                _delete_input(consumed[index], ref, self.report)

    def recording_stored(self, digest: str) -> bool:
        """Whether an interaction already holds the recording with this digest."""
        with self.factory() as session:
            found = session.scalar(
                select(InteractionRow.id).where(InteractionRow.recording_sha256 == digest).limit(1)
            )
        return found is not None

    def _one_by_one(self, session: Session, items: list[tuple[_Pending, SourceRef]]) -> list[Stored | None]:
        """After a failed batch, store items singly so one bad item cannot sink the others."""
        outcomes: list[Stored | None] = []
        for item, ref in items:
            try:
                outcomes.extend(_store(session, [item]))
                session.commit()
            except (SQLAlchemyError, CallqaError, ValidationError, ValueError, OverflowError) as exc:
                session.rollback()
                reason = (
                    describe_validation_error(exc) if isinstance(exc, ValidationError) else _first_line(exc)
                )
                self.report.failures.append(Failure.coded(ref, ErrorCode.I600, reason=reason))
                outcomes.append(None)
        return outcomes


_CHANGED = (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED)  # what a caller may want scored


def _store(session: Session, items: Sequence[_Pending]) -> list[Stored]:
    """Store a mixed batch; one outcome per item, in the items' order."""
    docs = [i for i in items if isinstance(i, StoreItem)]
    meta = [i for i in items if isinstance(i, MetadataItem)]
    stored_docs = iter(store_interactions(session, docs) if docs else [])
    stored_meta = iter(store_metadata(session, meta) if meta else [])
    return [next(stored_meta if isinstance(i, MetadataItem) else stored_docs) for i in items]


def _delete_input(path: Path, ref: SourceRef, report: IngestReport) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        report.failures.append(
            Failure.coded(ref, ErrorCode.I103, reason=f"stored, but the original could not be deleted: {exc}")
        )


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def ingest_paths(
    paths: Iterable[Path],
    *,
    factory: sessionmaker[Session],
    registry: FormatRegistry,
    config: IngestConfig,
    fmt: str | None = None,
    progress: ProgressCallback | None = None,
    workers: int = 1,
) -> IngestReport:
    """Read every input under ``paths`` into the database; bad inputs become failures, never exceptions.

    Formats that say ``parallel`` (recordings) are parsed in ``workers`` processes when ``workers`` > 1;
    results are stored in input order, each file in its own transaction, so a crash loses no stored work
    and a re-run skips what was stored (recordings by their digest).
    """
    paths = list(paths)
    report = IngestReport()
    run_id = open_run(factory, paths, fmt or "auto")
    report.run_id = run_id
    planned: list[InputFile] = []
    for found in discover(paths, registry, fmt):
        if isinstance(found, Failure):
            report.failures.append(found)
        elif isinstance(found, Skipped):
            report.skipped.append(found)
        else:
            planned.append(found)
    total = sum(f.size for f in planned)
    done = 0
    batch = _Batch(factory, config.batch_size, report)
    with ParallelParser(planned, config, workers, skip=lambda f: _already_stored(f, batch)) as parser:
        for index, input_file in enumerate(planned):
            report.files += 1
            if parser.skipped(input_file):
                _skip_stored(input_file, config, report)
            else:
                _ingest_file(
                    input_file,
                    config,
                    batch,
                    report,
                    functools.partial(_tick_within, progress, report, done, total, index, len(planned)),
                    parser.results(input_file),
                )
            done += input_file.size
            batch.flush()
            _tick(progress, report, done, total, index + 1, len(planned))
    batch.flush()
    _settle_pending(factory, report)
    counts = report.counts
    close_run(
        factory,
        run_id,
        RunCounts(
            files=report.files,
            created=counts[Outcome.CREATED],
            updated=counts[Outcome.UPDATED],
            unchanged=counts[Outcome.UNCHANGED],
            pending=counts[Outcome.PENDING],
            skipped=len(report.skipped),
        ),
        [FailureLine(redact_identifier(str(f.ref.path)), f.ref.line, f.message) for f in report.failures],
    )
    return report


def _tick_within(
    progress: ProgressCallback | None,
    report: IngestReport,
    before: int,
    total: int,
    files: int,
    files_total: int,
    offset: int,
) -> None:
    _tick(progress, report, before + offset, total, files, files_total)


def _tick(
    progress: ProgressCallback | None,
    report: IngestReport,
    done: int,
    total: int,
    files: int,
    files_total: int,
) -> None:
    if progress is not None:
        progress(Progress(done, total, files, files_total, report.stored, len(report.failures)))


def _already_stored(input_file: InputFile, batch: _Batch) -> bool:
    fingerprint = getattr(input_file.format, "fingerprint", None)
    if fingerprint is None:
        return False
    try:
        return batch.recording_stored(fingerprint(input_file.path))
    except OSError:
        return False  # parsing reports the unreadable file


def _skip_stored(input_file: InputFile, config: IngestConfig, report: IngestReport) -> None:
    """A recording stored by an earlier run (perhaps one that stopped before deleting the original)."""
    report.counts[Outcome.UNCHANGED] += 1
    if not config.audio.keep_original:
        _delete_input(input_file.path, SourceRef(input_file.path), report)


def _ingest_file(
    input_file: InputFile,
    config: IngestConfig,
    batch: _Batch,
    report: IngestReport,
    advance: Callable[[int], None],
    parsed: Iterable[ParseResult] | None = None,
) -> None:
    fmt, path = input_file.format, input_file.path
    seen: dict[tuple[str, str], SourceRef] = {}
    try:
        results = fmt.parse(path, config) if parsed is None else parsed
        for result in results:
            if isinstance(result, Failure):
                report.failures.append(result)
            elif isinstance(result, MetadataRow):
                _add_metadata(result, config, batch, report)
            else:
                _add_parsed(result, fmt.per_file, config, batch, report, seen)
            if result.ref.byte_offset is not None:
                advance(result.ref.byte_offset)
    except Exception as exc:
        report.failures.append(Failure.coded(SourceRef(path), ErrorCode.I103, reason=f"{fmt.name}: {exc!r}"))


def _add_parsed(
    parsed: Parsed,
    per_file: bool,
    config: IngestConfig,
    batch: _Batch,
    report: IngestReport,
    seen: dict[tuple[str, str], SourceRef],
) -> None:
    doc = parsed.interaction
    try:
        if per_file:
            doc = with_file_fields(doc, parsed.ref.path, config)
    except CallqaError as exc:
        report.failures.append(Failure.of(parsed.ref, exc))
        return
    if config.source and doc.source != config.source:
        doc = doc.model_copy(update={"source": config.source})
    if _unsafe_id(doc.external_id, parsed.ref, report):
        return
    key = (doc.source, doc.external_id)
    first = seen.get(key)
    if first is not None and not parsed.merge:
        where = f"line {first.line}" if first.line is not None else str(first)
        report.failures.append(
            Failure.coded(parsed.ref, ErrorCode.I202, external_id=doc.external_id, first=where)
        )
        return
    seen[key] = parsed.ref
    batch.add(StoreItem(doc, origin=str(parsed.ref), merge=parsed.merge), parsed.ref, parsed.consumed)


def _unsafe_id(external_id: str, ref: SourceRef, report: IngestReport) -> bool:
    """Refuse an id holding a card number or national ID: redacted, two ids could become one."""
    findings = identifier_findings(external_id)
    if findings:
        shown = redact_identifier(external_id)
        report.failures.append(Failure.coded(ref, ErrorCode.X100, external_id=shown, kind=findings[0].kind))
    return bool(findings)


def _add_metadata(row: MetadataRow, config: IngestConfig, batch: _Batch, report: IngestReport) -> None:
    if _unsafe_id(row.external_id, row.ref, report):
        return
    try:
        fields = OverlayFields.model_validate(row.fields)
    except ValidationError as exc:
        report.failures.append(Failure.coded(row.ref, ErrorCode.I201, reason=describe_validation_error(exc)))
        return
    source = config.source or row.source
    batch.add(MetadataItem(row.external_id, fields, source=source, origin=str(row.ref)), row.ref)


def _settle_pending(factory: sessionmaker[Session], report: IngestReport) -> None:
    """Metadata read before its interaction arrived later in the same run is not pending any more."""
    if not report.pending_ids:
        return
    ids = sorted(report.pending_ids)
    with factory() as session:
        arrived = {
            external_id
            for start in range(0, len(ids), 500)
            for external_id in session.scalars(
                select(InteractionRow.external_id).where(
                    InteractionRow.external_id.in_(ids[start : start + 500])
                )
            )
        }
    report.counts[Outcome.PENDING] = len(report.pending_ids - arrived)
