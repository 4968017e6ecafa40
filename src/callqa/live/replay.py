"""A stored or demo interaction as the live messages a telephony platform would have sent, in time order.

Used to replay calls into a live server (``callqa live replay``), by the tests and by the benchmark.
Turns without an end time get the estimate the timeline analyzer uses after the call (speech rate, cut at
the next turn's start), so a replayed call is timed as its analysis is.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from callqa.analysis.metrics import speech_ms, turn_ends
from callqa.core.document import Interaction


def call_messages(doc: Interaction, call_id: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """``(call ms, message)`` pairs from call_start to call_end; each turn is one final segment."""
    ident = call_id or doc.external_id
    out: list[tuple[int, dict[str, Any]]] = [
        (
            0,
            {
                "type": "call_start",
                "call_id": ident,
                "agent": doc.agent,
                "team": doc.team,
                "queue": doc.queue,
                "language": doc.language,
                "channel": doc.channel,
                "direction": doc.direction,
            },
        )
    ]
    clock = 0
    ends = turn_ends(doc.turns, voice=True)
    for index, (turn, known_end) in enumerate(zip(doc.turns, ends, strict=True)):
        start = turn.start_ms if turn.start_ms is not None else clock
        end = known_end if known_end is not None else start + speech_ms(turn.text)
        clock = max(clock, end)
        segment = {
            "type": "segment",
            "call_id": ident,
            "segment_id": str(index),
            "role": turn.role if turn.role in ("agent", "customer") else "system",
            "text": turn.text,
            "start_ms": start,
            "end_ms": end,
            "final": True,
        }
        out.append((end, segment))  # a segment is sent once it has been said
    for event in doc.events:
        if event.kind == "hold" and event.start_ms is not None:
            out.append(
                (
                    event.start_ms,
                    {"type": "event", "call_id": ident, "kind": "hold_start", "at_ms": event.start_ms},
                )
            )
            if event.end_ms is not None:
                out.append(
                    (
                        event.end_ms,
                        {"type": "event", "call_id": ident, "kind": "hold_end", "at_ms": event.end_ms},
                    )
                )
        elif event.kind == "transfer" and event.start_ms is not None:
            out.append(
                (
                    event.start_ms,
                    {
                        "type": "event",
                        "call_id": ident,
                        "kind": "transfer",
                        "at_ms": event.start_ms,
                        "detail": event.detail,
                    },
                )
            )
    end_ms = max(clock, doc.duration_ms or 0, max((t for t, _ in out), default=0))
    out.sort(key=lambda pair: pair[0])  # stable: a segment ending when a hold starts comes first
    out.append((end_ms, {"type": "call_end", "call_id": ident, "at_ms": end_ms}))
    return out


@dataclass
class ReplayReport:
    calls: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)


async def stream_calls(
    url: str, token: str, docs: Sequence[Interaction], *, speed: float = 1.0, prefix: str = "replay-"
) -> ReplayReport:
    """Stream interactions to a live ingest socket as if they were happening now, ``speed`` times faster
    than real time (every call starts at once); error replies are collected."""
    import websockets

    report = ReplayReport()
    headers = {"authorization": f"Bearer {token}"}

    async def one(doc: Interaction) -> None:
        async with websockets.connect(url, additional_headers=headers) as ws:
            reader = asyncio.create_task(_errors(ws, report))
            started = time.monotonic()
            for at_ms, message in call_messages(doc, f"{prefix}{doc.external_id}"):
                delay = at_ms / 1000 / speed - (time.monotonic() - started)
                if delay > 0:
                    await asyncio.sleep(delay)
                await ws.send(json.dumps(message, ensure_ascii=False))
                report.messages += 1
            await asyncio.sleep(0.2)  # let error replies arrive
            reader.cancel()
            report.calls += 1

    await asyncio.gather(*(one(doc) for doc in docs))
    return report


async def _errors(ws: Any, report: ReplayReport) -> None:
    async for raw in ws:
        message = json.loads(raw)
        if message.get("type") == "error":
            report.errors.append(str(message.get("message")))
