"""Call recordings (WAV incl. telephony μ-law/A-law, MP3, M4A, OGG/Opus, FLAC), transcribed on the way in.

One interaction per file; the file name pattern and a sidecar JSON apply as for transcripts, and a queue
or language found there picks the language Whisper is told to expect. The original file is deleted once
its interaction is stored unless ``ingest.audio.keep_original`` is set; a recording already stored (same
bytes) is recognised by its digest and not transcribed again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from callqa.audio.recording import RecordingJob, file_sha256, process_recording
from callqa.core.config import IngestConfig
from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.settings import Settings
from callqa.ingest.base import Failure, Parsed, ParseResult, SourceRef
from callqa.ingest.file_metadata import name_fields, sidecar_fields, sidecar_for
from callqa.storage.keys import KeyRing, key_ring

SUFFIXES = frozenset({".wav", ".wave", ".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".oga", ".opus", ".flac"})


def _magic(head: bytes) -> bool:
    return (
        (head[:4] == b"RIFF" and head[8:12] == b"WAVE")
        or head[:4] in (b"OggS", b"fLaC")
        or head[:3] == b"ID3"
        or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)  # MPEG audio frame sync
        or head[4:8] == b"ftyp"
    )


class AudioFormat:
    """Recordings; ``store_root``, ``data_dir`` and ``keys`` say where copies and models go and what encrypts
    the copies (default: the settings')."""

    name = "audio"
    summary = "call recording (WAV, MP3, M4A, OGG/Opus, FLAC): transcribed offline with Whisper"
    per_file = True
    parallel = True  # parsing is CPU-bound: ``ingest --workers N`` runs it in N processes

    def __init__(
        self, store_root: str | None = None, data_dir: Path | None = None, keys: KeyRing | None = None
    ) -> None:
        self.store_root = store_root
        self.data_dir = data_dir
        self.keys = keys

    def sniff(self, path: Path, head: bytes) -> float:
        known = path.suffix.lower() in SUFFIXES
        if known and _magic(head):
            return 0.95
        return 0.6 if known else (0.5 if _magic(head) else 0.0)

    def fingerprint(self, path: Path) -> str:
        """The digest a stored recording keeps (``recording.source_sha256``)."""
        return file_sha256(path)

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]:
        ref = SourceRef(path)
        try:
            language = _language(path, config)
            store_root, data_dir, keys = self._places()
            job = RecordingJob(config.audio, store_root, data_dir, store_keys=keys)
            doc = process_recording(path, job, language=language)
        except CallqaError as exc:
            yield Failure.of(ref, exc)
            return
        except OSError as exc:
            yield Failure.coded(ref, ErrorCode.I103, reason=exc.strerror or exc)
            return
        yield Parsed(doc, ref, consumed=None if config.audio.keep_original else path)

    def _places(self) -> tuple[str, Path, KeyRing]:
        if self.store_root is not None and self.data_dir is not None and self.keys is not None:
            return self.store_root, self.data_dir, self.keys

        settings = Settings()
        return (
            self.store_root or settings.resolved_file_store(),
            self.data_dir or settings.data_dir,
            self.keys if self.keys is not None else key_ring(settings),
        )


def _language(path: Path, config: IngestConfig) -> str | None:
    """The language to force: the file's own (name pattern or sidecar), else its queue's, else configured."""
    fields = name_fields(path, config)
    sidecar = sidecar_for(path)
    if sidecar is not None:
        fields.update(sidecar_fields(sidecar))
    language = fields.get("language")
    if isinstance(language, str) and language:
        return language.split("-")[0].lower()
    queue = fields.get("queue")
    return config.audio.language_for(queue if isinstance(queue, str) else None)


AUDIO = AudioFormat()
