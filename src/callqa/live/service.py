"""The running live monitor: the event-loop side of ingest, the board and assist sockets.

Everything that touches calls runs on the event loop (no locks): messages are applied as they arrive, a
ticker checks timed rules and flushes board lines a few times a second. Slow work leaves the loop: the
model worker thread (sentiment in other languages, semantic rules, knowledge suggestions), one thread that
writes alerts and help requests, one that stores and scores finished calls, and the webhook sender.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import queue
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from callqa.access.policies import Action, Owner, allowed
from callqa.core.errors import CallqaError, ErrorCode
from callqa.live.cluster import Cluster
from callqa.live.hub import Hub, Kind, Subscriber
from callqa.live.inference import LiveModels
from callqa.live.inference_process import ModelProcess
from callqa.live.models import HelpRequestRow, LiveAlertRow
from callqa.live.monitor import LiveMonitor, ModelJob, ModelResult
from callqa.live.outputs import Alert, CallEnded, CallUpdate, Output
from callqa.live.protocol import CallEnd, Segment, decode, parse_message
from callqa.live.rules import LiveRules
from callqa.live.state import CallState
from callqa.live.store import save_alerts, store_call, stored_alerts
from callqa.live.webhooks import WebhookSender
from callqa.live.wire import output_from, output_json
from callqa.runtime import Runtime
from callqa.users.schemas import Actor

log = logging.getLogger(__name__)
_BATCH = 64
RECENT_ALERTS = timedelta(hours=12)  # how far back a board's alert list reaches after a reload
MAX_MODEL_BACKLOG = 5_000  # model jobs waiting; beyond it new ones are skipped (counted), alerts never are


@dataclass
class LiveOptions:
    tick_s: float = 0.2
    board_s: float = 0.2  # how often changed board lines are sent (often and small beats rare and big)
    freeze_s: float = 5.0  # how often long-lived objects are moved out of the garbage collector's scans
    realtime: bool = True
    score_calls: bool = True
    scorecard: str | None = None  # None: the configured one (its newest version saved in the editor, if any)
    recent_alerts: int = 200  # alerts a board gets when it connects
    model_process: bool = True  # the embedding model in a lower-priority process (else a thread)


class LiveService:
    def __init__(
        self,
        runtime: Runtime,
        rules: LiveRules,
        *,
        options: LiveOptions | None = None,
        models: LiveModels | None = None,
        webhooks: WebhookSender | None = None,
        monitor: LiveMonitor | None = None,
        cluster: Cluster | None = None,
    ) -> None:
        self.runtime = runtime
        self.factory = runtime.factory
        self.options = options or LiveOptions()
        self.monitor = monitor or LiveMonitor(rules, realtime=self.options.realtime)
        self.models = models or LiveModels(rules, runtime.factory)
        self.webhooks = webhooks or WebhookSender([])
        self.hub = Hub()
        self.cluster = cluster  # several servers sharing calls through Redis; None: this process alone
        if cluster is not None:  # alert ids unique across the servers (two may start in the same second)
            self.monitor.alert_prefix += secrets.token_hex(3)
        self.alerts: dict[str, Alert] = {}  # this process's alerts by id (the board's recent list)
        self.opened_at: dict[str, datetime] = {}
        self.ended: list[CallEnded] = []
        self._ended_ids: dict[str, None] = {}  # the latest calls ended here (a re-sent end is no new call)
        self.acks: dict[str, tuple[str, str]] = {}  # alert id -> (username, when) acknowledged here
        self.received = 0
        self.rejected = 0
        self.model_skipped = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._jobs: queue.Queue[ModelJob | None] = queue.Queue()
        self._model_thread: threading.Thread | None = None
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="callqa-live-db")
        self._scorer = ThreadPoolExecutor(1, thread_name_prefix="callqa-live-score")
        self._pending: list[ModelJob] = []
        self._process = (
            ModelProcess(runtime.settings_for_children(), self._deliver)
            if self.options.model_process
            else None
        )

    # -- life ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the ticker and the model thread on the running loop (idempotent)."""
        if self._loop is not None:
            return
        loop = asyncio.get_running_loop()
        if self.cluster is not None:  # L121 if Redis does not answer; the next request tries again
            self.cluster.start(
                lambda message: loop.call_soon_threadsafe(self._remote, message),
                lambda lost: loop.call_soon_threadsafe(self._lost, lost),
            )
        self._loop = loop
        self._ticker = self._loop.create_task(self._tick_forever())
        if self._process is not None:
            self._loop.run_in_executor(None, self._process.start)
        else:
            self._model_thread = threading.Thread(
                target=self._model_loop, name="callqa-live-models", daemon=True
            )
            self._model_thread.start()

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        self._jobs.put(None)
        if self._process is not None:
            self._process.stop()
        self._writer.shutdown(wait=True)
        self._scorer.shutdown(wait=True)
        if self.cluster is not None:
            self.cluster.stop()
        self.webhooks.close()

    async def _tick_forever(self) -> None:
        loop = asyncio.get_running_loop()
        next_board = loop.time() + self.options.board_s
        next_freeze = loop.time() + self.options.freeze_s
        next_renew = loop.time()
        while True:
            await asyncio.sleep(self.options.tick_s)
            try:
                self._after(self.monitor.tick())
                self._send_jobs()
                if loop.time() >= next_board:
                    next_board = loop.time() + self.options.board_s
                    self._flush_lines()
                if self.cluster is not None and loop.time() >= next_renew:
                    next_renew = loop.time() + self.cluster.lease_ms / 3000
                    self.cluster.renew(list(self.monitor.calls))
                if loop.time() >= next_freeze:
                    # Calls in progress hold hundreds of thousands of objects; a full collection scanning them
                    # stalls the loop for 100+ ms. Freezing moves what exists now out of later scans (freed by
                    # reference counting as usual when calls end; only cyclic garbage among them would stay).
                    next_freeze = loop.time() + self.options.freeze_s
                    gc.freeze()
            except Exception:  # the ticker must survive any one bad call
                log.exception("live ticker")

    # -- ingest --------------------------------------------------------------------------------------------

    def ingest(self, frame: str | bytes | dict[str, Any], where: str) -> str | None:
        """Apply one WebSocket frame (or an already decoded message); a bad one returns its error (the
        stream goes on)."""
        self.received += 1
        try:
            message = parse_message(frame, where) if isinstance(frame, dict) else decode(frame, where)
        except CallqaError as exc:
            self.rejected += 1
            return str(exc)
        if self.cluster is not None:
            try:
                if not self._shared(message):
                    return None
            except CallqaError as exc:
                self.rejected += 1
                return str(exc)
        if isinstance(message, CallEnd) is False and message.call_id not in self.monitor.calls:
            self.opened_at[message.call_id] = datetime.now(UTC)
        self._after(self.monitor.handle(message))
        return None

    def _shared(self, message: Any) -> bool:
        """With several servers: take over a call held elsewhere (its state from Redis), and say whether the
        message is new: not a re-sent final segment, not about a call already ended and stored."""
        assert self.cluster is not None
        call_id = message.call_id
        if call_id in self._ended_ids:
            return False
        if call_id not in self.monitor.calls:
            loaded = self.cluster.load(call_id, self.monitor.clock(), take=True)
            if loaded.stored:
                return False
            if loaded.call is not None:
                self.monitor.calls[call_id] = loaded.call
                self.opened_at[call_id] = loaded.opened_at or datetime.now(UTC)
                for alert in loaded.call.alerts:
                    self.alerts.setdefault(alert.id, alert)
                # its last holder may have died before its database writer saved them (saving is idempotent)
                self._writer.submit(self._save_alerts, list(loaded.call.alerts))
                log.info("live call %s taken over from Redis (%d segments)", call_id, len(loaded.call.finals))
        return not (
            isinstance(message, Segment) and message.final and self.cluster.seen(call_id, message.segment_id)
        )

    def _after(self, outputs: list[Output]) -> None:
        if outputs:
            self.hub.publish(outputs)
            if self.cluster is not None:
                self._share(outputs)
            alerts = [o for o in outputs if isinstance(o, Alert)]
            if alerts:
                for alert in alerts:
                    self.alerts[alert.id] = alert
                self._trim_alerts()
                self.webhooks.send(alerts)
                self._writer.submit(self._save_alerts, alerts)
        for job in self.monitor.take_jobs():
            if self._backlog() >= MAX_MODEL_BACKLOG:
                self.model_skipped += 1  # sentiment in other languages / semantic / knowledge for this one
                continue
            if self._process is None:
                self._jobs.put(job)
            else:
                self._pending.append(job)
        if len(self._pending) >= _BATCH:
            self._send_jobs()
        for call, end in self.monitor.take_ended():
            opened = self.opened_at.pop(call.call_id, None)
            if self.cluster is not None:
                self.cluster.end(call.call_id)
                self._ended_ids[call.call_id] = None
                if len(self._ended_ids) > 10_000:
                    del self._ended_ids[next(iter(self._ended_ids))]
            if self.options.score_calls:
                self._scorer.submit(self._store, call, end, opened)

    def _share(self, outputs: list[Output]) -> None:
        """Save the touched calls' changes to Redis and send the outputs to the other servers."""
        assert self.cluster is not None
        for call_id in {o.call_id for o in outputs}:
            call = self.monitor.calls.get(call_id)
            if call is not None:
                self.cluster.save(call, self.opened_at.get(call_id))
        shared = [output_json(o) for o in outputs if not isinstance(o, CallUpdate)]
        if shared:
            self.cluster.publish({"outputs": shared})

    def _flush_lines(self) -> None:
        if self.cluster is None:
            self.hub.flush_lines(self.monitor.line)
            return
        changed = self.hub.take_changed()
        if not changed:
            return
        lines = {
            call_id: (agent, team, self.monitor.line(call_id)) for call_id, (agent, team) in changed.items()
        }
        self.hub.send_lines(lines)
        self.cluster.lines([(c, a, t, line) for c, (a, t, line) in lines.items() if line is not None])

    def _remote(self, messages: list[dict[str, Any]]) -> None:
        """What another server published, delivered to this server's pages under the same policies."""
        for message in messages:
            self._remote_one(message)

    def _remote_one(self, message: dict[str, Any]) -> None:
        if "outputs" in message:
            outputs = [output_from(raw) for raw in message["outputs"]]
            for out in outputs:
                if isinstance(out, Alert):
                    self.alerts[out.id] = out
                elif isinstance(out, CallEnded) and out.interaction_id is not None:
                    self.ended.append(out)
            self._trim_alerts()
            self.hub.publish(outputs)
        elif "lines" in message:
            self.hub.send_lines({c: (agent, team, line) for c, agent, team, line in message["lines"]})
        elif "notice" in message:
            notice = message["notice"]
            if notice.get("type") == "alert_ack":
                self.acks.setdefault(notice["alert_id"], (notice["by"], notice["at"]))
            self.hub.notify(notice, message["agent"], message["team"], kinds=tuple(message["kinds"]))

    def _lost(self, call_ids: list[str]) -> None:
        """Calls whose stream reconnected to another server: that server holds them now."""
        assert self.cluster is not None
        for call_id in call_ids:
            if self.monitor.calls.pop(call_id, None) is not None:
                log.info("live call %s is held by another server now", call_id)
            self.opened_at.pop(call_id, None)
            self.cluster.drop(call_id)

    def _notify(
        self, message: dict[str, Any], agent: str | None, team: str | None, kinds: tuple[Kind, ...]
    ) -> None:
        self.hub.notify(message, agent, team, kinds=kinds)
        if self.cluster is not None:
            self.cluster.publish({"notice": message, "agent": agent, "team": team, "kinds": list(kinds)})

    def _backlog(self) -> int:
        if self._process is None:
            return self._jobs.qsize()
        return self._process.in_flight + len(self._pending)

    def _send_jobs(self) -> None:
        if self._process is not None and self._pending:
            batch, self._pending = self._pending, []
            self._process.submit(batch)

    def _deliver(self, jobs: list[ModelJob], results: list[ModelResult]) -> None:
        """Called on the model process's reader thread."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._model_done, jobs, results)

    def _trim_alerts(self) -> None:
        while len(self.alerts) > 10 * self.options.recent_alerts:
            self.alerts.pop(next(iter(self.alerts)))

    # -- background work -----------------------------------------------------------------------------------

    def _save_alerts(self, alerts: list[Alert]) -> None:
        try:
            with self.factory.begin() as session:
                save_alerts(session, alerts)
        except Exception:
            log.exception("saving live alerts")

    def _model_loop(self) -> None:
        while (first := self._jobs.get()) is not None:
            jobs = [first]
            while len(jobs) < _BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)
                    break
                jobs.append(job)
            try:
                results = self.models.run(jobs)
            except Exception:
                log.exception("live model batch")
                continue
            if self._loop is not None and not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._model_done, jobs, results)

    def _model_done(self, jobs: list[ModelJob], results: list[ModelResult]) -> None:
        outputs: list[Output] = []
        for job, result in zip(jobs, results, strict=True):
            outputs.extend(self.monitor.model_done(job, result))
        self._after(outputs)

    def _store(self, call: CallState, end: CallEnd, opened: datetime | None) -> None:
        if self.cluster is not None and not self.cluster.claim_store(call.call_id):
            log.info("live call %s: already stored by another server", call.call_id)
            return
        self._writer.submit(lambda: None).result()  # the call's alerts are written (one writer, in order)
        try:
            # asked at every call's end: a version saved in the editor meanwhile scores the next call
            card = self.runtime.scorecards.current(self.options.scorecard)
            interaction_id, score = store_call(
                self.factory,
                call,
                end,
                card=card,
                pipeline=self.runtime.pipeline,
                services=self.runtime.services,
                opened_at=opened,
            )
            done = CallEnded(call.call_id, call.agent, call.team, interaction_id, score)
        except Exception as exc:
            log.exception("storing live call %s", call.call_id)
            done = CallEnded(call.call_id, call.agent, call.team, error=str(exc))
        self.ended.append(done)
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stored, done)

    def _stored(self, done: CallEnded) -> None:
        self.hub.publish([done])
        if self.cluster is not None:
            self.cluster.publish({"outputs": [output_json(done)]})

    def stats(self) -> dict[str, Any]:
        """Counters for monitoring the monitor (``GET /api/live/stats``)."""
        return {
            "calls": len(self.monitor.calls),
            "received": self.received,
            "rejected": self.rejected,
            "subscribers": len(self.hub.subscribers),
            "sent": self.hub.sent,
            "alerts": len(self.alerts),
            "model_backlog": self._backlog(),
            "model_skipped": self.model_skipped,
            "webhooks_delivered": self.webhooks.delivered,
            "webhooks_failed": self.webhooks.failed,
            **(
                {
                    "node": self.cluster.node,
                    "redis_writes": self.cluster.written,
                    "redis_failed": self.cluster.failed,
                }
                if self.cluster is not None
                else {}
            ),
        }

    # -- people --------------------------------------------------------------------------------------------

    def snapshot(self, sub: Subscriber) -> dict[str, Any]:
        """What a page shows when it connects: calls, recent alerts and open help requests in its scope."""
        calls = self.monitor.board()
        if self.cluster is not None:  # the calls other servers hold too
            calls += [c for c in self.cluster.board_lines() if c["call_id"] not in self.monitor.calls]
        in_progress = {str(c["call_id"]) for c in calls}
        calls = [c for c in calls if sub.may(c["agent"], c["team"])]  # type: ignore[arg-type]
        return {
            "type": "snapshot",
            "calls": calls,
            "alerts": self.recent_alerts(sub, in_progress),
            "help": self.open_help(sub.actor, sub.kind),
        }

    def recent_alerts(self, sub: Subscriber, in_progress: set[str] | None = None) -> list[dict[str, Any]]:
        """The newest alerts in the page's scope, oldest first: the saved ones with their acknowledgement and
        their call's stored interaction, then those fired since the last save; ``ended`` marks calls over."""
        limit = self.options.recent_alerts
        with self.factory() as session:
            since = datetime.now(UTC) - RECENT_ALERTS
            shown = {a["id"]: a for a in stored_alerts(session, since=since, limit=limit)}
        for alert in list(self.alerts.values())[-limit:]:
            if alert.id not in shown:
                fresh = alert.message()["alert"]
                shown[alert.id] = {
                    **fresh,
                    "acknowledged_by": None,
                    "acknowledged_at": None,
                    "interaction_id": None,
                }
        stored_ids = {e.call_id: e.interaction_id for e in self.ended if e.interaction_id is not None}
        if in_progress is None:
            in_progress = set(self.monitor.calls)
            if self.cluster is not None:
                in_progress |= self.cluster.live_calls()
        notify = {r.id: r.notify for r in self.monitor.rules.rules}
        wanted = "supervisor" if sub.kind == "board" else "agent"
        alerts = []
        for a in list(shown.values())[-limit:]:
            if wanted not in notify.get(a["rule"], a.get("notify", ["supervisor"])):
                continue
            if not sub.may(a["agent"], a["team"]):
                continue
            by, at = self.acks.get(a["id"], (a["acknowledged_by"], a["acknowledged_at"]))
            interaction_id = a["interaction_id"] or stored_ids.get(a["call_id"])
            ended = a["call_id"] not in in_progress
            alerts.append(
                {
                    **a,
                    "acknowledged_by": by,
                    "acknowledged_at": at,
                    "interaction_id": interaction_id,
                    "ended": ended,
                }
            )
        return alerts

    def call_detail(self, sub: Subscriber, call_id: str) -> dict[str, Any] | None:
        call = self.monitor.calls.get(call_id)
        if call is None and self.cluster is not None:  # held by another server
            call = self.cluster.load(call_id, self.monitor.clock(), take=False).call
        if call is None or not sub.may(call.agent, call.team):
            return None
        segments = [call.segment_json(s) for s in call.finals]
        return {
            "type": "transcript",
            "call_id": call_id,
            "segments": segments,
            "checklist": call.ticked,
            "summary": call.summary(self.monitor.now_ms(call)),
        }

    def acknowledge(self, actor: Actor, alert_id: str) -> dict[str, Any]:
        alert = self.alerts.get(alert_id)
        if alert is None:
            with self.factory() as session:
                row = session.get(LiveAlertRow, alert_id)
                owner = Owner(row.agent, row.team) if row else None
        else:
            owner = Owner(alert.agent, alert.team)
        if owner is None or not allowed(actor, Action.LIVE_MONITOR, owner):
            raise CallqaError(ErrorCode.V104, what=f"alert {alert_id}")
        now = datetime.now(UTC)
        self.acks.setdefault(alert_id, (actor.username, now.isoformat()))  # until the writer has saved it
        self._writer.submit(self._write_ack, alert_id, actor.user_id, now)
        message = {"type": "alert_ack", "alert_id": alert_id, "by": actor.username, "at": now.isoformat()}
        self._notify(message, owner.agent, owner.team, ("board",))
        return message

    def _write_ack(self, alert_id: str, user_id: int, now: datetime) -> None:
        with self.factory.begin() as session:
            session.execute(
                update(LiveAlertRow)
                .where(LiveAlertRow.id == alert_id, LiveAlertRow.acknowledged_at.is_(None))
                .values(acknowledged_by=user_id, acknowledged_at=now)
            )

    async def ask_help(self, actor: Actor, question: str, call_id: str | None = None) -> dict[str, Any]:
        """An agent raises a hand; the supervisors of the agent's team see it at once. The row is written
        off the event loop: on SQLite a write waits for the database's one writer, and waiting on the loop
        would stall every socket and request of the server meanwhile."""
        question = question.strip()
        if not question:
            raise CallqaError(ErrorCode.V101, where="help request", reason="the question is empty")
        if call_id is None:
            call_id = next(
                (c.call_id for c in self.monitor.calls.values() if c.agent == actor.agent_name), None
            )
        owner = Owner(actor.agent_name, actor.team)
        if not allowed(actor, Action.LIVE_HELP, owner):
            raise PermissionError("only an agent can ask for help")
        message = await asyncio.to_thread(self._write_help, actor, question, call_id)
        self._notify(message, owner.agent, owner.team, ("board", "agent"))
        return message

    def _write_help(self, actor: Actor, question: str, call_id: str | None) -> dict[str, Any]:
        with self.factory.begin() as session:
            row = HelpRequestRow(
                call_id=call_id,
                agent=actor.agent_name,
                team=actor.team,
                question=question[:2000],
                asked_by=actor.user_id,
                asked_at=datetime.now(UTC),
            )
            session.add(row)
            session.flush()
            return {"type": "help", "help": _help_json(row)}

    async def answer_help(self, actor: Actor, help_id: int, answer: str) -> dict[str, Any]:
        """A supervisor answers; the agent sees it at once (written off the event loop, as questions are)."""
        answer = answer.strip()
        if not answer:
            raise CallqaError(ErrorCode.V101, where=f"help request {help_id}", reason="the answer is empty")
        message, agent, team = await asyncio.to_thread(self._write_answer, actor, help_id, answer)
        self._notify(message, agent, team, ("board", "agent"))
        return message

    def _write_answer(
        self, actor: Actor, help_id: int, answer: str
    ) -> tuple[dict[str, Any], str | None, str | None]:
        with self.factory.begin() as session:
            row = session.get(HelpRequestRow, help_id)
            if row is None or not allowed(actor, Action.LIVE_MONITOR, Owner(row.agent, row.team)):
                raise CallqaError(ErrorCode.V104, what=f"help request {help_id}")
            if row.answered_at is not None:
                raise CallqaError(ErrorCode.V105, what=f"help request {help_id}", state="answered")
            row.answer, row.answered_by, row.answered_at = answer[:4000], actor.user_id, datetime.now(UTC)
            message = {
                "type": "help_answer",
                "help": {**_help_json(row), "answered_by_name": actor.display_name},
            }
            return message, row.agent, row.team

    def open_help(self, actor: Actor, kind: str) -> list[dict[str, Any]]:
        since = datetime.now(UTC) - timedelta(hours=12)
        with self.factory() as session:
            query = select(HelpRequestRow).where(HelpRequestRow.asked_at >= since).order_by(HelpRequestRow.id)
            rows = session.scalars(query).all()
        action = Action.LIVE_MONITOR if kind == "board" else Action.LIVE_ASSIST
        return [
            _help_json(r)
            for r in rows
            if allowed(actor, action, Owner(r.agent, r.team)) and (kind == "agent" or r.answered_at is None)
        ]


def _help_json(row: HelpRequestRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "call_id": row.call_id,
        "agent": row.agent,
        "team": row.team,
        "question": row.question,
        "asked_at": row.asked_at.isoformat() if row.asked_at else None,
        "answer": row.answer,
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
    }


Factory = Callable[[], LiveService]
