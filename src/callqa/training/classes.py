"""Recording-analysis classes: a playlist of interactions, each with the moments to discuss and the analyst's
notes, run draft → running → held; notes stay hidden from attendees until the presenter reveals them.

Every change is audited in the caller's transaction; nothing is committed here. Notes and moment labels go
through the redaction before they are stored, like every text in training (docs/privacy.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.audit.service import record
from callqa.core.errors import CallqaError, ErrorCode
from callqa.interactions.models import InteractionRow, TurnRow
from callqa.interactions.queries import find_interaction_id
from callqa.privacy.redact import redact_text
from callqa.training.models import ClassItemRow, TrainingClassRow
from callqa.users.models import TeamRow
from callqa.users.schemas import Actor, UserRole

STATES = ("draft", "running", "held")
MAX_NOTES = 4000
MAX_LABEL = 200
MAX_ID = 2**63 - 1
_MOMENT = re.compile(
    r"^\s*(?:#(\d+)\s*)?(?:(?:(\d+):)?(\d{1,2}):(\d{2})\s+)?(.*)$"
)  # [#turn] [[h:]m:ss] label


@dataclass(frozen=True)
class Moment:
    """A point of an interaction to discuss: a transcript turn and/or a time in the recording, and a label."""

    label: str
    turn: int | None = None
    ms: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"turn": self.turn, "ms": self.ms, "label": self.label}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Moment:
        return cls(label=str(data.get("label", "")), turn=data.get("turn"), ms=data.get("ms"))


def parse_moment(cls_id: int, item: int, number: int, line: str) -> Moment:
    """A moment as typed: ``#3 the greeting``, ``1:05 the hold``, ``#3 1:05 both`` (turn, time, label)."""
    match = _MOMENT.match(line)
    turn, hours, minutes, seconds, label = match.groups() if match else (None, None, None, None, "")
    if seconds is not None and int(seconds) >= 60:
        raise CallqaError(
            ErrorCode.T165,
            cls=cls_id,
            item=item,
            moment=number,
            reason=f"'{line.strip()}': seconds run to 59",
        )
    ms = None
    if seconds is not None:
        ms = ((int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds)) * 1000
    return Moment(label=label.strip(), turn=int(turn) if turn is not None else None, ms=ms)


def parse_moments(cls_id: int, item: int, text: str) -> list[Moment]:
    """One moment a line (blank lines skipped); see :func:`parse_moment`."""
    lines = [line for line in text.splitlines() if line.strip()]
    return [parse_moment(cls_id, item, n, line) for n, line in enumerate(lines, start=1)]


def _user(actor: Actor) -> int | None:
    """The actor's user id for a foreign key (the command line's operator is no stored user)."""
    return actor.user_id or None


def _audit(session: Session, actor: Actor, action: str, cls: TrainingClassRow, **detail: Any) -> None:
    record(
        session,
        user_id=_user(actor),
        username=actor.username,
        action=f"class.{action}",
        resource="training_class",
        resource_id=cls.id,
        detail=detail or None,
    )


def team_name(session: Session, cls: TrainingClassRow) -> str | None:
    """The class's team, None for the whole centre."""
    return (
        None if cls.team_id is None else session.scalar(select(TeamRow.name).where(TeamRow.id == cls.team_id))
    )


def owner_of(session: Session, cls: TrainingClassRow) -> Owner:
    """Whose class it is for the policies: its team (no agent), or the whole centre."""
    return Owner(agent=None, team=team_name(session, cls))


def get_class(session: Session, class_id: int) -> TrainingClassRow:
    row = session.get(TrainingClassRow, class_id)
    if row is None:
        raise CallqaError(ErrorCode.T161, cls=class_id)
    return row


