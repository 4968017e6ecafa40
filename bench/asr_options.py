"""Recognition speed per CTranslate2 option and batched decoding, each with its word error rate; one process.

    .venv/bin/python bench/asr_options.py [--model base] [--variants all] [--threads 2]

The audio: the three English scripted calls of ``tests/audio/synthetic.py`` (espeak-ng), each as generated
(16 kHz) and after an 8 kHz μ-law round trip, plus the real two-party call of ``../shared/data/audio``
(245 s). Every variant transcribes the same 14 channels (7 stereo calls) in this one process, English forced,
"Acme Bank" as hotword, word timestamps on, Silero VAD, with ``--threads`` CPU threads in all:

  * ``product``: ``transcribe_call`` as ``callqa ingest`` runs it (int8, beam 5, the two channels of a call
    side by side with one thread each, temperature fallback, skipped speech re-read) — the **baseline**,
    run first and again last so the table shows the run's own noise;
  * ``beam 1``, ``int8_float32``, ``int16``, ``float32``, ``1 ch × 2 thr``, ``without_timestamps``: the
    product path with one option changed (``1 ch × 2 thr``: the channels one after the other, two threads
    each; ``without_timestamps``: no segment timestamp tokens decoded, word times still aligned); ``VAD 1 s
    silence`` (1 s silences end a part, 30 s at most) and ``no VAD`` change the Silero settings (``no VAD``:
    silence is read too);
  * ``batched/call bN``: faster-whisper's ``BatchedInferencePipeline``, both channels of one call in one
    batched pass of ≤ 30 s windows, N windows per batch;
  * ``batched/all bN``: the windows of every call in the run decoded together, N per batch (batching across
    calls, the way a worker holding a queue of recordings could).

WER is pooled over the six synthetic calls against their scripts (``normalise`` as in ``asr_wer.py``). The
real call has no reference transcript; its column is the word difference to the ``product`` transcript of the
same run (WER with the product output as reference) — a measure of change, not of accuracy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from asr_batched import BatchedTranscriber, CallAudio, transcribe_calls  # noqa: E402
from audio.synthetic import EN_CALLS, espeak_available, word_error_rate  # noqa: E402
from callqa.audio.channels import merge_turns, transcribe_call  # noqa: E402
from callqa.audio.decode import Audio, load_audio  # noqa: E402
from callqa.audio.transcribe import Transcriber, TranscribeSettings, VadSettings  # noqa: E402
from callqa.core.document import Role  # noqa: E402
from common import peak_mb  # noqa: E402

REAL_CALL = "Auto_Repairs_40_UTC"
HOTWORDS = ("Acme Bank",)
ROLES = {0: Role.AGENT, 1: Role.CUSTOMER}
SHORT_PARTS = VadSettings(min_silence_duration_ms=1000, max_speech_duration_s=30)


@dataclass(frozen=True)
class Call:
    name: str
    audio: Audio  # stereo, 16 kHz
    reference: str | None  # the script; None for the real call


@dataclass(frozen=True)
class Result:
    variant: str
    seconds: float
    cpu: float
    wer: float
    real_diff: float
    texts: dict[str, str]


def load_calls(audio_dir: Path, folder: Path) -> list[Call]:
    calls = []
    for script in EN_CALLS:
        call = script.synthesize()
        calls.append(Call(f"{script.name} 16k", call.audio(), call.text()))
        path = folder / f"{script.name}.wav"
        call.write(path, sample_rate=8000, codec="pcm_mulaw")
        calls.append(Call(f"{script.name} 8k", load_audio(path), call.text()))
    agent = load_audio(audio_dir / f"{REAL_CALL}_agent.wav")
    caller = load_audio(audio_dir / f"{REAL_CALL}_caller.wav")
    stereo = Audio(np.vstack([agent.samples, caller.samples]), 16_000, 8000)
    calls.append(Call("real", stereo, None))
    return calls


def settings(threads: int, **changes: object) -> TranscribeSettings:
    base = TranscribeSettings(model="base", language="en", hotwords=HOTWORDS, cpu_threads=threads)
    return replace(base, **changes)  # type: ignore[arg-type]


def text_of(turns: Sequence[tuple[int, str]]) -> str:
    return " ".join(text for _, text in sorted(turns))


def sequential(base: TranscribeSettings, data_dir: Path) -> Callable[[list[Call]], dict[str, str]]:
    def run(calls: list[Call]) -> dict[str, str]:
        transcriber = Transcriber(base, data_dir=data_dir)
        out = {}
        for call in calls:
            transcript = transcribe_call(call.audio, transcriber, channel_roles=ROLES)
            out[call.name] = text_of([(t.start_ms, t.text) for t in transcript.turns])
        return out

    return run


def batched(
    base: TranscribeSettings, data_dir: Path, batch_size: int, *, across: bool
) -> Callable[[list[Call]], dict[str, str]]:
    def run(calls: list[Call]) -> dict[str, str]:
        transcriber = BatchedTranscriber(base, data_dir=data_dir, batch_size=batch_size)
        groups = [calls] if across else [[c] for c in calls]
        out = {}
        for group in groups:
            items = [CallAudio(c.name, c.audio) for c in group]
            for name, segments in transcribe_calls(items, transcriber).items():
                turns = merge_turns(segments, ROLES)  # turns from word times, as transcribe_call does
                out[name] = text_of([(t.start_ms, t.text) for t in turns])
        return out

    return run


def measure(name: str, run: Callable[[list[Call]], dict[str, str]], calls: list[Call]) -> Result:
    run(calls[:1])  # load and warm the model of this variant
    started, cpu = time.perf_counter(), time.process_time()
    texts = run(calls)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    scripted = [c for c in calls if c.reference is not None]
    wer = word_error_rate([c.reference or "" for c in scripted], [texts[c.name] for c in scripted], "en")
    return Result(name, seconds, cpu, wer, float("nan"), texts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", default="all", help="comma-separated variant names, or all")
    parser.add_argument("--audio", type=Path, default=ROOT.parent / "shared" / "data" / "audio")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "callqa-bench")
    args = parser.parse_args()
    if not espeak_available():
        sys.exit("espeak-ng is not on PATH: apt-get install espeak-ng")
    t, d = args.threads, args.data_dir
    variants: dict[str, Callable[[list[Call]], dict[str, str]]] = {
        "product": sequential(settings(t), d),
        "beam 1": sequential(settings(t, beam_size=1), d),
        "int8_float32": sequential(settings(t, compute_type="int8_float32"), d),
        "int16": sequential(settings(t, compute_type="int16"), d),
        "float32": sequential(settings(t, compute_type="float32"), d),
        "1 ch × 2 thr": sequential(settings(t, parallel=1), d),
        "without_timestamps": sequential(settings(t, without_timestamps=True), d),
        "VAD 1 s silence": sequential(settings(t, vad=SHORT_PARTS), d),
        "no VAD": sequential(settings(t, vad=None), d),
        "batched/call b8": batched(settings(t), d, 8, across=False),
        "batched/call b8 beam 1": batched(settings(t, beam_size=1), d, 8, across=False),
        "batched/all b4": batched(settings(t), d, 4, across=True),
        "batched/all b8": batched(settings(t), d, 8, across=True),
        "batched/all b16": batched(settings(t), d, 16, across=True),
        "batched/all b8 beam 1": batched(settings(t, beam_size=1), d, 8, across=True),
        "product again": sequential(settings(t), d),
    }
    chosen = list(variants) if args.variants == "all" else ["product", *args.variants.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        calls = load_calls(args.audio, Path(folder))
    audio_s = sum(c.audio.duration_ms for c in calls) / 1000
    print(f"{len(calls)} calls, {audio_s:.0f} s of stereo audio; load {os.getloadavg()}", file=sys.stderr)
    results: list[Result] = []
    for name in chosen:
        result = measure(name, variants[name], calls)
        baseline = results[0].texts["real"] if results else result.texts["real"]
        diff = word_error_rate([baseline], [result.texts["real"]], "en")
        results.append(replace(result, real_diff=diff))
        print(f"{name}: {result.seconds:.1f} s WER {result.wer:.3f} load {os.getloadavg()}", file=sys.stderr)
    base = results[0]
    print(
        f"\n{len(calls)} stereo calls, {audio_s:.0f} s of audio, {t} threads, model base; "
        f"peak {peak_mb():.0f} MB\n"
    )
    print(
        "| variant | seconds | RTF | × product | CPU s | × product CPU | audio-h per CPU-h "
        "| WER (6 scripted) | real call Δ words |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.variant} | {r.seconds:.1f} | {r.seconds / audio_s:.3f} | {r.seconds / base.seconds:.2f} | "
            f"{r.cpu:.1f} | {r.cpu / base.cpu:.2f} | {audio_s / r.cpu:.1f} | {r.wer:.3f} | "
            f"{r.real_diff:.3f} |"
        )


if __name__ == "__main__":
    main()
