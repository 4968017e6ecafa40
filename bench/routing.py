"""Skill-based routing on the synthetic centre: do the skill profiles find the planted skills, and what does
routing by them gain?

    .venv/bin/python bench/routing.py [--count 20000] [--agents 60] [--days 90] [--seed 7] [--db PATH]

A synthetic centre (``callqa.insights.synthetic`` with the skills of ``synthetic_skills``: each agent truly
better at two contact reasons, worse at one) is generated into a fresh SQLite file and its insights
refreshed. Measured:

* **precision of the top 3**: per contact reason, the share of the profiles' three best agents (shrunk
  composite, agent × reason, at least ``MIN_EVIDENCE`` interactions) who were planted strong at it, averaged
  over reasons; beside it, what picking three agents at random would score (the planted share);
* **the routing simulation** (``callqa.skills.simulate``): the last 30 days replayed as routed and as
  recommended by profiles of the days before, with the difference and its 95 % interval, and the gain of
  routing by the planted truth itself (the most any recommendation could gain);
* the time each step takes.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo


def precision_top3(profiles: Any, strong: dict[str, set[str]], min_evidence: int) -> dict[str, float]:
    """Per reason: the share of the three best-ranked agents planted strong at it."""
    out = {}
    for reason, agents in sorted(strong.items()):
        cells = [c for c in profiles.of_kind("reason") if c.reason == reason and c.n >= min_evidence]
        top = sorted(cells, key=lambda c: -c.composite)[:3]
        if top:
            out[reason] = sum(c.agent in agents for c in top) / len(top)
    return out


def expected_gain(session: Any, first: Any) -> dict[str, float]:
    """The routing recommendations' own expected effect from the profiles the simulation uses (the days
    before the replayed month), volume-weighted over reasons: what the page promises, to set beside the
    replay."""
    from datetime import timedelta

    from callqa.skills.profiles import SkillQuery
    from callqa.skills.routing import recommend

    routing = recommend(session, SkillQuery(last=first - timedelta(days=1)))
    out = {}
    for measure in ("qa", "csat", "recontact", "handle_ratio"):
        pairs = [
            (r.volume, getattr(r.expected, measure) - getattr(r.today, measure))
            for r in routing.reasons
            if getattr(r.expected, measure) is not None and getattr(r.today, measure) is not None
        ]
        total = sum(w for w, _ in pairs)
        out[measure] = sum(w * d for w, d in pairs) / total if total else float("nan")
    return out


def run(count: int, agents: int, days: int, seed: int, path: Path) -> dict[str, Any]:
    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.insights.refresh import InsightConfig, refresh_insights
    from callqa.insights.synthetic import CentreShape, generate_centre
    from callqa.insights.synthetic_skills import agent_names, planted_skills, strong_agents
    from callqa.skills.profiles import build_profiles
    from callqa.skills.routing import MIN_EVIDENCE
    from callqa.skills.simulate import simulate

    engine = create_db_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    factory = session_factory(engine)
    shape = CentreShape(count=count, agents=agents, teams=max(1, agents // 10), days=days, seed=seed)
    timings = {}
    began = time.perf_counter()
    with factory.begin() as session:
        generate_centre(session, shape)
    refresh_insights(factory, InsightConfig(ZoneInfo("UTC")))
    timings["generate + refresh"] = time.perf_counter() - began
    planted = planted_skills(agent_names(agents), seed)
    strong = strong_agents(planted)
    began = time.perf_counter()
    with factory() as session:
        profiles = build_profiles(session)
    timings["profiles"] = time.perf_counter() - began
    per_reason = precision_top3(profiles, strong, MIN_EVIDENCE)
    chance = sum(len(strong[r]) / agents for r in per_reason) / len(per_reason)
    began = time.perf_counter()
    with factory() as session:
        sim = simulate(session, planted, seed=seed)
        predicted = expected_gain(session, sim.first)
    timings["simulation"] = time.perf_counter() - began
    engine.dispose()
    return {
        "shape": {"count": count, "agents": agents, "days": days, "seed": seed, "until": str(shape.until)},
        "precision_top3": sum(per_reason.values()) / len(per_reason),
        "precision_by_reason": per_reason,
        "chance": chance,
        "expected_gain": predicted,
        "simulation": {
            "first": str(sim.first),
            "last": str(sim.last),
            "contacts": sim.contacts,
            "moved": sim.moved,
            "differences": [d.__dict__ for d in sim.differences],
            "truth": [d.__dict__ for d in sim.truth],
        },
        "seconds": timings,
    }


def print_table(result: dict[str, Any]) -> None:
    shape = result["shape"]
    print(f"synthetic centre: {shape['count']} interactions, {shape['agents']} agents, {shape['days']} days")
    print(
        f"precision of the top 3 per reason: {result['precision_top3']:.2f} (chance {result['chance']:.2f})"
    )
    for reason, p in result["precision_by_reason"].items():
        print(f"  {reason:24} {p:.2f}")
    sim = result["simulation"]
    print(f"simulation {sim['first']}..{sim['last']}: {sim['contacts']} contacts, {sim['moved']} moved")
    print(
        f"  {'measure':10} {'as it was':>10} {'recommended':>12} {'difference (95 % interval)':>32}"
        f" {'by the truth':>13}"
    )
    for d, t in zip(sim["differences"], sim["truth"], strict=True):
        diff = d["after"] - d["before"]
        print(
            f"  {d['measure']:10} {d['before']:10.3f} {d['after']:12.3f} "
            f"{diff:+10.3f} ({d['low']:+.3f} … {d['high']:+.3f}) {t['after'] - t['before']:+13.3f}"
        )
    gain = result["expected_gain"]
    print(
        f"  the recommendations' expected effect (profiles before the month): QA {gain['qa']:+.2f}, "
        f"CSAT {gain['csat']:+.3f}, recontact {gain['recontact']:+.4f}, handle × {gain['handle_ratio']:+.3f}"
    )
    for step, seconds in result["seconds"].items():
        print(f"  {step}: {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="SQLite file to write (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "routing.db"
        if path.exists():
            parser.error(f"{path} exists: give a new file")
        result = run(args.count, args.agents, args.days, args.seed, path)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
