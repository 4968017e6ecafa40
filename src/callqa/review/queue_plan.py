"""Building, re-planning and closing review queues (in the caller's transaction; nothing is committed here).

A queue's slots (the analysts' quotas summed) are shared among its strategies by their shares
(``review.slots``), then dealt round-robin to the analysts. Editing a queue re-plans only the items not yet
worked on: done items, and items whose interaction already has a review started, are kept and count
against their analyst's quota. Closing a queue archives it: its done and started items stay, the rest go.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.review.models import QueueItemRow, QueueRow, ReviewRow
from callqa.review.queue_spec import QueueSpec, check_spec, shares_of
from callqa.review.sampling import candidates, picks_for
from callqa.review.slots import deal, share_slots


def build_queue(
    session: Session, spec: QueueSpec, *, created_by: int | None, today: date | None = None
) -> QueueRow:
    """A new queue: the spec checked, the interactions picked and dealt to the analysts."""
    analysts = check_spec(session, spec, today=today)
    spec = _seeded(spec, None)
    now = datetime.now(UTC)
    queue = QueueRow(
        name=spec.name,
        spec=spec.model_dump(mode="json"),
        created_by=created_by,
        created_at=now,
        updated_at=now,
        due_on=spec.due,
    )
    session.add(queue)
    session.flush()
    _plan(session, queue, spec, analysts, kept=[])
    return queue


def open_queue(session: Session, queue_id: int) -> QueueRow:
    """The queue, refused when missing (V135) or closed (V136)."""
    queue = session.get(QueueRow, queue_id)
    if queue is None:
        raise CallqaError(ErrorCode.V135, queue=queue_id)
    if queue.closed_at is not None:
        raise CallqaError(ErrorCode.V136, queue=queue_id)
    return queue


def update_queue(session: Session, queue_id: int, spec: QueueSpec, *, today: date | None = None) -> QueueRow:
    """The queue changed to ``spec``; its undone, unstarted items are picked again (done ones kept)."""
    queue = open_queue(session, queue_id)
    analysts = check_spec(session, spec, today=today, due_before=queue.due_on)
    spec = _seeded(spec, queue.spec.get("seed"))
    kept = _drop_unstarted(session, queue.id)
    queue.name = spec.name
    queue.spec = spec.model_dump(mode="json")
    queue.due_on = spec.due
    queue.updated_at = datetime.now(UTC)
    _plan(session, queue, spec, analysts, kept=kept)
    return queue


def close_queue(session: Session, queue_id: int) -> tuple[QueueRow, int]:
    """The queue archived: items not worked on leave it (free for other queues); returns it and how many
    items it keeps."""
    queue = open_queue(session, queue_id)
    kept = _drop_unstarted(session, queue.id)
    queue.closed_at = datetime.now(UTC)
    return queue, len(kept)


def _seeded(spec: QueueSpec, previous: Any) -> QueueSpec:
    """The spec with a seed, so re-planning draws the same random picks (the previous seed, else new)."""
    if spec.seed is not None:
        return spec
    seed = previous if isinstance(previous, int) else random.SystemRandom().randrange(2**31)
    return spec.model_copy(update={"seed": seed})


def _drop_unstarted(session: Session, queue_id: int) -> list[QueueItemRow]:
    """Delete the queue's items nobody worked on; the kept ones (done, or their review started)."""
    items = list(session.scalars(select(QueueItemRow).where(QueueItemRow.queue_id == queue_id)))
    undone = [i.interaction_id for i in items if i.done_at is None]
    started = set(
        session.scalars(select(ReviewRow.interaction_id).where(ReviewRow.interaction_id.in_(undone)))
    )
    kept = []
    for item in items:
        if item.done_at is not None or item.interaction_id in started:
            kept.append(item)
        else:
            session.delete(item)
    session.flush()
    return kept


def _plan(
    session: Session,
    queue: QueueRow,
    spec: QueueSpec,
    analysts: list[tuple[int, int]],
    *,
    kept: list[QueueItemRow],
) -> None:
    room = {uid: quota for uid, quota in analysts}
    for item in kept:
        if item.assigned_to in room:
            room[item.assigned_to] -= 1
    quotas = [max(room[uid], 0) for uid, _ in analysts]
    taken = {item.interaction_id for item in kept}
    pool = [c for c in candidates(session, spec) if c.interaction_id not in taken]
    rng = random.Random(spec.seed)
    ranked = [picks_for(session, strategy, pool, rng) for strategy in spec.strategies]
    chosen = share_slots(
        sum(quotas),
        shares_of(spec),
        [[p.interaction_id for p in picks] for picks in ranked],
        [strategy.limit for strategy in spec.strategies],
    )
    by_id = [{p.interaction_id: p for p in picks} for picks in ranked]
    order = [(strategy, interaction_id) for strategy, ids in enumerate(chosen) for interaction_id in ids]
    now = datetime.now(UTC)
    for (strategy, interaction_id), who in zip(order, deal(len(order), quotas), strict=True):
        pick = by_id[strategy][interaction_id]
        session.add(
            QueueItemRow(
                queue_id=queue.id,
                interaction_id=interaction_id,
                reason=pick.reason,
                detail=pick.detail,
                params=pick.params or None,
                assigned_to=analysts[who][0] if who >= 0 else None,
                created_at=now,
            )
        )
    session.flush()
