"""The standard scorecard on the bundled demo: every interaction gets the outcome its manifest expects."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from callqa.analysis.defaults import build_pipeline
from callqa.scoring.detectors import Services
from callqa.scoring.engine import CriterionResult, Evaluation, evaluate
from callqa.scoring.loader import load_scorecard
from qa_support import demo_interactions, manifest

pytestmark = pytest.mark.issue(3)


MANIFEST = manifest()


@pytest.fixture(scope="module")
def evaluations() -> dict[str, Evaluation]:
    """Every demo interaction (through the real ingest path) analysed by the default pipeline and scored
    with ``standard``, once."""
    docs = demo_interactions().values()
    pipeline = build_pipeline()
    card = load_scorecard("standard")
    services = Services()  # one embedder for all interactions
    return {doc.external_id: evaluate(pipeline.run(doc), card, services) for doc in docs}


@pytest.mark.parametrize("entry", MANIFEST, ids=[str(e["external_id"]) for e in MANIFEST])
def test_standard_scorecard_gives_the_expected_outcome(
    entry: dict[str, Any], evaluations: dict[str, Evaluation]
) -> None:
    evaluation = evaluations.get(str(entry["external_id"]))
    assert evaluation is not None, f"{entry['external_id']} ({entry['file']}) was not ingested"
    mismatches = []
    for criterion, expected in entry["expected"].items():
        result = evaluation.result(criterion)
        if result.outcome != expected and not borderline(result):
            got = result.outcome
            mismatches.append(f"  {criterion}: expected {expected}, got {got} — {result.explanation}")
    assert not mismatches, f"{entry['external_id']} ({entry['file']}):\n" + "\n".join(mismatches)


# A criterion decided by a sentence's similarity to the examples within ~0.02 of the threshold says so with
# a confidence under 0.75 (the semantic detector's logistic of the margin). Such a result may fall either
# way on another CPU or library version (e5 similarities move by about ±0.01): measured here, the demo has
# three (0.632, 0.636, 0.696: an empathy pass in Chinese at 0.911 against 0.90, an empathy fail, a listening
# fail). They are not asserted; their number is.
BORDERLINE_CONFIDENCE = 0.75
_SIMILARITY = re.compile(r"\(0\.\d\d\)|closest 0\.\d\d")


def borderline(result: CriterionResult) -> bool:
    return result.confidence < BORDERLINE_CONFIDENCE and bool(_SIMILARITY.search(result.explanation))


def test_few_demo_decisions_rest_on_a_hairs_breadth(evaluations: dict[str, Evaluation]) -> None:
    close = [
        (entry["external_id"], criterion)
        for entry in MANIFEST
        for criterion in entry["expected"]
        if borderline(evaluations[str(entry["external_id"])].result(criterion))
    ]
    assert len(close) <= 5, close


def test_manifest_expects_every_scored_criterion_both_ways() -> None:
    """Each criterion the manifest checks exists in the scorecard and is expected to pass and to fail."""
    card_criteria = {c.spec.id for c in load_scorecard("standard").criteria}
    covered = {criterion for entry in MANIFEST for criterion in entry["expected"]}
    assert covered <= card_criteria, f"not in the scorecard: {sorted(covered - card_criteria)}"
    for criterion in sorted(covered):
        outcomes = Counter(str(e["expected"].get(criterion)) for e in MANIFEST)
        assert outcomes["pass"] > 0 and outcomes["fail"] > 0, f"{criterion}: {dict(outcomes)}"
