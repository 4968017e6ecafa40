"""Transcription capacity of ``callqa ingest``: audio-hours per hour and per core, on real and scripted calls.

    .venv/bin/python bench/asr_capacity.py [--model base] [--layouts 1x2,2x1] [--long 3]

The folder ingested (every call stereo, one party per channel):
  * the real two-party call of ``../shared/data/audio`` (245 s, 8 kHz);
  * ``--long`` real-length calls made from that call's own channels: both channels turned (rotated) by a
    different offset and played twice, ≈ 8 min each of real speech — different files (no digest repeats),
    the same voices;
  * the three English scripted calls of ``tests/audio/synthetic.py`` (espeak-ng) as a phone keeps them
    (8 kHz μ-law WAV), whose scripts are the reference for the WER column.

Each layout ingests a fresh copy of the folder into a fresh SQLite database in a fresh process: the whole
ingest path (decode → VAD → recognition incl. the re-read of skipped speech → roles → redaction and muting →
audio metrics, muted copy, peaks → storing), English forced, "Acme Bank" as hotword, model loading included
(once per process). ``PxT`` is P processes (``callqa ingest --workers P``) × T CTranslate2 threads each;
``1x2`` is the default on 2 cores (the two channels of a call decoded side by side, one thread each).
Audio-hours per hour = audio seconds ÷ wall seconds; per core divides by the cores used (P × T). CPU time
is user + system of the ingest process and its workers: audio-hours per CPU-hour barely moves with the load
other programs put on the machine, the wall figures do. Peak memory is VmHWM of the ingest process and the
largest worker's. WER: the stored turns of the scripted calls against their scripts, pooled (``normalise``
as in ``asr_wer.py``); the real-audio calls have no reference transcript and have no WER here.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from common import peak_mb, run_worker  # noqa: E402

REAL_CALL = "Auto_Repairs_40_UTC"
HOTWORDS = ["Acme Bank"]


def prepare(audio_dir: Path, folder: Path, long_calls: int) -> dict[str, Any]:
    """Write the calls into ``folder``; the scripts of the synthetic ones and the audio seconds of each."""
    from audio.synthetic import EN_CALLS
    from callqa.audio.decode import Audio, load_audio, write_audio

    agent = load_audio(audio_dir / f"{REAL_CALL}_agent.wav")
    caller = load_audio(audio_dir / f"{REAL_CALL}_caller.wav")
    stereo = np.vstack([agent.samples, caller.samples])
    write_audio(folder / "real.flac", Audio(stereo, 16_000, 8000), sample_rate=8000)
    seconds = {"real": stereo.shape[1] / 16_000}
    for i in range(long_calls):
        turned = np.roll(stereo, -(i + 1) * 50 * 16_000, axis=1)
        twice = np.concatenate([turned, turned], axis=1)
        write_audio(folder / f"long{i + 1}.flac", Audio(twice, 16_000, 8000), sample_rate=8000)
        seconds[f"long{i + 1}"] = twice.shape[1] / 16_000
    references = {}
    for script in EN_CALLS:
        call = script.synthesize()
        name = f"scripted-{script.name}"
        call.write(folder / f"{name}.wav", sample_rate=8000, codec="pcm_mulaw")
        references[name] = call.text()
        seconds[name] = call.duration_ms / 1000
    return {"seconds": seconds, "references": references}


def run_layout(model: str, processes: int, threads: int, folder: Path, data_dir: Path) -> dict[str, Any]:
    """One ``callqa ingest`` of ``folder`` (runs in its own process)."""
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
    audio = AudioConfig(
        model=model, language="en", hotwords=HOTWORDS, cpu_threads=threads, keep_original=True
    )
    config = IngestConfig(audio=audio)
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    report = ingest_paths(
        [folder], factory=factory, registry=default_registry(settings), config=config, workers=processes
    )
    wall = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    assert report.ok, [str(f) for f in report.failures]
    texts = {}
    with factory() as session:
        for interaction_id in range(1, report.stored + 1):
            doc = load_document(session, interaction_id)
            texts[doc.external_id] = " ".join(t.text for t in doc.turns)
    engine.dispose()
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall": wall, "cpu": cpu, "texts": texts, "peak_mb": peak_mb(), "worker_mb": worker_mb}


def _cpu_seconds() -> float:
    own, children = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.user + own.system + children.ru_utime + children.ru_stime


def worker(argv: list[str]) -> None:
    model, processes, threads, folder, data_dir = argv
    result = run_layout(model, int(processes), int(threads), Path(folder), Path(data_dir))
    sys.stdout.write(json.dumps(result) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="base")
    parser.add_argument("--layouts", default="1x2,2x1", help="PxT: P processes × T threads each")
    parser.add_argument("--long", type=int, default=3, help="real-length calls made from the real call")
    parser.add_argument("--audio", type=Path, default=ROOT.parent / "shared" / "data" / "audio")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    from audio.synthetic import espeak_available, word_error_rate

    if not espeak_available():
        sys.exit("espeak-ng is not on PATH: apt-get install espeak-ng")
    rows = []
    with tempfile.TemporaryDirectory(prefix="callqa-asr-capacity-") as tmp:
        calls = Path(tmp) / "calls"
        calls.mkdir()
        prepared = prepare(args.audio, calls, args.long)
        audio_s = sum(prepared["seconds"].values())
        for layout in args.layouts.split(","):
            processes, threads = (int(n) for n in layout.split("x"))
            folder, data_dir = Path(tmp) / f"in-{layout}", Path(tmp) / f"data-{layout}"
            shutil.copytree(calls, folder)
            data_dir.mkdir()
            load = os.getloadavg()[0]
            result = run_worker(
                __file__, args.model, str(processes), str(threads), str(folder), str(data_dir)
            )
            references = prepared["references"]
            wer = word_error_rate(
                [references[n] for n in references], [result["texts"].get(n, "") for n in references], "en"
            )
            real_words = sum(len(t.split()) for n, t in result["texts"].items() if n not in references)
            row = {"layout": layout, "cores": processes * threads, "load": load, "wer": wer, **result}
            row["real_words"] = real_words
            del row["texts"]
            print(json.dumps(row), file=sys.stderr)
            rows.append(row)
    print(
        f"\nmodel {args.model}; {len(prepared['seconds'])} stereo calls, {audio_s / 60:.1f} min of audio "
        f"({audio_s - sum(prepared['seconds'][n] for n in prepared['references']):.0f} s real, "
        f"{sum(prepared['seconds'][n] for n in prepared['references']):.0f} s scripted)\n"
    )
    print(
        "| processes × threads | wall s | RTF | audio-h per hour | per core | CPU s | audio-h per CPU-h | "
        "WER (scripted) | words (real audio) | peak MB (main / worker) | load at start |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        per_hour = audio_s / r["wall"]
        worker_mb = f"{r['worker_mb']:.0f}" if r["layout"].split("x")[0] != "1" else "–"
        print(
            f"| {r['layout'].replace('x', ' × ')} | {r['wall']:.1f} | {r['wall'] / audio_s:.3f} | "
            f"{per_hour:.1f} | {per_hour / r['cores']:.1f} | {r['cpu']:.1f} | {audio_s / r['cpu']:.1f} | "
            f"{r['wer']:.3f} | {r['real_words']} | {r['peak_mb']:.0f} / {worker_mb} | {r['load']:.1f} |"
        )


if __name__ == "__main__":
    main()
