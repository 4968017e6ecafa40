"""Skill profiles (callqa.skills.profiles) and routing recommendations (callqa.skills.routing) on
hand-built facts: shrinkage keeps three great calls from outranking sixty good ones, intervals narrow with
evidence, roll-ups, the handle-time baseline, filters that never change a level."""

from __future__ import annotations

import math

import pytest

from callqa.core.stats import Z95
from callqa.skills.profiles import SkillQuery, build_profiles
from callqa.skills.routing import MIN_EVIDENCE, recommend
from skills_support import Call, add_calls, floor
from support import Database

pytestmark = pytest.mark.issue(21)


@pytest.fixture
def calls(db: Database) -> Database:
    star = [Call("star", "Team A", "card_lost", s, 5.0, 250) for s in (98.0, 100.0, 96.0)]
    steady = [
        Call("steady", "Team A", "card_lost", 90.0 + 4 * (i % 2), 4.0 + (i % 2), 300, i % 20 == 0)
        for i in range(60)
    ]
    other = [Call("polyglot", "Team B", "refund", 85.0, None, 300, language="lt", channel="chat")] * 12
    with db.factory.begin() as session:
        add_calls(session, floor() + star + steady + other)
    return db


def _reason_cell(cells: list, agent: str):  # type: ignore[no-untyped-def]
    return next(c for c in cells if c.agent == agent and c.kind == "reason" and c.reason == "card_lost")


def test_three_great_calls_do_not_outrank_sixty_good_ones(calls: Database) -> None:
    with calls.factory() as session:
        profiles = build_profiles(session)
    star, steady = _reason_cell(profiles.cells, "star"), _reason_cell(profiles.cells, "steady")
    assert star.qa == pytest.approx(98.0) and steady.qa == pytest.approx(92.0)  # raw: the star is better
    assert steady.composite > star.composite  # shrunk: sixty good calls say more than three great ones
    assert steady.level == 5 and star.level < 5
    assert star.sentence.startswith(f"Level {star.level}: only 3 interactions (card_lost)")
    assert steady.sentence.startswith("Level 5: QA 92 (team ")
    assert "over 60 interactions (card_lost); recontact 5% (team " in steady.sentence
    # the interval of the mean: ±1.96 sd/√n, the sd of 90 and 94 in turn
    sd = math.sqrt(60 * 4 / 59)
    assert steady.qa_low == pytest.approx(92 - Z95 * sd / math.sqrt(60))
    assert steady.qa_high == pytest.approx(92 + Z95 * sd / math.sqrt(60))
    assert star.qa_high - star.qa_low > 3 * (steady.qa_high - steady.qa_low)
    assert steady.csat == pytest.approx(4.5) and steady.csat_n == 60
    assert steady.recontact == pytest.approx(3 / 60)
    # the baseline: the median good card_lost voice call (160 good calls: 3 × 250 s, 60 × 300 s, 100 × 400 s)
    assert profiles.baselines[("card_lost", "voice")] == pytest.approx(400.0)
    assert steady.handle_ratio == pytest.approx(0.75)


def test_roll_ups_and_filters_never_change_a_level(calls: Database) -> None:
    with calls.factory() as session:
        every = build_profiles(session)
        only = build_profiles(session, SkillQuery(agent="polyglot"))
        team_a = build_profiles(session, SkillQuery(teams=frozenset({"Team A"})))
    kinds = {(c.kind, c.reason, c.language, c.channel, c.n) for c in only.cells}
    assert kinds == {
        ("full", "refund", "lt", "chat", 12),
        ("reason", "refund", None, None, 12),
        ("language", None, "lt", None, 12),
        ("channel", None, None, "chat", 12),
    }
    assert {c.agent for c in team_a.cells} == {"star", "steady", *(f"agent-{a}" for a in range(5))}
    mine = {(c.agent, c.kind, c.reason, c.language, c.channel): c.level for c in only.cells + team_a.cells}
    assert all(mine[(c.agent, c.kind, c.reason, c.language, c.channel)] == c.level for c in every.cells if (
        c.agent, c.kind, c.reason, c.language, c.channel) in mine)  # fmt: skip
    assert len(mine) == len(every.cells)


def test_routing_ranks_agents_with_evidence_and_sets_their_levels(calls: Database) -> None:
    with calls.factory() as session:
        routing = recommend(session)
    by_reason = {(r.queue, r.reason): r for r in routing.reasons}
    lost = by_reason[("cards", "card_lost")]
    assert lost.volume == 263
    assert lost.ranked[0].agent == "steady"
    assert "star" not in {a.agent for a in lost.ranked}  # 3 calls: fewer than MIN_EVIDENCE
    assert all(a.n >= MIN_EVIDENCE for a in lost.ranked)
    assert [a.rank for a in lost.ranked] == list(range(1, len(lost.ranked) + 1))
    # the expected effect: more of the reason to the better agents raises the score and CSAT
    assert lost.today.qa is not None and lost.expected.qa is not None
    assert lost.expected.qa > lost.today.qa
    assert lost.expected.csat is not None and lost.today.csat is not None
    assert lost.expected.csat > lost.today.csat
    assert abs(sum(a.share for a in lost.ranked) - 1) < 1e-9
    first = routing.assignments()[0]
    assert (first.agent, first.skill, first.level, first.queue, first.rank) == (
        "steady",
        "reason:card_lost",
        5,
        "cards",
        1,
    )
