"""What scoring embeds: semantic criteria embed only their speaker's sentences, and embedding long texts in
pieces leaves the demo's evaluations as they were (real embedder)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from callqa.analysis.defaults import build_pipeline
from callqa.core.document import Interaction
from callqa.ml import embeddings
from callqa.ml.embeddings import PIECE_CHARS, CachedEmbedder, E5Embedder
from callqa.scoring.detectors import Services
from callqa.scoring.engine import Evaluation, evaluate
from callqa.scoring.loader import load_scorecard
from callqa.sentiment import model as sentiment_model
from embedding_support import Counting
from qa_support import demo_interactions

pytestmark = pytest.mark.issue(20)


def test_semantic_criteria_on_agent_turns_never_embed_the_customer() -> None:
    call = Interaction.model_validate(
        {
            "external_id": "scope-1",
            "channel": "voice",
            "language": "en",
            "turns": [
                {"role": "agent", "text": "Acme Bank, Jonas here. What can I do for you?"},
                {"role": "customer", "text": "My debit card was swallowed by the machine on Pine Street."},
                {
                    "role": "agent",
                    "text": "Right. The machine keeps cards it cannot read. A new one comes.",
                },
                {"role": "customer", "text": "Honestly this is the third time the machine did this to me."},
                {"role": "agent", "text": "It will reach you by post. Goodbye."},
            ],
        }
    )
    recording = Counting()
    services = Services(embedder=CachedEmbedder(recording))
    evaluate(build_pipeline().run(call), load_scorecard("standard"), services)
    examples = {t for c in _semantic_examples(load_scorecard("standard").source_text) for t in c}
    embedded = [t for t in recording.seen if t not in examples]
    assert embedded, "no semantic criterion ran: the call no longer exercises this"
    agent = " ".join(t.text for t in call.turns if t.role == "agent")
    assert all(text in agent for text in embedded), embedded


def _semantic_examples(source: str) -> list[list[str]]:
    import yaml

    found: list[list[str]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "semantic":
                for key in ("examples", "counter_examples"):
                    value = node.get(key) or []
                    texts = [t for v in value.values() for t in v] if isinstance(value, dict) else value
                    found.append([embeddings.canonical(t) for t in texts])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(yaml.safe_load(source))
    return found


@pytest.fixture(scope="module")
def demo() -> dict[str, Interaction]:
    return demo_interactions()


def _evaluations(
    docs: Sequence[Interaction], piece_chars: int | None, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Evaluation]:
    """``docs`` analysed and scored with a process embedder that embeds long texts whole or in pieces."""
    with monkeypatch.context() as patch:
        patch.setattr(embeddings, "_shared", CachedEmbedder(E5Embedder(piece_chars=piece_chars)))
        patch.setattr(sentiment_model, "_shared", None)  # a sentiment model on that embedder
        pipeline, card, services = build_pipeline(), load_scorecard("standard"), Services()
        return {doc.external_id: evaluate(pipeline.run(doc), card, services) for doc in docs}


def test_long_texts_in_pieces_leave_the_demo_evaluations_unchanged(
    demo: dict[str, Interaction], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only texts longer than PIECE_CHARS are embedded differently, so the demo interactions holding one are
    scored both ways (the others cannot change)."""
    long = [d for d in demo.values() if any(len(t.text) > PIECE_CHARS for t in d.turns)]
    assert len(long) >= 3, "the demo has no long turns left: this compares nothing"
    before = _evaluations(long, None, monkeypatch)
    after = _evaluations(long, PIECE_CHARS, monkeypatch)
    for key, evaluation in before.items():
        assert [(r.criterion, r.outcome) for r in evaluation.results] == [
            (r.criterion, r.outcome) for r in after[key].results
        ], key
        assert evaluation.score == after[key].score, key


def test_customer_only_sentiment_leaves_the_standard_scorecard_outcomes_unchanged(
    demo: dict[str, Interaction],
) -> None:
    """No criterion of the standard scorecard reads the agent's sentiment, so a centre may skip embedding
    agent turns for sentiment without changing any outcome."""
    card, services = load_scorecard("standard"), Services()
    both = build_pipeline()
    customer = build_pipeline(options={"callqa.sentiment.v1": {"roles": ["customer"]}})
    for doc in demo.values():
        default = evaluate(both.run(doc), card, services)
        skipped = evaluate(customer.run(doc), card, services)
        assert [(r.criterion, r.outcome, r.explanation) for r in default.results] == [
            (r.criterion, r.outcome, r.explanation) for r in skipped.results
        ], doc.external_id
