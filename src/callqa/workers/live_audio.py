"""Live audio on workers: a server sends each chunk of a live call to the ``live`` queue and waits for its
transcript, so Whisper runs on worker machines (``callqa worker --queues live``), not on the web servers.

A chunk travels as base64 float32 samples (16 kHz) with a reply key; the worker transcribes it with the same
chunk model a server would use (``callqa.audio.chunk_asr``) and pushes the text (or its error) to that key,
which the server pops, blocking, within ``live_audio_timeout_s``. Live work is acknowledged on receipt and
expires with the wait: a chunk a worker lost, or one nobody took in time, is dropped and logged by the stream
(a late transcript is no use to a call in progress), never replayed. The reply expires after a minute if
nobody pops it. The chunk's words pass through Redis unredacted for that moment, like the audio itself; the
monitor redacts them when they arrive, before anything is shown, stored or sent on.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from typing import Any

import numpy as np
import redis
from numpy.typing import NDArray

from callqa.audio.chunk_asr import Transcribe, whisper_transcribe
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.settings import Settings
from callqa.workers.app import make_app, process_runtime
from callqa.workers.queues import LIVE, LIVE_TASK

REPLY_PREFIX = "callqa:live:asr:"
REPLY_TTL_S = 60


def encode_samples(samples: NDArray[np.float32]) -> str:
    return base64.b64encode(np.ascontiguousarray(samples, dtype="<f4").tobytes()).decode("ascii")


def decode_samples(payload: str) -> NDArray[np.float32]:
    return np.frombuffer(base64.b64decode(payload), dtype="<f4").astype(np.float32)


def remote_transcribe(settings: Settings, timeout_s: float | None = None) -> Transcribe:
    """A ``Transcribe`` that has a live worker do the work; raises W115 when none answers in time."""
    app = make_app(settings)  # W110/W111 without PostgreSQL or Redis
    client = redis.Redis.from_url(str(settings.redis_url))
    wait = timeout_s if timeout_s is not None else settings.live_audio_timeout_s

    def run(samples: NDArray[np.float32], language: str | None) -> str:
        key = f"{REPLY_PREFIX}{uuid.uuid4().hex}"
        app.send_task(LIVE_TASK, args=[key, encode_samples(samples), language], queue=LIVE, expires=wait)
        reply = client.blpop([key], timeout=wait)
        if reply is None:
            raise CallqaError(ErrorCode.W115, seconds=wait)
        answer = json.loads(reply[1])
        if "error" in answer:
            raise RuntimeError(f"the live worker failed: {answer['error']}")
        return str(answer["text"])

    return run


class _ChunkModel:
    """This worker process's chunk model (loaded on the first chunk, then shared)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.run: Transcribe | None = None

    def get(self, settings: Settings) -> Transcribe:
        with self.lock:
            if self.run is None:
                self.run = whisper_transcribe(
                    settings.live_audio_model,
                    settings.data_dir,
                    workers=1,
                    hotwords=tuple(settings.live_audio_hotwords),
                )
            return self.run


_MODEL = _ChunkModel()


def transcribe_chunk(task: Any, reply_key: str, payload: str, language: str | None) -> str:
    """The ``live`` task: transcribe one chunk and push ``{"text": …}`` (or ``{"error": …}``) to the key."""
    settings = process_runtime().settings
    try:
        answer = {"text": _MODEL.get(settings)(decode_samples(payload), language)}
    except Exception as exc:  # the server logs it and drops the chunk; the worker goes on
        answer = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    client = redis.Redis.from_url(str(settings.redis_url))
    try:
        pipe = client.pipeline()
        pipe.rpush(reply_key, json.dumps(answer, ensure_ascii=False))
        pipe.expire(reply_key, REPLY_TTL_S)
        pipe.execute()
    finally:
        client.close()
    return f"{len(answer.get('text', ''))} characters" if "text" in answer else answer["error"]
