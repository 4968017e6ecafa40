"""Legal holds: an interaction, a customer (by their pseudonymous keys) or an agent whose data neither
retention nor an erasure request may remove until the hold is released. Setting and releasing are audited."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from callqa.audit.service import record
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import CustomerKeyRow, InteractionRow
from callqa.lifecycle.customer_key import keyer_of
from callqa.lifecycle.models import LegalHoldRow

MAX_REASON = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class HoldScope(StrEnum):
    INTERACTION = "interaction"
    CUSTOMER = "customer"
    AGENT = "agent"


@dataclass(frozen=True)
class Actor:
    """Who acts, as the audit log names them (a user of the web app, or ``cli:<login>``)."""

    username: str
    user_id: int | None = None
    client: str | None = None


@dataclass(frozen=True)
class Hold:
    id: int
    scope: str
    target: str
    reason: str
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, row: LegalHoldRow) -> Hold:
        return cls(row.id, row.scope, row.target, row.reason, row.created_by, row.created_at)


def add_hold(session: Session, scope: HoldScope, value: str, reason: str, actor: Actor) -> Hold:
    """Hold an interaction (its id), a customer (phone, e-mail or customer id) or an agent."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON or _CONTROL.search(reason):
        raise CallqaError(
            ErrorCode.D102, reason=f"give a reason (1–{MAX_REASON} characters, no control characters)"
        )
    value = value.strip()
    if _CONTROL.search(value):
        raise CallqaError(ErrorCode.D102, reason="the value holds control characters")
    keys: list[str] = []
    if scope is HoldScope.INTERACTION:
        if not value.isdecimal() or len(value) > 18 or session.get(InteractionRow, int(value)) is None:
            raise CallqaError(ErrorCode.D102, reason=f"interaction {value!r} not found")
        target = str(int(value))
    elif scope is HoldScope.CUSTOMER:
        keys = sorted(keyer_of(session).keys_for(value))
        if not keys:
            raise CallqaError(ErrorCode.D100, value=value)
        target = keys[0][:12]
    else:
        if not value or len(value) > 255:
            raise CallqaError(ErrorCode.D102, reason="give the agent as stored on interactions")
        target = value
    row = LegalHoldRow(
        scope=scope.value,
        target=target,
        keys=keys,
        reason=reason,
        created_by=actor.username,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    _audit(session, actor, "hold_add", row)
    return Hold.of(row)


def release_hold(session: Session, hold_id: int, actor: Actor) -> Hold:
    row = session.get(LegalHoldRow, hold_id)
    if row is None or row.released_at is not None:
        raise CallqaError(ErrorCode.D103, hold=hold_id)
    row.released_at, row.released_by = datetime.now(UTC), actor.username
    _audit(session, actor, "hold_remove", row)
    return Hold.of(row)


def active_holds(session: Session) -> list[Hold]:
    rows = session.scalars(
        select(LegalHoldRow).where(LegalHoldRow.released_at.is_(None)).order_by(LegalHoldRow.id)
    )
    return [Hold.of(row) for row in rows]


def held_condition(session: Session) -> ColumnElement[bool]:
    """A condition on ``InteractionRow`` true for every interaction an active hold covers."""
    rows = session.scalars(select(LegalHoldRow).where(LegalHoldRow.released_at.is_(None))).all()
    ids = [int(r.target) for r in rows if r.scope == HoldScope.INTERACTION]
    agents = [r.target for r in rows if r.scope == HoldScope.AGENT]
    keys = [k for r in rows if r.scope == HoldScope.CUSTOMER for k in r.keys]
    parts: list[ColumnElement[bool]] = []
    if ids:
        parts.append(InteractionRow.id.in_(ids))
    if agents:
        parts.append(InteractionRow.agent.in_(agents))
    if keys:
        by_key = select(CustomerKeyRow.interaction_id).where(CustomerKeyRow.key.in_(keys))
        parts.append(InteractionRow.id.in_(by_key))
    return or_(*parts) if parts else false()


def holds_over(session: Session, interaction_ids: Collection[int], keys: Iterable[str]) -> list[Hold]:
    """The active holds that cover any of these interactions or any of these customer keys."""
    wanted = set(keys)
    found: list[Hold] = []
    rows = session.scalars(
        select(LegalHoldRow).where(LegalHoldRow.released_at.is_(None)).order_by(LegalHoldRow.id)
    ).all()
    agents = (
        set(
            session.scalars(
                select(InteractionRow.agent).where(InteractionRow.id.in_(list(interaction_ids))).distinct()
            )
        )
        if interaction_ids
        else set()
    )
    for row in rows:
        by_interaction = row.scope == HoldScope.INTERACTION and int(row.target) in interaction_ids
        by_agent = row.scope == HoldScope.AGENT and row.target in agents
        by_key = row.scope == HoldScope.CUSTOMER and (
            wanted & set(row.keys) or _keyed(session, row, interaction_ids)
        )
        if by_interaction or by_agent or by_key:
            found.append(Hold.of(row))
    return found


def _keyed(session: Session, row: LegalHoldRow, interaction_ids: Collection[int]) -> bool:
    if not interaction_ids or not row.keys:
        return False
    hit = session.scalar(
        select(CustomerKeyRow.id)
        .where(CustomerKeyRow.key.in_(row.keys), CustomerKeyRow.interaction_id.in_(list(interaction_ids)))
        .limit(1)
    )
    return hit is not None


def _audit(session: Session, actor: Actor, action: str, row: LegalHoldRow) -> None:
    record(
        session,
        user_id=actor.user_id,
        username=actor.username,
        action=action,
        resource="legal_hold",
        resource_id=row.id,
        detail={"scope": row.scope, "target": row.target},
        client=actor.client,
    )
