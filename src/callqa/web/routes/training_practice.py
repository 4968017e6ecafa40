"""Practice sessions over HTTP: start, answer (typed or recorded), abandon, read; the API and the pages.

Handlers load the practice (404 when unseen), authorize, and call ``callqa.training.practice``; the pipeline,
the scorecard store, the LLM endpoint and the Whisper model come from the app's runtime.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from callqa.access.policies import Action, Owner, allowed
from callqa.audio.transcribe import Transcriber, TranscribeSettings
from callqa.core.errors import ErrorCode
from callqa.runtime import Runtime
from callqa.training import practice as engine
from callqa.training.llm_customer import LlmCustomer
from callqa.training.models import PracticeRow, ScenarioRow
from callqa.training.practice_checks import Judging
from callqa.training.practice_queries import (
    practice_json,
    practices,
    scenario_titles,
    summary_json,
)
from callqa.training.voice import MAX_BYTES, transcribe_answer
from callqa.users.schemas import Actor, UserRole
from callqa.web.deps import BodyId, CurrentActor, DbSession, RowId, refusals, require

api = APIRouter(prefix="/api", tags=["training"])
_MISSING = (ErrorCode.T101, ErrorCode.T120)
CONFLICTS = (ErrorCode.T121, ErrorCode.T124, ErrorCode.T130)
_whisper_lock = threading.Lock()


class PracticeStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario_id: BodyId
    level: int = Field(default=1, ge=1, le=3)
    assignment_id: BodyId | None = None
    customer: Literal["offline", "llm"] = "offline"


class PracticeAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=engine.MAX_ANSWER * 2)
    step: str | None = Field(default=None, max_length=64)  # the step whose line this answers


# ---- what the runtime lends


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def judging_of(request: Request) -> Judging:
    runtime = runtime_of(request)
    return Judging(runtime.pipeline, runtime.scorecards.current, runtime.services)


def customer_of(request: Request) -> LlmCustomer | None:
    """The LLM customer when the LLM endpoint is configured (``llm.enabled``), else None."""
    llm = runtime_of(request).config.llm
    if not llm.enabled:
        return None
    return LlmCustomer(llm.base_url, llm.model, api_key=llm.api_key(), timeout_s=llm.timeout_s)


def whisper_of(request: Request) -> Transcriber:
    """One Transcriber per app, configured as call recordings are transcribed (``ingest.audio``)."""
    state = request.app.state
    with _whisper_lock:
        found: Transcriber | None = getattr(state, "practice_whisper", None)
        if found is None:
            runtime = runtime_of(request)
            audio = runtime.config.ingest.audio
            found = Transcriber(
                TranscribeSettings(
                    model=audio.model,
                    hotwords=tuple(audio.hotwords) + tuple(audio.company),
                    beam_size=audio.beam_size,
                    cpu_threads=audio.cpu_threads,
                    allow_download=audio.allow_download,
                ),
                data_dir=runtime.settings.data_dir,
            )
            state.practice_whisper = found
    return found


# ---- loading and access


def own_owner(actor: Actor) -> Owner | None:
    """Whose practice the actor would start: an agent's own; staff a trial (nobody's)."""
    if actor.role is UserRole.AGENT:
        return Owner(agent=actor.agent_name, team=actor.team)
    return None


def seen_practice(session: Session, actor: Actor, practice_id: int, *, lock: bool = False) -> PracticeRow:
    """The practice, or 404 (also when the actor may not see it)."""
    with refusals(missing=_MISSING):
        row = engine.get_practice(session, practice_id, lock=lock)
    require(actor, Action.PRACTICE_VIEW, engine.owner_of(session, row), hide=True)
    return row


def own_practice(session: Session, actor: Actor, practice_id: int) -> PracticeRow:
    """The actor's own practice (only who started a practice answers it or abandons it)."""
    row = seen_practice(session, actor, practice_id, lock=True)
    if row.agent_id != actor.user_id:
        raise HTTPException(403, "only who started a practice answers it")
    require(actor, Action.PRACTICE_RUN, engine.owner_of(session, row))
    return row


