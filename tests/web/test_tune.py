"""``callqa tune``: changes learnt from the shared reviews, cross-validated by interaction, applied only
when a person approves (a new version, comments kept), then re-scored."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import yaml
from playwright.sync_api import expect
from sqlalchemy import select
from typer.testing import CliRunner

from browser_support import browser, screenshot, serving, sign_in
from callqa.calibration import tuning
from callqa.cli import app
from callqa.demo import demo_data_dir
from callqa.demo.reviews import load_demo_reviews
from callqa.interactions.models import InteractionRow
from callqa.interactions.service import StoreItem, store_interactions
from callqa.review import service as reviews
from callqa.runtime import Runtime
from callqa.scoring import editing
from callqa.scoring.models import CriterionResultRow, EvaluationRow
from callqa.scoring.service import score_stored
from callqa.users.models import UserRow
from qa_support import card_yaml, make_interaction
from web_support import SignedIn, Web

pytestmark = pytest.mark.issue(17)

# The issue's new user: a semantic criterion at 0.80 passes "Good morning." (0.80) and "Hello, this is Anna."
# (0.81) as a confirmation that the card was blocked. Measured similarities to the example: confirmations
# 0.915–0.982, the other agent lines 0.786–0.824.
CONFIRM = card_yaml(
    """      - id: confirm_block
        title: Confirms the card is blocked
        weight: 10
        detector:
          type: semantic
          speaker: agent
          # a new user's first guess
          threshold: 0.8
          examples:
            en: ["Just to confirm, your card was blocked."]
