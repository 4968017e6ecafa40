"""The ``Interaction`` document and its parts; ``docs/interaction.schema.json`` is generated from here."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1


class Channel(StrEnum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"


class Role(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"
    BOT = "bot"


class EventKind(StrEnum):
    HOLD = "hold"
    TRANSFER = "transfer"
    MUTE = "mute"
    IVR = "ivr"
    QUEUE = "queue"
    CONFERENCE = "conference"
    OTHER = "other"


# Bounds that keep every value storable and every date computable (a start_ms of 10^21 overflowed the
# driver; a start in year 9999 broke every roll-up's day arithmetic): times within an interaction up to a
# year (an e-mail thread), starts from 1970 to before 2100.
MAX_MS = 366 * 24 * 3600 * 1000
# A turn longer than this is cut (an e-mail of ~1,300 words; a 1 MB "turn" held up scoring for every other
# interaction), and an interaction keeps at most MAX_TURNS turns; what was cut is recorded in the metadata
# under "callqa_truncated".
MAX_TURN_CHARS = 8_000
MAX_CHANNELS = 64  # audio channels of a recording (a channel index of 2**70 overflowed the driver)
MAX_TURNS = 5_000
TRUNCATED = "callqa_truncated"
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=False)


class Turn(_Model):
    """One utterance, chat message or e-mail body, with who said it and when (ms from the start)."""

    role: Role
    text: str = Field(min_length=1)
    start_ms: int | None = Field(default=None, ge=0, le=MAX_MS)
    end_ms: int | None = Field(default=None, ge=0, le=MAX_MS)
    speaker: str | None = Field(
        default=None, description="Name or label of the person (agent name, 'spk_1')."
    )
    channel_index: int | None = Field(
        default=None, ge=0, le=MAX_CHANNELS - 1, description="Audio channel the turn came from."
    )
    external_id: str | None = Field(
        default=None,
        max_length=255,
        description="Id of the message in the source system (e-mail Message-ID).",
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> Turn:
        if self.start_ms is not None and self.end_ms is not None and self.end_ms < self.start_ms:
            raise ValueError(f"end_ms {self.end_ms} is before start_ms {self.start_ms}")
        return self


class Event(_Model):
    """Something that happened during the interaction other than speech: hold, transfer, IVR ..."""

    kind: EventKind
    start_ms: int | None = Field(default=None, ge=0, le=MAX_MS)
    end_ms: int | None = Field(default=None, ge=0, le=MAX_MS)
    detail: str | None = Field(default=None, description="Free text, e.g. the transfer target.")

    @model_validator(mode="after")
    def _end_after_start(self) -> Event:
        if self.start_ms is not None and self.end_ms is not None and self.end_ms < self.start_ms:
            raise ValueError(f"end_ms {self.end_ms} is before start_ms {self.start_ms}")
        return self


class Survey(_Model):
    """The customer's post-contact survey answers."""

    csat: float | None = Field(default=None, ge=0, description="CSAT answer on a 1..csat_scale scale.")
    csat_scale: int = Field(default=5, ge=2, le=100, description="Top of the CSAT scale (5 or 10 usually).")
    nps: int | None = Field(default=None, ge=0, le=10, description="Likelihood to recommend, 0..10.")
    comment: str | None = None
    responded_at: datetime | None = None

    @model_validator(mode="after")
    def _csat_on_scale(self) -> Survey:
        if self.csat is not None and self.csat > self.csat_scale:
            raise ValueError(f"csat {self.csat} is above csat_scale {self.csat_scale}")
        return self

    def is_empty(self) -> bool:
        return self.csat is None and self.nps is None and not self.comment


class MutedSpan(_Model):
    """A stretch of the recording silenced because its words were redacted (``channel`` None = all)."""

    start_ms: int = Field(ge=0, le=MAX_MS)
    end_ms: int = Field(ge=0, le=MAX_MS)
    channel: int | None = Field(default=None, ge=0, le=MAX_CHANNELS - 1)
    kind: str = Field(description="What was redacted there: card_number, cvv, national_id ...")


