"""Skill profiles find the skills planted in a small synthetic centre, and routing by them gains in the
replayed month (callqa.skills.simulate), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from callqa.cli import app
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import REASONS_BY_QUEUE, CentreShape, generate_centre
from callqa.insights.synthetic_skills import REASONS, agent_names, planted_skills, strong_agents
from callqa.skills.profiles import build_profiles
from callqa.skills.routing import MIN_EVIDENCE
from callqa.skills.simulate import simulate
from support import Database

runner = CliRunner()

pytestmark = pytest.mark.issue(21)
SHAPE = CentreShape(count=5000, agents=30, teams=3, days=60, until=date(2026, 11, 1))
# measured 0.67 for this centre (bench/routing.py --count 5000 --agents 30 --days 60); chance is 0.18
PRECISION_FLOOR = 0.45


@pytest.fixture
def centre(db: Database) -> Database:
    with db.factory.begin() as session:
        generate_centre(session, SHAPE)
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))
    return db


def test_planted_reasons_are_the_centres_reasons() -> None:
    assert set(REASONS) == {r for reasons in REASONS_BY_QUEUE.values() for r in reasons}
    planted = planted_skills(agent_names(4), 7)
    assert planted == planted_skills(agent_names(4), 7)  # deterministic from the seed
    assert all(len(p.strong) == 2 and len(p.weak) == 1 and not p.strong & p.weak for p in planted.values())


def test_profiles_find_the_planted_skills_and_routing_by_them_gains(centre: Database) -> None:
    planted = planted_skills(agent_names(SHAPE.agents), SHAPE.seed)
    strong = strong_agents(planted)
    with centre.factory() as session:
        profiles = build_profiles(session)
        sim = simulate(session, planted, seed=SHAPE.seed)
    precisions = []
    for reason, agents in strong.items():
        cells = [c for c in profiles.of_kind("reason") if c.reason == reason and c.n >= MIN_EVIDENCE]
        top = sorted(cells, key=lambda c: -c.composite)[:3]
        if top:
            precisions.append(sum(c.agent in agents for c in top) / len(top))
    assert len(precisions) >= 9
    assert sum(precisions) / len(precisions) >= PRECISION_FLOOR
    # the replayed month: every contact routed once each way, most to someone else
    assert (sim.first, sim.last) == (date(2026, 10, 3), date(2026, 11, 1))
    assert sim.contacts > 2500 and sim.moved > sim.contacts / 2
    qa, csat, handle = sim.of("qa"), sim.of("csat"), sim.of("handle_s")
    assert qa.low > 1.0 and csat.low > 0.1  # better, beyond chance
    assert handle.high < 0  # and shorter
    assert qa.n == sim.contacts and handle.n < sim.contacts  # handle time: voice and chat only
    # routing by the planted truth itself gains more: the recommendations get part of the way there
    best = {d.measure: d for d in sim.truth}
    assert best["qa"].after - best["qa"].before > qa.after - qa.before > 0


def test_the_simulation_from_the_command_line(cli_env: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    shape = ["--count", "3000", "--agents", "20", "--teams", "2", "--days", "60", "--until", "2026-11-01"]
    made = runner.invoke(app, ["insights", "generate", *shape])
    assert made.exit_code == 0, made.output
    simulated = runner.invoke(app, ["routing", "simulate"])
    assert simulated.exit_code == 0, simulated.output
    assert "from 2026-10-03 to 2026-11-01" in simulated.output and "by the truth" in simulated.output
    qa = next(line for line in simulated.output.splitlines() if " qa " in line)
    assert qa.count("+") >= 3  # a gain, its interval above zero, and the truth's gain
    other = runner.invoke(app, ["routing", "simulate", "--seed", "8"])
    assert other.exit_code == 2 and "[O132]" in other.output and "seed 8" in other.output
