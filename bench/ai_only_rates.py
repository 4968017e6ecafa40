"""AI-only criterion rates: the facts' criterion masks against the join with every criterion result (the
code's fallback), on the same synthetic centre in the same run.

    .venv/bin/python bench/ai_only_rates.py 200000      # interactions over 365 days; writes /tmp/masks.db
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from callqa.core.query import InteractionQuery
from callqa.db.engine import create_db_engine
from callqa.db.migrate import upgrade
from callqa.insights import dashboard
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre

DB = Path("/tmp/masks.db")


def timed(fn: Callable[[], Any], runs: int = 10) -> float:
    """The median of ``runs`` timings after a warm-up, in ms."""
    fn()
    taken = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        taken.append((time.perf_counter() - started) * 1000)
    return statistics.median(taken)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    DB.unlink(missing_ok=True)
    engine = create_db_engine(f"sqlite:///{DB}")
    upgrade(engine)
    factory = sessionmaker(engine)
    shape = CentreShape(count=count, days=365, agents=500, teams=25, until=date(2026, 11, 1))
    with factory.begin() as session:
        generate_centre(session, shape)
    refresh_insights(factory, InsightConfig(ZoneInfo("UTC")))
    flt = InteractionQuery.on_days(date(2026, 8, 2), date(2026, 10, 31), basis="ai")
    with factory() as session:
        masks = timed(lambda: dashboard._rates_from_masks(session, flt))
        join = timed(lambda: session.execute(dashboard._criterion_counts_query(flt)).all())
        by_masks = sorted(dashboard._rates_from_masks(session, flt) or [])
        by_join = sorted(
            (str(c), int(p), int(f), int(n))
            for c, p, f, n in session.execute(dashboard._criterion_counts_query(flt))
        )
    print(
        f"AI-only criterion rates, centre 90 days of {count:,}: masks p50 {masks:.0f} ms, "
        f"join p50 {join:.0f} ms, ratio {masks / join:.3f}; same counts: {by_masks == by_join}"
    )


if __name__ == "__main__":
    main()
