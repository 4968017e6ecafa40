"""Live monitoring over WebSocket: ingest (integrations), the supervisor board and the agent assist page.

Sockets authenticate like the rest of the app: an API token (``Authorization: Bearer`` or ``?token=``) or
the session cookie; a cookie-authenticated socket must come from this site's own pages (the ``Origin``
header is checked, the WebSocket form of CSRF protection).
"""

from __future__ import annotations

import asyncio
import gc
import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from callqa.access.policies import Action, Owner, allowed
from callqa.audio.chunk_asr import whisper_transcribe
from callqa.core.errors import CallqaError, ErrorCode
from callqa.live.audio import TwilioStream
from callqa.live.cluster import Cluster
from callqa.live.hub import Subscriber
from callqa.live.rules import load_rules
from callqa.live.service import LiveOptions, LiveService
from callqa.live.webhooks import WebhookSender
from callqa.users.schemas import Actor, UserRole
from callqa.users.service import actor_for, actor_for_token
from callqa.web.deps import CurrentActor, DbSession, RowId, audit, refusals, require, signed_in_session
from callqa.web.render import render

pages = APIRouter(tags=["live"])
api = APIRouter(prefix="/api/live", tags=["live"])

POLICY_VIOLATION = 1008


def live_service(app: FastAPI) -> LiveService:
    """The app's live service, created on first use (tests and ``callqa serve`` alike)."""
    service: LiveService | None = getattr(app.state, "live", None)
    if service is None:
        runtime = app.state.runtime
        settings = runtime.settings
        options = LiveOptions(
            realtime=True, score_calls=settings.live_score_calls, model_process=settings.live_model_process
        )
        service = LiveService(
            runtime,
            load_rules(settings.live_rules_file),
            options=options,
            webhooks=WebhookSender(settings.live_webhooks),
            cluster=(
                Cluster(settings.redis_url, ttl_s=settings.live_call_ttl_s, lease_s=settings.live_lease_s)
                if settings.redis_url
                else None
            ),
        )
        service.monitor.prime()
        gc.freeze()  # what is loaded now lives as long as the server: keep it out of the collector's scans
        app.state.live = service
    service.start()
    return service


def _socket_actor(websocket: WebSocket) -> Actor | None:
    header = websocket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    token = value.strip() if scheme.lower() == "bearer" else websocket.query_params.get("token")
    with websocket.app.state.factory.begin() as session:
        if token:
            return actor_for_token(session, token)
        origin = websocket.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != websocket.headers.get("host"):
            return None  # a cookie sent along by another site's page
        row = signed_in_session(websocket, session)
        return actor_for(session, row.user_id) if row is not None else None


@api.websocket("/ingest")
async def ingest(websocket: WebSocket) -> None:
    """Call events in: call_start, segment, event, call_end (docs/live.md). Bad messages are answered
    with an ``error`` message naming the message and the cause; the stream goes on."""
    actor = _socket_actor(websocket)
    if actor is None or not allowed(actor, Action.LIVE_INGEST):
        await websocket.close(POLICY_VIOLATION, "an API token of an admin is needed to stream calls")
        return
    await websocket.accept()
    service = live_service(websocket.app)
    count = 0
    try:
        while True:
            frame = await websocket.receive_text()
            count += 1
            error = service.ingest(frame, f"message {count}")
            if error is not None:
                await websocket.send_text(json.dumps({"type": "error", "message": error}, ensure_ascii=False))
    except WebSocketDisconnect:
        return


async def _serve(websocket: WebSocket, sub: Subscriber, service: LiveService) -> None:
    service.hub.add(sub)
    pump = asyncio.create_task(sub.pump())
    try:
        await websocket.send_text(json.dumps(service.snapshot(sub), ensure_ascii=False))
        while True:
            receive = asyncio.create_task(websocket.receive_text())
            done, _ = await asyncio.wait({receive, pump}, return_when=asyncio.FIRST_COMPLETED)
            if pump in done:  # the receiver fell too far behind, or the socket failed
                receive.cancel()
                await websocket.close(1013, "too far behind; reconnect")
                return
            reply = await _command(service, sub, receive.result())
            if reply is not None:
                await websocket.send_text(json.dumps(reply, ensure_ascii=False))
    except WebSocketDisconnect:
        return
    finally:
        service.hub.remove(sub)
        pump.cancel()