def start(request: Request, session: Session, actor: Actor, body: PracticeStart) -> PracticeRow:
    require(actor, Action.PRACTICE_RUN, own_owner(actor))
    customer = customer_of(request) if body.customer == "llm" else None
    with refusals(CONFLICTS, missing=(ErrorCode.T101,)):
        return engine.start_practice(
            session,
            actor,
            body.scenario_id,
            level=body.level,
            assignment_id=body.assignment_id,
            customer=body.customer,
            customer_lines=customer,
        )


def give_answer(
    request: Request,
    session: Session,
    row: PracticeRow,
    text: str,
    how: engine.Input,
    step: str | None = None,
) -> None:
    customer = customer_of(request) if row.customer == "llm" else None
    with refusals(CONFLICTS):
        engine.answer(
            session,
            row,
            text,
            judging=judging_of(request),
            input=how,
            customer_lines=customer,
            replying_to=step,
        )


def spoken(request: Request, session: Session, row: PracticeRow, upload: UploadFile) -> str:
    """The words of the uploaded answer, heard in the scenario's language."""
    scenario = session.get(ScenarioRow, row.scenario_id)
    language = scenario.language if scenario is not None else "en"
    data = upload.file.read(MAX_BYTES + 1)
    with refusals():
        return transcribe_answer(
            data,
            name=upload.filename or "answer",
            practice_id=row.id,
            language=language,
            transcriber=whisper_of(request),
        )


# ---- API


@api.post("/practices", status_code=201)
def start_practice(
    request: Request, session: DbSession, actor: CurrentActor, body: PracticeStart
) -> dict[str, Any]:
    """Start practising a scenario `level` (1–3), optionally for an open `assignment_id`; `customer`
    "llm" lets the configured LLM endpoint say the customer's lines (offline: the script as written).
    An agent practises as themselves; analysts and admins may try a scenario out."""
    row = start(request, session, actor, body)
    return practice_json(session, row)


@api.get("/practices")
def list_practices(
    session: DbSession,
    actor: CurrentActor,
    agent: Annotated[str | None, Query(max_length=255, description="an agent's name")] = None,
) -> dict[str, Any]:
    """Practices the caller may see, newest first; `agent` narrows them to one agent's."""
    name = agent.strip() if agent and agent.strip() else None
    if actor.role is UserRole.AGENT:
        rows = practices(session, agent_id=actor.user_id, agent_name=name)
    else:
        rows = practices(session, agent_name=name)
    seen = [r for r in rows if allowed(actor, Action.PRACTICE_VIEW, engine.owner_of(session, r))]
    titles = scenario_titles(session, {r.scenario_id for r in seen})
    return {"practices": [summary_json(r, titles) for r in seen]}


@api.get("/practices/{practice_id}")
def get_practice(session: DbSession, actor: CurrentActor, practice_id: RowId) -> dict[str, Any]:
    """A practice: the brief, every line said, each answer's checks and branch, and the result."""
    return practice_json(session, seen_practice(session, actor, practice_id))


@api.post("/practices/{practice_id}/answer")
def answer_practice(
    request: Request, session: DbSession, actor: CurrentActor, practice_id: RowId, body: PracticeAnswer
) -> dict[str, Any]:
    """Answer the customer's line by text; the reply holds the customer's next line or the result. With
    `step` (the step whose line is answered), an answer to a line that is no longer the current one is
    refused (409, T130) instead of being taken as the answer to the next line."""
    row = own_practice(session, actor, practice_id)
    give_answer(request, session, row, body.text, "typed", body.step)
    return practice_json(session, row)


@api.post("/practices/{practice_id}/answer-audio")
def answer_practice_audio(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    practice_id: RowId,
    audio: Annotated[UploadFile, File(description="the spoken answer: WAV, WebM or OGG")],
    step: Annotated[str | None, Form(max_length=64, description="the step whose line is answered")] = None,
) -> dict[str, Any]:
    """Answer by voice: the recording is transcribed offline in the scenario's language (and not kept)."""
    row = own_practice(session, actor, practice_id)
    text = spoken(request, session, row, audio)
    give_answer(request, session, row, text, "voice", step)
    return practice_json(session, row)


@api.post("/practices/{practice_id}/abandon")
def abandon_practice(session: DbSession, actor: CurrentActor, practice_id: RowId) -> dict[str, Any]:
    """Stop a running practice unscored."""
    row = own_practice(session, actor, practice_id)
    with refusals(CONFLICTS):
        engine.abandon(session, actor, row)
    return practice_json(session, row)
