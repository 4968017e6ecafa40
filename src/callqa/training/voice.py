"""A spoken answer: the browser's recording (WAV, WebM or OGG) decoded and transcribed by the same offline
Whisper the product transcribes calls with, in the scenario's language. The audio itself is never kept."""

from __future__ import annotations

import tempfile
from pathlib import Path

from callqa.audio.decode import load_audio
from callqa.audio.transcribe import Transcriber
from callqa.core.errors import CallqaError, ErrorCode

SUFFIXES = (".wav", ".webm", ".ogg", ".oga", ".opus")
MAX_BYTES = 20 * 1024 * 1024  # a long spoken answer in WAV is a few MB
MAX_SECONDS = 180


def whisper_language(language: str) -> str:
    """Whisper's code for a scenario's language tag (zh-Hans → zh)."""
    return language.replace("_", "-").split("-")[0].lower()


def transcribe_answer(
    data: bytes, *, name: str, practice_id: int, language: str, transcriber: Transcriber
) -> str:
    """The words of a recorded answer (T126 when the file is not audio, too long, or holds no speech)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        reason = f"not a WAV, WebM or OGG recording (ends {suffix or 'without a suffix'})"
        raise CallqaError(ErrorCode.T126, practice=practice_id, name=name, reason=reason)
    if not data or len(data) > MAX_BYTES:
        reason = "it is empty" if not data else f"it is over {MAX_BYTES // (1024 * 1024)} MB"
        raise CallqaError(ErrorCode.T126, practice=practice_id, name=name, reason=reason)
    with tempfile.TemporaryDirectory(prefix="callqa-answer-") as folder:
        path = Path(folder) / f"answer{suffix}"
        path.write_bytes(data)
        try:
            audio = load_audio(path)
        except CallqaError as exc:
            raise CallqaError(ErrorCode.T126, practice=practice_id, name=name, reason=str(exc)) from exc
    if audio.duration_ms > MAX_SECONDS * 1000:
        reason = f"it lasts {audio.duration_ms // 1000} s; at most {MAX_SECONDS} s"
        raise CallqaError(ErrorCode.T126, practice=practice_id, name=name, reason=reason)
    segments = transcriber.transcribe(audio.mono(), language=whisper_language(language))
    text = " ".join(s.text.strip() for s in segments).strip()
    if not text:
        raise CallqaError(ErrorCode.T126, practice=practice_id, name=name, reason="no speech was heard in it")
    return text
