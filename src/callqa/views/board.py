"""The dashboard as figures and charts: what the web page, the JSON API and the quality reports show.

Every chart mark can link to the interaction list behind it (``Drill``): relative links in the web app,
absolute ones (the server's public address) in e-mailed reports, none when there is nowhere to link to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from callqa.analysis.metric_labels import N_
from callqa.core.config import DEFAULT_SCORECARD
from callqa.core.query import Days, InteractionQuery
from callqa.insights import contact_reasons, csat, dashboard
from callqa.insights.causes import WEEKDAY_NAMES
from callqa.insights.dashboard import Totals
from callqa.insights.drivers import Driver
from callqa.views import charts
from callqa.views.charts import Mark
from callqa.views.labels import translate

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TIP = N_("%(label)s: mean score %(mean)s of %(scored)s scored, %(n)s interactions")
VOLUME_BY = {
    "channel": N_("volume by channel"),
    "language": N_("volume by language"),
    "queue": N_("volume by queue"),
}


@dataclass(frozen=True)
class Drill:
    """Builds links to the interaction list for the dashboard's query plus one mark's own condition, and
    knows the lines the dashboard draws (the low-score line)."""

    flt: InteractionQuery
    zone: ZoneInfo
    scorecard: str
    base: str | None = ""  # "" relative links, "https://qa.example.com" absolute, None no links
    low_score: float = 70.0

    def __call__(self, since: date | None = None, until: date | None = None, **extra: Any) -> str | None:
        return self.link(since, until, extra)

    def link(self, since: date | None, until: date | None, extra: Mapping[str, Any]) -> str | None:
        """The list of the dashboard's interactions on local days ``since``..``until`` (default: its
        period) that also meet ``extra``."""
        if self.base is None:
            return None
        days = dashboard.period(self.flt)
        listed = self.flt.day_view(Days(since or days.first, until or days.last)).in_zone(self.zone)
        if self.scorecard != DEFAULT_SCORECARD:
            listed = listed.but(scorecard=self.scorecard)
        params = listed.as_params()
        params.update({k: str(v) for k, v in extra.items() if v is not None})
        return f"{self.base.rstrip('/')}/interactions?" + urlencode(params)

    def only(self, key: str, value: str) -> str | None:
        """The link for one value of a key (interactions without one cannot be listed: no link)."""
        return self.link(None, None, {key: value}) if value else None


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _same(text: str) -> str:
    return text


def _tip(label: str, t: Totals, gettext: Callable[[str], str]) -> str:
    return gettext(TIP) % {"label": label, "mean": _num(t.mean_score), "scored": t.scored, "n": t.n}


def dashboard_view(
    session: Session,
    flt: InteractionQuery,
    drill: Drill,
    target: tuple[float, str] | None = None,
    *,
    weekdays: Sequence[str] = WEEKDAYS,
    gettext: Callable[[str], str] = _same,
) -> dict[str, Any]:
    """Every figure and chart of the dashboard page (and of the HTML/PDF report); ``target``: a score goal's
    target and its label, drawn across the quality trend; ``weekdays`` name Monday to Sunday on the heat map
    in the reader's language, as ``gettext`` words the tooltips and chart labels."""
    _ = gettext
    unit = dashboard.grain(flt)
    points = dashboard.trend(session, flt, unit)
    trend_marks = [
        Mark(
            p.start.strftime("%m-%d") if unit != "month" else p.start.strftime("%Y-%m"),
            p.totals.mean_score,
            _tip(f"{p.start}–{p.end}", p.totals, _),
            drill(p.start, p.end),
        )
        for p in points
    ]
    volume_marks = [
        Mark(
            p.start.strftime("%m-%d") if unit != "month" else p.start.strftime("%Y-%m"),
            p.totals.n,
            _("%(period)s: %(n)s interactions") % {"period": f"{p.start}–{p.end}", "n": p.totals.n},
            drill(p.start, p.end),
        )
        for p in points
    ]
    rates = dashboard.criterion_rates(session, flt)
    failure_marks = [
        Mark(
            r.title,
            r.fail_rate,
            _("%(title)s: failed %(failed)s of %(judged)s judged (%(na)s not applicable)")
            % {"title": r.title, "failed": r.failed, "judged": r.passed + r.failed, "na": r.na},
            drill(failed=r.criterion),
        )
        for r in rates
        if r.fail_rate is not None
    ]
    histogram = dashboard.score_distribution(session, flt)
    histogram_marks = [
        Mark(
            f"{b * 10}–{b * 10 + 10}",
            n,
            _("%(n)s interactions scored %(range)s") % {"n": n, "range": f"{b * 10}–{b * 10 + 10}"},
            drill(min_score=b * 10, max_score=b * 10 + (10 if b == 9 else 9.99)),
        )
        for b, n in enumerate(histogram)
    ]
    volumes = {
        key: charts.bar_chart(
            [
                Mark(shown, t.n, _tip(shown, t, _), drill.only(key, value))
                for value, t in dashboard.volume(session, flt, key)[:12]
                for shown in [(translate(value, _) if key == "channel" else value) if value else _("(none)")]
            ],
            label=_(VOLUME_BY[key]),
            test=f"volume-{key}",
        )
        for key in ("channel", "language", "queue")
    }
    heat = dashboard.heat_map(session, flt)
    heat_cells = [
        [
            Mark(
                f"{weekdays[d]} {h:02d}",
                heat.cells[d][h].n,
                _("%(when)s: %(n)s interactions, mean score %(mean)s, low %(low)s")
                % {
                    "when": f"{weekdays[d]} {h:02d}:00",
                    "n": heat.cells[d][h].n,
                    "mean": _num(heat.cells[d][h].mean_score),
                    "low": _pct(heat.cells[d][h].low_rate),
                },
                drill(weekday=d, hour=h),
            )
            for h in range(24)
        ]
        for d in range(7)
    ]
    totals = dashboard.summary(session, flt)
    lines = dashboard.agents(session, flt) if flt.agent is None else []
    return {
        "totals": totals,
        "unit": unit,
        "trend_chart": charts.line_chart(
            trend_marks,
            label=_("mean score over time"),
            test="trend",
            target=target[0] if target else None,
            target_label=target[1] if target else "",
        ),
        "volume_chart": charts.column_chart(volume_marks, label=_("interactions over time"), test="volume"),
        "failure_chart": charts.bar_chart(
            failure_marks, label=_("criterion failure rates"), test="failures", percent=True
        ),
        "rates": rates,
        "histogram_chart": charts.column_chart(
            histogram_marks, label=_("score distribution"), test="histogram"
        ),
        "volumes": volumes,
        "heat_chart": charts.heat_map(
            weekdays, [f"{h:02d}" for h in range(24)], heat_cells, label=_("hour × weekday"), test="heatmap"
        ),
        "agents": lines,
        "drill": drill,
        "pct": _pct,
        "num": _num,
    }


