"""An LLM judge as a detector: off unless an endpoint is configured; answers cached by prompt version."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from callqa.core.errors import CallqaError
from callqa.ml.llm import LlmJudge
from callqa.scoring.detectors.base import Context, Result, detectors, evidence_for


def transcript_text(ctx: Context) -> str:
    """The redacted transcript as ``[n] Role: text`` lines (turn numbers let the judge's quote be found)."""
    return "\n".join(f"[{i + 1}] {t.role.title()}: {t.text}" for i, t in enumerate(ctx.analysis.turns))


@detectors.register("llm")
class LlmDetector:
    """Matches when the judge answers "yes" to the question; N/A when it is off or answers "n/a"."""

    type_name: ClassVar[str] = "llm"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        question: str = Field(min_length=5)
        prompt_version: str = "v1"

    def __init__(self, params: Params, path: str) -> None:
        self.params = params

    def evaluate(self, ctx: Context) -> Result:
        judge: LlmJudge | None = ctx.services.llm
        if judge is None:
            return Result(False, 0.0, (), "LLM judge is off (configure llm in callqa.yaml)", applicable=False)
        try:
            verdict = judge.ask(self.params.question, transcript_text(ctx), self.params.prompt_version)
        except CallqaError as exc:
            return Result(False, 0.0, (), f"LLM judge failed: {exc}", applicable=False)
        evidence = []
        if verdict.quote:
            for i in ctx.scope:
                pos = ctx.analysis.turns[i].text.find(verdict.quote)
                if pos >= 0:
                    evidence.append(evidence_for(ctx, i, pos, pos + len(verdict.quote)))
                    break
        note = verdict.explanation or f"LLM judge answered {verdict.answer}"
        return Result(verdict.answer == "yes", 0.7, tuple(evidence), note, applicable=verdict.answer != "n/a")
