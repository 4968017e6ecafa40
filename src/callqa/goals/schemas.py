"""What a goal is made of, as given by a user (checked by the service with coded errors)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class GoalIn(BaseModel):
    metric: str = Field(max_length=64, description="one of the goal metrics (GET /api/goals lists them)")
    criterion: str | None = Field(
        default=None, max_length=255, description="a pass-rate goal's criterion: its title or id"
    )
    scope: str = Field(max_length=16, description="centre, team or agent")
    team: str | None = Field(default=None, max_length=255, description="a team goal's team")
    agent: str | None = Field(default=None, max_length=255, description="an agent goal's agent")
    period: str = Field(max_length=16, description="week, month or quarter")
    starts_on: date = Field(description="the first day of the goal's first period (a Monday, a 1st …)")
    target: float = Field(description="the value to reach, in the metric's unit (a share in percent)")