DRILL_KEYS = {
    "hour": "hour",
    "weekday": "weekday",
    "queue": "queue",
    "team": "team",
    "agent": "agent",
    "language": "language",
    "channel": "channel",
}


def driver_link(drill: Drill, driver: Driver, outcome_key: str) -> str | None:
    """The interaction list behind a finding: the dimension value and, where a filter exists, the outcome."""
    if driver.dimension not in DRILL_KEYS or driver.value == "unknown":
        return None
    value: Any = driver.value
    if driver.dimension == "hour":
        value = int(driver.value[:2])
    elif driver.dimension == "weekday":
        value = WEEKDAY_NAMES.index(driver.value)
    extra: dict[str, Any] = {DRILL_KEYS[driver.dimension]: value}
    if outcome_key == "low_score":
        extra["max_score"] = round(drill.low_score - 0.01, 2)
    elif outcome_key == "auto_failed":
        extra["auto_failed"] = "true"
    elif outcome_key.startswith("failed:"):
        extra["failed"] = outcome_key[7:]
    return drill.link(None, None, extra)


def csat_view(
    session: Session, flt: InteractionQuery, drill: Drill, gettext: Callable[[str], str] = _same
) -> dict[str, Any]:
    """QA against CSAT: correlation, the four quadrants (linked), CSAT by score band, criterion effects."""
    _ = gettext
    seen = csat.overview(session, flt)
    line = drill.low_score
    sides = {"compliant": {"min_score": line}, "noncompliant": {"max_score": round(line - 0.01, 2)}}
    links = {
        q: drill.link(None, None, {**sides[q.split("_")[0]], "csat_band": q.split("_")[1]})
        for q in csat.QUADRANTS
    }
    bands = [
        Mark(
            f"{start}–{start + 10}",
            mean,
            _("score %(range)s: mean CSAT %(mean)s of %(n)s surveyed")
            % {"range": f"{start}–{start + 10}", "mean": _num(mean, 2), "n": n},
            drill(min_score=start, max_score=start + (10 if start == 90 else 9.99)) if n else None,
        )
        for start, n, mean in seen.by_score
    ]
    return {
        "overview": seen,
        "quadrant_links": links,
        "by_score_chart": charts.column_chart(
            bands, label=_("mean CSAT by score"), test="csat-by-score", fmt="{:.2f}"
        ),
        "effects": csat.criterion_effects(session, flt),
        "effect_link": lambda criterion: drill(failed=criterion),
        "low_score": line,
        "num": _num,
        "pct": _pct,
    }


def reasons_view(
    session: Session,
    flt: InteractionQuery,
    drill: Drill,
    titles: Mapping[str, str],
    gettext: Callable[[str], str] = _same,
) -> dict[str, Any]:
    """Contact reasons: volume and trend, quality and CSAT per reason, handle-time baselines, outliers."""
    _ = gettext
    volumes = contact_reasons.reason_volumes(session, flt)
    found = contact_reasons.baselines(session, flt)
    marks = [
        Mark(
            translate(titles.get(v.reason, v.reason), _) or _("(no reason recognised)"),
            v.totals.n,
            _("%(n)s interactions, %(share)s of all") % {"n": v.totals.n, "share": f"{v.share:.0%}"},
            drill(reason=v.reason or "none"),
        )
        for v in volumes[:15]
    ]
    return {
        "volumes": volumes,
        "volume_chart": charts.bar_chart(marks, label=_("contact reasons"), test="reasons"),
        "baselines": found,
        "far": contact_reasons.far_from_baseline(session, flt, found),
        "reason_link": lambda reason: drill(reason=reason or "none"),
        "num": _num,
        "pct": _pct,
    }
