"""The optional LLM judge against a local server speaking the OpenAI chat-completions protocol."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from callqa.core.errors import CallqaError, ErrorCode
from callqa.ml.llm import LlmJudge, parse_verdict
from callqa.scoring.cache import DatabaseVerdictCache
from callqa.scoring.detectors import Context, Services, build_detector
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


class _Completions(BaseHTTPRequestHandler):
    """A minimal /v1/chat/completions endpoint answering like an OpenAI-compatible server."""

    requests: ClassVar[list[dict[str, Any]]] = []
    reply: str | None = None

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        transcript = body["messages"][-1]["content"]
        if type(self).reply is not None:
            content = type(self).reply
        elif "Anything else" in transcript:
            content = json.dumps(
                {"answer": "yes", "quote": "Anything else today?", "explanation": "Asked at the end."}
            )
        else:
            content = (
                "```json\n"
                + json.dumps({"answer": "no", "quote": "", "explanation": "Never asked."})
                + "\n```"
            )
        payload = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Completions.requests = []
    _Completions.reply = None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Completions)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def _run(judge: LlmJudge | None, doc: Any = DOC) -> Any:
    return build_detector(SPEC, "t").evaluate(Context.full(analysed(doc), Services(llm=judge)))


def test_off_by_default_makes_the_criterion_na() -> None:
    result = _run(None)
    assert not result.applicable and "LLM judge is off" in result.note


def test_yes_with_quote_becomes_evidence_and_answers_are_cached(server: str) -> None:
    judge = LlmJudge(server, "qwen2.5:7b", api_key="secret")
    result = _run(judge)
    assert (
        result.matched and result.evidence[0].turn == 2 and result.evidence[0].text == "Anything else today?"
    )
    [request] = _Completions.requests
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret"
    assert request["body"]["model"] == "qwen2.5:7b" and request["body"]["temperature"] == 0
    assert "[3] Agent: Anything else today?" in request["body"]["messages"][1]["content"]
    again = _run(judge)
    assert again.matched and len(_Completions.requests) == 1 and judge.calls == 1


def test_fenced_no_answer_and_prompt_version_in_the_key(server: str) -> None:
    judge = LlmJudge(server, "m")
    doc = make_interaction([("agent", "Bye.", 0)])
    assert not _run(judge, doc).matched
    assert judge.key("q", "t", "v1") != judge.key("q", "t", "v2")


def test_database_cache_survives_a_new_judge(server: str, sqlite_db: Database) -> None:
    first = LlmJudge(server, "m", cache=DatabaseVerdictCache(sqlite_db.factory))
    assert _run(first).matched
    second = LlmJudge(server, "m", cache=DatabaseVerdictCache(sqlite_db.factory))
    assert _run(second).matched and second.calls == 0 and len(_Completions.requests) == 1


def test_failures_are_coded_and_make_the_criterion_na(server: str) -> None:
    _Completions.reply = "I think so"
    result = _run(LlmJudge(server, "m"))
    assert not result.applicable and "[L101]" in result.note
    down = _run(LlmJudge("http://127.0.0.1:9/v1", "m", timeout_s=2))
    assert not down.applicable and "[L100]" in down.note
    with pytest.raises(CallqaError) as caught:
        parse_verdict('{"answer": "maybe"}', "u")
    assert caught.value.code is ErrorCode.L101
