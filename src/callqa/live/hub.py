"""Fan-out of the monitor's outputs to the connected supervisors and agents, by their role and scope.

Every output is serialised once and queued to each receiver allowed to see it (policies decide: a
supervisor receives their teams' calls, an agent only their own). Board lines are coalesced: the
calls that changed since the last flush go out together as one ``calls`` message per receiver, so a
thousand busy calls cost a board one message a second, not thousands. Alerts, cards and transcript
segments are never coalesced or dropped; a receiver that stops reading is disconnected once its
backlog passes ``MAX_BACKLOG`` (it reconnects and gets a fresh snapshot), so one stuck browser cannot
grow the server's memory without end.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from callqa.access.policies import Action, Owner, allowed
from callqa.live.outputs import (
    Alert,
    CallEnded,
    CallUpdate,
    Card,
    ChecklistTick,
    Output,
    TranscriptUpdate,
)
from callqa.users.schemas import Actor

MAX_BACKLOG = 50_000
Kind = Literal["board", "agent"]


@dataclass(eq=False)
class Subscriber:
    """One connected page: a supervisor's board or an agent's assist page."""

    actor: Actor
    kind: Kind
    send: Callable[[str], Awaitable[None]]
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    watching: set[str] = field(default_factory=set)  # calls whose transcript a board follows
    _scope: dict[tuple[str | None, str | None], bool] = field(default_factory=dict)
    overflowed: bool = False
    loop: asyncio.AbstractEventLoop | None = None  # the loop its socket lives on (set on creation)

    def __post_init__(self) -> None:
        if self.loop is None:
            self.loop = asyncio.get_running_loop()

    def may(self, agent: str | None, team: str | None) -> bool:
        key = (agent, team)
        known = self._scope.get(key)
        if known is None:
            action = Action.LIVE_MONITOR if self.kind == "board" else Action.LIVE_ASSIST
            known = self._scope[key] = allowed(self.actor, action, Owner(agent, team))
        return known

    def put(self, message: str) -> None:
        if self.loop is not None and asyncio._get_running_loop() is not self.loop:
            # a server with one loop never comes here; test clients run each socket on a loop of its own
            self.loop.call_soon_threadsafe(self._put, message)
            return
        self._put(message)

    def _put(self, message: str) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= MAX_BACKLOG:
            self.overflowed = True
            self.queue.put_nowait(None)  # the writer stops and the socket is closed
            return
        self.queue.put_nowait(message)

    async def pump(self) -> None:
        """Send queued messages until told to stop (``None``) or the socket fails."""
        while True:
            message = await self.queue.get()
            if message is None:
                return
            await self.send(message)


def _to_board(sub: Subscriber, out: Output) -> bool:
    if isinstance(out, Alert):
        return "supervisor" in out.notify
    if isinstance(out, TranscriptUpdate):
        return out.call_id in sub.watching
    return isinstance(out, CallEnded)


def _to_agent(out: Output) -> bool:
    if isinstance(out, Alert):
        return "agent" in out.notify
    return isinstance(out, Card | ChecklistTick | TranscriptUpdate | CallEnded)


class Hub:
    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self._changed: dict[str, tuple[str | None, str | None]] = {}
        self.sent = 0

    def add(self, sub: Subscriber) -> None:
        self.subscribers.add(sub)

    def remove(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)

    def publish(self, outputs: Iterable[Output]) -> None:
        for out in outputs:
            if isinstance(out, CallUpdate):
                self._changed[out.call_id] = (out.agent, out.team)
                continue
            message: str | None = None
            for sub in self.subscribers:
                wanted = _to_board(sub, out) if sub.kind == "board" else _to_agent(out)
                if wanted and sub.may(out.agent, out.team):
                    message = message or json.dumps(out.message(), ensure_ascii=False)
                    sub.put(message)
                    self.sent += 1
            if isinstance(out, CallEnded):
                self._changed.pop(out.call_id, None)

    def notify(
        self, message: dict[str, Any], agent: str | None, team: str | None, *, kinds: tuple[Kind, ...]
    ) -> None:
        """A message that is not a monitor output (help requests, answers, acknowledgements)."""
        text = json.dumps(message, ensure_ascii=False)
        for sub in self.subscribers:
            if sub.kind in kinds and sub.may(agent, team):
                sub.put(text)

    def flush_lines(self, line: Callable[[str], dict[str, Any] | None]) -> None:
        """Send the changed calls' lines (``line(call_id)``), one message per receiver; receivers that see the
        same calls share one serialised message."""
        changed = self.take_changed()
        if not changed or not self.subscribers:
            return
        self.send_lines({call_id: (agent, team, line(call_id)) for call_id, (agent, team) in changed.items()})

    def take_changed(self) -> dict[str, tuple[str | None, str | None]]:
        """The calls whose line changed since the last call, by id: (agent, team)."""
        changed, self._changed = self._changed, {}
        return changed

    def send_lines(self, lines: dict[str, tuple[str | None, str | None, dict[str, Any] | None]]) -> None:
        """Send board lines (call id → agent, team, line or None once ended) to whoever may see them."""
        by_view: dict[tuple[str, ...], str] = {}
        for sub in self.subscribers:
            visible = tuple(
                c for c, (agent, team, found) in lines.items() if found is not None and sub.may(agent, team)
            )
            if not visible:
                continue
            message = by_view.get(visible)
            if message is None:
                message = by_view[visible] = json.dumps(
                    {"type": "calls", "calls": [lines[c][2] for c in visible]}, ensure_ascii=False
                )
            sub.put(message)
