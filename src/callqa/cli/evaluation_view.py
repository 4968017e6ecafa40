"""Drawing an evaluation in a terminal: criteria with outcome, confidence and explanation; analysis facts."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from callqa.cli.render import Highlights, clock
from callqa.scoring.queries import ScoreSummary, StoredEvaluation

OUTCOME_STYLE = {"pass": "green", "fail": "bold red", "n/a": "dim"}
OUTCOME_MARK = {"pass": "✓", "fail": "✗", "n/a": "–"}


def evidence_highlights(evaluation: StoredEvaluation) -> Highlights:
    """Evidence spans per turn, labelled with the criterion and its outcome mark."""
    found: Highlights = {}
    for c in evaluation.criteria:
        for e in c["evidence"]:
            label = f"{c['id']} {OUTCOME_MARK[c['outcome']]}"
            found.setdefault(e["turn"], []).append((e["char_start"], e["char_end"], label))
    return found


def _points(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.0f}"


def evaluation_table(evaluation: StoredEvaluation) -> RenderableType:
    verdict = "AUTO-FAIL" if evaluation.auto_failed else ("pass" if evaluation.passed else "below pass mark")
    score = _points(evaluation.score)
    if evaluation.review_state is not None:
        score += f" reviewed ({evaluation.review_state}; AI {_points(evaluation.ai_score)})"
    title = (
        f"{evaluation.scorecard} v{evaluation.scorecard_version}: score {score} ({verdict}), "
        f"{evaluation.engine_version}"
    )
    table = Table(title=title, title_justify="left", box=None, expand=True, pad_edge=False)
    table.add_column("criterion", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column("why", ratio=1, overflow="fold")
    for c in evaluation.criteria:
        name = Text(c["id"] + (" !" if c["critical"] else ""))
        mark = Text(f"{OUTCOME_MARK[c['outcome']]} {c['outcome']}", style=OUTCOME_STYLE[c["outcome"]])
        if c["ai_outcome"] != c["outcome"]:
            mark.append(f" (AI {c['ai_outcome']})", style="dim")
        at = ", ".join(
            clock(e["start_ms"]).strip() for e in c["evidence"][:3] if e.get("start_ms") is not None
        )
        why = Text(c["explanation"])
        if at:
            why.append(f"  [{at}]", style="dim")
        table.add_row(name, mark, f"{c['confidence']:.2f}", why)
    return table


def analysis_lines(data: dict[str, Any]) -> list[RenderableType]:
    """Sentiment trajectory, key moments, friction and the summary as short lines."""
    lines: list[RenderableType] = []
    sentiment = data.get("sentiment") or {}
    customer = sentiment.get("customer") or {}
    if customer.get("overall") is not None:
        parts = [f"{k} {customer[k]:+.2f}" for k in ("start", "middle", "end") if customer.get(k) is not None]
        agent = (sentiment.get("agent") or {}).get("overall")
        agent_part = f"; agent {agent:+.2f}" if agent is not None else ""
        lines.append(Text(f"sentiment: customer {' → '.join(parts)}{agent_part}"))
    moments = data.get("moments") or []
    if moments:
        lines.append(
            Text("moments: " + ", ".join(f"{m['kind']} ({clock(m['start_ms']).strip()})" for m in moments))
        )
    friction = data.get("friction") or []
    if friction:
        lines.append(Text("friction: " + "; ".join(f["detail"] for f in friction[:5])))
    summary = data.get("summary") or {}
    if summary.get("text"):
        lines.append(Text("summary: " + summary["text"], style="italic"))
    return lines


def scores_table(records: list[dict[str, Any]]) -> RenderableType:
    """One line per evaluated interaction: who, channel, language, score, failed criteria, moments."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("interaction", "channel", "lang", "agent", "score", "failed criteria", "moments"):
        table.add_column(column, overflow="fold")
    for r in records:
        score = "–" if r["score"] is None else f"{r['score']:.0f}"
        style = "bold red" if r["auto_failed"] else ("green" if r["passed"] else "yellow")
        failed = ", ".join(c["id"] for c in r["criteria"] if c["outcome"] == "fail")
        moments = ", ".join(dict.fromkeys(m["kind"] for m in r["moments"]))
        table.add_row(
            r["external_id"][:28],
            r["channel"],
            r["language"] or "",
            r["agent"] or "",
            Text(score + (" AUTO-FAIL" if r["auto_failed"] else ""), style=style),
            failed,
            moments,
        )
    return table


def criteria_table(summary: ScoreSummary) -> RenderableType:
    """Pass / fail / N-A counts and the fail rate per criterion."""
    mean = "–" if summary.mean_score is None else f"{summary.mean_score:.1f}"
    title = (
        f"{summary.evaluations} evaluations, mean score {mean}, {summary.passed} passed, "
        f"{summary.auto_failed} auto-failed"
    )
    table = Table(title=title, title_justify="left", box=None, pad_edge=False, header_style="bold")
    for column in ("criterion", "pass", "fail", "n/a", "fail rate"):
        table.add_column(column, justify="left" if column == "criterion" else "right")
    for c in summary.criteria:
        rate = "–" if c.fail_rate is None else f"{100 * c.fail_rate:.0f}%"
        table.add_row(c.title, str(c.passed), str(c.failed), str(c.not_applicable), rate)
    return table
