"""The sentiment analyzer's ``roles`` option: a centre that reads only the customer's sentiment embeds
only the customer's turns."""

from __future__ import annotations

import pytest

from analysis.analysis_support import make
from callqa.analysis.defaults import build_pipeline
from callqa.core.errors import CallqaError, ErrorCode
from callqa.ml.embeddings import canonical

pytestmark = pytest.mark.issue(20)

CALL = make(
    [
        ("agent", "Good morning, Acme Bank, how can I help you today?", 0),
        ("customer", "My card was charged twice and nobody answers my e-mails.", 4),
        ("agent", "I'm really sorry about that, let me look into it right away.", 9),
        ("customer", "Thank you, that is a relief.", 14),
    ],
    language="en",
)


def test_by_default_both_parties_are_scored() -> None:
    pipeline = build_pipeline()
    started = pipeline.start(CALL)
    assert {canonical(t.text) for t in CALL.turns} <= set(pipeline.embedding_texts(started))
    sentiment = pipeline.finish(started).get("sentiment")
    assert all(s is not None for s in sentiment.per_turn)
    assert sentiment.agent.overall is not None and sentiment.customer.overall is not None


def test_customer_only_embeds_no_agent_turn_and_leaves_agent_sentiment_empty() -> None:
    pipeline = build_pipeline(options={"callqa.sentiment.v1": {"roles": ["customer"]}})
    started = pipeline.start(CALL)
    embedded = set(pipeline.embedding_texts(started))
    agent = [t.text for t in CALL.turns if t.role == "agent"]
    customer = [t.text for t in CALL.turns if t.role == "customer"]
    assert not embedded & set(agent)
    assert set(customer) <= embedded
    sentiment = pipeline.finish(started).get("sentiment")
    assert [s is None for s in sentiment.per_turn] == [True, False, True, False]
    assert sentiment.agent.overall is None
    assert sentiment.customer.overall is not None and sentiment.dissatisfaction is not None
    # the customer's scores are the ones the default pipeline gives
    default = build_pipeline().run(CALL).get("sentiment")
    assert sentiment.per_turn[1] == default.per_turn[1] and sentiment.per_turn[3] == default.per_turn[3]


@pytest.mark.parametrize("roles", [["bot"], [], "customer"])
def test_roles_other_than_agent_and_customer_are_refused(roles: object) -> None:
    with pytest.raises(CallqaError) as caught:
        build_pipeline(options={"callqa.sentiment.v1": {"roles": roles}})
    assert caught.value.code is ErrorCode.S120
    assert "callqa.sentiment.v1" in str(caught.value) and "agent, customer" in str(caught.value)
