"""Versioned JSON for what live servers share through Redis: a call's state in pieces, and the monitor's
outputs (no pickle: another version of callqa, or another language, can read it).

A call is kept as a few scalars rewritten on each message (small: clocks, holds, rules fired, checklist)
and lists that only grow (final segments, events, alerts, sentiment points), appended to, never rewritten.
Everything here is already redacted: the monitor redacts a segment before anything else sees it.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from callqa.core.errors import CallqaError, ErrorCode
from callqa.live.outputs import Alert, CallEnded, Card, ChecklistTick, Output, TranscriptUpdate
from callqa.live.protocol import CallEvent, CallStart, Segment
from callqa.live.state import CallState

VERSION = 1
# the lists of a call that only grow, by their name in Redis
LISTS = ("finals", "events", "alerts", "sentiment:customer", "sentiment:agent")
_OUTPUTS: dict[str, type[Output]] = {
    cls.__name__: cls for cls in (Alert, Card, ChecklistTick, TranscriptUpdate, CallEnded)
}


_NAMES: dict[type, tuple[str, ...]] = {}


def shallow(item: Any) -> dict[str, Any]:
    """A flat dataclass as a dict (``asdict`` deep-copies, which cost more than the rest of a save)."""
    names = _NAMES.get(type(item))
    if names is None:
        names = _NAMES[type(item)] = tuple(f.name for f in fields(item))
    return {name: getattr(item, name) for name in names}


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one, not one per call


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def grown(call: CallState) -> dict[str, list[Any]]:
    """The call's growing lists (the same list objects, so their lengths tell what is new)."""
    return {
        "finals": call.finals,
        "events": call.events,
        "alerts": call.alerts,
        "sentiment:customer": call.sentiment["customer"],
        "sentiment:agent": call.sentiment["agent"],
    }


def item_json(name: str, item: Any) -> str:
    """One element of a growing list."""
    if name.startswith("sentiment:"):
        return dumps(list(item))
    return dumps(shallow(item))


def scalars_json(call: CallState) -> str:
    """What is rewritten on each message: small and bounded by the rules, not by the call's length."""
    return dumps(
        {
            "last_ms": call.last_ms,
            "speech_end_ms": call.speech_end_ms,
            "hold_since": call.hold_since,
            "hold_inferred": call.hold_inferred,
            "holds": call.holds,
            "run_role": call.run_role,
            "run_start_ms": call.run_start_ms,
            "run_end_ms": call.run_end_ms,
            "fired": [[rule, occurrence, ms] for (rule, occurrence), ms in call.fired.items()],
            "said": call.said,
            "ticked": call.ticked,
            "transfers": call.transfers,
            "suggested": sorted(call.suggested),
        }
    )


def start_json(start: CallStart) -> str:
    return dumps({"v": VERSION, **shallow(start)})


def call_from(
    call_id: str, fields: dict[str, str], lists: dict[str, list[str]], *, opened: float
) -> CallState:
    """The call rebuilt from its Redis hash and lists; ``opened`` is this process's monotonic clock at the
    call's start. A state written by another version or damaged raises L120 naming the call."""
    try:
        start = json.loads(fields["start"])
        version = start.pop("v", None)
        if version != VERSION:
            raise ValueError(f"state version {version!r}, this server reads {VERSION}")
        call = CallState(CallStart(**start), opened)
        scalars = json.loads(fields.get("state", "{}"))
        call.last_ms = int(scalars.get("last_ms", 0))
        call.speech_end_ms = int(scalars.get("speech_end_ms", 0))
        call.hold_since = scalars.get("hold_since")
        call.hold_inferred = bool(scalars.get("hold_inferred", False))
        call.holds = [(int(a), int(b)) for a, b in scalars.get("holds", [])]
        call.run_role = scalars.get("run_role")
        call.run_start_ms = int(scalars.get("run_start_ms", 0))
        call.run_end_ms = int(scalars.get("run_end_ms", 0))
        call.fired = {(rule, occ): int(ms) for rule, occ, ms in scalars.get("fired", [])}
        call.said = {k: int(v) for k, v in scalars.get("said", {}).items()}
        call.ticked = {k: int(v) for k, v in scalars.get("ticked", {}).items()}
        call.transfers = int(scalars.get("transfers", 0))
        call.suggested = set(scalars.get("suggested", []))
        call.finals = [Segment(**json.loads(s)) for s in lists.get("finals", [])]
        call.events = [CallEvent(**json.loads(e)) for e in lists.get("events", [])]
        call.alerts = [_alert(json.loads(a)) for a in lists.get("alerts", [])]
        for role in ("customer", "agent"):
            points = lists.get(f"sentiment:{role}", [])
            call.sentiment[role] = [(str(p[0]), float(p[1])) for p in map(json.loads, points)]
    except (KeyError, TypeError, ValueError) as exc:
        raise CallqaError(ErrorCode.L120, call_id=call_id, reason=f"{type(exc).__name__}: {exc}") from exc
    return call


def _alert(raw: dict[str, Any]) -> Alert:
    return Alert(**{**raw, "notify": tuple(raw.get("notify", ("supervisor",)))})


def output_json(out: Output) -> dict[str, Any]:
    """An output for the other servers (board lines travel on their own, coalesced)."""
    return {"kind": type(out).__name__, "fields": shallow(out)}


def output_from(raw: dict[str, Any]) -> Output:
    cls = _OUTPUTS[raw["kind"]]
    if cls is Alert:
        return _alert(raw["fields"])
    return cls(**raw["fields"])
