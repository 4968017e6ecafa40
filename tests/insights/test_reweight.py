"""QA standards against what customers care about (callqa.insights.reweight): effects beside weights, the
suggested reweighting and its bounds, the held-out check, and the draft version it becomes."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
import yaml

from callqa.core.errors import CallqaError, ErrorCode
from callqa.insights.refresh import InsightConfig, refresh_insights
from callqa.insights.reweight import reweighting, verdict
from callqa.insights.reweight_draft import draft_version
from callqa.insights.reweight_weights import Policy, bounds, score, step_of, suggest
from callqa.scoring import editing
from callqa.scoring.loader import parse_scorecard
from callqa.scoring.models import ScorecardRow
from callqa.scoring.store import ScorecardStore
from reweight_support import DAYS, NAME, WEIGHTS, YAML, build_centre
from support import Database

pytestmark = pytest.mark.issue(21)


def _built(db: Database) -> None:
    with db.factory.begin() as session:
        build_centre(session)
    refresh_insights(db.factory, InsightConfig(ZoneInfo("UTC")))


def test_the_low_weight_driver_is_raised_and_the_heavy_bystander_lowered(db: Database) -> None:
    _built(db)
    with db.factory() as session:
        report = reweighting(session, NAME, DAYS)
    by = {s.criterion: s for s in report.criteria}
    assert (report.interactions, report.surveyed) == (300, 300)
    greeting, script, identity = by["greeting"], by["script"], by["identity"]
    assert greeting.csat is not None and greeting.csat.q <= 0.05
    assert greeting.csat.low > 1.0  # passed is rated about two points higher
    assert script.csat is not None and script.csat.q > 0.05
    assert report.strongest == "greeting"
    # the suggestion raises the driver (as far as the factor allows) and lowers the bystander
    assert greeting.suggested == 10 and script.suggested < 40
    assert identity.csat is None and identity.suggested == 10  # never failed: not judged, kept, critical
    # sums preserved, bounds hold, the scorecard's step (whole numbers) kept
    assert sum(s.suggested for s in report.criteria) == pytest.approx(100)
    for s in report.criteria:
        low, high = bounds(s.share, report.policy)
        assert low - 1e-9 <= s.suggested_share <= high + 1e-9, s.criterion
        assert float(s.suggested).is_integer()
    # the solution brings customers back when it fails
    solution = by["solution"]
    assert solution.recontact is not None and solution.recontact.q <= 0.05
    assert solution.recontact.difference > 0.3
    # judged on folds that did not choose it, the reweighted score follows CSAT better
    assert report.before is not None and report.after is not None
    assert report.held_out == 300 and report.after.r > report.before.r + 0.05
    sentence = verdict(greeting, report.strongest, report.policy)
    assert sentence.startswith("weighted 5 % of the score but the strongest driver of CSAT: failing it costs")
    assert "not significant" in verdict(script, report.strongest, report.policy)
    assert "percentage points more often" in verdict(solution, report.strongest, report.policy)
    assert verdict(identity, report.strongest, report.policy).endswith("(0 of 300 failed)")


def test_the_draft_differs_only_in_weights_and_scoring_ignores_it_until_published(db: Database) -> None:
    _built(db)
    store = ScorecardStore(db.factory)
    with db.factory.begin() as session:
        report = reweighting(session, NAME, DAYS)
        row = draft_version(session, report, today=date(2026, 6, 1))
        draft_id, draft_version_no, source = row.id, row.version, row.source
    assert row.origin == "draft" and draft_version_no == 2
    before, after = yaml.safe_load(YAML), yaml.safe_load(source)
    for section in (*before["sections"], *after["sections"]):
        for criterion in section["criteria"]:
            criterion.pop("weight")
    assert before == after  # everything but the weights is the same
    new = {c.spec.id: c.spec.weight for c in parse_scorecard(source, "draft").criteria}
    assert new == report.weights() and new != WEIGHTS
    assert source.startswith("# Draft made 2026-06-01 by callqa's reweighting")
    assert "# Service QA: a hand-made scorecard" in source and "# customers notice this one" in source
    # scoring still uses v1: a draft is never current, and the editor shows the current text by default
    assert store.current(NAME).spec.sections[0].criteria[0].weight == 5
    with db.factory() as session:
        assert editing.source_of(session, NAME) == YAML
        assert [v.origin for v in editing.versions(session)[NAME]] == ["draft", "editor"]
    # a second look at unchanged data makes no second draft
    with db.factory.begin() as session:
        again = draft_version(session, reweighting(session, NAME, DAYS), today=date(2026, 6, 1))
        assert again.id == draft_id
    # publishing is the editor's save of that text: the same row becomes the version scoring uses
    with db.factory.begin() as session:
        card, errors = editing.check(source)
        assert card is not None, errors
        published = editing.save(session, card)
        assert (published.id, published.origin, published.version) == (draft_id, "editor", 2)
    assert store.current(NAME).spec.sections[0].criteria[0].weight == new["greeting"]


def test_a_changed_scorecard_or_no_change_is_refused(db: Database) -> None:
    _built(db)
    with db.factory.begin() as session:
        report = reweighting(session, NAME, DAYS)
        card, _ = editing.check(YAML.replace("pass_mark: 80", "pass_mark: 75"))
        assert card is not None
        editing.save(session, card)
    with db.factory.begin() as session, pytest.raises(CallqaError) as caught:
        draft_version(session, report)
    assert caught.value.code is ErrorCode.O161 and "'service'" in str(caught.value)
    with db.factory.begin() as session, pytest.raises(CallqaError) as caught:
        draft_version(session, reweighting(session, NAME, DAYS.but(days=DAYS.days.before())))
    assert caught.value.code is ErrorCode.O162 and "no surveyed interactions" in str(caught.value)
    with db.factory() as session:
        assert [r.origin for r in session.query(ScorecardRow).filter_by(name=NAME)] == ["editor", "editor"]
    with db.factory() as session, pytest.raises(CallqaError) as caught:
        reweighting(session, "nope", DAYS)
    assert caught.value.code is ErrorCode.O160 and "standard" in str(caught.value)


def test_the_formula_keeps_bounds_sums_and_step() -> None:
    policy = Policy()
    weights = {"a": 5.0, "b": 40.0, "c": 35.0, "d": 10.0, "e": 10.0}
    # a is all that matters: it doubles (the factor), b and c lose, e was not judged and keeps its weight
    new = suggest(weights, {"a": 0.5, "b": 0.0, "c": 0.0, "d": 0.0, "e": None}, policy)
    assert new["a"] == 10 and new["e"] == 10 and sum(new.values()) == 100
    assert new["b"] < 40 and new["c"] < 35 and new["d"] >= 5
    # nothing significant: nothing moves
    assert suggest(weights, dict.fromkeys(weights, 0.0), policy) == weights
    # halves stay halves
    assert step_of([2.5, 7.5, 10]) == 0.5 and step_of([5, 10, 40]) == 1
    halves = suggest({"a": 2.5, "b": 7.5}, {"a": 1.0, "b": 0.0}, policy)
    assert sum(halves.values()) == 10 and all((2 * v).is_integer() for v in halves.values())
    # a floor holds even when the blend would go below it
    floored = suggest({"a": 3.0, "b": 97.0}, {"a": 0.0, "b": 1.0}, Policy(factor=10, floor=0.02))
    assert floored["a"] == 2 and floored["b"] == 98
    with pytest.raises(CallqaError) as caught:
        Policy(blend=1.5)
    assert caught.value.code is ErrorCode.O163 and "blend" in str(caught.value)
    assert score({"a": "pass", "b": "fail", "c": "n/a"}, {"a": 1, "b": 3, "c": 5}, ["c"]) == 25
    assert score({"a": "pass", "c": "fail"}, {"a": 1, "c": 5}, ["c"]) == 0
    assert score({"c": "n/a"}, {"c": 5}, []) is None


def test_a_draft_published_after_newer_versions_becomes_the_newest(db: Database) -> None:
    """Versions saved after the draft was made do not hide it: publishing gives it the next number."""
    _built(db)
    with db.factory.begin() as session:
        draft = draft_version(session, reweighting(session, NAME, DAYS), today=date(2026, 6, 1))
        source, draft_id = draft.source, draft.id
        other, _ = editing.check(YAML.replace("title: Service QA", "title: Service QA (edited)"))
        assert other is not None
        assert editing.save(session, other).version == 3
    with db.factory.begin() as session:
        card, _ = editing.check(source)
        assert card is not None
        published = editing.save(session, card)
        assert (published.id, published.version, published.origin) == (draft_id, 4, "editor")
    assert ScorecardStore(db.factory).current(NAME).source_text == source
