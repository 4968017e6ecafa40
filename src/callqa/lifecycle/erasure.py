"""Erasure on request (GDPR Art. 17): every interaction of one customer, found by their pseudonymous keys,
removed with everything derived from it, the export files the app wrote that hold them deleted, and an
erasure certificate written to the audit log (what went, how much, when, by whom, under which customer
key — never the phone number or e-mail address itself)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, String, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from callqa.audit.models import AuditRow
from callqa.audit.service import record
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.fulltext import compact_search_index
from callqa.interactions.models import CustomerKeyRow, InteractionRow, MetadataOverlayRow
from callqa.lifecycle.customer_key import keyer_of
from callqa.lifecycle.holds import Actor, holds_over
from callqa.lifecycle.purge import PurgeReport, purge_interactions, recording_uris
from callqa.ml.embeddings import forget_cached_texts
from callqa.privacy.customer_keys import normalise_email, normalise_id
from callqa.storage.files import FileStore

MAX_VALUE = 255
LINK_ROUNDS = 3
MIN_EXTERNAL_ID = 6  # shorter external ids are not looked for in export files (too many false hits)
EXPORT_ACTIONS = ("export", "report")
ERASED = "[erased]"


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed (or, as a dry run, would remove)."""

    customer_key: str  # the first of the customer's keys: names them in the audit log
    interactions: int
    purge: PurgeReport
    export_files: list[str]
    dry_run: bool

    def certificate(self) -> dict[str, Any]:
        return {
            "customer_key": self.customer_key,
            "interactions": self.interactions,
            "rows": {name: n for name, n in sorted(self.purge.rows.items()) if n},
            "files": self.purge.files,
            "export_files": len(self.export_files),
            "dry_run": self.dry_run,
        }


@dataclass(frozen=True)
class Customer:
    key: str  # the key of the value asked for: names the customer in the audit log
    keys: list[str]  # every key of theirs found
    interaction_ids: list[int]


def find_customer(session: Session, value: str) -> Customer:
    """The customer's keys and the ids of their interactions.

    Found by key, then by the other keys those interactions carry (an interaction found by the phone number
    that also carries an e-mail address leads to that address's interactions), up to ``LINK_ROUNDS``; and,
    for interactions stored before keys existed, by the stored customer field.
    """
    value = value.strip()
    if not value or len(value) > MAX_VALUE or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise CallqaError(ErrorCode.D100, value=value[:40].encode("unicode_escape").decode())
    keys = set(keyer_of(session).keys_for(value))
    if not keys:
        raise CallqaError(ErrorCode.D100, value=value[:40])
    first = min(keys)
    stored = {value.casefold()} | {v for v in (normalise_email(value), normalise_id(value)) if v}
    ids = set(
        session.scalars(
            select(InteractionRow.id).where(func.lower(InteractionRow.customer).in_(sorted(stored)))
        )
    )
    for _ in range(LINK_ROUNDS):
        by_key = select(CustomerKeyRow.interaction_id).where(CustomerKeyRow.key.in_(sorted(keys)))
        ids |= set(session.scalars(by_key))
        linked = set(
            session.scalars(select(CustomerKeyRow.key).where(CustomerKeyRow.interaction_id.in_(sorted(ids))))
        )
        if linked <= keys:
            break
        keys |= linked
    return Customer(first, sorted(keys), sorted(ids))


def erase_customer(
    session: Session, store: FileStore, value: str, actor: Actor, *, dry_run: bool = False
) -> Erasure:
    """Erase one customer (phone, e-mail or customer id) in the session's transaction; refused (D101) while
    a legal hold covers them. A dry run changes nothing and writes no certificate."""
    customer = find_customer(session, value)
    ids, keys = customer.interaction_ids, customer.keys
    holds = holds_over(session, ids, keys)
    if holds:
        raise CallqaError(ErrorCode.D101, key=customer.key[:12], hold=holds[0].id, reason=holds[0].reason)
    needles = _needles(session, value, ids)
    exports = [path for path in _export_files(session) if _holds_any(path, needles)]
    if dry_run:
        erasure = Erasure(
            customer.key, len(ids), _dry_purge(session, store, ids, keys), [str(p) for p in exports], True
        )
        return erasure
    purge = purge_interactions(session, store, ids, erase=True)
    compact_search_index(session)  # the erased words must not linger in the index's old segments
    purge.rows["metadata_overlays"] += _delete_pending_imports(session, keys)
    purge.rows["audit_log_scrubbed"] += _scrub_audit_log(session, needles)
    for path in exports:
        path.unlink(missing_ok=True)
    forget_cached_texts()
    erasure = Erasure(customer.key, len(ids), purge, [str(p) for p in exports], False)
    record(
        session,
        user_id=actor.user_id,
        username=actor.username,
        action="erasure",
        resource="customer",
        resource_id=customer.key[:12],
        detail={**erasure.certificate(), "customer_keys": keys},
        client=actor.client,
    )
    return erasure


