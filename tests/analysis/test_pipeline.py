"""The analyzer pipeline: registry, order validation, declared vs returned annotations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from callqa.analysis.base import Analysis, analyzers
from callqa.analysis.defaults import build_pipeline, register_builtin_analyzers
from callqa.analysis.pipeline import Pipeline, validate_order
from callqa.core.config import DEFAULT_PIPELINE
from callqa.core.errors import CallqaError, ErrorCode
from qa_support import make_interaction

pytestmark = pytest.mark.issue(3)


class _Stage:
    def __init__(self, name: str, requires: tuple[str, ...], assigns: tuple[str, ...], returns: Any = None):
        self.name = name
        self.requires = requires
        self.assigns = assigns
        self.returns = returns

    def __call__(self, analysis: Analysis) -> Mapping[str, Any]:
        return self.returns if self.returns is not None else dict.fromkeys(self.assigns, 1)


def test_registry_snapshot() -> None:
    """Renaming a built-in analyzer breaks users' configs: this list changes only on purpose."""
    register_builtin_analyzers()
    assert analyzers.names() == sorted(DEFAULT_PIPELINE)


def test_sentiment_before_redaction_is_refused_with_a_fix() -> None:
    register_builtin_analyzers()
    names = ["callqa.language.v1", "callqa.sentiment.v1", "callqa.redact.v1", "callqa.metrics.v1"]
    with pytest.raises(CallqaError) as caught:
        build_pipeline(names)
    assert caught.value.code is ErrorCode.A101
    message = str(caught.value)
    assert "callqa.sentiment.v1" in message and "'redacted'" in message
    assert "assigned later by 'callqa.redact.v1'" in message


def test_missing_requirement_without_provider_says_so() -> None:
    with pytest.raises(CallqaError, match=r"\[A101\].*'language'.*add an analyzer"):
        validate_order([_Stage("x.v1", ("interaction", "language"), ("y",))])


def test_unknown_analyzer_lists_known_names() -> None:
    with pytest.raises(
        CallqaError, match=r"\[A100\] analyzer 'callqa.nope.v1' is unknown; known: .*callqa.redact.v1"
    ):
        build_pipeline(["callqa.nope.v1"])


def test_two_stages_assigning_the_same_key_are_refused() -> None:
    with pytest.raises(CallqaError, match=r"\[A102\] 'a' is assigned by both 'one.v1' and 'two.v1'"):
        Pipeline([_Stage("one.v1", (), ("a",)), _Stage("two.v1", (), ("a",))])


def test_stage_returning_other_keys_than_declared_fails() -> None:
    pipeline = Pipeline([_Stage("one.v1", (), ("a",), returns={"b": 1})])
    with pytest.raises(CallqaError, match=r"\[A103\]"):
        pipeline.run(make_interaction([("agent", "hi", 0)]))


def test_default_pipeline_runs_and_records_versions() -> None:
    pipeline = build_pipeline()
    doc = make_interaction(
        [
            ("agent", "Hello, thank you for calling.", 0),
            ("customer", "My card 4111 1111 1111 1111 is lost", 4),
        ]
    )
    analysis = pipeline.run(doc)
    assert list(analysis.versions) == list(DEFAULT_PIPELINE)
    assert "[CARD_NUMBER]" in analysis.turns[1].text and "4111" not in analysis.turns[1].text
    assert {"language", "metrics", "sentiment", "moments", "friction", "summary"} <= set(analysis.annotations)
    assert pipeline.version == "+".join(DEFAULT_PIPELINE)


def test_split_run_equals_a_full_run_and_embeds_only_redacted_text() -> None:
    """Batch scoring runs the stages before the first embedding stage, embeds in the background, then
    finishes: the result must be the same as a plain run, and nothing unredacted may be embedded."""
    pipeline = build_pipeline()
    doc = make_interaction(
        [
            ("agent", "Hello, Acme Bank, how can I help?", 0),
            ("customer", "My card 4111 1111 1111 1111 was charged twice, this is awful.", 4),
            ("agent", "我非常理解，给您带来不便很抱歉。", 12),
        ]
    )
    assert [s.name for s in pipeline.stages[: pipeline.split()]] == [
        "callqa.redact.v1",
        "callqa.language.v1",
        "callqa.metrics.v1",
    ]
    started = pipeline.start(doc.model_copy(deep=True))
    assert "sentiment" not in started.annotations
    texts = pipeline.embedding_texts(started)
    assert any("[CARD_NUMBER]" in t for t in texts) and not any("4111" in t for t in texts)
    assert "我非常理解，给您带来不便很抱歉。" in texts
    finished = pipeline.finish(started)
    whole = pipeline.run(doc.model_copy(deep=True))
    assert finished.annotations.keys() == whole.annotations.keys()
    assert finished.get("sentiment") == whole.get("sentiment")
    assert finished.get("moments") == whole.get("moments")