def create_class(
    session: Session,
    actor: Actor,
    *,
    title: str,
    team: str | None = None,
    scheduled_for: datetime | None = None,
) -> TrainingClassRow:
    """A new draft class for a team (None: the whole centre); the actor must be allowed to run it."""
    clean = title.strip()
    if not clean or len(clean) > 255:
        raise CallqaError(ErrorCode.T160, title=title[:80], reason="a title of 1 to 255 characters is needed")
    team_id = None
    if team is not None and team.strip():
        team_id = session.scalar(select(TeamRow.id).where(TeamRow.name == team.strip()))
        if team_id is None:
            known = ", ".join(sorted(session.scalars(select(TeamRow.name)))) or "none"
            raise CallqaError(ErrorCode.T169, title=clean, team=team.strip(), known=known)
    owner = Owner(agent=None, team=team.strip() if team_id is not None and team else None)
    if not allowed(actor, Action.CLASS_RUN, owner):
        where = f"team '{owner.team}'" if owner.team else "the whole centre"
        raise CallqaError(ErrorCode.T160, title=clean, reason=f"you may not run a class for {where}")
    row = TrainingClassRow(
        title=clean,
        team_id=team_id,
        scheduled_for=scheduled_for,
        state="draft",
        created_by=_user(actor),
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    _audit(session, actor, "create", row, title=clean, team=owner.team)
    return row


def visible_classes(session: Session, actor: Actor) -> list[TrainingClassRow]:
    """The classes the actor sees, newest first: staff all; a supervisor their teams'; an agent the running
    and held classes of their team and of the whole centre."""
    query = select(TrainingClassRow).order_by(TrainingClassRow.id.desc())
    if actor.role in (UserRole.ADMIN, UserRole.QA_ANALYST):
        return list(session.scalars(query))
    if actor.role is UserRole.SUPERVISOR:
        teams = select(TeamRow.id).where(TeamRow.name.in_(sorted(actor.led_teams)))
        return list(session.scalars(query.where(TrainingClassRow.team_id.in_(teams))))
    own_team = select(TeamRow.id).where(TeamRow.name == (actor.team or ""))
    return list(
        session.scalars(
            query.where(
                TrainingClassRow.state.in_(("running", "held")),
                or_(TrainingClassRow.team_id.is_(None), TrainingClassRow.team_id.in_(own_team)),
            )
        )
    )


def items_of(session: Session, cls: TrainingClassRow) -> list[ClassItemRow]:
    return list(
        session.scalars(
            select(ClassItemRow).where(ClassItemRow.class_id == cls.id).order_by(ClassItemRow.position)
        )
    )


def get_item(session: Session, cls: TrainingClassRow, position: int) -> ClassItemRow:
    """The class's item at ``position`` (1 is the first)."""
    row = session.scalar(
        select(ClassItemRow).where(ClassItemRow.class_id == cls.id, ClassItemRow.position == position)
    )
    if row is None:
        raise CallqaError(ErrorCode.T162, cls=cls.id, item=position)
    return row


def _editable(cls: TrainingClassRow) -> None:
    if cls.state == "held":
        raise CallqaError(
            ErrorCode.T163, cls=cls.id, state=cls.state, reason="a held class no longer changes"
        )


def _notes(cls: TrainingClassRow, item: int, notes: str) -> str:
    stripped = notes.strip()
    if len(stripped) > MAX_NOTES:
        raise CallqaError(
            ErrorCode.T171, cls=cls.id, item=item, reason=f"the notes are longer than {MAX_NOTES} characters"
        )
    return redact_text(stripped).text if stripped else ""


def _moments(
    session: Session, cls: TrainingClassRow, item: int, interaction_id: int, moments: Sequence[Moment]
) -> list[dict[str, Any]]:
    """The moments as stored: each with a turn of the transcript and/or a time within the recording."""
    turns = (
        session.scalar(select(func.count(TurnRow.id)).where(TurnRow.interaction_id == interaction_id)) or 0
    )
    duration = session.scalar(select(InteractionRow.duration_ms).where(InteractionRow.id == interaction_id))
    stored = []
    for number, moment in enumerate(moments, start=1):

        def refuse(reason: str, number: int = number) -> CallqaError:
            return CallqaError(ErrorCode.T165, cls=cls.id, item=item, moment=number, reason=reason)

        label = moment.label.strip()
        if not label or len(label) > MAX_LABEL:
            raise refuse(f"a label of 1 to {MAX_LABEL} characters is needed")
        if moment.turn is None and moment.ms is None:
            raise refuse("give a turn of the transcript or a time in the recording")
        if moment.turn is not None and not 0 <= moment.turn < turns:
            raise refuse(f"turn {moment.turn} is not in the transcript (turns 0 to {turns - 1})")
        if moment.ms is not None and (moment.ms < 0 or (duration is not None and moment.ms > duration)):
            raise refuse(f"{moment.ms} ms is outside the recording ({duration or 0} ms long)")
        stored.append(Moment(redact_text(label).text, moment.turn, moment.ms).as_json())
    return stored


def add_item(
    session: Session,
    actor: Actor,
    cls: TrainingClassRow,
    interaction: str,
    *,
    moments: Sequence[Moment] = (),
    notes: str = "",
) -> ClassItemRow:
    """Add an interaction (its id or external id) at the end of the playlist; only one the actor may see."""
    _editable(cls)
    ident = interaction.strip()
    if ident.isdigit() and int(ident) > MAX_ID:  # no such row, and too large for the database to compare
        raise CallqaError(ErrorCode.T164, cls=cls.id, ident=interaction)
    try:
        interaction_id = find_interaction_id(session, ident)
    except CallqaError as exc:
        raise CallqaError(ErrorCode.T164, cls=cls.id, ident=interaction) from exc
    row = session.get(InteractionRow, interaction_id)
    if row is None or not allowed(actor, Action.INTERACTION_VIEW, Owner(agent=row.agent, team=row.team)):
        raise CallqaError(ErrorCode.T164, cls=cls.id, ident=interaction)
    last = session.scalar(select(func.max(ClassItemRow.position)).where(ClassItemRow.class_id == cls.id))
    position = (last or 0) + 1
    item = ClassItemRow(
        class_id=cls.id,
        position=position,
        interaction_id=interaction_id,
        moments=_moments(session, cls, position, interaction_id, moments),
        notes=_notes(cls, position, notes),
    )
    session.add(item)
    session.flush()
    _audit(session, actor, "add_item", cls, item=position, interaction=interaction_id, moments=len(moments))
    return item


def update_item(
    session: Session,
    actor: Actor,
    cls: TrainingClassRow,
    position: int,
    *,
    moments: Sequence[Moment] | None = None,
    notes: str | None = None,
) -> ClassItemRow:
    """Change an item's moments and/or notes (those given)."""
    _editable(cls)
    item = get_item(session, cls, position)
    if moments is not None:
        item.moments = _moments(session, cls, position, item.interaction_id, moments)
    if notes is not None:
        item.notes = _notes(cls, position, notes)
    session.flush()
    _audit(session, actor, "update_item", cls, item=position)
    return item


def _renumber(session: Session, items: Sequence[ClassItemRow]) -> None:
    """Give the items positions 1…n in this order (through negative ones: positions are unique)."""
    for number, item in enumerate(items, start=1):
        item.position = -number
    session.flush()
    for item in items:
        item.position = -item.position
    session.flush()


def reorder(
    session: Session, actor: Actor, cls: TrainingClassRow, order: Sequence[int]
) -> list[ClassItemRow]:
    """Put the items in a new order: ``order`` lists every current position once, in the order wanted."""
    _editable(cls)
    items = items_of(session, cls)
    if sorted(order) != [i.position for i in items]:
        wanted = ", ".join(str(i.position) for i in items) or "none"
        raise CallqaError(ErrorCode.T170, cls=cls.id, reason=f"must list every item once ({wanted})")
    by_position = {i.position: i for i in items}
    ordered = [by_position[p] for p in order]
    _renumber(session, ordered)
    _audit(session, actor, "reorder", cls, order=list(order))
    return ordered


def remove_item(session: Session, actor: Actor, cls: TrainingClassRow, position: int) -> None:
    """Take an item (and its comments) out of the playlist; the later ones move up."""
    _editable(cls)
    item = get_item(session, cls, position)
    interaction_id = item.interaction_id
    session.delete(item)
    session.flush()
    _renumber(session, items_of(session, cls))
    _audit(session, actor, "remove_item", cls, item=position, interaction=interaction_id)


def start(session: Session, actor: Actor, cls: TrainingClassRow) -> None:
    """draft → running: attendees see the class; it needs at least one item."""
    if cls.state != "draft":
        raise CallqaError(ErrorCode.T163, cls=cls.id, state=cls.state, reason="only a draft class starts")
    if not items_of(session, cls):
        raise CallqaError(ErrorCode.T163, cls=cls.id, state=cls.state, reason="it has no interaction yet")
    cls.state = "running"
    session.flush()
    _audit(session, actor, "start", cls)


def finish(session: Session, actor: Actor, cls: TrainingClassRow) -> None:
    """running → held (``held_at`` now)."""
    if cls.state != "running":
        raise CallqaError(ErrorCode.T163, cls=cls.id, state=cls.state, reason="only a running class is held")
    cls.state, cls.held_at = "held", datetime.now(UTC)
    session.flush()
    _audit(session, actor, "finish", cls)


def reveal(session: Session, actor: Actor, cls: TrainingClassRow, position: int) -> ClassItemRow:
    """Show the item's notes to attendees (``revealed_at``; once)."""
    if cls.state == "draft":
        raise CallqaError(
            ErrorCode.T163, cls=cls.id, state=cls.state, reason="start it before revealing notes"
        )
    item = get_item(session, cls, position)
    if item.revealed_at is None:
        item.revealed_at = datetime.now(UTC)
        session.flush()
        _audit(session, actor, "reveal", cls, item=position)
    return item


def notes_for(actor: Actor, cls: TrainingClassRow, item: ClassItemRow, owner: Owner) -> str | None:
    """The item's notes as this reader may see them: who runs the class always, attendees once revealed."""
    if allowed(actor, Action.CLASS_RUN, owner) or item.revealed_at is not None:
        return item.notes
    return None


def attends(actor: Actor, cls: TrainingClassRow, owner: Owner) -> bool:
    """May the actor open the class as an attendee? Who runs it always; its team's agents once it runs."""
    if allowed(actor, Action.CLASS_RUN, owner):
        return True
    return cls.state != "draft" and allowed(actor, Action.CLASS_VIEW, owner)
