"""A scenario's script: the customer's lines as a graph of steps, the points where the agent must act, and the
harder branches taken when the agent misses them; one script per difficulty level.

The script is plain data (stored as JSON in a scenario version) so the practice engine, the editor, the API
and the tests all read the same thing. ``Script.check`` refuses a script the engine could not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Mood = Literal["calm", "annoyed", "angry"]
MOODS: tuple[Mood, ...] = ("calm", "annoyed", "angry")
# Difficulty levels: 1 the call as it happened; 2 the customer interrupts or adds a second issue; 3 the
# customer is angry from the start. A level is one script; the branches inside it make a practice harder for
# the agent who misses a key point.
LEVELS = (1, 2, 3)
MAX_STEPS = 60
MAX_LINE = 2_000


class ScriptError(ValueError):
    """What is wrong with a script, in words a person can act on (the service wraps it in a coded error)."""


@dataclass(frozen=True)
class Step:
    """One customer line and what the agent must do in the answer to it.

    ``criteria`` are the scorecard criterion ids the answer must meet here (the act points); ``key_point``
    says it in the analyst's words. After the answer the engine follows ``on_pass`` when every criterion is
    met, ``on_miss`` otherwise (the harder branch); ``None`` ends the practice.
    """

    id: str
    customer: str
    mood: Mood = "calm"
    criteria: tuple[str, ...] = ()
    key_point: str = ""
    on_pass: str | None = None
    on_miss: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "customer": self.customer,
            "mood": self.mood,
            "criteria": list(self.criteria),
            "key_point": self.key_point,
            "on_pass": self.on_pass,
            "on_miss": self.on_miss,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        mood = data.get("mood", "calm")
        if mood not in MOODS:
            raise ScriptError(f"step '{data.get('id')}': mood '{mood}' is not one of {', '.join(MOODS)}")
        return cls(
            id=str(data["id"]),
            customer=str(data["customer"]),
            mood=mood,
            criteria=tuple(str(c) for c in data.get("criteria", ())),
            key_point=str(data.get("key_point", "")),
            on_pass=_optional(data.get("on_pass")),
            on_miss=_optional(data.get("on_miss")),
        )


def _optional(value: object) -> str | None:
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class Script:
    """The steps of one difficulty level; the practice starts at ``start``."""

    level: int
    start: str
    steps: tuple[Step, ...]
    # What the agent reads before starting (the customer's situation, never the key points).
    brief: str = ""

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    @property
    def criteria(self) -> tuple[str, ...]:
        """Every criterion some step asks for, in first-seen order."""
        seen: dict[str, None] = {}
        for s in self.steps:
            for c in s.criteria:
                seen.setdefault(c, None)
        return tuple(seen)

    def check(self, known_criteria: set[str] | None = None) -> None:
        """Raise ``ScriptError`` unless every step is reachable, every branch names a step, lines fit, and
        (when given) every criterion is one of the scorecard's."""
        if self.level not in LEVELS:
            raise ScriptError(f"level {self.level} is not one of {LEVELS}")
        if not self.steps:
            raise ScriptError("the script has no step")
        if len(self.steps) > MAX_STEPS:
            raise ScriptError(f"the script has {len(self.steps)} steps; at most {MAX_STEPS}")
        ids = [s.id for s in self.steps]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ScriptError("two steps share an id: " + ", ".join(twice))
        if self.start not in ids:
            raise ScriptError(f"the start step '{self.start}' is not in the script")
        for s in self.steps:
            if not s.customer.strip():
                raise ScriptError(f"step '{s.id}': the customer's line is empty")
            if len(s.customer) > MAX_LINE:
                raise ScriptError(f"step '{s.id}': the customer's line is over {MAX_LINE} characters")
            for target in (s.on_pass, s.on_miss):
                if target is not None and target not in ids:
                    raise ScriptError(f"step '{s.id}': goes to '{target}', which is not a step")
            if known_criteria is not None:
                unknown = [c for c in s.criteria if c not in known_criteria]
                if unknown:
                    raise ScriptError(f"step '{s.id}': criteria not in the scorecard: {', '.join(unknown)}")
        unreachable = set(ids) - self._reachable()
        if unreachable:
            raise ScriptError("steps never reached: " + ", ".join(sorted(unreachable)))

    def _reachable(self) -> set[str]:
        seen: set[str] = set()
        todo = [self.start]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            s = self.step(current)
            todo.extend(t for t in (s.on_pass, s.on_miss) if t is not None)
        return seen

    def as_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "start": self.start,
            "brief": self.brief,
            "steps": [s.as_json() for s in self.steps],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Script:
        try:
            return cls(
                level=int(data["level"]),
                start=str(data["start"]),
                brief=str(data.get("brief", "")),
                steps=tuple(Step.from_json(s) for s in data["steps"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ScriptError):
                raise
            raise ScriptError(f"the script is not well formed: {exc!r}") from exc


@dataclass(frozen=True)
class ScenarioContent:
    """What one scenario version holds: a script per difficulty level (level 1 always), in one language."""

    language: str
    scripts: tuple[Script, ...]
    tags: tuple[str, ...] = field(default=())

    def level(self, level: int) -> Script:
        for script in self.scripts:
            if script.level == level:
                return script
        raise KeyError(level)

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(sorted(s.level for s in self.scripts))

    def check(self, known_criteria: set[str] | None = None) -> None:
        if 1 not in self.levels:
            raise ScriptError("a scenario needs a level-1 script")
        if len(set(self.levels)) != len(self.scripts):
            raise ScriptError("two scripts share a level")
        for script in self.scripts:
            try:
                script.check(known_criteria)
            except ScriptError as exc:
                raise ScriptError(f"level {script.level}: {exc}") from exc

    def as_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "tags": list(self.tags),
            "scripts": [s.as_json() for s in self.scripts],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScenarioContent:
        try:
            return cls(
                language=str(data["language"]),
                tags=tuple(str(t) for t in data.get("tags", ())),
                scripts=tuple(Script.from_json(s) for s in data["scripts"]),
            )
        except (KeyError, TypeError) as exc:
            raise ScriptError(f"the scenario is not well formed: {exc!r}") from exc
