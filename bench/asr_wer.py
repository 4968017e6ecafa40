"""Word error rate of Whisper tiny.en and base on scripted calls spoken by espeak-ng; prints a markdown table.

    .venv/bin/python bench/asr_wer.py [--models tiny.en,base] [--languages en,lt,fa] [--threads 2]

Needs Debian's ``espeak-ng``. The calls are the fixed scripts of ``tests/audio/synthetic.py`` (three English,
one Lithuanian, one Persian, ≈ 1 min each), each heard twice: as generated (16 kHz) and after a round trip
through an 8 kHz μ-law WAV, the way a phone system records. Every call goes through ``transcribe_call`` with
the language forced and the brand as a hotword; roles are decided from the content. WER and CER are pooled
over a language's calls after ``normalise`` (lower case, no punctuation, numbers digit by digit);
"wrong role" is the share of transcribed words placed under a role while only the other party spoke
(± 300 ms), "in silence" the share heard while nobody spoke (insertions, such as a closing "thank you"
Whisper adds at the end of a channel). RTF is transcription time over call length (both channels).
tiny.en is English only, so it runs on English alone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import ctranslate2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from audio.synthetic import (  # noqa: E402
    CALLS,
    SyntheticCall,
    char_error_rate,
    espeak_available,
    word_error_rate,
)
from callqa.audio.channels import CallTranscript, transcribe_call  # noqa: E402
from callqa.audio.decode import Audio, load_audio  # noqa: E402
from callqa.audio.transcribe import Transcriber, TranscribeSettings  # noqa: E402
from callqa.core.document import Role  # noqa: E402

HOTWORDS = {"en": ("Acme Bank",), "lt": ("Acme bankas",), "fa": ("بانک اکمه",)}
CONDITIONS = ("16 kHz", "8 kHz μ-law")


@dataclass(frozen=True)
class Row:
    model: str
    language: str
    condition: str
    calls: int
    audio_s: float
    wer: float
    cer: float
    wrong_role: float
    in_silence: float
    roles_right: int
    rtf: float


def telephone(call: SyntheticCall, folder: Path) -> Audio:
    """The call as a phone system would keep it: 8 kHz μ-law WAV, decoded back to 16 kHz."""
    path = folder / "call.wav"
    call.write(path, sample_rate=8000, codec="pcm_mulaw")
    return load_audio(path)


def misplaced_words(call: SyntheticCall, transcript: CallTranscript) -> tuple[int, int, int]:
    """(words under a role while only the other party spoke, words heard in silence, all words)."""
    wrong = silent = total = 0
    for turn in transcript.turns:
        other = Role.CUSTOMER if turn.role is Role.AGENT else Role.AGENT
        for word in turn.words:
            total += 1
            if not call.said_by(turn.role, word.start_ms, word.end_ms):
                if call.said_by(other, word.start_ms, word.end_ms):
                    wrong += 1
                else:
                    silent += 1
    return wrong, silent, total


def measure(model: str, language: str, condition: str, *, threads: int, data_dir: Path) -> Row:
    settings = TranscribeSettings(
        model=model, language=language, hotwords=HOTWORDS[language], cpu_threads=threads
    )
    transcriber = Transcriber(settings, data_dir=data_dir)
    transcriber.model()
    ctranslate2.set_random_seed(0)  # the temperature fallback samples; seeded, runs repeat
    calls = [script.synthesize() for script in CALLS[language]]
    references, hypotheses = [], []
    wrong = silent = words = roles_right = 0
    elapsed = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for call in calls:
            audio = call.audio() if condition == "16 kHz" else telephone(call, Path(folder))
            started = time.perf_counter()
            transcript = transcribe_call(audio, transcriber)
            elapsed += time.perf_counter() - started
            references.append(call.text())
            hypotheses.append(" ".join(t.text for t in transcript.turns))
            roles_right += transcript.roles.roles == call.channel_roles
            counts = misplaced_words(call, transcript)
            wrong, silent, words = wrong + counts[0], silent + counts[1], words + counts[2]
    seconds = sum(c.duration_ms for c in calls) / 1000
    return Row(
        model,
        language,
        condition,
        len(calls),
        seconds,
        word_error_rate(references, hypotheses, language),
        char_error_rate(references, hypotheses, language),
        wrong / max(words, 1),
        silent / max(words, 1),
        roles_right,
        elapsed / seconds,
    )


def table(rows: list[Row]) -> str:
    lines = [
        "| model | language | audio | calls (s) | WER | CER | wrong role | in silence | roles right | RTF |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.model} | {r.language} | {r.condition} | {r.calls} ({r.audio_s:.0f}) | {r.wer:.3f} | "
            f"{r.cer:.3f} | {r.wrong_role:.1%} | {r.in_silence:.1%} | {r.roles_right}/{r.calls} | "
            f"{r.rtf:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="tiny.en,base")
    parser.add_argument("--languages", default="en,lt,fa")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "callqa-bench",
        help="joined base model",
    )
    args = parser.parse_args()
    if not espeak_available():
        sys.exit("espeak-ng is not on PATH: apt-get install espeak-ng")
    rows = []
    for model in args.models.split(","):
        for language in args.languages.split(","):
            if model.endswith(".en") and language != "en":
                continue
            for condition in CONDITIONS:
                row = measure(model, language, condition, threads=args.threads, data_dir=args.data_dir)
                print(f"{model} {language} {condition}: WER {row.wer:.3f}", file=sys.stderr)
                rows.append(row)
    print(table(rows))


if __name__ == "__main__":
    main()
