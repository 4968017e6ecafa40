"""Storing interactions: idempotent upserts by (source, external id), fragments merged, overlays applied."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.orm import Session

from callqa.core.document import Interaction
from callqa.interactions.convert import event_values, interaction_values, to_document, turn_values
from callqa.interactions.merge import apply_overlays, merge_fragment, normalise
from callqa.interactions.models import (
    CustomerKeyRow,
    EventRow,
    InteractionRow,
    MetadataOverlayRow,
    RedactionRow,
    TurnRow,
)
from callqa.privacy import FieldRedaction, placeholder_records, redact_interaction
from callqa.privacy.customer_keys import SESSION_INFO_KEY, CustomerKeyer
from callqa.privacy.redact import redact_identifier

Key = tuple[str, str]


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    PENDING = "pending"  # metadata kept until its interaction arrives


@dataclass(frozen=True, slots=True)
class StoreItem:
    """An interaction to store; ``merge`` marks a thread fragment, ``origin`` is ``file[:line]``."""

    doc: Interaction
    origin: str | None = None
    merge: bool = False


@dataclass(frozen=True, slots=True)
class Stored:
    outcome: Outcome
    interaction_id: int | None


@dataclass(slots=True)
class _Write:
    doc: Interaction
    digest: str
    origin: str | None
    redactions: list[FieldRedaction]
    existing_id: int | None
    customer_keys: set[tuple[str, str]]


def store_interactions(
    session: Session, items: Sequence[StoreItem], *, now: datetime | None = None
) -> list[Stored]:
    """Insert new interactions, update changed ones, leave identical ones alone; one result per item.

    Every document is redacted (card numbers, CVV, national ids ...) before it is hashed or written; the
    customer's pseudonymous keys are taken before that, when the session carries a keyer (the runtime's do).
    """
    now = now or datetime.now(UTC)
    # An id holding a card number is stored (and looked up) redacted, so re-imports still match it.
    items = [_safe_id(item) for item in items]
    keyer: CustomerKeyer | None = session.info.get(SESSION_INFO_KEY)
    keys = {(item.doc.source, item.doc.external_id) for item in items}
    existing = _existing(session, keys)
    overlays = overlays_for(session, {external_id for _, external_id in keys})
    writes: dict[Key, _Write] = {}
    outcomes: list[tuple[Outcome, Key]] = []
    unchanged_keys: list[tuple[int, set[tuple[str, str]]]] = []
    for item in items:
        key = (item.doc.source, item.doc.external_id)
        pending = writes.get(key)
        stored_id, stored_digest = existing.get(key, (None, None))
        doc = item.doc
        if item.merge and pending is not None:
            doc = merge_fragment(pending.doc, doc)
        elif item.merge and stored_id is not None:
            doc = merge_fragment(load_document(session, stored_id), doc)
        matching = _matching(overlays, doc)
        doc = apply_overlays(doc, [fields for _, fields, _ in matching])
        customer_keys: set[tuple[str, str]] = set(keyer.keys_of(doc)) if keyer else set()
        # a metadata import's identifiers were redacted when it was stored; its keys were kept
        customer_keys |= {(kind, key) for _, _, pairs in matching for kind, key in pairs}
        if pending is not None:
            customer_keys |= pending.customer_keys
        doc, _ = redact_interaction(normalise(doc))
        digest = doc.content_hash()
        previous = pending.digest if pending else stored_digest
        if digest == previous:
            outcomes.append((Outcome.UNCHANGED, key))
            if pending is not None:
                pending.customer_keys |= customer_keys
            elif stored_id is not None and customer_keys:
                unchanged_keys.append((stored_id, customer_keys))
            continue
        outcomes.append((Outcome.CREATED if previous is None else Outcome.UPDATED, key))
        writes[key] = _Write(doc, digest, item.origin, placeholder_records(doc), stored_id, customer_keys)
    ids = dict(zip(writes, _flush(session, list(writes.values()), now), strict=True))
    _add_customer_keys(session, unchanged_keys)
    return [Stored(outcome, ids.get(key, existing.get(key, (None, ""))[0])) for outcome, key in outcomes]


def _safe_id(item: StoreItem) -> StoreItem:
    external_id = redact_identifier(item.doc.external_id)
    origin = redact_identifier(item.origin) if item.origin else item.origin
    if external_id is item.doc.external_id and origin is item.origin:
        return item
    return replace(item, doc=item.doc.model_copy(update={"external_id": external_id}), origin=origin)


def _existing(session: Session, keys: set[Key]) -> dict[Key, tuple[int, str]]:
    found: dict[Key, tuple[int, str]] = {}
    key_list = sorted(keys)
    for start in range(0, len(key_list), 500):
        chunk = key_list[start : start + 500]
        rows = session.execute(
            select(
                InteractionRow.id,
                InteractionRow.source,
                InteractionRow.external_id,
                InteractionRow.content_hash,
            ).where(tuple_(InteractionRow.source, InteractionRow.external_id).in_(chunk))
        )
        for row in rows:
            found[(row.source, row.external_id)] = (row.id, row.content_hash)
    return found


def _flush(session: Session, writes: list[_Write], now: datetime) -> list[int]:
    """Write the rows; returns the interaction id of each write."""
    new = [w for w in writes if w.existing_id is None]
    changed = [w for w in writes if w.existing_id is not None]
    new_ids: list[int] = []
    if new:
        values = [
            {
                **interaction_values(w.doc, content_hash=w.digest, origin=w.origin),
                "created_at": now,
                "updated_at": now,
            }
            for w in new
        ]
        result = session.execute(
            insert(InteractionRow).returning(InteractionRow.id, sort_by_parameter_order=True), values
        )
        new_ids = [row[0] for row in result]
    if changed:
        changed_ids = [w.existing_id for w in changed]
        session.execute(
            update(InteractionRow),
            [
                {
                    "id": w.existing_id,
                    **interaction_values(w.doc, content_hash=w.digest, origin=w.origin),
                    "updated_at": now,
                }
                for w in changed
            ],
        )
        for table in (TurnRow, EventRow, RedactionRow):
            session.execute(delete(table).where(table.interaction_id.in_(changed_ids)))
    id_of = iter(new_ids)
    ids = [w.existing_id if w.existing_id is not None else next(id_of) for w in writes]
    _insert_children(session, [(i, w) for i, w in zip(ids, writes, strict=True)])
    _add_customer_keys(session, [(i, w.customer_keys) for i, w in zip(ids, writes, strict=True)])
    return ids


def _add_customer_keys(session: Session, pairs: Sequence[tuple[int, set[tuple[str, str]]]]) -> None:
    """Keys are only ever added: a re-store of a redacted copy no longer shows the identifiers it had."""
    pairs = [(i, keys) for i, keys in pairs if keys]
    if not pairs:
        return
    known = {
        (row.interaction_id, row.key)
        for row in session.execute(
            select(CustomerKeyRow.interaction_id, CustomerKeyRow.key).where(
                CustomerKeyRow.interaction_id.in_([i for i, _ in pairs])
            )
        )
    }
    rows = [
        {"interaction_id": i, "kind": kind, "key": key}
        for i, keys in pairs
        for kind, key in sorted(keys)
        if (i, key) not in known
    ]
    if rows:
        session.execute(insert(CustomerKeyRow.__table__), rows)  # type: ignore[arg-type]


def _insert_children(session: Session, pairs: Iterable[tuple[int, _Write]]) -> None:
    turns: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    redactions: list[dict[str, Any]] = []
    for interaction_id, write in pairs:
        turns.extend(turn_values(interaction_id, write.doc.turns))
        events.extend(event_values(interaction_id, write.doc.events))
        redactions.extend(
            {
                "interaction_id": interaction_id,
                "field": r.field,
                "kind": r.kind,
                "start": r.start,
                "end": r.end,
            }
            for r in write.redactions
        )
    # Core inserts: the ORM bulk path costs twice as much per row and these rows need none of it.
    for table, rows in ((TurnRow, turns), (EventRow, events), (RedactionRow, redactions)):
        if rows:
            session.execute(insert(table.__table__), rows)  # type: ignore[arg-type]


def load_document(session: Session, interaction_id: int) -> Interaction:
    """The stored document of one interaction."""
    row = session.get_one(InteractionRow, interaction_id)
    turns = session.scalars(select(TurnRow).where(TurnRow.interaction_id == interaction_id)).all()
    events = session.scalars(select(EventRow).where(EventRow.interaction_id == interaction_id)).all()
    return to_document(row, turns, events)


def load_documents(session: Session, ids: Sequence[int]) -> dict[int, Interaction]:
    """Stored documents of many interactions in three queries (for batch scoring and export)."""
    rows = session.scalars(select(InteractionRow).where(InteractionRow.id.in_(ids))).all()
    turns: dict[int, list[Any]] = defaultdict(list)
    events: dict[int, list[EventRow]] = defaultdict(list)
    columns = [c for c in TurnRow.__table__.columns if c.name != "id"]
    for turn in session.execute(  # plain rows: 30 turns per call make ORM objects the slow part
        select(*columns).where(TurnRow.interaction_id.in_(ids)).order_by(TurnRow.seq)
    ):
        turns[turn.interaction_id].append(turn)
    for event in session.scalars(
        select(EventRow).where(EventRow.interaction_id.in_(ids)).order_by(EventRow.seq)
    ):
        events[event.interaction_id].append(event)
    return {row.id: to_document(row, turns[row.id], events[row.id]) for row in rows}


Overlay = tuple[str, dict[str, Any], list[list[str]]]


def overlays_for(session: Session, external_ids: set[str]) -> dict[str, list[Overlay]]:
    """Stored metadata overlays by external id: ``[(source_key, fields, customer keys), ...]`` ('' = any
    source)."""
    found: dict[str, list[Overlay]] = defaultdict(list)
    id_list = sorted(external_ids)
    for start in range(0, len(id_list), 500):
        rows = session.execute(
            select(
                MetadataOverlayRow.external_id,
                MetadataOverlayRow.source_key,
                MetadataOverlayRow.fields,
                MetadataOverlayRow.customer_keys,
            )
            .where(MetadataOverlayRow.external_id.in_(id_list[start : start + 500]))
            .order_by(MetadataOverlayRow.source_key)
        )
        for row in rows:
            found[row.external_id].append((row.source_key, row.fields, row.customer_keys or []))
    return found


def _matching(overlays: dict[str, list[Overlay]], doc: Interaction) -> list[Overlay]:
    return [overlay for overlay in overlays.get(doc.external_id, []) if overlay[0] in ("", doc.source)]
