"""Speech to text with faster-whisper (CTranslate2, int8 on the CPU), with word timestamps and VAD.

The model loads lazily, once per process for each (folder, threads) pair, and is shared by every
:class:`Transcriber` that names it. Hotwords and an initial prompt carry the brand, product and agent names
Whisper would otherwise mishear.
"""

from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callqa.audio.asr_models import WhisperFolder, resolve_model
from callqa.core.errors import CallqaError, ErrorCode

SAMPLE_RATE = 16_000
_REREAD_GAP_S = 10.0  # missed speech parts this close are read again as one clip ...
_REREAD_MAX_S = 30.0  # ... of at most one Whisper window


@dataclass(frozen=True)
class VadSettings:
    """Silero VAD (bundled with faster-whisper) options; silence between parts is not transcribed.

    The defaults are faster-whisper's: on the real test call, shorter parts (1 s silences, 30 s at most)
    took twice as long to decode (more temperature fallbacks) and recovered no more speech than re-reading
    the parts Whisper skipped does; over seven calls (``bench/asr_options.py``) they cost the same CPU time
    within the noise at the same word error rate.
    """

    threshold: float = 0.5
    min_speech_duration_ms: int = 0
    min_silence_duration_ms: int = 2000
    speech_pad_ms: int = 400
    max_speech_duration_s: float = float("inf")


@dataclass(frozen=True)
class TranscribeSettings:
    """How to transcribe: which model, which language, and the names Whisper should expect."""

    model: str = "base"
    language: str | None = None  # None: detect it
    hotwords: tuple[str, ...] = ()  # brand, products, agent names
    initial_prompt: str | None = None
    beam_size: int = 5
    # the fastest on the CPU at the best measured word error rate (bench/asr_options.py); int16 and float32
    # cost 1.5× and 2.2× the CPU time, without_timestamps 1.5× with more errors
    compute_type: str = "int8"  # CTranslate2 weights on the CPU: int8, int8_float32, int16, float32
    without_timestamps: bool = False  # no segment timestamp tokens (word timings are aligned either way)
    vad: VadSettings | None = field(default_factory=VadSettings)  # None: transcribe silence too
    cpu_threads: int = 0  # 0: every core
    parallel: int = 1  # transcriptions run at once on the model (one per channel); threads are split
    allow_download: bool = False  # let faster-whisper fetch a hub model that is not cached


@dataclass(frozen=True)
class Word:
    start_ms: int
    end_ms: int
    text: str
    probability: float
    spaced: bool = True  # a space comes before it in running text ("high-end" is "high" + "-end")


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int
    text: str
    words: tuple[Word, ...]
    language: str
    avg_logprob: float


_models: dict[tuple[str, int, int, str], Any] = {}
_models_lock = threading.Lock()


def load_whisper(
    folder: WhisperFolder, cpu_threads: int, workers: int = 1, compute_type: str = "int8"
) -> Any:
    """The process-wide ``faster_whisper.WhisperModel`` for ``folder`` (loaded on first use). Raises I713.

    ``workers`` transcriptions can run on it at once from different threads, ``cpu_threads`` each.
    """
    key = (folder.path, cpu_threads, workers, compute_type)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            try:
                model = WhisperModel(
                    folder.path,
                    device="cpu",
                    compute_type=compute_type,
                    cpu_threads=cpu_threads,
                    num_workers=workers,
                )
            except (RuntimeError, ValueError, OSError) as exc:
                raise CallqaError(ErrorCode.I713, path=folder.path, reason=str(exc)) from exc
            import ctranslate2

            ctranslate2.set_random_seed(0)  # temperature fallback samples: the same call, the same words
            _models[key] = model
        return model