"""
).replace("name: t\n", "name: blocks\n")
CONFIRMED = [
    "Just to confirm, your card has been blocked now.",
    "To confirm, I have blocked your card.",
    "Your card is now blocked, so nobody can use it.",
    "I have put a block on the card for you.",
    "So your card is blocked as of now.",
    "The card is blocked, you are safe.",
]
OTHER = ["Good morning.", "Thank you for calling Acme Bank.", "Have a nice day.", "One moment please."]


def _calls() -> list[Any]:
    docs = []
    for n in range(12):
        lines = [("agent", "Hello, this is Anna.", 0.0), ("customer", "I lost my card.", 3.0)]
        lines.append(("agent", CONFIRMED[n // 2] if n % 2 == 0 else OTHER[n % 4], 6.0))
        lines.append(("agent", OTHER[(n + 1) % 4], 9.0))
        docs.append(make_interaction(lines, external_id=f"block-{n:02d}", language="en"))
    return docs


def _reviewed_blocks(web: Web, runtime: Runtime) -> None:
    """The calls scored with the 0.80 version; the analyst fails the six without a confirmation."""
    with web.db.factory.begin() as session:
        store_interactions(session, [StoreItem(d) for d in _calls()])
        card, errors = editing.check(CONFIRM)
        assert card is not None, errors
        editing.save(session, card)
    report = score_stored(web.db.factory, runtime.scorecards.current("blocks"), pipeline=runtime.pipeline)
    assert set(report.scores) == {100.0}  # every call "passes" at 0.80 (the demo calls too)
    with web.db.factory.begin() as session:
        analyst = session.scalar(select(UserRow.id).where(UserRow.username == "analyst"))
        assert analyst is not None
        query = (
            select(EvaluationRow.id, InteractionRow.external_id)
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .where(EvaluationRow.scorecard_name == "blocks", EvaluationRow.is_current)
            .where(InteractionRow.external_id.like("block-%"))
        )
        for evaluation, external in session.execute(query).all():
            review = reviews.start_review(session, evaluation, analyst)
            if int(external.split("-")[1]) % 2:
                reviews.override(
                    session,
                    review,
                    criterion="confirm_block",
                    outcome="fail",
                    reason="the agent never confirmed the block",
                    user_id=analyst,
                )
            reviews.share(session, review)
            reviews.finalize(session, review)


def test_a_threshold_that_passes_everything_is_refitted_and_cross_validated(web: Web) -> None:
    runtime: Runtime = web.app.state.runtime
    _reviewed_blocks(web, runtime)
    with web.db.factory() as session:
        report = tuning.propose(session, "blocks", pipeline=runtime.pipeline, services=runtime.services)
    [proposal] = report.proposals
    assert (proposal.n, proposal.before) == (12, 6)
    # learnt on 4 folds' calls, judged on the fifth: every call agrees (the gap is 0.82 → 0.92)
    assert proposal.after == 12 and proposal.fitted == 12 and proposal.offered
    [edit] = proposal.edits
    assert edit.path[-1] == "thresholds" and edit.threshold is not None
    language, value = edit.threshold
    # the middle of the run of thresholds that separate them (0.83–0.91), not its edge
    assert language == "en" and 0.85 <= value <= 0.89
    with web.db.factory.begin() as session:
        row = tuning.approve(session, "blocks", report.base_hash, proposal.edits)
    assert row.version == 2 and "# a new user's first guess" in row.source
    spec = yaml.safe_load(row.source)["sections"][0]["criteria"][0]["detector"]
    assert spec["thresholds"] == {"en": value} and spec["threshold"] == 0.8
    with web.db.factory.begin() as session, pytest.raises(Exception, match="changed since"):
        tuning.approve(session, "blocks", report.base_hash, proposal.edits)  # proposals of v1 on v2
    score_stored(
        web.db.factory, runtime.scorecards.current("blocks"), pipeline=runtime.pipeline, rescore=True
    )
    with web.db.factory() as session:
        scores = session.execute(
            select(InteractionRow.external_id, EvaluationRow.score)
            .join(InteractionRow, InteractionRow.id == EvaluationRow.interaction_id)
            .where(EvaluationRow.scorecard_name == "blocks", EvaluationRow.is_current)
            .where(InteractionRow.external_id.like("block-%"))
        ).all()
    # the six confirmations pass, the six others fail
    assert sorted(scores) == [(f"block-{n:02d}", 0.0 if n % 2 else 100.0) for n in range(12)]


def _persian_greeting(web: Web) -> str | None:
    """The AI's greeting outcome on the demo's Persian call the reviewer passed."""
    with web.db.factory() as session:
        return session.scalar(
            select(CriterionResultRow.ai_outcome)
            .join(EvaluationRow, EvaluationRow.id == CriterionResultRow.evaluation_id)
            .where(
                EvaluationRow.interaction_id == web.ids()["acb-fa-20260923-1377"],
                EvaluationRow.is_current,
                CriterionResultRow.criterion == "greeting",
            )
        )


def _wait(who: SignedIn, job: dict[str, Any]) -> dict[str, Any]:
    for _ in range(600):
        state = who.client.get(f"/api/jobs/{job['id']}").json()
        if state["finished"]:
            assert state["error"] is None, state["error"]
            return dict(state["result"])
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def test_the_demo_reviews_give_a_proposal_that_is_not_worse_and_approval_makes_a_version(web: Web) -> None:
    with web.db.factory.begin() as session:
        load_demo_reviews(session, demo_data_dir() / "reviews.yaml")
    assert _persian_greeting(web) == "fail"
    analyst, agent = web.signed_in("analyst"), web.signed_in("j.smith")
    assert agent.post("/api/tune/standard").status_code == 403  # type: ignore[attr-defined]
    started = analyst.post("/api/tune/standard")
    assert started.status_code == 202  # type: ignore[attr-defined]
    report = _wait(analyst, started.json())  # type: ignore[attr-defined]
    assert report["labels"] == 108  # 9 reviewed demo interactions × the criteria that apply
    proposals = {p["criterion"]: p for p in report["proposals"]}
    greeting = proposals["greeting"]
    # the reviewer passed a Persian greeting, quoting it: learnt as a greeting phrase; one example only, so
    # the fold holding it has nothing to learn from (cross-validated unchanged, not lower)
    assert (greeting["agreed_before"], greeting["agreed_after_cv"], greeting["n"]) == (8, 8, 9)
    assert greeting["offered"] and greeting["fitted"] == 1.0
    assert any("بفرمایید" in e["note"] for e in greeting["edits"])
    assert not proposals["readability"]["offered"]  # a word-count criterion: nothing to learn
    assert "agrees with all" in report["skipped"]["empathy"]
    body = {"base_hash": report["base_hash"], "edits": greeting["edits"], "criteria": ["greeting"]}
    approved = analyst.post("/api/tune/standard/approve", json=body)
    assert approved.status_code == 201, approved.text  # type: ignore[attr-defined]
    version = approved.json()["version"]  # type: ignore[attr-defined]
    assert analyst.post("/api/tune/standard/approve", json=body).status_code == 409  # type: ignore[attr-defined]
    _wait(analyst, analyst.post("/api/scorecards/standard/rescore").json())  # type: ignore[attr-defined]
    assert _persian_greeting(web) == "pass"  # the AI itself now passes the greeting the reviewer passed
    rows = analyst.client.get("/api/agreement", params={"by": "version,criterion"}).json()["rows"]
    tuned = next(r for r in rows if r["version"] == version and r["criterion"] == "greeting")
    assert tuned["agreement"] == 1.0


def test_cli_prints_the_proposals_and_applies_only_what_is_approved(web: Web, tmp_path: Any) -> None:
    with web.db.factory.begin() as session:
        load_demo_reviews(session, demo_data_dir() / "reviews.yaml")
    env = {"CALLQA_DATABASE_URL": web.db.url, "CALLQA_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "160"}
    runner = CliRunner(env=env)
    shown = runner.invoke(app, ["tune"])
    assert shown.exit_code == 0, shown.output
    assert "greeting" in shown.stdout and "89% (8/9)" in shown.stdout and "بفرمایید" in shown.stdout
    with web.db.factory() as session:
        before = editing.versions(session)["standard"]
    refused = runner.invoke(app, ["tune", "--apply", "empathy"])
    assert refused.exit_code != 0 and "no offered proposal for empathy" in refused.output
    applied = runner.invoke(app, ["tune", "--apply", "greeting", "--no-rescore"])
    assert applied.exit_code == 0, applied.output
    with web.db.factory() as session:
        after = editing.versions(session)["standard"]
    assert len(after) == len(before) + 1


def test_propose_approve_and_rescore_in_the_browser(web: Web) -> None:
    """The tuning loop in Chromium: from the menu, propose, read before / cross-validated, approve the ticked
    proposal as a new version, re-score with a progress bar; the AI then passes the reviewed greeting."""
    with web.db.factory.begin() as session:
        load_demo_reviews(session, demo_data_dir() / "reviews.yaml")
    with serving(web.app) as base, browser() as chromium:
        page = sign_in(chromium, base, "analyst")
        page.click("[data-test=tune]")
        page.click("[data-test=propose]")
        greeting = page.locator("#proposals tr[data-criterion=greeting]")
        # the proposals are worked out in the background (a progress bar): slow on a loaded machine
        expect(greeting.locator("[data-test=before]")).to_have_text("89%", timeout=60_000)
        expect(greeting.locator("[data-test=after]")).to_have_text("89%")
        expect(greeting).to_contain_text("بفرمایید")
        expect(page.locator("#proposals tr[data-criterion=readability] [data-test=choose]")).to_have_count(0)
        screenshot(page, "tune-proposals")
        page.click("[data-test=approve]")
        expect(page.locator("[data-test=approved]")).to_contain_text(re.compile(r"saved as v\d+"))
        page.click("[data-test=rescore]")
        expect(page.locator("[data-test=rescore-done]")).to_contain_text("re-scored, 0 failed")
    assert _persian_greeting(web) == "pass"