async def _command(service: LiveService, sub: Subscriber, frame: str) -> dict[str, Any] | None:
    """A page's request: watch / unwatch a call, acknowledge an alert, ask for or give help."""
    try:
        raw = json.loads(frame)
        kind = raw.get("type") if isinstance(raw, dict) else None
        if kind == "watch" and sub.kind == "board":
            sub.watching = {str(raw.get("call_id"))}
            return service.call_detail(sub, str(raw.get("call_id"))) or {
                "type": "error",
                "message": "no such call",
            }
        if kind == "unwatch":
            sub.watching.clear()
            return None
        if kind == "ack" and sub.kind == "board":
            service.acknowledge(sub.actor, str(raw.get("alert_id")))
            return None
        if kind == "answer" and sub.kind == "board":
            await service.answer_help(sub.actor, int(raw.get("help_id")), str(raw.get("text") or ""))
            return None
        if kind == "help" and sub.kind == "agent":
            await service.ask_help(sub.actor, str(raw.get("question") or ""), raw.get("call_id"))
            return None
        return {"type": "error", "message": f"unknown request {kind!r}"}
    except CallqaError as exc:
        return {"type": "error", "message": str(exc)}
    except (ValueError, TypeError) as exc:
        return {"type": "error", "message": f"bad request: {exc}"}


@api.websocket("/board")
async def board(websocket: WebSocket) -> None:
    """The supervisor board: calls in the viewer's scope, alerts, help requests; watch one call's words."""
    actor = _socket_actor(websocket)
    if actor is None or actor.role is UserRole.AGENT:
        await websocket.close(POLICY_VIOLATION, "the live board is for supervisors, QA analysts and admins")
        return
    await websocket.accept()
    service = live_service(websocket.app)
    await _serve(websocket, Subscriber(actor, "board", websocket.send_text), service)


@api.websocket("/agent")
async def agent(websocket: WebSocket) -> None:
    """An agent's assist feed: their call's words, checklist ticks, cards, alerts meant for them."""
    actor = _socket_actor(websocket)
    if actor is None or actor.role is not UserRole.AGENT or actor.agent_name is None:
        await websocket.close(POLICY_VIOLATION, "the assist page is for agents")
        return
    await websocket.accept()
    service = live_service(websocket.app)
    await _serve(websocket, Subscriber(actor, "agent", websocket.send_text), service)


def _transcriber(app: FastAPI) -> tuple[Any, Any]:
    """The app's shared Whisper model for audio streams and the pool its chunks run on."""
    shared = getattr(app.state, "live_audio", None)
    if shared is None and app.state.settings.live_audio_on_workers:
        from callqa.workers.live_audio import remote_transcribe  # Celery: only when asked for

        # the threads only wait for the live workers' answers: enough for many chunks in flight
        shared = app.state.live_audio = (
            remote_transcribe(app.state.settings),
            ThreadPoolExecutor(32, thread_name_prefix="callqa-asr-wait"),
        )
    if shared is None:
        settings = app.state.settings
        workers = settings.live_audio_workers
        transcribe = whisper_transcribe(
            settings.live_audio_model,
            settings.data_dir,
            workers=workers,
            hotwords=tuple(settings.live_audio_hotwords),
        )
        shared = app.state.live_audio = (
            transcribe,
            ThreadPoolExecutor(workers, thread_name_prefix="callqa-asr"),
        )
    return shared


