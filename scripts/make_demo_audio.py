"""Re-create the demo call recording ``src/callqa/demo/data/calls/en-audio-01.flac`` from its script.

    .venv/bin/python scripts/make_demo_audio.py            # write the recording
    .venv/bin/python scripts/make_demo_audio.py --check    # and show what Whisper tiny.en and base hear

Needs Debian's ``espeak-ng``. Agent Anna Kim (Acme Bank) on the left channel, the customer on the right,
16 kHz stereo FLAC. The same espeak-ng build (1.51, Debian 12) gives the same samples; the sidecar
``en-audio-01.json`` beside it is kept by hand.

What the call holds for the demo scorecard: greeting with name and company, the recording disclosure in the
first seconds, identity verified (date of birth, postcode) before the account is discussed, a duplicate
45 euro card payment, the customer reading out a full card number when the agent asks for "the card number",
the agent saying she does not need it, a refund within five working days, "anything else", thanks.

The card number is the Luhn-valid Visa test number 4646 4646 4646 4644, read in groups with pauses: on
espeak's voice Whisper miscounts runs of one digit (4111 1111 1111 1111 came out as 14 to 19 ones with every
voice tried), and 8 kHz audio made the synthetic voices much harder to understand, so the file is 16 kHz.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from audio.synthetic import Voice, parse_script, synthesize_call  # noqa: E402
from callqa.core.document import Role  # noqa: E402

TARGET = ROOT / "src/callqa/demo/data/calls/en-audio-01.flac"
SAMPLE_RATE = 16_000
SEED = 43
GAPS = (0.3, 0.7)  # seconds between lines
PAUSE_S = 0.6  # between the groups of the card number
VOICES = {Role.AGENT: Voice("en-us+f2", pitch=50), Role.CUSTOMER: Voice("en-us+m3", pitch=45, peak=0.4)}
SCRIPT = parse_script("""
agent: Good morning, thank you for calling Acme Bank, my name is Anna. This call is recorded for quality and
    training. How can I help?
customer: Hi Anna. My card was charged twice for the same payment, forty five euros.
agent: Sorry about that. First I need to verify your identity. Can you tell me your date of birth and your
    postcode, please?
customer: The twelfth of June, nineteen eighty four, and the postcode is one zero one one five.
agent: Thank you, you're verified. Can you give me the card number?
customer: Yes, it's four six four six, | four six four six, | four six four six, | four six four four.
agent: Thanks, but I don't need the full card number, the last four digits are enough. I've refunded the
    duplicate payment, and it will be back on your account within five working days. Is there anything else
    I can help you with?
customer: No, that's all, thank you.
agent: Thank you for calling Acme Bank, have a lovely day.
""")
CARD_WORDS = "four six four four"  # the last group: names the line the card number is read in


def make(target: Path = TARGET) -> None:
    call = synthesize_call(SCRIPT, voices=VOICES, gaps=GAPS, pause=PAUSE_S, seed=SEED)
    call.write(target, sample_rate=SAMPLE_RATE)
    print(f"wrote {target} ({call.duration_ms / 1000:.1f} s, {target.stat().st_size / 1024:.0f} KiB)")
    for line in call.lines:
        print(f"  {line.start_ms / 1000:6.2f}–{line.end_ms / 1000:6.2f} {line.role.value:8} {line.text}")


def check(target: Path = TARGET) -> None:
    """Transcribe the written file with tiny.en and base; print the turns and the card number's words."""
    from callqa.audio.channels import transcribe_call
    from callqa.audio.decode import load_audio
    from callqa.audio.transcribe import Transcriber, TranscribeSettings
    from callqa.privacy.redact import redact_text

    audio = load_audio(target)
    truth = synthesize_call(SCRIPT, voices=VOICES, gaps=GAPS, pause=PAUSE_S, seed=SEED)
    card = next(line for line in truth.lines if CARD_WORDS in line.text)
    data_dir = Path(tempfile.gettempdir()) / "callqa-bench"
    for model in ("tiny.en", "base"):
        settings = TranscribeSettings(
            model=model, language="en", hotwords=("Acme Bank", "Anna"), cpu_threads=2
        )
        transcript = transcribe_call(audio, Transcriber(settings, data_dir=data_dir))
        print(f"\n{model}: roles {transcript.roles.roles} ({transcript.roles.confidence:.2f})")
        for turn in transcript.turns:
            print(f"  {turn.start_ms / 1000:6.2f} {turn.role.value:8} {turn.text}")
        words = [
            w for t in transcript.turns for w in t.words if card.start_ms - 500 <= w.start_ms <= card.end_ms
        ]
        print(f"  card number line ({card.start_ms}–{card.end_ms} ms) as words:")
        for word in words:
            print(f"    {word.start_ms:6d}–{word.end_ms:6d} {word.text!r} p={word.probability:.2f}")
        for turn in transcript.turns:
            if turn.start_ms <= card.end_ms and card.start_ms <= turn.end_ms and turn.role is Role.CUSTOMER:
                print(f"  redacted: {redact_text(turn.text).text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="transcribe it with tiny.en and base")
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args()
    make(args.out)
    if args.check:
        check(args.out)


if __name__ == "__main__":
    main()
