"""The live ingest protocol: JSON messages describing calls in progress (documented in docs/live.md).

One WebSocket may carry any number of calls; every message names its ``call_id``. Parsing is hand-written
(no pydantic) because a busy centre sends thousands of messages a second; a bad message raises a coded
error that names the message and the cause, and the stream goes on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from callqa.core.errors import CallqaError, ErrorCode

Role = Literal["agent", "customer", "system"]
ROLES: tuple[Role, ...] = ("agent", "customer", "system")
EVENT_KINDS = ("hold_start", "hold_end", "transfer", "mute", "unmute")
_MAX_TEXT = 20_000
_MAX_ID = 128


@dataclass(frozen=True)
class CallStart:
    call_id: str
    agent: str | None = None
    team: str | None = None
    queue: str | None = None
    language: str | None = None
    channel: str = "voice"
    direction: str | None = None
    customer: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Segment:
    """A piece of transcript; a partial one (``final`` false) is replaced by later ones with its id."""

    call_id: str
    segment_id: str
    role: Role
    text: str
    start_ms: int
    end_ms: int
    final: bool = True


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    kind: str
    at_ms: int
    detail: str | None = None


@dataclass(frozen=True)
class CallEnd:
    call_id: str
    at_ms: int | None = None
    csat: float | None = None


Message = CallStart | Segment | CallEvent | CallEnd


def _bad(where: str, reason: str) -> CallqaError:
    return CallqaError(ErrorCode.V101, where=where, reason=reason)


def _text(raw: dict[str, Any], key: str, where: str, *, required: bool = False, limit: int = _MAX_ID) -> Any:
    value = raw.get(key)
    if value is None:
        if required:
            raise _bad(where, f"'{key}' is missing")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise _bad(where, f"'{key}' must be a non-empty string")
    if len(value) > limit:
        raise _bad(where, f"'{key}' is longer than {limit} characters")
    return value


def _ms(raw: dict[str, Any], key: str, where: str, *, required: bool = True) -> Any:
    value = raw.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _bad(where, f"'{key}' must be a number of milliseconds ≥ 0, not {value!r}")
    return int(value)


def parse_message(raw: Any, where: str = "message") -> Message:
    """One message from its decoded JSON; ``where`` names it in errors (e.g. ``message 12``)."""
    if not isinstance(raw, dict):
        raise _bad(where, "must be a JSON object")
    kind = raw.get("type")
    call_id = _text(raw, "call_id", where, required=True)
    where = f"{where} (call '{call_id}')"
    if kind == "segment":
        role = raw.get("role")
        if role not in ROLES:
            raise _bad(where, f"role {role!r} is not one of {', '.join(ROLES)}")
        text = raw.get("text")
        if not isinstance(text, str):
            raise _bad(where, "'text' must be a string")
        if len(text) > _MAX_TEXT:
            raise _bad(where, f"'text' is longer than {_MAX_TEXT} characters")
        start, end = _ms(raw, "start_ms", where), _ms(raw, "end_ms", where)
        if end < start:
            raise _bad(where, f"end_ms {end} is before start_ms {start}")
        final = raw.get("final", True)
        if not isinstance(final, bool):
            raise _bad(where, "'final' must be true or false")
        segment_id = raw.get("segment_id")
        if segment_id is None:
            segment_id = f"{role}-{start}"
        elif not isinstance(segment_id, str | int) or isinstance(segment_id, bool):
            raise _bad(where, "'segment_id' must be a string or a number")
        return Segment(call_id, str(segment_id), role, text, start, end, final)
    if kind == "call_start":
        metadata = raw.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise _bad(where, "'metadata' must be an object")
        return CallStart(
            call_id,
            agent=_text(raw, "agent", where),
            team=_text(raw, "team", where),
            queue=_text(raw, "queue", where),
            language=_text(raw, "language", where, limit=35),
            channel=_text(raw, "channel", where) or "voice",
            direction=_text(raw, "direction", where),
            customer=_text(raw, "customer", where),
            metadata=metadata,
        )
    if kind == "event":
        event = raw.get("kind")
        if event not in EVENT_KINDS:
            raise _bad(where, f"event kind {event!r} is not one of {', '.join(EVENT_KINDS)}")
        return CallEvent(call_id, event, _ms(raw, "at_ms", where), _text(raw, "detail", where, limit=500))
    if kind == "call_end":
        csat = raw.get("csat")
        if csat is not None and (isinstance(csat, bool) or not isinstance(csat, int | float)):
            raise _bad(where, "'csat' must be a number")
        return CallEnd(call_id, _ms(raw, "at_ms", where, required=False), csat)
    raise _bad(where, f"type {kind!r} is not one of call_start, segment, event, call_end")


def decode(text: str | bytes, where: str = "message") -> Message:
    """Parse one WebSocket text frame."""
    try:
        raw = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad(where, f"invalid JSON: {exc}") from exc
    return parse_message(raw, where)
