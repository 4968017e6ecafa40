"""What a round and a bid are made of, as given by a user (checked by the service with coded errors)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class RoundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=255, description="what agents read, e.g. 'January 2027'")
    team: str | None = Field(
        default=None, max_length=255, description="the team it is for (none: the centre)"
    )
    blocks: list[str] = Field(
        max_length=60, description="the blocks (e.g. weeks) an agent works one shift of"
    )
    opens_at: datetime = Field(description="bids are taken from (ISO 8601 with its offset)")
    closes_at: datetime = Field(description="until (exclusive)")
    order: list[str] = Field(
        default=["fairness", "seniority", "skills"],
        max_length=3,
        description="how contested seats are decided, strongest first: fairness, seniority, skills",
    )
    max_choices: int = Field(default=3, description="shifts an agent may rank per block (1–20)")
    time_limit_s: float = Field(default=60.0, description="the solver's time limit in seconds (1–3600)")


class BidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choices: list[str] = Field(
        max_length=1000, description="shift ids, most wanted first; the rank counts within each block"
    )


class SpanIn(BaseModel):
    """One working span of a shift, in the centre's local time (an end at or before the start: next day)."""

    model_config = ConfigDict(extra="forbid")

    date: str = Field(max_length=40, description="YYYY-MM-DD")
    start: str = Field(max_length=40, description="HH:MM")
    end: str = Field(max_length=40, description="HH:MM")


class ShiftEntryIn(BaseModel):
    """A shift entered on the round's page or over the API (the columns of a shifts CSV file)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=200, description="the shift's id in the round; agents rank these")
    block: str = Field(max_length=200, description="one of the round's blocks")
    label: str = Field(default="", max_length=255, description="what agents read (default: its first span)")
    spans: list[SpanIn] = Field(max_length=62, description="its working spans (e.g. Monday to Friday)")
    seats: int | None = Field(default=None, description="most agents it takes; none: no limit")
    skills: list[str] = Field(default=[], max_length=50, description="skills an agent needs to take it")


class ShiftPatchIn(BaseModel):
    """The fields of a shift to change; those left out keep their values."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, max_length=200)
    block: str | None = Field(default=None, max_length=200)
    label: str | None = Field(default=None, max_length=255)
    spans: list[SpanIn] | None = Field(default=None, max_length=62)
    seats: int | None = None
    skills: list[str] | None = Field(default=None, max_length=50)


class DemandEntryIn(BaseModel):
    """A headcount entered on the round's page or over the API (the columns of a demands CSV file)."""

    model_config = ConfigDict(extra="forbid")

    date: str = Field(max_length=40, description="YYYY-MM-DD")
    start: str = Field(max_length=40, description="HH:MM, the centre's local time")
    end: str = Field(max_length=40, description="HH:MM (at or before the start: the next day)")
    skill: str | None = Field(default=None, max_length=200, description="agents holding it; none: any agent")
    headcount: int = Field(description="at least this many agents working all of the interval")


class DemandPatchIn(BaseModel):
    """The fields of a demand to change; those left out keep their values."""

    model_config = ConfigDict(extra="forbid")

    date: str | None = Field(default=None, max_length=40)
    start: str | None = Field(default=None, max_length=40)
    end: str | None = Field(default=None, max_length=40)
    skill: str | None = Field(default=None, max_length=200)
    headcount: int | None = None