def settle(engine: Engine) -> bool:
    """After an erasure has committed: on SQLite, fold the write-ahead log into the database file and empty
    it, so no earlier copy of the erased rows stays in it; False when a reader kept part of it (try later)."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return not busy


def _dry_purge(session: Session, store: FileStore, ids: list[int], keys: list[str]) -> PurgeReport:
    """What the purge would remove: run it in a savepoint and roll that back (the files are only counted)."""
    files = sum(
        1
        for recording in session.scalars(select(InteractionRow.recording).where(InteractionRow.id.in_(ids)))
        for uri in recording_uris(recording)
        if store.exists(uri)
    )
    savepoint = session.begin_nested()
    try:
        report = purge_interactions(session, _NoFiles(), ids, erase=True)
        report.rows["metadata_overlays"] += _delete_pending_imports(session, keys)
    finally:
        savepoint.rollback()
    report.files = files
    return report


def _scrub_audit_log(session: Session, needles: list[bytes]) -> int:
    """Audit entries quoting the customer (a search for their phone number) keep the entry, not the value."""
    texts = [n.decode() for n in needles if len(n) >= MIN_EXTERNAL_ID]
    if not texts:
        return 0
    detail = cast(AuditRow.detail, String)
    rows = session.scalars(
        select(AuditRow).where(or_(*(detail.contains(t, autoescape=True) for t in texts)))
    ).all()
    changed = 0
    for row in rows:
        scrubbed = _scrub(row.detail, texts)
        if scrubbed != row.detail:
            row.detail = scrubbed
            changed += 1
    session.flush()
    return changed


def _scrub(value: Any, texts: list[str]) -> Any:
    if isinstance(value, str):
        for text in texts:
            value = value.replace(text, ERASED)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, texts) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, texts) for item in value]
    return value


def _delete_pending_imports(session: Session, keys: list[str]) -> int:
    """Metadata-import rows naming the customer whose interaction has not arrived (or is gone): they would
    bring the identifiers back with it."""
    keyer, wanted = keyer_of(session), set(keys)
    doomed = [
        row.id
        for row in session.execute(
            select(MetadataOverlayRow.id, MetadataOverlayRow.fields, MetadataOverlayRow.customer_keys)
        )
        if {key for _, key in row.customer_keys or []} & wanted
        or (isinstance(row.fields, dict) and keyer.keys_in(row.fields) & wanted)
    ]
    for start in range(0, len(doomed), 500):
        session.execute(
            delete(MetadataOverlayRow).where(MetadataOverlayRow.id.in_(doomed[start : start + 500]))
        )
    return len(doomed)


class _NoFiles(FileStore):
    """A store in which nothing exists: a dry run must not delete audio."""

    def __init__(self) -> None:
        super().__init__("/nonexistent")

    def exists(self, uri: str) -> bool:
        return False


def _needles(session: Session, value: str, ids: list[int]) -> list[bytes]:
    """What marks an export file as holding the customer: what was asked for, and the external ids and
    customer references of their interactions."""
    found = {value.strip()}
    email = normalise_email(value)
    if email:
        found.add(email)
    for external_id, customer in session.execute(
        select(InteractionRow.external_id, InteractionRow.customer).where(InteractionRow.id.in_(ids))
    ):
        if len(external_id) >= MIN_EXTERNAL_ID:
            found.add(external_id)
        if customer:
            found.add(customer)
    variants = {n for text in found for n in (text, json.dumps(text, ensure_ascii=False)[1:-1])}
    return sorted(n.encode() for n in variants if n)


def _export_files(session: Session) -> list[Path]:
    """Files the app wrote exports or reports to (the audit log keeps where), that still exist."""
    paths: dict[str, Path] = {}
    for detail in session.scalars(select(AuditRow.detail).where(AuditRow.action.in_(EXPORT_ACTIONS))):
        target = detail.get("to") if isinstance(detail, dict) else None
        if isinstance(target, str) and target not in ("stdout", "-") and target not in paths:
            path = Path(target)
            if path.is_file():
                paths[target] = path
    return list(paths.values())


def _holds_any(path: Path, needles: list[bytes]) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return any(needle in data for needle in needles)
