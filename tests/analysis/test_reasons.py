"""Contact reasons (callqa.analysis.reasons): the reason file, the statement read, the few-shot
classifier on constructed vectors, and the shipped bank reasons on clear-cut demo interactions (real e5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from callqa.analysis.base import Analysis
from callqa.analysis.reasons import ReasonClassifier, classifier_for, load_reasons, statement
from callqa.core.document import Interaction
from callqa.core.errors import CallqaError
from callqa.ml.embeddings import get_embedder
from qa_support import demo_interactions

pytestmark = pytest.mark.issue(7)

CLEAR_CUT = {  # demo interaction → the reason its customer states
    "en-call-01": "card_lost_stolen",
    "lt-call-01": "card_blocked_pin",
    "en-call-05": "loan_mortgage",
    "en-chat-01": "card_abroad",
    "en-audio-01": "refund_dispute",
    "acb-chat-zhs-20261012-0088": "online_banking_access",
    "en-chat-02": "fees_charges",
    "en-call-04": "unrecognised_payment",
    "acb-zht-20261020-0157": "service_complaint",
    "acb-zhs-20260917-1142": "payment_transfer",
    "lt-chat-01": "limits",
    "acb-fa-20260919-0602": "card_blocked_pin",
}


def test_the_shipped_reasons_load_and_a_bad_file_is_refused(tmp_path: Path) -> None:
    reasons = load_reasons()
    assert len(reasons.reasons) >= 10 and reasons.title("loan_mortgage") == "Loan or mortgage"
    twice = tmp_path / "twice.yaml"
    twice.write_text(
        "name: x\nreasons:\n- {id: a, title: A, examples: [x]}\n- {id: a, title: B, examples: [y]}\n"
    )
    with pytest.raises(CallqaError, match=r"\[A104\] contact reasons .*twice.yaml: reason id used twice: a"):
        load_reasons(str(twice))
    empty = tmp_path / "empty.yaml"
    empty.write_text(
        "name: x\nreasons:\n- {id: a, title: A, examples: []}\n- {id: b, title: B, examples: [y]}\n"
    )
    with pytest.raises(CallqaError, match=r"reasons\.0\.examples"):
        load_reasons(str(empty))
    with pytest.raises(CallqaError, match=r"A104.*missing\.yaml"):
        load_reasons(str(tmp_path / "missing.yaml"))


def test_the_statement_is_the_longer_of_the_first_two_substantive_customer_turns() -> None:
    doc = Interaction.model_validate(
        {
            "external_id": "x",
            "channel": "voice",
            "turns": [
                {"role": "agent", "text": "Acme Bank, Anna speaking, how can I help?"},
                {"role": "customer", "text": "Hello!"},
                {"role": "customer", "text": "Is this Acme Bank please?"},
                {
                    "role": "customer",
                    "text": "I lost my card yesterday at the supermarket and need a new one.",
                },
                {
                    "role": "customer",
                    "text": "A very long third turn that is never read as the reason at all.",
                },
            ],
        }
    )
    assert statement(Analysis(doc)) == (3, "I lost my card yesterday at the supermarket and need a new one.")
    silent = Interaction.model_validate(
        {"external_id": "y", "channel": "chat", "turns": [{"role": "customer", "text": "hi"}]}
    )
    assert statement(Analysis(silent)) is None


def test_the_classifier_on_constructed_vectors() -> None:
    def unit(*v: float) -> np.ndarray:
        a = np.array(v, dtype=np.float32)
        return a / np.linalg.norm(a)

    examples = np.stack([unit(1, 0.1, 0), unit(1, -0.1, 0), unit(0, 1, 0.1), unit(0.1, 1, 0)])
    labels = ["cards", "cards", "loans", "loans"]
    for method in ("centroid", "linear"):
        model = ReasonClassifier(labels, examples, method=method, floor=0.9)
        near_cards, near_loans, nowhere = model.predict(
            np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)])
        )
        assert near_cards.label == "cards" and near_loans.label == "loans", method
        assert nowhere.label is None and nowhere.similarity < 0.9  # far from every example: no reason
        assert near_cards.runner_up == "loans"
    assert ReasonClassifier(labels, examples).method == "linear"
    assert ReasonClassifier(["a", "b"], examples[:2]).method == "centroid"  # one example each


def test_the_bank_reasons_on_clear_cut_demo_interactions() -> None:
    _, model = classifier_for(None)
    docs = demo_interactions()
    wrong = {}
    for key, expected in CLEAR_CUT.items():
        found = statement(Analysis(docs[key]))
        assert found is not None, key
        (guess,) = model.predict(get_embedder().embed([found[1]]))
        if guess.label != expected:
            wrong[key] = (guess.label, expected)
    assert wrong == {}


def test_a_reason_set_sets_its_own_floor_and_minimum_probability(tmp_path: Path) -> None:
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        "name: strict\nfloor: 0.9\nmin_probability: 0.6\nreasons:\n"
        "- {id: a, title: A, examples: [x, xx]}\n- {id: b, title: B, examples: [y, yy]}\n"
    )
    reasons = load_reasons(str(strict))
    assert (reasons.floor, reasons.min_probability) == (0.9, 0.6)
    shipped = load_reasons()
    assert (shipped.floor, shipped.min_probability) == (0.8, 0.35)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nmin_probability: 1.5\nreasons:\n- {id: a, title: A, examples: [x]}\n"
        "- {id: b, title: B, examples: [y]}\n"
    )
    with pytest.raises(CallqaError, match=r"A104.*min_probability"):
        load_reasons(str(bad))


def test_an_unsure_regression_gives_no_reason_even_above_the_floor() -> None:
    # two reasons on nearby axes: a vector between them passes the cosine floor of both but the regression
    # splits its probability, so only a minimum probability below ~0.5 lets it through
    a, b = np.eye(4, dtype=np.float32)[0], np.eye(4, dtype=np.float32)[1]
    near_a = (a * 0.95 + b * 0.31) / np.linalg.norm(a * 0.95 + b * 0.31)
    near_b = (b * 0.95 + a * 0.31) / np.linalg.norm(b * 0.95 + a * 0.31)
    vectors = np.stack([a, near_a, b, near_b])
    middle = ((a + b) / np.linalg.norm(a + b)).reshape(1, -1).astype(np.float32)
    lenient = ReasonClassifier(["a", "a", "b", "b"], vectors, floor=0.5, min_confidence=0.0)
    strict = ReasonClassifier(["a", "a", "b", "b"], vectors, floor=0.5, min_confidence=0.9)
    (loose,) = lenient.predict(middle)
    (sure,) = strict.predict(middle)
    assert loose.label in ("a", "b") and loose.similarity >= 0.5 and loose.confidence < 0.9
    assert sure.label is None and sure.similarity == loose.similarity


@pytest.mark.issue(17)
def test_the_statement_of_a_spoken_transcript_leaves_out_the_callers_introduction() -> None:
    """Unpunctuated lines are fragments of one utterance; "hi my name is michael jones" is not a reason."""
    doc = Interaction.model_validate(
        {
            "external_id": "z",
            "channel": "voice",
            "turns": [
                {"role": "agent", "text": "harper valley national bank my name is anna how can i help you"},
                {"role": "customer", "text": "hi"},
                {"role": "customer", "text": "my name is michael jones"},
                {"role": "customer", "text": "i need a new checkbook"},
                {"role": "agent", "text": "what is your address"},
                {"role": "customer", "text": "four two one first street harper valley"},
            ],
        }
    )
    assert statement(Analysis(doc)) == (1, "i need a new checkbook")
