"""Metadata imports (agent, queue, CSAT ... by external id), kept as overlays so import order is free."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.document import EARLIEST, LATEST, MAX_MS, Channel, Direction
from callqa.interactions.models import InteractionRow, MetadataOverlayRow
from callqa.interactions.service import Outcome, Stored, StoreItem, load_document, store_interactions
from callqa.privacy.customer_keys import SESSION_INFO_KEY, CustomerKeyer
from callqa.privacy.redact import redact_identifier, redact_json, redact_text

_LABELS = ("agent", "team", "queue", "customer")
_TEXTS = ("subject", "survey_comment")


class OverlayFields(BaseModel):
    """The interaction fields a metadata import may set."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Channel | None = None
    direction: Direction | None = None
    agent: str | None = Field(default=None, max_length=255)
    team: str | None = Field(default=None, max_length=255)
    queue: str | None = Field(default=None, max_length=255)
    customer: str | None = Field(default=None, max_length=255)
    started_at: datetime | None = None
    duration_ms: int | None = Field(default=None, ge=0, le=MAX_MS)
    language: str | None = Field(default=None, max_length=35)
    subject: str | None = None
    csat: float | None = Field(default=None, ge=0)
    csat_scale: int | None = Field(default=None, ge=2, le=100)
    nps: int | None = Field(default=None, ge=0, le=10)
    survey_comment: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("started_at")
    @classmethod
    def _within_years(cls, value: datetime | None) -> datetime | None:
        """The years an interaction may start in: a bad metadata row is its own I201, not a failed store."""
        if value is not None:
            moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
            if not EARLIEST <= moment < LATEST:
                raise ValueError(f"{value.isoformat()} is outside {EARLIEST.year}–{LATEST.year - 1}")
        return value


@dataclass(frozen=True, slots=True)
class MetadataItem:
    external_id: str
    fields: OverlayFields
    source: str | None = None
    origin: str | None = None


def store_metadata(
    session: Session, items: Sequence[MetadataItem], *, now: datetime | None = None
) -> list[Stored]:
    """Save each item as an overlay and apply it to the interactions it names; one result per item."""
    now = now or datetime.now(UTC)
    keyer: CustomerKeyer | None = session.info.get(SESSION_INFO_KEY)
    results: list[Stored] = []
    for item in items:
        raw = item.fields.model_dump(mode="json", exclude_unset=True)
        fields = _redacted(raw)
        external_id = redact_identifier(item.external_id)
        origin = redact_identifier(item.origin) if item.origin else None
        source_key = item.source or ""
        overlay = session.scalars(
            select(MetadataOverlayRow).where(
                MetadataOverlayRow.external_id == external_id,
                MetadataOverlayRow.source_key == source_key,
            )
        ).one_or_none()
        if overlay is None:
            overlay = MetadataOverlayRow(external_id=external_id, source_key=source_key, fields={})
            session.add(overlay)
        combined = {**overlay.fields, **fields}
        if "metadata" in fields:
            combined["metadata"] = {**overlay.fields.get("metadata", {}), **fields["metadata"]}
        overlay.fields, overlay.origin, overlay.updated_at = combined, origin, now
        if keyer is not None:
            known = {(kind, key) for kind, key in overlay.customer_keys or []}
            overlay.customer_keys = sorted([list(pair) for pair in known | keyer.pairs_in(raw)])
        session.flush()
        targets = select(InteractionRow.id).where(InteractionRow.external_id == external_id)
        if item.source:
            targets = targets.where(InteractionRow.source == item.source)
        ids = session.scalars(targets.order_by(InteractionRow.id)).all()
        if not ids:
            results.append(Stored(Outcome.PENDING, None))
            continue
        stored = store_interactions(
            session, [StoreItem(load_document(session, i), origin=origin) for i in ids], now=now
        )
        changed = [s for s in stored if s.outcome is not Outcome.UNCHANGED]
        results.append(Stored(Outcome.UPDATED if changed else Outcome.UNCHANGED, ids[0]))
    return results


def _redacted(fields: dict[str, Any]) -> dict[str, Any]:
    """The overlay's fields as they may be stored: an import's raw values never are (issue 18)."""
    clean = dict(fields)
    for name in _LABELS:
        if isinstance(clean.get(name), str):
            clean[name] = redact_identifier(clean[name])
    for name in _TEXTS:
        if isinstance(clean.get(name), str):
            clean[name] = redact_text(clean[name]).text
    if "metadata" in clean:
        clean["metadata"] = redact_json(clean["metadata"])
    return clean
