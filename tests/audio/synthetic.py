"""Synthetic two-party calls spoken by espeak-ng from a script: stereo audio and who said what, when.

Each line of a script is spoken with its role's voice and placed on that role's channel (agent 0, customer 1
unless told otherwise) after a pause drawn from ``gaps``; a :class:`Hold` puts silence or soft music between
two lines. The timeline records every line's role, text and where its speech starts and ends.

Used by ``tests/audio/test_synthetic_wer.py``, ``bench/asr_wer.py`` and ``scripts/make_demo_audio.py``;
the last two put ``tests/`` on ``sys.path`` and import ``audio.synthetic``. Needs Debian's ``espeak-ng``.
The same script, voices and seed give the same samples with the same espeak-ng build (1.51 on Debian 12).

Measured with ``bench/asr_wer.py`` (16 kHz): English is clear (WER 0.038 with Whisper base, 0.049 with
tiny.en); the Lithuanian (``lt``) and Persian (``fa``) voices are not (base: WER 0.91 and 0.89, CER 0.35 and
0.45), so only English is fit for accuracy tests; espeak's Mandarin voice reads characters as English-sounding
pinyin, so there is no Chinese at all. Band-limited to 8 kHz, espeak's voices (the female ones most) lose far
more than real telephone speech does: English WER rises to 0.18 (base) and 0.20 (tiny.en).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
import wave
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from callqa.audio.decode import Audio, resample, write_audio
from callqa.core.document import Role

SAMPLE_RATE = 16_000
ESPEAK = "espeak-ng"
PAUSE = "|"
FloatArray = NDArray[np.float32]
_SILENT = 10 ** (-50 / 20)  # below -50 dBFS counts as the silence espeak leaves around a line


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice: a language with an optional variant (``en-gb+f3``), pitch 0–99, words a minute."""

    name: str
    pitch: int = 50
    speed: int = 160
    peak: float = 0.5  # each line is scaled to this peak level


@dataclass(frozen=True)
class Hold:
    """A pause between two lines: silence, or soft chords on the agent's channel (hold music)."""

    seconds: float
    music: bool = True


ScriptLine = tuple[Role | str, str]
ScriptItem = ScriptLine | Hold


@dataclass(frozen=True)
class SpokenLine:
    """One line of the script as placed in the call: who, what, on which channel, when (ms)."""

    role: Role
    text: str
    channel: int
    start_ms: int
    end_ms: int


@dataclass(frozen=True, eq=False)
class SyntheticCall:
    """A generated call: samples (2 × n, float32, 16 kHz), the lines in time order, the holds."""

    samples: FloatArray
    lines: tuple[SpokenLine, ...]
    holds: tuple[tuple[int, int], ...]
    language: str

    @property
    def duration_ms(self) -> int:
        return round(1000 * self.samples.shape[1] / SAMPLE_RATE)

    @property
    def channel_roles(self) -> dict[int, Role]:
        return {line.channel: line.role for line in self.lines}

    def audio(self) -> Audio:
        return Audio(self.samples, SAMPLE_RATE, SAMPLE_RATE, "pcm_f32le")

    def text(self, role: Role | None = None) -> str:
        """The script's words in call order, of one role or of both."""
        return " ".join(line.text for line in self.lines if role is None or line.role is role)

    def said_by(self, role: Role, start_ms: int, end_ms: int, *, slack_ms: int = 300) -> bool:
        """Whether a word heard from ``start_ms`` to ``end_ms`` falls in a line of ``role``, give or take
        ``slack_ms`` (Whisper's word times stray that far, the last word of a line most)."""
        return any(
            line.role is role and line.start_ms - slack_ms < end_ms and start_ms < line.end_ms + slack_ms
            for line in self.lines
        )

    def write(self, path: Path | str, *, sample_rate: int | None = None, codec: str | None = None) -> None:
        """Write the call, e.g. ``.flac``, or ``.wav`` with ``sample_rate=8000, codec="pcm_mulaw"``."""
        write_audio(path, self.audio(), sample_rate=sample_rate, codec=codec)


# agent a man, customer a woman; the demo call picks its own (its agent is Anna)
VOICES: dict[str, dict[Role, Voice]] = {
    "en": {Role.AGENT: Voice("en-us", pitch=40), Role.CUSTOMER: Voice("en-gb+f3", pitch=60, peak=0.4)},
    "lt": {Role.AGENT: Voice("lt", pitch=40, speed=150), Role.CUSTOMER: Voice("lt+f3", pitch=60, speed=150)},
    "fa": {Role.AGENT: Voice("fa", pitch=40, speed=150), Role.CUSTOMER: Voice("fa+f3", pitch=60, speed=150)},
}


