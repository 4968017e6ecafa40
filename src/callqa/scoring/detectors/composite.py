"""Detectors made of detectors: all / any / not, position and speaker scopes, and order."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from callqa.scoring.detectors.base import (
    Context,
    Detector,
    Result,
    Speaker,
    Window,
    clock,
    detectors,
    evidence_for,
)
from callqa.scoring.detectors.build import build_detector
from callqa.scoring.detectors.echo import echoed


class _Of(BaseModel):
    model_config = ConfigDict(extra="forbid")
    of: list[dict[str, Any]] = Field(min_length=1)


def _children(params: _Of, path: str) -> list[Detector]:
    return [build_detector(spec, f"{path}.of[{i}]") for i, spec in enumerate(params.of)]


@detectors.register("all")
class AllDetector:
    """Matches when every child matches (in order, stopping at the first that does not); evidence from all."""

    type_name: ClassVar[str] = "all"
    Params = _Of

    def __init__(self, params: _Of, path: str) -> None:
        self.children = _children(params, path)

    def evaluate(self, ctx: Context) -> Result:
        # Stops at the first child that does not match: later (costlier) children need not run.
        results: list[Result] = []
        for child in self.children:
            result = child.evaluate(ctx)
            if not result.applicable:
                return result
            results.append(result)
            if not result.matched:
                evidence = tuple(e for r in results if r.matched for e in r.evidence)
                return Result(False, result.confidence, evidence, result.note)
        evidence = tuple(e for r in results for e in r.evidence)
        return Result(True, min(r.confidence for r in results), evidence, "; ".join(r.note for r in results))


@detectors.register("any")
class AnyDetector:
    """Matches when a child matches (tried in order, cheap first); the evidence is that child's."""

    type_name: ClassVar[str] = "any"
    Params = _Of

    def __init__(self, params: _Of, path: str) -> None:
        self.children = _children(params, path)

    def evaluate(self, ctx: Context) -> Result:
        # Stops at the first match: list cheap detectors (phrases) before semantic or LLM ones.
        results: list[Result] = []
        for child in self.children:
            result = child.evaluate(ctx)
            if result.matched and result.applicable:
                return result
            results.append(result)
        notes = "; ".join(dict.fromkeys(r.note for r in results))
        return Result(False, min(r.confidence for r in results), (), notes)


@detectors.register("not")
class NotDetector:
    """Matches when the child does not; the child's evidence shows what broke the rule."""

    type_name: ClassVar[str] = "not"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        detector: dict[str, Any]

    def __init__(self, params: Params, path: str) -> None:
        self.child = build_detector(params.detector, f"{path}.detector")

    def evaluate(self, ctx: Context) -> Result:
        r = self.child.evaluate(ctx)
        note = f"not expected but {r.note}" if r.matched else r.note
        return Result(not r.matched, r.confidence, r.evidence, note, r.applicable)


@detectors.register("position")
class PositionDetector:
    """Runs its detector only on turns within a window (first/last N turns or seconds)."""

    type_name: ClassVar[str] = "position"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        within: Window
        speaker: Speaker = "any"
        detector: dict[str, Any]

    def __init__(self, params: Params, path: str) -> None:
        self.params = params
        self.child = build_detector(params.detector, f"{path}.detector")

    def evaluate(self, ctx: Context) -> Result:
        return self.child.evaluate(ctx.narrow(self.params.speaker, self.params.within))


@detectors.register("speaker")
class SpeakerDetector:
    """Runs its detector only on one party's turns."""

    type_name: ClassVar[str] = "speaker"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        speaker: Speaker
        detector: dict[str, Any]

    def __init__(self, params: Params, path: str) -> None:
        self.params = params
        self.child = build_detector(params.detector, f"{path}.detector")

    def evaluate(self, ctx: Context) -> Result:
        return self.child.evaluate(ctx.narrow(self.params.speaker, None))


@detectors.register("order")
class OrderDetector:
    """``first`` must happen before ``then`` (e.g. identity verified before account details are given).

    When ``then`` never happens, ``when_then_absent`` decides: ``auto`` (default) passes when ``first``
    happened (identity checked, nothing disclosed) and is N/A when neither did.
    """

    type_name: ClassVar[str] = "order"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        first: dict[str, Any]
        then: dict[str, Any]
        when_then_absent: Literal["auto", "pass", "fail", "na"] = "auto"

    def __init__(self, params: Params, path: str) -> None:
        self.params = params
        self.first = build_detector(params.first, f"{path}.first")
        self.then = build_detector(params.then, f"{path}.then")

    def evaluate(self, ctx: Context) -> Result:
        first, then = self.first.evaluate(ctx), self.then.evaluate(ctx)
        if not then.matched or then.first_turn is None:
            absent = self.params.when_then_absent
            if absent == "auto":
                absent = "pass" if first.matched else "na"
            note = f"{first.note}; {then.note}" if first.matched else f"nothing to check: {then.note}"
            return Result(absent == "pass", 0.7, first.evidence[:1], note, applicable=absent != "na")
        then_ev = next(e for e in then.evidence if e.turn == then.first_turn)
        if first.matched and first.first_turn is not None and first.first_turn < then.first_turn:
            first_ev = next(e for e in first.evidence if e.turn == first.first_turn)
            note = (
                f"“{first_ev.text}” ({clock(first_ev.start_ms)}) came before "
                f"“{then_ev.text}” ({clock(then_ev.start_ms)})"
            )
            return Result(True, min(first.confidence, then.confidence), (first_ev, then_ev), note)
        if first.matched and first.first_turn is not None:
            first_ev = next(e for e in first.evidence if e.turn == first.first_turn)
            note = f"“{then_ev.text}” ({clock(then_ev.start_ms)}) came before “{first_ev.text}”"
            return Result(False, min(first.confidence, then.confidence), (then_ev, first_ev), note)
        note = f"“{then_ev.text}” ({clock(then_ev.start_ms)}) without the step that must come first"
        return Result(False, then.confidence * 0.9, (then_ev,), note)


