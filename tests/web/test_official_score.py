"""The reviewed score is the official score: once an analyst's review is shared, the agent's dashboard,
quality file, team report, exports and the interaction itself show the reviewed result, with the AI's kept
beside it."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from callqa.cli import app
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.scoring.loader import load_scorecard
from web_support import SignedIn, Web

pytestmark = pytest.mark.issue(17)
ALL = {"since": "2020-01-01", "until": "2027-12-31", "agent": "j.smith"}


def _post(who: SignedIn, url: str, body: dict[str, Any] | None = None) -> Any:
    response = who.client.post(url, json=body or {}, headers={"x-csrf-token": who.csrf})
    assert response.status_code < 300, response.text
    return response.json()


def _figures(web: Web, lead: SignedIn) -> dict[str, Any]:
    """What a supervisor reads about j.smith, after the insights refresh."""
    refresh_insights(web.db.factory, InsightConfig.from_settings(web.settings))
    board = lead.client.get("/api/insights/dashboard", params=ALL).json()
    quality = lead.client.get("/api/agents/j.smith/quality-file").json()
    report = lead.client.get("/insights/report.html", params=ALL).text
    return {
        "totals": board["totals"],
        "failed": {c["criterion"]: c["failed"] for c in board["criteria"]},
        "mean": quality["mean_score"],
        "report": report,
    }


def _report_score(report: str, external_id: str) -> str:
    row = re.search(rf">{re.escape(external_id)}<.*?</tr>", report, re.S)
    assert row, f"{external_id} not among the report's lowest-scored"
    return re.findall(r'<td class="num">([^<⚑]+)', row.group(0))[-1].strip()


def test_a_shared_review_changes_every_figure_of_that_agent(web: Web, tmp_path: Any) -> None:
    ident = web.ids()["en-call-05"]
    analyst, lead = web.signed_in("analyst"), web.signed_in("sam.lead")
    before = _figures(web, lead)
    review = _post(analyst, f"/api/interactions/{ident}/review")
    ai_score = review["ai_score"]
    failed = [c["id"] for c in review["criteria"] if c["outcome"] == "fail" and not c["critical"]][:2]
    assert len(failed) == 2
    for criterion in failed:
        _post(
            analyst,
            f"/api/reviews/{review['id']}/overrides",
            {"criterion": criterion, "outcome": "pass", "reason": "the agent did this, the AI missed it"},
        )
    # a draft is not official yet: nothing a manager reads changes
    draft = _figures(web, lead)
    assert draft["totals"] == before["totals"] and draft["mean"] == before["mean"]
    shared = _post(analyst, f"/api/reviews/{review['id']}/share", {"comment": "two criteria corrected"})
    reviewed = shared["score"]
    assert reviewed > ai_score

    after = _figures(web, lead)
    scored = before["totals"]["scored"]
    assert after["totals"]["scored"] == scored
    expected_mean = before["totals"]["mean_score"] + (reviewed - ai_score) / scored
    assert after["totals"]["mean_score"] == pytest.approx(expected_mean, abs=1e-6)
    for criterion in failed:
        assert after["failed"][criterion] == before["failed"][criterion] - 1, criterion
    assert after["mean"] > before["mean"]
    assert _report_score(before["report"], "en-call-05") == f"{ai_score:.1f}"
    assert _report_score(after["report"], "en-call-05") == f"{reviewed:.1f}"

    # the switch: the AI's own scores, and only what people reviewed
    ai_only = lead.client.get("/api/insights/dashboard", params={**ALL, "basis": "ai"}).json()
    assert ai_only["totals"]["mean_score"] == pytest.approx(before["totals"]["mean_score"])
    assert {c["criterion"]: c["failed"] for c in ai_only["criteria"]} == before["failed"]
    reviewed_only = lead.client.get("/api/insights/dashboard", params={**ALL, "basis": "reviewed"}).json()
    assert (reviewed_only["totals"]["n"], reviewed_only["totals"]["mean_score"]) == (1, reviewed)
    assert sum(reviewed_only["score_distribution"]) == 1
    centre = {k: v for k, v in ALL.items() if k != "agent"}
    centre_ai = lead.client.get("/api/insights/dashboard", params={**centre, "basis": "ai"}).json()
    centre_final = lead.client.get("/api/insights/dashboard", params=centre).json()
    assert centre_ai["totals"]["scored"] == centre_final["totals"]["scored"]
    assert centre_ai["totals"]["score_sum"] == pytest.approx(
        centre_final["totals"]["score_sum"] - reviewed + ai_score
    )
    refused = lead.client.get("/api/insights/causes", params={**ALL, "basis": "ai"})
    assert refused.status_code == 422 and "official" in refused.json()["detail"]
    assert lead.client.get("/api/insights/dashboard", params={**ALL, "basis": "x"}).status_code == 422
    page = lead.client.get("/insights", params={**ALL, "basis": "reviewed"}).text
    assert (
        'value="reviewed" selected' in page
        and "basis=reviewed" not in page.split('data-test="causes"')[1][:300]
    )

    # the exports carry all three scores and the review state
    table = lead.client.get("/api/export/interactions", params={"agent": "j.smith"})
    row = next(r for r in csv.DictReader(io.StringIO(table.text)) if r["external_id"] == "en-call-05")
    assert (float(row["score"]), float(row["ai_score"]), float(row["reviewed_score"])) == (
        reviewed,
        ai_score,
        reviewed,
    )
    assert row["review_state"] == "shared"
    other = next(r for r in csv.DictReader(io.StringIO(table.text)) if r["external_id"] != "en-call-05")
    assert other["reviewed_score"] == other["review_state"] == ""
    assert other["score"] == other["ai_score"]
    results = lead.client.get("/api/export/criterion_results", params={"agent": "j.smith"}).text
    changed = [
        r
        for r in csv.DictReader(io.StringIO(results))
        if r["interaction_id"] == str(ident) and r["criterion"] in failed
    ]
    seen = {(r["ai_outcome"], r["reviewed_outcome"], r["outcome"]) for r in changed}
    assert seen == {("fail", "pass", "pass")}

    out = tmp_path / "records.jsonl"
    env = {"CALLQA_DATABASE_URL": web.db.url, "CALLQA_DATA_DIR": str(tmp_path / "data")}
    made = CliRunner().invoke(app, ["export", "--format", "jsonl", "-o", str(out)], env=env)
    assert made.exit_code == 0, made.output
    record = next(
        r for r in map(json.loads, out.read_text().splitlines()) if r["external_id"] == "en-call-05"
    )
    assert (record["ai_score"], record["reviewed_score"], record["final_score"], record["review_state"]) == (
        ai_score,
        reviewed,
        reviewed,
        "shared",
    )
    outcomes = {c["id"]: (c["ai_outcome"], c["reviewed_outcome"], c["outcome"]) for c in record["criteria"]}
    assert all(outcomes[c] == ("fail", "pass", "pass") for c in failed)

    # the interaction: the official score, marked reviewed, with the AI's beside it
    shown = lead.client.get(f"/api/interactions/{ident}").json()["evaluations"][0]
    assert (shown["score"], shown["ai_score"], shown["review_state"]) == (reviewed, ai_score, "shared")
    page = lead.client.get(f"/interactions/{ident}").text
    assert 'data-test="reviewed"' in page and page.count('data-test="ai-outcome"') == 2


def test_a_rescored_interaction_keeps_its_reviewers_outcomes(web: Web, tmp_path: Any) -> None:
    """A new scorecard version re-scores everything; the reviewed call keeps the people's outcomes."""
    ident = web.ids()["en-call-05"]
    analyst = web.signed_in("analyst")
    review = _post(analyst, f"/api/interactions/{ident}/review")
    failed = [c["id"] for c in review["criteria"] if c["outcome"] == "fail" and not c["critical"]][:2]
    for criterion in failed:
        _post(
            analyst,
            f"/api/reviews/{review['id']}/overrides",
            {"criterion": criterion, "outcome": "pass", "reason": "the agent did this, the AI missed it"},
        )
    reviewed = _post(analyst, f"/api/reviews/{review['id']}/share")["score"]
    card = tmp_path / "standard.yaml"
    card.write_text(
        load_scorecard("standard").source_text + "\n# version 2: a comment only\n", encoding="utf-8"
    )
    env = {"CALLQA_DATABASE_URL": web.db.url, "CALLQA_DATA_DIR": str(tmp_path / "data")}
    run = CliRunner().invoke(app, ["score", "--rescore", "--scorecard", str(card)], env=env)
    assert run.exit_code == 0, run.output
    assert "1 reviewed interactions keep their reviewers' outcomes" in run.output
    shown = web.signed_in("sam.lead").client.get(f"/api/interactions/{ident}").json()["evaluations"][0]
    assert shown["scorecard_version"] == 2 and shown["review_state"] == "shared"
    assert shown["score"] == reviewed and shown["ai_score"] < reviewed
    outcomes = {c["id"]: (c["ai_outcome"], c["outcome"]) for c in shown["criteria"]}
    assert all(outcomes[c] == ("fail", "pass") for c in failed)
    # the carried review is the interaction's review now, with the changes it carried
    current = analyst.client.get(f"/api/interactions/{ident}/review").json()
    assert current["id"] != review["id"] and current["state"] == "shared"
    assert sorted(o["criterion"] for o in current["overrides"]) == sorted(failed)