@dataclass(frozen=True)
class Script:
    """A named script in one language; ``agent_channel`` 1 puts the agent on the right channel."""

    name: str
    language: str
    items: tuple[ScriptItem, ...]
    agent_channel: int = 0
    seed: int = 0

    def synthesize(self, voices: Mapping[Role, Voice] | None = None) -> SyntheticCall:
        return synthesize_call(
            self.items,
            language=self.language,
            voices=voices,
            agent_channel=self.agent_channel,
            seed=self.seed,
        )


def espeak_available() -> bool:
    return shutil.which(ESPEAK) is not None


def speak(text: str, voice: Voice) -> FloatArray:
    """``text`` spoken by espeak-ng: 1-D float32 at 16 kHz, silence trimmed, scaled to the voice's peak."""
    with tempfile.TemporaryDirectory(prefix="callqa-espeak-") as folder:
        path = Path(folder) / "line.wav"
        command = [ESPEAK, "-v", voice.name, "-p", str(voice.pitch), "-s", str(voice.speed), "-w", str(path)]
        subprocess.run([*command, "--", text], check=True, capture_output=True)
        with wave.open(str(path), "rb") as handle:
            rate = handle.getframerate()
            pcm = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    samples = resample((pcm / 32768).astype(np.float32)[None, :], rate, SAMPLE_RATE)[0]
    loud = np.flatnonzero(np.abs(samples) > _SILENT)
    if not len(loud):
        raise ValueError(f"espeak-ng said nothing for {text!r} with voice {voice.name}")
    samples = samples[loud[0] : loud[-1] + 1]
    return np.asarray(samples * (voice.peak / np.abs(samples).max()), dtype=np.float32)


def hold_music(seconds: float, *, level: float = 0.05) -> FloatArray:
    """Soft hold music: a loop of four sine triads, two seconds a chord, with short fades."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    root = np.asarray((261.63, 220.0, 174.61, 196.0))[(t // 2).astype(int) % 4]
    tone = sum(np.sin(2 * np.pi * root * ratio * t) for ratio in (1.0, 1.26, 1.5))
    fade = np.minimum(1.0, np.minimum(t % 2, 2 - t % 2) / 0.05)
    return np.asarray(level * tone * fade, dtype=np.float32)


def synthesize_call(
    script: Sequence[ScriptItem],
    *,
    language: str = "en",
    voices: Mapping[Role, Voice] | None = None,
    agent_channel: int = 0,
    gaps: tuple[float, float] = (0.3, 1.0),
    lead_in: float = 0.5,
    pause: float = 0.5,
    seed: int = 0,
) -> SyntheticCall:
    """Speak ``script`` ((role, text) lines and holds) as a stereo call with one party per channel.

    A ``|`` in a line is a pause of ``pause`` seconds within it (a card number read in groups).
    """
    voices = voices or VOICES[language]
    channels = {Role.AGENT: agent_channel, Role.CUSTOMER: 1 - agent_channel}
    rng = np.random.default_rng(seed)
    pieces: list[tuple[int, int, FloatArray]] = []  # channel, start sample, samples
    lines: list[SpokenLine] = []
    holds: list[tuple[int, int]] = []
    cursor = round(lead_in * SAMPLE_RATE)
    for index, item in enumerate(script):
        if isinstance(item, Hold):
            length = round(item.seconds * SAMPLE_RATE)
            if item.music:
                pieces.append((channels[Role.AGENT], cursor, hold_music(item.seconds)))
            holds.append((_ms(cursor), _ms(cursor + length)))
            cursor += length
            continue
        role, parts = Role(item[0]), [part.strip() for part in item[1].split(PAUSE)]
        if index:
            cursor += round(rng.uniform(*gaps) * SAMPLE_RATE)
        text = " ".join(parts)
        speech = _joined([speak(part, voices[role]) for part in parts], pause)
        pieces.append((channels[role], cursor, speech))
        lines.append(SpokenLine(role, text, channels[role], _ms(cursor), _ms(cursor + len(speech))))
        cursor += len(speech)
    samples = np.zeros((2, cursor + round(lead_in * SAMPLE_RATE)), dtype=np.float32)
    for channel, start, piece in pieces:
        samples[channel, start : start + len(piece)] += piece
    return SyntheticCall(samples, tuple(lines), tuple(holds), language)


def _joined(parts: list[FloatArray], pause: float) -> FloatArray:
    silence = np.zeros(round(pause * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([x for part in parts for x in (silence, part)][1:])


def _ms(sample: int) -> int:
    return round(1000 * sample / SAMPLE_RATE)


# ---- the scripted calls of the accuracy test and benchmark ----------------------------------------------
# Numbers are written as words, the way espeak should say them; every call has the greeting with the company,
# the recording disclosure, an identity check, a problem, its resolution, "anything else" and thanks.


def parse_script(text: str) -> tuple[ScriptItem, ...]:
    """Script items from ``role: text`` lines; an indented line goes on with the line before it.

    ``hold: 4`` is four seconds of hold music, ``hold: 4 silence`` four seconds of silence.
    """
    items: list[ScriptItem] = []
    for raw in text.strip("\n").splitlines():
        if not raw.strip():
            continue
        if raw[0].isspace():
            last = items[-1]
            if isinstance(last, Hold):
                raise ValueError(f"a hold has no text to go on with: {raw!r}")
            items[-1] = (last[0], f"{last[1]} {raw.strip()}")
            continue
        head, _, rest = raw.partition(":")
        if head == "hold":
            seconds, *kind = rest.split()
            items.append(Hold(float(seconds), music=kind != ["silence"]))
        else:
            items.append((Role(head), rest.strip()))
    return tuple(items)


EN_CALLS = (
    Script(
        "en-lost-card",
        "en",
        parse_script("""
