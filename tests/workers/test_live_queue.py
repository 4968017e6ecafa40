"""Live audio on dedicated workers (issue 20, item 3): a live stream's chunks go to ``callqa worker --queues
live`` over Redis and come back as the same words the server's own model would have heard; with no live
worker the wait ends with W115 and the chunk is dropped, and nothing stays behind on the broker."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis

from callqa.audio.chunk_asr import whisper_transcribe
from callqa.audio.decode import load_audio
from callqa.core.errors import CallqaError
from callqa.core.settings import Settings
from callqa.demo import demo_data_dir
from callqa.live.audio import TwilioStream
from callqa.workers.live_audio import REPLY_PREFIX, decode_samples, encode_samples, remote_transcribe
from live.test_audio import twilio_frames
from workers.workers_support import Cluster, wait_for

pytestmark = [pytest.mark.issue(20), pytest.mark.timeout(240)]
MODEL = "tiny.en"


def _settings(cluster: Cluster) -> Settings:
    return Settings(
        database_url=cluster.database.url.render_as_string(hide_password=False),
        redis_url=cluster.broker,
        data_dir=cluster.folder / "server",
        live_audio_model=MODEL,
    )


def _words(text: str) -> list[str]:
    return [w.strip(".,?!").lower() for w in text.split() if w.strip(".,?!")]


def test_samples_cross_the_broker_unchanged() -> None:
    samples = np.linspace(-1, 1, 16_000, dtype=np.float32)
    assert np.array_equal(decode_samples(encode_samples(samples)), samples)


def test_a_live_worker_transcribes_the_chunks_of_a_stream_as_the_server_would(cluster: Cluster) -> None:
    settings = _settings(cluster)
    cluster.start_worker("--queues", "live", CALLQA_LIVE_AUDIO_MODEL=MODEL)
    remote = remote_transcribe(settings, timeout_s=120)  # the first chunk waits while the worker loads

    # one chunk: the same words as the server's own chunk model on the same samples
    call = load_audio(demo_data_dir() / "calls" / "en-audio-01.flac", 16_000)
    chunk = np.ascontiguousarray(call.samples[0, : 8 * 16_000])
    local = whisper_transcribe(MODEL, cluster.folder / "local", workers=1)(chunk, "en")
    heard = remote(chunk, "en")
    assert _words(local) and _words(heard) == _words(local)

    # a whole stream: Twilio frames in, segments out, every chunk through the live worker
    messages: list[dict[str, Any]] = []
    with ThreadPoolExecutor(4) as pool:
        stream = TwilioStream(remote_transcribe(settings, timeout_s=60), messages.append, pool)

        async def run() -> None:
            for frame in twilio_frames(demo_data_dir() / "calls" / "en-audio-01.flac", seconds=20):
                await stream.handle(frame)

        asyncio.run(run())
    segments = [m for m in messages if m["type"] == "segment"]
    assert messages[0]["type"] == "call_start" and messages[-1]["type"] == "call_end"
    assert {s["role"] for s in segments} == {"agent", "customer"}
    assert sum(len(_words(s["text"])) for s in segments) >= 20
    client = redis.Redis.from_url(cluster.broker)
    assert client.keys(f"{REPLY_PREFIX}*") == []  # every reply popped
    wait_for(lambda: client.llen("live") == 0 and client.hlen("unacked") == 0, 10, "an empty live queue")


def test_without_a_live_worker_the_wait_ends_with_w115_and_the_chunk_expires(
    cluster: Cluster, tmp_path: Path
) -> None:
    remote = remote_transcribe(_settings(cluster), timeout_s=1)
    with pytest.raises(CallqaError, match=r"\[W115\].*callqa worker --queues live"):
        remote(np.zeros(16_000, dtype=np.float32), "en")
    # a worker started later does not transcribe the stale chunk (it expired with the wait)
    cluster.start_worker("--queues", "live", CALLQA_LIVE_AUDIO_MODEL=MODEL)
    client = redis.Redis.from_url(cluster.broker)
    wait_for(lambda: client.llen("live") == 0, 60, "the worker to take (and drop) the expired chunk", cluster)
    assert client.keys(f"{REPLY_PREFIX}*") == []
