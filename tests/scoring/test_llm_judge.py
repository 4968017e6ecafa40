"""The optional LLM judge against a local server speaking the OpenAI chat-completions protocol."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from callqa.core.errors import CallqaError, ErrorCode
from callqa.ml.llm import LlmJudge, parse_verdict
from callqa.scoring.cache import DatabaseVerdictCache
from callqa.scoring.detectors import Context, Services, build_detector
from llm_support import Completions, completions_server
from qa_support import analysed, make_interaction
from support import Database

pytestmark = pytest.mark.issue(3)

DOC = make_interaction(
    [
        ("agent", "Hello, Acme Bank.", 0),
        ("customer", "My card is lost.", 3),
        ("agent", "Anything else today?", 9),
    ]
)
SPEC = {
    "type": "llm",
    "question": "Did the agent ask whether there was anything else?",
    "prompt_version": "v3",
}


def _judge_reply(body: dict[str, Any]) -> str:
    """Yes with a quote when the transcript asks "anything else", else a fenced no."""
    if "Anything else" in body["messages"][-1]["content"]:
        return json.dumps(
            {"answer": "yes", "quote": "Anything else today?", "explanation": "Asked at the end."}
        )
    return "```json\n" + json.dumps({"answer": "no", "quote": "", "explanation": "Never asked."}) + "\n```"


@pytest.fixture
def completions() -> Iterator[Completions]:
    with completions_server(_judge_reply) as served:
        yield served


@pytest.fixture
def server(completions: Completions) -> str:
    return completions.url


def _run(judge: LlmJudge | None, doc: Any = DOC) -> Any:
    return build_detector(SPEC, "t").evaluate(Context.full(analysed(doc), Services(llm=judge)))


def test_off_by_default_makes_the_criterion_na() -> None:
    result = _run(None)
    assert not result.applicable and "LLM judge is off" in result.note


def test_yes_with_quote_becomes_evidence_and_answers_are_cached(completions: Completions) -> None:
    judge = LlmJudge(completions.url, "qwen2.5:7b", api_key="secret")
    result = _run(judge)
    assert (
        result.matched and result.evidence[0].turn == 2 and result.evidence[0].text == "Anything else today?"
    )
    [request] = completions.requests
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret"
    assert request["body"]["model"] == "qwen2.5:7b" and request["body"]["temperature"] == 0
    assert "[3] Agent: Anything else today?" in request["body"]["messages"][1]["content"]
    again = _run(judge)
    assert again.matched and len(completions.requests) == 1 and judge.calls == 1


def test_fenced_no_answer_and_prompt_version_in_the_key(server: str) -> None:
    judge = LlmJudge(server, "m")
    doc = make_interaction([("agent", "Bye.", 0)])
    assert not _run(judge, doc).matched
    assert judge.key("q", "t", "v1") != judge.key("q", "t", "v2")


def test_database_cache_survives_a_new_judge(completions: Completions, sqlite_db: Database) -> None:
    first = LlmJudge(completions.url, "m", cache=DatabaseVerdictCache(sqlite_db.factory))
    assert _run(first).matched
    second = LlmJudge(completions.url, "m", cache=DatabaseVerdictCache(sqlite_db.factory))
    assert _run(second).matched and second.calls == 0 and len(completions.requests) == 1


def test_failures_are_coded_and_make_the_criterion_na(completions: Completions) -> None:
    completions.reply = lambda body: "I think so"
    result = _run(LlmJudge(completions.url, "m"))
    assert not result.applicable and "[L101]" in result.note
    down = _run(LlmJudge("http://127.0.0.1:9/v1", "m", timeout_s=2))
    assert not down.applicable and "[L100]" in down.note
    with pytest.raises(CallqaError) as caught:
        parse_verdict('{"answer": "maybe"}', "u")
    assert caught.value.code is ErrorCode.L101
