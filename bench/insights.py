"""Insights at scale: dashboard queries over 1M scored interactions, and the refresh that feeds them.

    .venv/bin/python bench/insights.py [--count 1000000] [--repeat 20] [--db PATH] [--database-url URL]

A synthetic centre (``callqa.insights.synthetic``: 500 agents in 25 teams over 365 days, the standard
scorecard's 15 criteria per evaluation) is written straight into the tables; the database file is kept
(``--db``) and reused when it already holds the centre. Measured:

* the full refresh (facts + roll-ups from nothing) and an incremental one after 10,000 new interactions;
* every dashboard query for seven views (centre 30 / 90 / 365 days, a year cut mid-month at both ends, one
  team, one agent, a supervisor of three teams) and the whole page (all queries + charts, in-process):
  p50 / p95 / max of ``--repeat`` runs;
* root causes of each kind of outcome (low score, failing a criterion, low CSAT, long handle time, recontact)
  for the centre over 90 and 365 days and one team over 90 days: ``root causes: <outcome>`` rows, 10 runs;
* the **baseline**: the same centre-wide figures (summary, trend, criterion failure rates, hour × weekday)
  computed straight from interactions, evaluations and criterion results without the roll-ups; the ratio is
  what pre-aggregation saves.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import peak_mb  # noqa: E402

UNTIL = date(2026, 10, 31)
CAUSES = ("low_score", "failed:solution_explained", "low_csat", "long_handle", "recontact")


def prepare(url: str, count: int) -> tuple[Any, float | None]:
    """The database holding the centre (generated when missing); returns its factory and generation time."""
    from sqlalchemy import func, select

    from callqa.db.engine import create_db_engine, session_factory
    from callqa.db.migrate import ensure_schema
    from callqa.insights.synthetic import CentreShape, generate_centre
    from callqa.interactions.models import InteractionRow

    engine = create_db_engine(url)
    ensure_schema(engine)
    factory = session_factory(engine)
    with factory() as session:
        have = int(session.scalar(select(func.count()).select_from(InteractionRow)) or 0)
    if have >= count:
        return factory, None
    began = time.perf_counter()
    shape = CentreShape(count=count - have, agents=500, teams=25, days=365, until=UNTIL, seed=11 + have)
    with factory.begin() as session:
        generate_centre(session, shape, progress=lambda done, total: print(f"\r  generated {done:,}", end=""))
    print()
    return factory, time.perf_counter() - began


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    fn()  # warm the page cache
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - began) * 1000)
    runs.sort()
    return {
        "p50": statistics.median(runs),
        "p95": runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))],
        "max": runs[-1],
    }


def views() -> dict[str, Any]:
    from callqa.core.query import InteractionQuery

    def last(days: int, **kw: Any) -> InteractionQuery:
        return InteractionQuery.on_days(UNTIL - timedelta(days=days - 1), UNTIL, **kw)

    return {
        "centre, 30 days": last(30),
        "centre, 90 days": last(90),
        "centre, 365 days": last(365),
        # whole months from the month roll-ups, 15 days at each end from the day roll-ups
        "centre, 16 Nov–15 Oct": InteractionQuery.on_days(date(2025, 11, 16), date(2026, 10, 15)),
        "team, 90 days": last(90, team="Team 07"),
        "agent, 90 days": last(90, agent="agent-0042"),
        "supervisor (3 teams), 90 days": last(90, teams=frozenset({"Team 01", "Team 02", "Team 03"})),
        # the "AI only" switch reads the facts, not the roll-ups
        "centre, 90 days, AI only": last(90, basis="ai"),
    }


def queries(session: Any, flt: Any) -> dict[str, Callable[[], Any]]:
    from callqa.insights import dashboard as d

    return {
        "summary": lambda: d.summary(session, flt),
        "trend": lambda: d.trend(session, flt),
        "criterion failure rates": lambda: d.criterion_rates(session, flt),
        "score distribution": lambda: d.score_distribution(session, flt),
        "volume by queue": lambda: d.volume(session, flt, "queue"),
        "hour × weekday": lambda: d.heat_map(session, flt),
        "agents": lambda: d.agents(session, flt),
    }


def direct(session: Any, flt: Any) -> dict[str, Callable[[], Any]]:
    """The baseline: centre-wide figures from the base tables (UTC days; no time-zone work, which only
    flatters the baseline)."""
    from datetime import UTC

    from sqlalchemy import and_, case, func, select

    from callqa.interactions.models import InteractionRow as I
    from callqa.scoring.models import CriterionResultRow as R
    from callqa.scoring.models import EvaluationRow as E

    since, until = flt.days.instants(UTC)
    current = and_(E.interaction_id == I.id, E.is_current.is_(True))
    period = and_(I.started_at >= since, I.started_at < until)
    day = func.date(I.started_at)
    hour = func.strftime("%H", I.started_at)
    weekday = func.strftime("%w", I.started_at)
    return {
        "summary": lambda: session.execute(
            select(func.count(), func.avg(E.score), func.sum(case((E.score < 70, 1), else_=0)))
            .select_from(I)
            .outerjoin(E, current)
            .where(period)
        ).all(),
        "trend": lambda: session.execute(
            select(day, func.count(), func.avg(E.score))
            .select_from(I)
            .outerjoin(E, current)
            .where(period)
            .group_by(day)
        ).all(),
        "criterion failure rates": lambda: session.execute(
            select(R.criterion, func.sum(case((R.outcome == "fail", 1), else_=0)), func.count())
            .select_from(R)
            .join(E, E.id == R.evaluation_id)
            .join(I, current)
            .where(period)
            .group_by(R.criterion)
        ).all(),
        "hour × weekday": lambda: session.execute(
            select(weekday, hour, func.count(), func.avg(E.score))
            .select_from(I)
            .outerjoin(E, current)
            .where(period)
            .group_by(weekday, hour)
        ).all(),
    }


def report_timing(session: Any, request: Any) -> dict[str, float]:
    """Seconds to gather a report's figures, write its HTML and print its PDF (median of 3)."""
    from zoneinfo import ZoneInfo

    from callqa.reports.build import ReportSettings, build_report
    from callqa.reports.render import report_html, report_pdf

    settings = ReportSettings(ZoneInfo("UTC"))
    steps: dict[str, list[float]] = {"build_s": [], "html_s": [], "pdf_s": []}
    size = 0
    for _ in range(3):
        began = time.perf_counter()
        context = build_report(session, request, settings)
        built = time.perf_counter()
        html = report_html(context)
        written = time.perf_counter()
        size = len(report_pdf(html))
        steps["build_s"].append(built - began)
        steps["html_s"].append(written - built)
        steps["pdf_s"].append(time.perf_counter() - written)
    return {**{k: statistics.median(v) for k, v in steps.items()}, "pdf_kb": size / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", type=Path, default=ROOT / ".bench" / "insights.db")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from zoneinfo import ZoneInfo

    from callqa.insights.causes import root_causes
    from callqa.insights.refresh import InsightConfig, refresh_insights
    from callqa.insights.synthetic import CentreShape, generate_centre
    from callqa.reports.build import ReportRequest
    from callqa.views.board import Drill, dashboard_view

    args.db.parent.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{args.db}"
    factory, generated = prepare(url, args.count)
    out: dict[str, Any] = {"count": args.count, "generated_s": generated}
    config = InsightConfig(ZoneInfo("UTC"))
    full = refresh_insights(factory, config, full=True)
    out["full_refresh_s"] = full.seconds
    print(f"full refresh: {full.interactions:,} interactions, {full.days} days in {full.seconds:.1f} s")
    with factory.begin() as session:
        extra = CentreShape(count=10_000, agents=500, teams=25, days=7, until=UNTIL, seed=99)
        generate_centre(session, extra)
    incremental = refresh_insights(factory, config)
    out["incremental_refresh_s"] = incremental.seconds
    print(f"incremental refresh: {incremental.interactions:,} new, {incremental.days} days in "
          f"{incremental.seconds:.1f} s")  # fmt: skip
    rows = []
    with factory() as session:
        for view, flt in views().items():
            for name, fn in queries(session, flt).items():
                rows.append({"view": view, "query": name, **timed(fn, args.repeat)})
                print(json.dumps(rows[-1]))
            page = partial(dashboard_view, session, flt, Drill(flt, ZoneInfo("UTC"), "standard"))
            rows.append({"view": view, "query": "whole page", **timed(page, 5)})
            print(json.dumps(rows[-1]))
        for view in ("centre, 90 days", "centre, 365 days", "team, 90 days"):
            flt = views()[view]
            for key in CAUSES:
                found = partial(root_causes, session, flt, key)
                rows.append({"view": view, "query": f"root causes: {key}", **timed(found, 10)})
                print(json.dumps(rows[-1]))
        reports = []
        month = (date(2026, 10, 1), date(2026, 10, 31))
        for scope, subject in (("centre", None), ("team", "Team 07"), ("agent", "agent-0042")):
            request = ReportRequest(scope, subject, *month)  # type: ignore[arg-type]
            timing = report_timing(session, request)
            reports.append({"report": f"{scope}, October", **timing})
            print(json.dumps(reports[-1]))
        out["reports"] = reports
        base = []
        for view in ("centre, 90 days", "centre, 365 days"):
            flt = views()[view]
            for name, fn in direct(session, flt).items():
                base.append({"view": view, "query": name, **timed(fn, 3)})
                print(json.dumps({"baseline": True, **base[-1]}))
    out["queries"] = rows
    out["baseline"] = base
    for r in out["reports"]:
        print(
            f"report {r['report']:<18} build {r['build_s']:.2f} s, HTML {r['html_s']:.2f} s, "
            f"PDF {r['pdf_s']:.2f} s ({r['pdf_kb']:.0f} KB)"
        )
    out["peak_mb"] = peak_mb()
    print(json.dumps({k: v for k, v in out.items() if k not in ("queries", "baseline", "reports")}))
    worst = max(r["p95"] for r in rows if r["query"] != "whole page" and not r["query"].startswith("root"))
    print(f"worst query p95: {worst:.1f} ms")
    slowest = max((r for r in rows if r["query"].startswith("root")), key=lambda r: r["p95"])
    print(f"slowest root causes p95: {slowest['p95']:.1f} ms ({slowest['view']}, {slowest['query'][13:]})")
    for b in base:
        mine = next(r for r in rows if r["view"] == b["view"] and r["query"] == b["query"])
        print(f"{b['view']:>18} {b['query']:<24} roll-ups p50 {mine['p50']:7.1f} ms, "
              f"direct p50 {b['p50']:8.1f} ms, ratio {mine['p50'] / b['p50']:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
