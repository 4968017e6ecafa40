"""API shapes of the routing-system ids (``/api/routing/ids``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RoutingIdIn(BaseModel):
    """One callqa name's id in one routing system (checked by the service: O134–O138)."""

    system: str = Field(min_length=1, max_length=32, examples=["connect"])
    kind: str = Field(min_length=1, max_length=16, examples=["user"])
    callqa_name: str = Field(min_length=1, max_length=255, examples=["ana"])
    external_id: str = Field(min_length=1, max_length=512, examples=["0f7c1a2b-0000-4000-8000-00000000a001"])


class RoutingIdOut(RoutingIdIn):
    warnings: list[str] = Field(
        default_factory=list,
        description="O171 when callqa knows no such agent, queue or contact reason (stored all the same)",
    )