class Recording(_Model):
    """The call audio kept with an interaction: where the (redacted) copy lives and how it was heard."""

    uri: str = Field(description="File-store URI of the audio to play (the redacted copy when redacted).")
    media_type: str = Field(default="audio/flac")
    duration_ms: int = Field(ge=0, le=MAX_MS)
    channels: int = Field(ge=1, le=MAX_CHANNELS)
    sample_rate: int = Field(gt=0, le=1_000_000, description="Sample rate of the stored copy.")
    source_sha256: str = Field(description="Digest of the original file (re-imports of it are recognised).")
    original_uri: str | None = Field(default=None, description="The original, kept only if configured.")
    muted: list[MutedSpan] = Field(default_factory=list)
    peaks_uri: str | None = Field(default=None, description="File-store URI of the waveform peaks (JSON).")
    transcription: dict[str, Any] = Field(
        default_factory=dict,
        description="How the transcript was made: engine, model, language, diarization, role confidence.",
    )


class Interaction(_Model):
    """A call, chat, e-mail thread or social conversation between a contact centre and a customer.

    ``(source, external_id)`` identifies it: importing it again updates the stored copy.
    """

    external_id: str = Field(min_length=1, max_length=255)
    source: str = Field(default="callqa", min_length=1, max_length=64)
    channel: Channel
    direction: Direction | None = None
    agent: str | None = Field(default=None, max_length=255, description="Agent id or name.")
    team: str | None = Field(default=None, max_length=255)
    queue: str | None = Field(default=None, max_length=255)
    customer: str | None = Field(default=None, max_length=255, description="Customer or account reference.")
    started_at: datetime | None = Field(default=None, description="Start time; naive times are taken as UTC.")
    duration_ms: int | None = Field(default=None, ge=0, le=MAX_MS)
    language: str | None = Field(
        default=None, max_length=35, description="BCP 47 tag: en, zh-Hans, lt, fa ..."
    )
    subject: str | None = Field(default=None, description="E-mail subject or contact reason as given.")
    turns: list[Turn] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    survey: Survey | None = None
    metadata: dict[str, Any] = Field(default_factory=dict, description="Anything else, kept as given.")
    recording: Recording | None = Field(default=None, description="The call audio, for voice interactions.")

    @field_validator("started_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        try:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{value.isoformat()} cannot be a start time") from None
        if not EARLIEST <= value < LATEST:
            raise ValueError(f"{value.isoformat()} is outside {EARLIEST.year}–{LATEST.year - 1}")
        return value

    @model_validator(mode="after")
    def _bounded(self) -> Interaction:
        """Cut over-long turns and turn lists, saying so in the metadata (nothing is cut silently)."""
        long = [i for i, t in enumerate(self.turns) if len(t.text) > MAX_TURN_CHARS]
        dropped = max(0, len(self.turns) - MAX_TURNS)
        if not long and not dropped:
            return self
        note: dict[str, Any] = {}
        if long:
            note["turns"] = {str(i): len(self.turns[i].text) for i in long}
            for i in long:
                self.turns[i] = self.turns[i].model_copy(update={"text": self.turns[i].text[:MAX_TURN_CHARS]})
        if dropped:
            note["turns_dropped"] = dropped
            self.turns = self.turns[:MAX_TURNS]
        self.metadata = {**self.metadata, TRUNCATED: note}
        return self

    @field_validator("survey")
    @classmethod
    def _drop_empty_survey(cls, value: Survey | None) -> Survey | None:
        return None if value is None or value.is_empty() else value

    def effective_duration_ms(self) -> int | None:
        """The stated duration, else the end of the last timed turn or event."""
        if self.duration_ms is not None:
            return self.duration_ms
        ends = [t.end_ms or t.start_ms for t in self.turns] + [e.end_ms or e.start_ms for e in self.events]
        known = [e for e in ends if e is not None]
        return max(known) if known else None

    def content_hash(self) -> str:
        """A stable digest of the whole document; equal documents have equal hashes."""
        payload = self.model_dump(mode="json")
        if payload.get("recording") is None:  # documents without audio hash as before recordings existed
            payload.pop("recording", None)
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def interaction_json_schema() -> dict[str, Any]:
    """The published JSON Schema of one interaction document."""
    schema = Interaction.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:callqa:schema:interaction:v{SCHEMA_VERSION}"
    return schema
