"""AI-only criterion rates: the facts' criterion masks against the join with every criterion result
(the code's fallback), on the same synthetic centre in the same run.

    .venv/bin/python bench/ai_only_rates.py 200000      # interactions over 365 days; writes /tmp/masks.db
"""

import statistics
import sys
import time
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from callqa.core.query import InteractionQuery
from callqa.db.engine import create_db_engine as make_engine
from callqa.db.migrate import upgrade
from callqa.insights import dashboard
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.synthetic import CentreShape, generate_centre

url = "sqlite:////tmp/masks.db"
engine = make_engine(url)
upgrade(engine)
factory = sessionmaker(engine)
with factory.begin() as s:
    generate_centre(
        s, CentreShape(count=int(sys.argv[1]), days=365, agents=500, teams=25, until=date(2026, 11, 1))
    )
refresh_insights(factory, InsightConfig(ZoneInfo("UTC")))
flt = InteractionQuery.on_days(date(2026, 8, 2), date(2026, 10, 31), basis="ai")


def timed(fn, n=10):
    fn()
    runs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


with factory() as s:
    masks = timed(lambda: dashboard._rates_from_masks(s, flt))
    join = timed(lambda: s.execute(dashboard._criterion_counts_query(flt)).all())
    a = sorted(dashboard._rates_from_masks(s, flt))
    b = sorted(
        (str(c), int(p), int(f), int(n)) for c, p, f, n in s.execute(dashboard._criterion_counts_query(flt))
    )
print(
    f"AI-only criterion rates, centre 90 days: masks p50 {masks:.0f} ms, join p50 {join:.0f} ms, ratio {masks / join:.3f}; same counts: {a == b}"
)
