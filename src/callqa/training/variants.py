"""Harder variants of a level-1 script, written deterministically from the per-language templates:

- level 2: after the first act point the customer cuts in with a second issue, and is annoyed from then on
  (a missed key point after it makes them angry);
- level 3: every line is angry (said in words at the opening and where the agent must act), and a missed
  key point is the last straw.

The harder branch of a step (its ``on_miss`` target, reached by no ``on_pass``) is rewritten from the step's
own line, so an edited level 1 gives consistent variants.
"""

from __future__ import annotations

import dataclasses

from callqa.training.lines import reprise, written
from callqa.training.script import Mood, Script, Step

EXTRA = "second-issue"


def pass_path(script: Script) -> list[str]:
    """The steps of the practice in which every key point is met, in order."""
    path: list[str] = []
    current: str | None = script.start
    while current is not None and current not in path:
        path.append(current)
        current = script.step(current).on_pass
    return path


def harder_branches(script: Script) -> dict[str, Step]:
    """Each step reached only by a missed key point → the step whose miss leads there."""
    passed = {script.start} | {s.on_pass for s in script.steps if s.on_pass}
    return {
        s.on_miss: s
        for s in script.steps
        if s.on_miss is not None and s.on_miss != s.on_pass and s.on_miss not in passed
    }


def _restyled(
    script: Script, language: str, level: int, moods: dict[str, Mood], lines: dict[str, str]
) -> Script:
    """The script with new moods and lines for the steps given, each harder branch rewritten from its step."""
    branches = harder_branches(script)
    steps: list[Step] = []
    for step in script.steps:
        parent = branches.get(step.id)
        if parent is None:
            steps.append(
                dataclasses.replace(
                    step, mood=moods.get(step.id, step.mood), customer=lines.get(step.id, step.customer)
                )
            )
            continue
        line = lines.get(parent.id, parent.customer)
        harder, mood = reprise(language, line, moods.get(parent.id, parent.mood))
        steps.append(dataclasses.replace(step, customer=harder, mood=mood))
    return dataclasses.replace(script, level=level, steps=tuple(steps))


def level_two(script: Script, language: str, issue: str) -> Script:
    """The customer adds ``issue`` right after the first act point and stays annoyed."""
    path = pass_path(script)
    first = next((i for i in path if script.step(i).criteria), path[0])
    after = script.step(first).on_pass
    extra_id = EXTRA
    while extra_id in {s.id for s in script.steps}:
        extra_id += "-2"
    extra = Step(
        id=extra_id,
        customer=written(language, "interrupt", issue=issue),
        mood="annoyed",
        on_pass=after,
    )
    branch = script.step(first).on_miss
    steps: list[Step] = []
    for step in script.steps:
        if step.id == first:
            step = dataclasses.replace(step, on_pass=extra_id)
        elif step.id == branch and branch in harder_branches(script):
            step = dataclasses.replace(
                step,
                on_pass=extra_id if step.on_pass == after else step.on_pass,
                on_miss=extra_id if step.on_miss == after else step.on_miss,
            )
        steps.append(step)
        if step.id == first:
            steps.append(extra)
    later = path[path.index(first) + 1 :]
    moods: dict[str, Mood] = {i: "annoyed" for i in later}
    interrupted = dataclasses.replace(script, steps=tuple(steps))
    return _restyled(interrupted, language, 2, moods, {})


def level_three(script: Script, language: str) -> Script:
    """Every line angry; the opening and the lines where the agent must act say so (the others keep their
    words: a complaint repeated on every line reads as a parody); a missed key point is the last straw."""
    branches = harder_branches(script)
    lines = {
        s.id: written(language, "angry" if s.criteria else "fed_up", line=s.customer)
        for s in script.steps
        if s.id not in branches and (s.criteria or s.id == script.start)
    }
    moods: dict[str, Mood] = {s.id: "angry" for s in script.steps}
    return _restyled(script, language, 3, moods, lines)


def with_variants(first: Script, language: str, issue: str) -> tuple[Script, Script, Script]:
    """Levels 1, 2 and 3 from the level-1 script."""
    base = dataclasses.replace(first, level=1)
    return base, level_two(base, language, issue), level_three(base, language)
