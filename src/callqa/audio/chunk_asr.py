"""Short chunks of a live call transcribed by one shared faster-whisper model: what a live audio stream
(``callqa.live.audio``) runs on its own thread pool, or a worker on the ``live`` queue runs for it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callqa.audio.transcribe import Transcriber, TranscribeSettings

Transcribe = Callable[[NDArray[np.float32], str | None], str]


def whisper_transcribe(
    model: str,
    data_dir: Any,
    *,
    beam_size: int = 1,
    cpu_threads: int = 1,
    workers: int = 2,
    hotwords: tuple[str, ...] = (),
) -> Transcribe:
    """A ``Transcribe`` over a faster-whisper model shared by every stream (``workers`` chunks at once)."""

    transcriber = Transcriber(
        TranscribeSettings(
            model=model,
            beam_size=beam_size,
            vad=None,
            cpu_threads=cpu_threads * workers,
            parallel=workers,
            hotwords=hotwords,  # brand and product names Whisper would otherwise mishear
        ),
        data_dir=data_dir,
    )

    lock = threading.Lock()

    def run(samples: NDArray[np.float32], language: str | None) -> str:
        with lock:  # the first chunks wait while the model is found (or joined from its parts) and loaded
            transcriber.model()
        return " ".join(s.text.strip() for s in transcriber.transcribe(samples, language=language)).strip()

    return run