@api.websocket("/twilio")
async def twilio(websocket: WebSocket) -> None:
    """Twilio Media Streams (μ-law 8 kHz, both tracks): speech is transcribed and monitored like any call.
    The admin API token comes as ``?token=`` or as the stream's custom parameter ``token``."""
    await websocket.accept()
    service = live_service(websocket.app)
    actor = _socket_actor(websocket) if websocket.query_params.get("token") else None
    transcribe, pool = _transcriber(websocket.app)
    errors: list[str] = []

    def emit(message: dict[str, Any]) -> None:
        error = service.ingest(message, "audio stream")
        if error is not None:
            errors.append(error)

    stream = TwilioStream(transcribe, emit, pool)
    try:
        while True:
            frame = json.loads(await websocket.receive_text())
            if actor is None and frame.get("event") == "start":
                token = ((frame.get("start") or {}).get("customParameters") or {}).get("token")
                with websocket.app.state.factory.begin() as session:
                    actor = actor_for_token(session, str(token)) if token else None
            if frame.get("event") in ("start", "media", "stop") and (
                actor is None or not allowed(actor, Action.LIVE_INGEST)
            ):
                await websocket.close(POLICY_VIOLATION, "an API token of an admin is needed to stream calls")
                return
            await stream.handle(frame)
            if frame.get("event") == "stop":
                await websocket.close()
                return
    except (CallqaError, ValueError) as exc:
        await websocket.close(1007, str(exc)[:120])
    except WebSocketDisconnect:
        return


class HelpBody(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    call_id: str | None = None


class AnswerBody(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


def _refusals() -> AbstractContextManager[None]:
    return refusals([ErrorCode.V105], missing=[ErrorCode.V104])


@api.get("/calls")
async def calls(request: Request, actor: CurrentActor) -> dict[str, Any]:
    """Calls in progress that the caller may see, with recent alerts and open help requests."""
    if actor.role is UserRole.AGENT:
        raise HTTPException(403, "the live board is for supervisors, QA analysts and admins")
    return live_service(request.app).snapshot(Subscriber(actor, "board", _no_send))


@api.get("/stats")
async def stats(request: Request, actor: CurrentActor) -> dict[str, Any]:
    """The live service's counters (admins): messages received and rejected, model backlog ..."""
    require(actor, Action.LIVE_INGEST)
    return live_service(request.app).stats()


@api.post("/alerts/{alert_id}/ack")
async def acknowledge(request: Request, alert_id: str, actor: CurrentActor) -> dict[str, Any]:
    """Acknowledge an alert (supervisors of the call's team, QA analysts, admins); every board sees it."""
    with _refusals():
        return live_service(request.app).acknowledge(actor, alert_id)


@api.post("/help")
async def ask_help(request: Request, body: HelpBody, actor: CurrentActor) -> dict[str, Any]:
    """Raise a hand (agents): the supervisors of the agent's team see the question at once."""
    require(actor, Action.LIVE_HELP, Owner(actor.agent_name, actor.team))
    with _refusals():
        return await live_service(request.app).ask_help(actor, body.question, body.call_id)


@api.post("/help/{help_id}/answer")
async def answer_help(
    request: Request, help_id: RowId, body: AnswerBody, actor: CurrentActor
) -> dict[str, Any]:
    """Answer an agent's help request; the agent's assist page shows the answer at once."""
    with _refusals():
        return await live_service(request.app).answer_help(actor, help_id, body.text)


async def _no_send(message: str) -> None:
    return None


@pages.get("/live", response_class=HTMLResponse)
def board_page(request: Request, session: DbSession, actor: CurrentActor) -> HTMLResponse:
    # The view is audited in the request's own transaction: a second session here would wait on the write
    # lock the first one holds (the token's last use) and, async, stall the event loop meanwhile.
    if actor.role is UserRole.AGENT:
        raise HTTPException(404, "not found")
    audit(request, session, actor, "view", "live_board", None)
    return render(request, "live_board.html", {})


@pages.get("/live/assist", response_class=HTMLResponse)
async def assist_page(request: Request, actor: CurrentActor) -> HTMLResponse:
    if actor.role is not UserRole.AGENT:
        raise HTTPException(404, "not found")
    rules = live_service(request.app).monitor.rules
    return render(request, "live_assist.html", {"checklist": rules.checklist})