agent: Good morning, thank you for calling Acme Bank, my name is David. Please note this call is recorded
    for quality and training purposes. How can I help you today?
customer: Hi David. I've lost my debit card and I'm worried someone might use it.
agent: I'm sorry to hear that. Before I look at the account, I need to verify your identity. Could you give
    me your full name and date of birth?
customer: Sarah Whitfield, the fourteenth of March, nineteen eighty six.
agent: Thank you, Sarah, you are verified. I have blocked the card now, so nobody can use it. Let me order
    the replacement, one moment please.
hold: 4
agent: Thank you for holding. A new card is on its way and will arrive within five working days.
customer: That's great, thank you.
agent: Is there anything else I can help you with today?
customer: No, that's everything.
agent: Thank you for calling Acme Bank. Have a lovely day.
"""),
        seed=1,
    ),
    Script(
        "en-direct-debit",
        "en",
        parse_script("""
agent: Hello, thanks for calling Acme Bank, this is Michael speaking. This call may be recorded for
    training purposes. What can I do for you?
customer: Hello. I'm calling about a direct debit that I cancelled last month, but the gym still took the
    money.
agent: That's frustrating, let me help. First, can I have your account number and your postcode?
customer: The account number is three seven two nine one eight, and the postcode is M one four five G H.
agent: Thank you, that matches. I can see the payment of twenty nine pounds to City Gym on Friday. Because
    the mandate was cancelled, you are covered by the direct debit guarantee, so I will refund it today.
customer: Oh, brilliant. Will the money be back this week?
agent: Yes, it should reach your account within two working days. Is there anything else I can help with?
customer: No, thank you very much for your help.
agent: You're welcome. Thanks for calling, goodbye.
"""),
        seed=2,
    ),
    Script(
        "en-new-address",
        "en",
        parse_script("""
agent: Good afternoon, you're through to Acme Bank, my name is Peter. Calls are recorded for quality
    purposes. How may I help you?
customer: Hi, I've moved house and I would like to update my address please.
agent: Congratulations on the move. I just need to confirm a few security details first. What is your date
    of birth?
customer: It's the second of July, nineteen ninety.
agent: And the last four digits of your card?
customer: Six two zero eight.
agent: Perfect, you're verified. What is the new address?
customer: Forty two Station Road, Leeds, L S six, three Q P.
agent: Thank you. I've updated the address, and you will receive a letter to confirm the change within
    seven days. Is there anything else I can do for you?
customer: No, that's all. Thanks.
agent: Thank you for calling Acme Bank. Enjoy the new home.
"""),
        agent_channel=1,  # the agent on the right channel: roles must come from what is said
        seed=3,
    ),
)
LT_CALLS = (
    Script(
        "lt-pin-blocked",
        "lt",
        parse_script("""
agent: Laba diena, Acme bankas, kalba Rūta. Informuoju, kad pokalbis įrašomas kokybės užtikrinimo
    tikslais. Kuo galėčiau padėti?
customer: Laba diena. Užsiblokavo mano kortelė, nes bankomate kelis kartus suvedžiau neteisingą PIN kodą.
agent: Suprantu, viską sutvarkysime. Prieš žiūrėdama į sąskaitą turiu patvirtinti jūsų tapatybę. Prašau
    pasakyti savo vardą, pavardę ir gimimo datą.
customer: Tomas Kazlauskas, gimęs birželio mėnesį.
agent: Ačiū, tapatybė patvirtinta. Blokavimą jau nuėmiau, o naują PIN kodą rasite mobiliojoje
    programėlėje.
