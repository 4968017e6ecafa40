"""Call-recording speed: real-time factor per model and callqa's overhead over bare faster-whisper.

    .venv/bin/python bench/asr.py [--models tiny.en base] [--audio ../shared/data/audio]

The real two-party call (one WAV per party, 8 kHz) is made into a stereo FLAC and a mono mix. For each
model, each case runs in a fresh process with the model loaded (and warmed on one second of audio) before
the clock starts:
  * ``bare``: faster-whisper alone on each channel of the stereo call (int8, 2 threads, VAD, word
    timestamps, beam 5) — the **baseline** for ``callqa``;
  * ``bare-mono``: the same on the mono mix — the baseline for ``mono``;
  * ``callqa``: ``callqa ingest`` of the stereo file into a fresh SQLite database — decoding, recognition
    (incl. re-reading skipped speech), channel roles, redaction and muting, audio metrics, the muted copy and
    its waveform peaks, storing;
  * ``mono``: ``callqa ingest`` of the mono mix (diarization instead of channels), with the share of words
    given the right role (truth: the party whose channel is louder while the word is said).
Real-time factor = processing seconds ÷ call seconds. Peak memory is VmHWM of each process.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import peak_mb, run_worker  # noqa: E402

CALL = "Auto_Repairs_40_UTC"
THREADS = 2


def prepare(audio_dir: Path, out: Path) -> tuple[Path, Path, float]:
    from callqa.audio.decode import Audio, load_audio, write_audio

    agent = load_audio(audio_dir / f"{CALL}_agent.wav")
    caller = load_audio(audio_dir / f"{CALL}_caller.wav")
    stereo = Audio(np.vstack([agent.samples, caller.samples]), 16_000, 8000)
    mono = Audio(stereo.samples.mean(axis=0, dtype=np.float32)[np.newaxis, :], 16_000, 8000)
    for name, audio in (("stereo", stereo), ("mono", mono)):
        (out / name).mkdir()
        write_audio(out / name / "call.flac", audio, sample_rate=8000)
    return out / "stereo" / "call.flac", out / "mono" / "call.flac", stereo.duration_ms / 1000


def run_bare(model: str, path: Path, data_dir: Path) -> dict[str, Any]:
    from faster_whisper import WhisperModel

    from callqa.audio.asr_models import resolve_model
    from callqa.audio.decode import load_audio

    folder = resolve_model(model, data_dir=data_dir)
    whisper = WhisperModel(folder.path, device="cpu", compute_type="int8", cpu_threads=THREADS)
    audio = load_audio(path)
    list(whisper.transcribe(audio.channel(0)[:16_000], beam_size=5)[0])  # warm up
    started = time.perf_counter()
    words = 0
    for channel in range(audio.channels):
        segments, _ = whisper.transcribe(
            audio.channel(channel),
            language="en",
            beam_size=5,
            word_timestamps=True,
            vad_filter=True,
        )
        words += sum(len(s.words or ()) for s in segments)
    return {"seconds": time.perf_counter() - started, "words": words, "peak_mb": peak_mb()}


def run_callqa(model: str, path: Path, data_dir: Path, *, stereo: bool) -> dict[str, Any]:
    from callqa.audio.decode import load_audio
    from callqa.audio.transcribe import Transcriber, TranscribeSettings
    from callqa.core.config import AudioConfig, IngestConfig
    from callqa.core.settings import Settings
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.ingest.formats.registry import default_registry
    from callqa.ingest.runner import ingest_paths
    from callqa.interactions.service import load_document

    settings = Settings(data_dir=data_dir)
    engine = create_db_engine(f"sqlite:///{data_dir / 'bench.db'}")
    ensure_schema(engine)
    factory = session_factory(engine)
    config = IngestConfig(
        audio=AudioConfig(model=model, language="en", cpu_threads=THREADS, keep_original=True)
    )
    clip = load_audio(path).channel(0)[:16_000]
    for parallel in (
        (2,) if stereo else (1,)
    ):  # the model instance the call uses (stereo: a decode per channel)
        asr_settings = TranscribeSettings(model=model, language="en", cpu_threads=THREADS, parallel=parallel)
        Transcriber(asr_settings, data_dir=data_dir).transcribe(clip)
    started = time.perf_counter()
    report = ingest_paths([path], factory=factory, registry=default_registry(settings), config=config)
    seconds = time.perf_counter() - started
    assert report.ok, [str(f) for f in report.failures]
    with factory() as session:
        doc = load_document(session, 1)
    assert doc.recording is not None
    result: dict[str, Any] = {
        "seconds": seconds,
        "words": sum(len(t.text.split()) for t in doc.turns),
        "role_confidence": doc.recording.transcription["role_confidence"],
        "layout": doc.recording.transcription["layout"],
        "peak_mb": peak_mb(),
    }
    if result["layout"] == "mono":
        result["role_accuracy"] = _mono_role_accuracy(doc, path.parent.parent / "stereo" / "call.flac")
    engine.dispose()
    return result


def _mono_role_accuracy(doc: Any, stereo_path: Path) -> float:
    """Share of turn time (word-weighted) given to the party whose channel is louder then."""
    from callqa.audio.decode import load_audio

    stereo = load_audio(stereo_path)
    right = total = 0
    for turn in doc.turns:
        words = max(1, len(turn.text.split()))
        louder = _louder(stereo.samples, turn.start_ms, turn.end_ms)
        truth = "agent" if louder == 0 else "customer"
        total += words
        right += words if turn.role.value == truth else 0
    return right / total if total else 0.0


def _louder(samples: np.ndarray, start_ms: int, end_ms: int) -> int:
    window = samples[:, start_ms * 16 : max(end_ms, start_ms + 10) * 16].astype(np.float64)
    return int(np.argmax((window**2).mean(axis=1)))


def worker(argv: list[str]) -> None:
    case, model, path, data_dir = argv[0], argv[1], Path(argv[2]), Path(argv[3])
    if case.startswith("bare"):
        result = run_bare(model, path, data_dir)
    else:
        result = run_callqa(model, path, data_dir, stereo=case == "callqa")
    sys.stdout.write(json.dumps({"case": case, "model": model, **result}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--audio", type=Path, default=ROOT.parent / "shared" / "data" / "audio")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="callqa-asr-bench-") as tmp:
        stereo, mono, call_s = prepare(args.audio, Path(tmp))
        for model in args.models:
            cases = (("bare", stereo), ("callqa", stereo), ("bare-mono", mono), ("mono", mono))
            for case, path in cases:
                data_dir = Path(tmp) / f"{model}-{case}"
                data_dir.mkdir()
                result = run_worker(__file__, case, model, str(path), str(data_dir))
                print(json.dumps(result))
                rows.append(result)
    print(f"\ncall: {call_s:.1f} s, stereo (one party per channel)\n")
    print(
        "| model | case | seconds | real-time factor | × its bare | words heard | role accuracy | peak MB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    baseline = {"bare": "bare", "callqa": "bare", "bare-mono": "bare-mono", "mono": "bare-mono"}
    for model in args.models:
        for r in (r for r in rows if r["model"] == model):
            bare = next(b for b in rows if b["model"] == model and b["case"] == baseline[r["case"]])
            accuracy = f"{r['role_accuracy']:.3f}" if "role_accuracy" in r else ""
            print(
                f"| {model} | {r['case']} | {r['seconds']:.1f} | {r['seconds'] / call_s:.3f} | "
                f"{r['seconds'] / bare['seconds']:.2f} | {r['words']} | {accuracy} | {r['peak_mb']:.0f} |"
            )


if __name__ == "__main__":
    main()
