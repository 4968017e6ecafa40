"""Scorecards in the web app: versions, live validation, a preview that stores nothing, saving a version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from browser_support import browser, screenshot, serving, sign_in
from callqa.scoring.loader import load_scorecard
from callqa.scoring.models import EvaluationRow, ScorecardRow
from web_support import SignedIn, Web


def _post(who: SignedIn, url: str, body: dict[str, object]) -> object:
    return who.client.post(url, json=body, headers={"x-csrf-token": who.csrf})


def test_validate_preview_save(web: Web) -> None:
    analyst, lead = web.signed_in("analyst"), web.signed_in("sam.lead")
    text = load_scorecard("standard").source_text
    ok = _post(lead, "/api/scorecards/validate", {"yaml": text}).json()  # type: ignore[attr-defined]
    assert ok["valid"] and ok["name"] == "standard" and "greeting" in ok["criteria"]
    broken = text.replace("type: phrase", "type: phrasse", 1)
    bad = _post(lead, "/api/scorecards/validate", {"yaml": broken}).json()  # type: ignore[attr-defined]
    assert not bad["valid"] and "[S102]" in bad["errors"][0] and "phrasse" in bad["errors"][0]

    ident = web.ids()["en-call-05"]
    with web.db.factory() as session:
        evaluations = session.scalar(select(func.count(EvaluationRow.id)))
        stored_score = session.scalar(
            select(EvaluationRow.score).where(
                EvaluationRow.interaction_id == ident, EvaluationRow.is_current.is_(True)
            )
        )
    stricter = text.replace("pass_mark: 80", "pass_mark: 95") if "pass_mark: 80" in text else text
    shown = _post(analyst, "/api/scorecards/preview", {"yaml": stricter, "interaction_id": ident}).json()  # type: ignore[attr-defined]
    assert shown["score"] == stored_score and len(shown["criteria"]) == len(ok["criteria"])
    assert _post(lead, "/api/scorecards/preview", {"yaml": text, "interaction_id": ident}).status_code == 403  # type: ignore[attr-defined]
    with web.db.factory() as session:
        assert session.scalar(select(func.count(EvaluationRow.id))) == evaluations  # a preview stores nothing

    renamed = re.sub(r"^title: .*$", "title: Standard QA (November)", text, count=1, flags=re.M)
    assert _post(lead, "/api/scorecards", {"yaml": renamed}).status_code == 403  # type: ignore[attr-defined]
    assert _post(analyst, "/api/scorecards", {"yaml": broken}).status_code == 422  # type: ignore[attr-defined]
    saved = _post(analyst, "/api/scorecards", {"yaml": renamed})
    assert saved.status_code == 201 and saved.json() == {"name": "standard", "version": 2}  # type: ignore[attr-defined]
    with web.db.factory() as session:
        assert session.scalars(
            select(ScorecardRow.version).where(ScorecardRow.name == "standard").order_by(ScorecardRow.version)
        ).all() == [
            1,
            2,
        ]
    page = lead.client.get("/scorecards/standard").text
    assert "v2" in page and "readonly" in page  # supervisors read, staff edit
    assert "Standard QA (November)" in analyst.client.get("/scorecards/standard?version=2").text


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_editor_validates_as_you_type_in_the_browser(web: Web) -> None:
    with serving(web.app) as base, browser() as chromium:
        page = sign_in(chromium, base, "analyst")
        page.goto(f"{base}/scorecards/standard")
        expect(page.locator("[data-test=validation]")).to_contain_text("✓ standard")
        editor = page.locator("#editor")
        editor.fill(editor.input_value().replace("type: phrase", "type: phrasse", 1))
        expect(page.locator("[data-test=validation]")).to_contain_text("phrasse")
        screenshot(page, "scorecard-editor-error")


@pytest.mark.issue(16)
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_preview_then_save_then_rescore_with_progress_in_the_browser(web: Web) -> None:
    """The editor's whole loop in Chromium: preview a draft on one interaction, save it as a new version,
    re-score every stored interaction with it while a progress bar counts, and the evaluations follow."""
    ident = web.ids()["en-call-05"]
    with web.db.factory() as session:
        stored = session.scalar(
            select(func.count(EvaluationRow.id)).where(EvaluationRow.is_current.is_(True))
        )
    with serving(web.app) as base, browser() as chromium:
        page = sign_in(chromium, base, "analyst")
        page.goto(f"{base}/scorecards/standard")
        expect(page.locator("[data-test=validation]")).to_contain_text("✓ standard")
        editor = page.locator("#editor")
        editor.fill(
            re.sub(r"^title: .*$", "title: Standard QA (stricter)", editor.input_value(), count=1, flags=re.M)
        )
        page.fill("#preview-id", str(ident))
        page.click("[data-test=preview]")
        expect(page.locator("[data-test=preview-score]")).to_have_text(re.compile(r"^\d+$"))
        expect(page.locator("#preview-result tr[data-criterion=greeting] td").first).to_contain_text(
            "Greeting"
        )
        screenshot(page, "scorecard-preview")

        page.click("[data-test=save-scorecard]")
        expect(page.locator("[data-test=saved]")).to_contain_text("saved as v2")
        page.click("[data-test=rescore]")
        expect(page.locator("[data-test=rescore-done]")).to_contain_text(
            f"{stored} interactions re-scored, 0 failed"
        )
        assert page.locator("#rescore-progress").get_attribute("value") == str(stored)
        screenshot(page, "scorecard-rescored")
    with web.db.factory() as session:
        versions = session.execute(
            select(ScorecardRow.version, func.count(EvaluationRow.id))
            .join(EvaluationRow, EvaluationRow.scorecard_id == ScorecardRow.id)
            .where(EvaluationRow.is_current.is_(True))
            .group_by(ScorecardRow.version)
        ).all()
    assert [tuple(v) for v in versions] == [(2, stored)]  # every current evaluation is by the new version
