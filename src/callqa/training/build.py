"""Build a scenario from a stored interaction: the customer's turns become the script, the failed criteria
its act points, and each act point gets an angrier reprise that loops back to the call (docs/training.md,
"Scenario library").

The act point of a failed criterion is the customer line the agent was answering when it failed: the last
customer turn at or before the first turn its evidence quotes (the first line when it quotes none).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from sqlalchemy.orm import Session

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.i18n import translations
from callqa.training.library import create_scenario
from callqa.training.lines import line_language, reprise, written
from callqa.training.models import ScenarioRow
from callqa.training.script import MAX_LINE, ScenarioContent, Script, Step
from callqa.training.sources import FailedCriterion, Source, frequent_reasons, source_of
from callqa.training.variants import with_variants
from callqa.users.schemas import Actor

MAX_CUSTOMER_STEPS = 12  # a long call keeps its act points and the lines around them
_ROOM = MAX_LINE - 300  # a reprise adds a sentence to the line it repeats


def act_points(source: Source) -> dict[int, list[FailedCriterion]]:
    """Customer turn index → the failed criteria whose act point it is."""
    customer = source.customer_turns
    found: dict[int, list[FailedCriterion]] = defaultdict(list)
    for failed in source.failed:
        at = min(failed.turns) if failed.turns else -1
        before = [i for i in customer if i <= at]
        found[before[-1] if before else customer[0]].append(failed)
    return dict(found)


def kept_turns(customer: list[int], points: set[int], limit: int = MAX_CUSTOMER_STEPS) -> list[int]:
    """At most ``limit`` customer turns: the act points first, then their neighbours nearest first."""
    if len(customer) <= limit:
        return customer
    position = {turn: n for n, turn in enumerate(customer)}
    chosen = sorted(points, key=lambda t: position[t])[:limit]
    distance = 1
    while len(chosen) < limit and distance < len(customer):
        for turn in sorted(points, key=lambda t: position[t]):
            for n in (position[turn] - distance, position[turn] + distance):
                if 0 <= n < len(customer) and customer[n] not in chosen and len(chosen) < limit:
                    chosen.append(customer[n])
        distance += 1
    return sorted(chosen, key=lambda t: position[t])


def _line(text: str, room: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= room else text[: room - 1] + "…"


def _translated(language: str, text: str) -> str:
    return translations(line_language(language)).gettext(text)


def level_one(source: Source) -> Script:
    """The call as it happened, from the customer's side, with its act points and their harder branches."""
    customer = source.customer_turns
    if not customer:
        raise CallqaError(ErrorCode.T104, interaction=source.interaction_id)
    points = act_points(source)
    kept = kept_turns(customer, set(points))
    steps: list[Step] = []
    for n, turn in enumerate(kept):
        line = _line(source.turns[turn][1], _ROOM)
        on_pass = f"t{kept[n + 1]}" if n + 1 < len(kept) else None
        failed = points.get(turn, [])
        if not failed:
            steps.append(Step(id=f"t{turn}", customer=line, on_pass=on_pass))
            continue
        criteria = tuple(dict.fromkeys(f.id for f in failed))
        key_point = "; ".join(dict.fromkeys(f.key_point for f in failed))
        harder, mood = reprise(source.language, line, "calm")
        miss = f"t{turn}-miss"
        steps.append(
            Step(f"t{turn}", line, "calm", criteria, key_point, on_pass=on_pass, on_miss=miss),
        )
        steps.append(Step(miss, harder, mood, criteria, key_point, on_pass=on_pass, on_miss=on_pass))
    about = source.reason_title or (source.failed[0].title if source.failed else source.channel)
    brief = written(source.language, "brief", reason=_translated(source.language, about))
    return Script(level=1, start=steps[0].id, steps=tuple(steps), brief=brief)


def second_issue(session: Session, source: Source) -> str:
    """The level-2 customer's second issue: the centre's most frequent other contact reason, in the
    scenario's language."""
    for reason, title in frequent_reasons(session):
        if reason != source.reason:
            return _translated(source.language, title)
    return written(source.language, "other_issue")


def content_of_source(source: Source, issue: str) -> ScenarioContent:
    """Levels 1–3 of the scenario and its tags (criteria, reason, language, channel)."""
    first = level_one(source)
    tags = [*dict.fromkeys(first.criteria), source.reason or "", source.language, source.channel]
    return ScenarioContent(
        language=source.language,
        scripts=with_variants(first, source.language, issue),
        tags=tuple(dict.fromkeys(t for t in tags if t)),
    )


def title_of(source: Source) -> str:
    """ "Contact reason — main criterion", in the scenario's language."""
    main = source.failed[0].title if source.failed else ""
    parts = (source.reason_title or source.channel, main)
    return " — ".join(_translated(source.language, part) for part in parts if part)[:255]


def build_from_interaction(
    session: Session,
    actor: Actor,
    interaction_id: int,
    *,
    scorecard: str,
    known_criteria: set[str] | None = None,
    criterion: str | None = None,
    origin: str = "interaction",
) -> ScenarioRow:
    """A new scenario (levels 1–3) from the interaction's current evaluation with ``scorecard``: its act
    points are ``criterion`` alone, or every failure (the clearest first) without it; flushed, not committed.
    T103 without that evaluation, T104 without a customer turn, T105 when nothing failed, T112 when
    ``criterion`` did not fail."""
    source = source_of(session, interaction_id, scorecard)
    if not source.failed:
        raise CallqaError(ErrorCode.T105, interaction=interaction_id, scorecard=scorecard)
    if criterion is not None:
        if criterion not in {f.id for f in source.failed}:
            raise CallqaError(
                ErrorCode.T112, interaction=interaction_id, criterion=criterion, scorecard=scorecard
            )
        # a scenario about one criterion trains that one: the call's other failures are not act points
        source = dataclasses.replace(source, failed=tuple(f for f in source.failed if f.id == criterion))
    content = content_of_source(source, second_issue(session, source))
    return create_scenario(
        session,
        actor,
        title=title_of(source),
        scorecard=scorecard,
        content=content,
        known_criteria=known_criteria,
        criterion=source.failed[0].id,
        reason=source.reason,
        origin=origin,
        source_interaction_id=interaction_id,
        note=f"built from interaction {interaction_id}",
    )
