"""The scorecard YAML schema: sections → criteria with weight, critical flag, N/A rules and a detector."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["voice", "chat", "email", "social"]
ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Explain(BaseModel):
    """One-line explanations a supervisor reads; ``{note}`` is what the detector found."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    pass_: str | None = Field(None, alias="pass")
    fail: str | None = None
    na: str | None = None


class CriterionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    description: str = ""
    weight: float = Field(1.0, ge=0)
    critical: bool = Field(False, description="a fail auto-fails the whole evaluation")
    channels: list[Channel] | None = Field(None, description="N/A on other channels; all when absent")
    expect: Literal["present", "absent"] = Field(
        "present", description="present: pass when the detector matches; absent: pass when it does not"
    )
    detector: dict[str, Any]
    na_when: dict[str, Any] | None = Field(
        None, description="a detector; the criterion is N/A when it matches"
    )
    applies_when: dict[str, Any] | None = Field(None, description="a detector; N/A unless it matches")
    explain: Explain = Field(default_factory=Explain)
    guidance: str = Field("", description="how a human reviewer should judge this criterion")


class SectionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    criteria: list[CriterionSpec] = Field(min_length=1)


class ScorecardSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$")
    title: str = Field(min_length=1)
    description: str = ""
    languages: list[str] = Field(default_factory=lambda: ["en", "zh", "lt", "fa"])
    pass_mark: float = Field(80.0, ge=0, le=100, description="scores below this are flagged as failing")
    vocabulary: dict[str, list[str]] = Field(
        default_factory=dict, description="{name} in a phrase expands to each of these (e.g. company names)"
    )
    sections: list[SectionSpec] = Field(min_length=1)
