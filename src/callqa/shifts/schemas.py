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
