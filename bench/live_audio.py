"""How many live audio calls (Twilio Media Streams) one machine can transcribe in real time.

    .venv/bin/python bench/live_audio.py [--models tiny.en,base] [--seconds 120] [--streams 1,2,4]

The demo recording (a real 2-channel bank call) is cut to ``--seconds`` and sent as Twilio media frames
(μ-law 8 kHz, 20 ms, both tracks) through the live audio adapter: per-track chunking and faster-whisper
(int8, greedy) on 2 worker threads, as ``/api/live/twilio`` does. ``streams`` copies run at once, as fast
as the machine allows. Capacity = call-seconds transcribed per wall second: the number of calls that can
stream in real time without falling behind. The baseline (same run, same model and threads) is
faster-whisper transcribing each channel of the same audio whole, one after the other (``bare``); the
ratio says what chunking for live use costs against offline transcription.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import peak_mb, run_worker  # noqa: E402


def frames(samples: Any, seconds: float, call: str) -> list[dict[str, Any]]:
    from callqa.live.audio import RATE, encode_ulaw

    tracks = {"outbound": samples[0], "inbound": samples[1]}
    out: list[dict[str, Any]] = [
        {"event": "start", "start": {"callSid": call, "customParameters": {"language": "en"}}}
    ]
    for offset in range(0, int(seconds * RATE), 160):
        for track, channel in tracks.items():
            payload = base64.b64encode(encode_ulaw(channel[offset : offset + 160])).decode()
            out.append({"event": "media", "media": {"track": track, "payload": payload}})
    out.append({"event": "stop"})
    return out


def run_live(model: str, streams: int, seconds: float) -> dict[str, Any]:
    from callqa.audio.chunk_asr import whisper_transcribe
    from callqa.audio.decode import load_audio
    from callqa.demo import demo_data_dir
    from callqa.live.audio import RATE, TwilioStream

    audio = load_audio(demo_data_dir() / "calls" / "en-audio-01.flac", sample_rate=RATE)
    transcribe = whisper_transcribe(model, Path(tempfile.mkdtemp()), workers=2)
    transcribe(audio.samples[0][: RATE * 2].repeat(2), "en")  # load the model before the clock starts
    per_call = [frames(audio.samples, seconds, f"call-{k}") for k in range(streams)]
    segments: list[int] = []
    words = 0

    async def one(stream_frames: list[dict[str, Any]], pool: ThreadPoolExecutor) -> None:
        nonlocal words
        out: list[dict[str, Any]] = []
        stream = TwilioStream(transcribe, out.append, pool)
        for frame in stream_frames:
            await stream.handle(frame)
        texts = [m["text"] for m in out if m["type"] == "segment"]
        segments.append(len(texts))
        words += sum(len(t.split()) for t in texts)

    async def all_streams() -> None:
        with ThreadPoolExecutor(2) as pool:
            await asyncio.gather(*(one(f, pool) for f in per_call))

    started = time.perf_counter()
    asyncio.run(all_streams())
    wall = time.perf_counter() - started
    return {
        "case": "live",
        "model": model,
        "streams": streams,
        "seconds": wall,
        "capacity": streams * seconds / wall,
        "segments": sum(segments),
        "words": words,
        "peak_mb": peak_mb(),
    }


def run_bare(model: str, seconds: float) -> dict[str, Any]:
    from callqa.audio.decode import load_audio
    from callqa.audio.transcribe import Transcriber, TranscribeSettings
    from callqa.demo import demo_data_dir

    audio = load_audio(demo_data_dir() / "calls" / "en-audio-01.flac")
    transcriber = Transcriber(
        TranscribeSettings(model=model, beam_size=1, vad=None, cpu_threads=2, parallel=1),
        data_dir=Path(tempfile.mkdtemp()),
    )
    transcriber.transcribe(audio.samples[0][:32000], language="en")
    started = time.perf_counter()
    words = 0
    for channel in audio.samples:
        words += sum(
            len(s.text.split())
            for s in transcriber.transcribe(channel[: int(seconds * 16000)], language="en")
        )
    wall = time.perf_counter() - started
    return {
        "case": "bare",
        "model": model,
        "streams": 1,
        "seconds": wall,
        "capacity": seconds / wall,
        "words": words,
        "peak_mb": peak_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", default="tiny.en,base")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--streams", default="1,2,4")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        case, model, streams, seconds = args.worker
        result = (
            run_bare(model, float(seconds))
            if case == "bare"
            else run_live(model, int(streams), float(seconds))
        )
        sys.stdout.write(json.dumps(result) + "\n")
        return
    rows = []
    for model in args.models.split(","):
        rows.append(run_worker(__file__, "bare", model, "1", str(args.seconds)))
        print(json.dumps(rows[-1]), flush=True)
        for streams in args.streams.split(","):
            rows.append(run_worker(__file__, "live", model, streams, str(args.seconds)))
            print(json.dumps(rows[-1]), flush=True)
    print(f"\n{args.seconds:.0f} s of the demo call (2 channels) per stream\n")
    print(
        "| model | case | streams at once | wall s | call-seconds per second (= real-time calls) | words "
        "| peak MB | ÷ bare |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    bare = {r["model"]: r for r in rows if r["case"] == "bare"}
    for r in rows:
        print(
            f"| {r['model']} | {r['case']} | {r['streams']} | {r['seconds']:.1f} | {r['capacity']:.2f} | "
            f"{r['words']} | {r['peak_mb']:.0f} | {r['capacity'] / bare[r['model']]['capacity']:.2f} |"
        )


if __name__ == "__main__":
    main()
