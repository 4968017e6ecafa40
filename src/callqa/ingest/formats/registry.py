"""The registry of built-in input formats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from callqa.ingest.base import FormatRegistry
from callqa.ingest.formats.audio import AUDIO, AudioFormat
from callqa.ingest.formats.aws_transcribe import AWS_TRANSCRIBE
from callqa.ingest.formats.callqa_json import CALLQA_JSON, CALLQA_JSONL
from callqa.ingest.formats.chat import CHAT
from callqa.ingest.formats.csv_metadata import CSV_METADATA
from callqa.ingest.formats.csv_turns import CSV_TURNS
from callqa.ingest.formats.email import EMAIL, MBOX
from callqa.ingest.formats.transcript import TRANSCRIPT
from callqa.storage.keys import key_ring

if TYPE_CHECKING:
    from callqa.core.settings import Settings


def default_registry(settings: Settings | None = None) -> FormatRegistry:
    """A registry holding every built-in format (``settings``: where recordings' copies and models go, and
    the keys that encrypt the copies)."""
    registry = FormatRegistry()
    for fmt in (
        CALLQA_JSON,
        CALLQA_JSONL,
        TRANSCRIPT,
        CSV_TURNS,
        CSV_METADATA,
        EMAIL,
        MBOX,
        CHAT,
        AWS_TRANSCRIBE,
    ):
        registry.register(fmt)
    if settings is None:
        registry.register(AUDIO)
    else:
        registry.register(AudioFormat(settings.resolved_file_store(), settings.data_dir, key_ring(settings)))
    return registry