class Transcriber:
    """Turns 16 kHz mono samples into timed segments and words with one configured Whisper model."""

    def __init__(self, settings: TranscribeSettings, *, data_dir: Path) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self._folder: WhisperFolder | None = None

    @property
    def folder(self) -> WhisperFolder:
        if self._folder is None:
            self._folder = resolve_model(
                self.settings.model, data_dir=self.data_dir, allow_download=self.settings.allow_download
            )
        return self._folder

    @property
    def cpu_threads(self) -> int:
        """Threads per transcription: the configured total (0: every core) split between parallel ones."""
        total = self.settings.cpu_threads or os.cpu_count() or 1
        return max(1, total // max(1, self.settings.parallel))

    def model(self) -> Any:
        """The loaded faster-whisper model; raises I714 if a forced language needs a multilingual one."""
        settings = self.settings
        model = load_whisper(self.folder, self.cpu_threads, max(1, settings.parallel), settings.compute_type)
        language = self.settings.language
        if language and language != "en" and not model.model.is_multilingual:
            raise CallqaError(ErrorCode.I714, name=self.settings.model, language=language)
        return model

    @property
    def multilingual(self) -> bool:
        return bool(self.model().model.is_multilingual)

    def detect_language(self, samples: NDArray[np.float32]) -> tuple[str, float] | None:
        """The language heard in the speech of ``samples`` and its probability; None without speech."""
        model = self.model()
        vad = self.settings.vad
        try:
            language, probability, _ = model.detect_language(
                _checked(samples), vad_filter=vad is not None, vad_parameters=_vad_options(vad)
            )
        except ValueError:  # VAD found no speech: nothing to concatenate
            return None
        return str(language), float(probability)

    def transcribe(self, samples: NDArray[np.float32], *, language: str | None = None) -> list[Segment]:
        """Segments with word timings in ms from the start; ``language`` overrides the setting.

        Whisper reads the VAD's speech parts glued together and sometimes skips a few short ones whole
        (a customer's "2018 Tesla Model S" between two long agent turns); speech parts left without a
        single word are read again without the glue.
        """
        audio = _checked(samples)
        vad = self.settings.vad
        if vad is None:
            return self._decode(audio, language or self.settings.language)[0]
        # the VAD runs once: its speech parts are glued for Whisper here (as faster-whisper's own
        # ``vad_filter`` does) and reused to find the parts Whisper skipped
        speech = speech_parts(audio, vad)
        if not speech:
            return []
        segments, spoken = self._decode(audio, language or self.settings.language, speech=speech)
        missed = _missed_speech(speech, segments)
        if missed:
            again, _ = self._decode(audio, spoken, clips=missed)
            segments = sorted([*segments, *again], key=lambda s: s.start_ms)
        return segments

    def _decode(
        self,
        audio: NDArray[np.float32],
        language: str | None,
        *,
        speech: list[dict[str, int]] | None = None,
        clips: list[tuple[float, float]] | None = None,
    ) -> tuple[list[Segment], str]:
        """Read ``audio`` whole, only its ``speech`` parts glued together, or only the ``clips``."""
        from faster_whisper.transcribe import restore_speech_timestamps
        from faster_whisper.vad import collect_chunks

        settings = self.settings
        extra: dict[str, Any] = {"clip_timestamps": [t for clip in clips for t in clip]} if clips else {}
        options: dict[str, Any] = {
            "language": language,
            "beam_size": settings.beam_size,
            "initial_prompt": settings.initial_prompt,
            "hotwords": ", ".join(settings.hotwords) or None,
            "vad_filter": False,
            "without_timestamps": settings.without_timestamps,
            **extra,
        }
        heard = np.concatenate(collect_chunks(audio, speech)[0]) if speech else audio
        for word_timestamps in (True, False):
            try:
                raw, info = self.model().transcribe(heard, word_timestamps=word_timestamps, **options)
                found = restore_speech_timestamps(raw, speech, SAMPLE_RATE) if speech else raw
                spoken = str(info.language)
                return [segment_of(s, spoken) for s in found if s.text.strip()], spoken
            except IndexError:
                # faster-whisper's word alignment can fail on some audio (upstream find_alignment bug);
                # segments without word times still count (each a single timed "word", muted whole if
                # redacted)
                if not word_timestamps:
                    raise
        raise AssertionError("unreachable")


def speech_parts(audio: NDArray[np.float32], vad: VadSettings) -> list[dict[str, int]]:
    """The VAD's speech parts as faster-whisper gives them (``start`` / ``end`` in samples)."""
    from faster_whisper.vad import get_speech_timestamps

    return list(get_speech_timestamps(audio, _vad_options(vad)))


def _missed_speech(speech: list[dict[str, int]], segments: list[Segment]) -> list[tuple[float, float]]:
    """The VAD's speech parts (start, end in seconds) that no transcribed word overlaps."""
    words = [w for s in segments for w in s.words]
    starts = np.array([w.start_ms for w in words], dtype=np.int64)
    ends = np.array([w.end_ms for w in words], dtype=np.int64)
    missed: list[tuple[float, float]] = []
    for chunk in speech:
        start, end = int(chunk["start"]) / SAMPLE_RATE, int(chunk["end"]) / SAMPLE_RATE
        if np.any((starts < 1000 * end) & (ends > 1000 * start)):
            continue
        # short parts read alone come out empty or garbled; neighbours read together give Whisper context
        if missed and start - missed[-1][1] <= _REREAD_GAP_S and end - missed[-1][0] <= _REREAD_MAX_S:
            missed[-1] = (missed[-1][0], end)
        else:
            missed.append((start, end))
    return missed


def _vad_options(vad: VadSettings | None) -> Any:
    from faster_whisper.vad import VadOptions

    return VadOptions(**asdict(vad)) if vad else None


def _checked(samples: NDArray[np.float32]) -> NDArray[np.float32]:
    if samples.ndim != 1:
        raise ValueError(f"transcribe one channel at a time (1-D samples), got shape {samples.shape}")
    return np.ascontiguousarray(samples, dtype=np.float32)


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def segment_of(raw: Any, language: str) -> Segment:
    words = tuple(
        Word(
            _ms(w.start),
            max(_ms(w.start), _ms(w.end)),
            w.word.strip(),
            round(float(w.probability), 4),
            spaced=w.word[:1].isspace(),
        )
        for w in raw.words or ()
        if w.word.strip()
    )
    start, end = _ms(raw.start), _ms(raw.end)
    return Segment(start, max(start, end), raw.text.strip(), words, language, float(raw.avg_logprob))