customer: Puiku, labai ačiū.
agent: Ar galiu dar kuo nors padėti?
customer: Ne, tai viskas.
agent: Ačiū, kad skambinote į Acme banką. Geros dienos!
"""),
        seed=4,
    ),
)
FA_CALLS = (
    Script(
        "fa-pin-blocked",
        "fa",
        parse_script("""
agent: سلام، وقت شما بخیر. بانک اکمه، سارا احمدی هستم. این تماس برای کنترل کیفیت ضبط می‌شود. چطور
    می‌توانم به شما کمک کنم؟
customer: سلام خانم احمدی. امروز صبح رمز کارتم را چند بار اشتباه زدم و کارتم مسدود شده است.
agent: متوجه شدم، نگران نباشید. اول برای احراز هویت لطفاً نام خود و نام پدرتان را بفرمایید.
customer: علی رضایی هستم و نام پدرم حسن است.
agent: ممنونم، هویت شما تأیید شد. مسدودی کارت را برداشتم. لطفاً از طریق اپلیکیشن یک رمز جدید تعریف کنید.
customer: خیلی ممنون، همین کار را می‌کنم.
agent: آیا کار دیگری هست که بتوانم برایتان انجام دهم؟
customer: نه، ممنون. همین بود.
agent: از تماس شما با بانک اکمه سپاسگزاریم. روز خوبی داشته باشید.
"""),
        seed=5,
    ),
)
CALLS: dict[str, tuple[Script, ...]] = {"en": EN_CALLS, "lt": LT_CALLS, "fa": FA_CALLS}


# ---- text normalisation for word error rates -------------------------------------------------------------

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen")  # fmt: skip
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_SMALL = {w: i for i, w in enumerate(_UNITS)} | {w: 10 + i for i, w in enumerate(_TEENS)}
_TEN = {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_SPELLING = {"ok": "okay", "alright": "all right", "post code": "postcode"}
_CURRENCY = {"€": "euros", "£": "pounds", "$": "dollars"}
_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "\u200c": " "})


def normalise(text: str, language: str = "en") -> str:
    """Text reduced to comparable words: lower case, no punctuation, every number as its single digits.

    Numbers are compared digit by digit, so "forty five", "45" and "four five" all become ``4 5`` and a
    card number reads the same whether Whisper wrote "4111" or "four one one one". English number words
    (up to the tens, ordinals like "fourteenth") and "€45" are read; other languages keep their words.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    if language == "fa":
        text = text.translate(_PERSIAN)
    for symbol, word in _CURRENCY.items():
        text = re.sub(rf"{re.escape(symbol)}\s*(\d[\d,.]*)", rf"\1 {word}", text)
    text = re.sub(r"(?<=\d)[,.](?=\d{3}\b)", "", text)  # 1,000 -> 1000
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"\b(?=\w*\d)(?=\w*[^\W\d])\w+\b", lambda m: " ".join(m[0]), text)  # M145GH: M 1 4 5 G H
    for variant, word in _SPELLING.items():
        text = re.sub(rf"\b{variant}\b", word, text)
    chars = []
    for char in text:
        if char.isdigit():
            chars.append(f" {unicodedata.digit(char, 0)} ")
        elif char in "'’" or unicodedata.category(char)[0] in "PS":
            chars.append("" if char in "'’" else " ")
        else:
            chars.append(char)
    words = "".join(chars).split()
    if language == "en":
        words = _english_numbers(words)
    return " ".join(words)


def _english_numbers(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _TEN:
            value = _TEN[word]
            if i + 1 < len(words) and words[i + 1] in _UNITS[1:]:
                value += _SMALL[words[i + 1]]
                i += 1
            elif i + 1 < len(words) and words[i + 1] in _ORDINALS and _ORDINALS[words[i + 1]] < 10:
                value += _ORDINALS[words[i + 1]]
                i += 1
            out += list(str(value))
        elif word in _SMALL:
            out += list(str(_SMALL[word]))
        elif word in _ORDINALS and (word != "second" or words[i + 1 : i + 2] == ["of"]):  # "just a second"
            out += list(str(_ORDINALS[word]))
        else:
            out.append(word)
        i += 1
    return out


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str], language: str = "en") -> float:
    """WER over several texts (pooled: total edits / total reference words) after :func:`normalise`."""
    import jiwer

    refs = [normalise(t, language) for t in references]
    hyps = [normalise(t, language) for t in hypotheses]
    return float(jiwer.wer(refs, hyps))


def char_error_rate(references: Sequence[str], hypotheses: Sequence[str], language: str = "en") -> float:
    """CER after :func:`normalise`, spaces kept (a fairer view where word boundaries are uncertain)."""
    import jiwer

    refs = [normalise(t, language) for t in references]
    hyps = [normalise(t, language) for t in hypotheses]
    return float(jiwer.cer(refs, hyps))