@detectors.register("reply")
class ReplyDetector:
    """What the agent says next when the customer says something: every time ``to`` finds a customer turn,
    ``answer`` is looked for in the agent's next speaking turn (e.g. a lost card answered with "sure, I can
    help" or "I'm sorry to hear that"). Matches when one reply does (``every``: when all do); when the
    customer never says it, ``when_absent`` decides (N/A by default). Give ``to``'s phrase or regex
    detectors ``speaker: customer`` (their default is the agent). ``echo: N`` also accepts a reply that
    repeats N consecutive content words of what the customer said ("the branch hours are ...")."""

    type_name: ClassVar[str] = "reply"

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        to: dict[str, Any] = Field(description="a detector run on the customer's turns")
        answer: dict[str, Any] | None = Field(None, description="a detector run on the agent's next turn")
        echo: int = Field(0, ge=0, le=6, description="or a reply repeating this many of the customer's words")
        every: bool = False
        when_absent: Literal["pass", "fail", "na"] = "na"

        @model_validator(mode="after")
        def _something_to_find(self) -> ReplyDetector.Params:
            if self.answer is None and not self.echo:
                raise ValueError("give an answer detector, echo, or both")
            return self

    def __init__(self, params: Params, path: str) -> None:
        self.params = params
        self.to = build_detector(params.to, f"{path}.to")
        self.answer = build_detector(params.answer, f"{path}.answer") if params.answer else None

    def evaluate(self, ctx: Context) -> Result:
        said = self.to.evaluate(ctx.narrow("customer", None))
        turns = sorted({e.turn for e in said.evidence}) if said.matched else []
        if not turns:
            absent = self.params.when_absent
            note = f"nothing to answer: {said.note}"
            # as sure as the detector that found nothing to answer
            return Result(absent == "pass", said.confidence, (), note, applicable=absent != "na")
        replies = [self._reply(ctx, turn) for turn in turns]
        answered = [r for r in replies if r is not None and r.matched]
        matched = len(answered) == len(turns) if self.params.every else bool(answered)
        if matched:
            evidence = tuple(e for r in answered for e in r.evidence)
            return Result(True, min(r.confidence for r in answered), evidence, answered[0].note)
        asked = next(e for e in said.evidence if e.turn == turns[0])
        note = f"no {self._label()} after “{asked.text}” ({clock(asked.start_ms)})"
        return Result(False, said.confidence, (asked,), note)

    def _reply(self, ctx: Context, turn: int) -> Result | None:
        """``answer`` (or the echo) on the agent's next speaking turn after ``turn`` (None: the agent never
        spoke again)."""
        roles = [t.role for t in ctx.analysis.turns]
        start = next((i for i in range(turn + 1, len(roles)) if roles[i] == "agent"), None)
        if start is None:
            return None
        end = start
        while end + 1 < len(roles) and roles[end + 1] == "agent":
            end += 1
        found = (
            self.answer.evaluate(Context(ctx.analysis, tuple(range(start, end + 1)), ctx.services))
            if self.answer is not None
            else Result(False, 0.6)
        )
        if found.matched or not self.params.echo:
            return found
        said = ctx.analysis.turns[turn].text
        for i in _answer_lines(ctx, turn):
            span = echoed(said, ctx.analysis.turns[i].text, self.params.echo)
            if span is not None:
                evidence = evidence_for(ctx, i, *span)
                return Result(True, 0.75, (evidence,), f"answered with the caller's words “{evidence.text}”")
        return found

    def _label(self) -> str:
        return str((self.params.answer or {}).get("label", "answer" if self.params.answer else "echo"))


ECHO_LINES = 4  # agent lines searched for the caller's words
_ACKNOWLEDGEMENT_WORDS = 2  # a customer line this short ("certainly", "okay thanks") does not end the answer


def _answer_lines(ctx: Context, turn: int) -> list[int]:
    """The agent's lines after ``turn`` until the customer says something more than an acknowledgement
    ("okay one second please" / "certainly" / "the branch hours are ..." is one answer)."""
    lines: list[int] = []
    for i in range(turn + 1, len(ctx.analysis.turns)):
        line = ctx.analysis.turns[i]
        if line.role == "agent":
            lines.append(i)
            if len(lines) == ECHO_LINES:
                break
        elif len(line.text.split()) > _ACKNOWLEDGEMENT_WORDS:
            break
    return lines
