"""The optional LLM customer against a local server speaking the OpenAI chat-completions protocol: the model
says each line in its own words, the detectors still choose the branch; offline stays the default."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.settings import Settings
from callqa.demo.users import ensure_demo_users
from callqa.training.llm_customer import LlmCustomer
from callqa.training.practice import answer, start_practice, turns_of
from callqa.users.models import UserRow
from callqa.users.schemas import Actor, UserRole
from callqa.web.app import create_app
from practice_support import CARD, CURT, agent_user, judging, stored_scenario
from support import Database
from web_support import SignedIn, login

pytestmark = pytest.mark.issue(22)


class _Completions(BaseHTTPRequestHandler):
    """A minimal /v1/chat/completions endpoint: the customer's line rephrased (with a card number in it,
    which must never be stored)."""

    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        scripted = body["messages"][-1]["content"].split(": ", 1)[1]
        content = f'"Listen. {scripted} My card is {CARD}."'
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
def endpoint() -> Iterator[str]:
    _Completions.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Completions)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_the_llm_customer_phrases_lines_and_the_detectors_branch(db: Database, endpoint: str) -> None:
    customer = LlmCustomer(endpoint, "local-model", api_key="k-1", timeout_s=5)
    with db.factory.begin() as session:
        agent = agent_user(session)
        practice = start_practice(
            session, agent, stored_scenario(session), customer="llm", customer_lines=customer
        )
        mine = answer(session, practice, CURT, judging=judging(db), customer_lines=customer)
        assert mine.branch == "miss" and practice.current_step == "angry"
        lines = [t for t in turns_of(session, practice.id) if t.role == "customer"]
    assert [line.step_id for line in lines] == ["open", "angry"]
    assert lines[0].text.startswith("Listen. I was charged twice") and "third time" in lines[1].text
    assert not any("4111" in line.text for line in lines)  # the model's words are redacted too
    sent = _Completions.requests
    assert [r["path"] for r in sent] == ["/v1/chat/completions"] * 2 and sent[0]["auth"] == "Bearer k-1"
    second = sent[1]["body"]["messages"]
    assert second[0]["role"] == "system" and "CUSTOMER" in second[0]["content"]
    assert [m["role"] for m in second[1:3]] == ["assistant", "user"] and second[2]["content"] == CURT


def test_the_llm_customer_needs_its_endpoint(db: Database) -> None:
    with db.factory.begin() as session:
        agent = agent_user(session)
        scenario_id = stored_scenario(session)
        with pytest.raises(CallqaError) as missing:
            start_practice(session, agent, scenario_id, customer="llm")
        assert missing.value.code is ErrorCode.T127
        down = LlmCustomer("http://127.0.0.1:9/v1", "m", timeout_s=2)
        with pytest.raises(CallqaError) as failed:
            start_practice(session, agent, scenario_id, customer="llm", customer_lines=down)
        assert failed.value.code is ErrorCode.T128 and "127.0.0.1:9" in str(failed.value)


def test_the_api_asks_the_configured_endpoint_for_an_llm_customer(
    db: Database, endpoint: str, tmp_path: Path
) -> None:
    with db.factory.begin() as session:
        ensure_demo_users(session)
        analyst = session.scalar(select(UserRow).where(UserRow.username == "analyst"))
        assert analyst is not None
        actor = Actor(analyst.id, analyst.username, analyst.display_name, UserRole.QA_ANALYST)
        scenario_id = stored_scenario(session, "en", actor)
    config = tmp_path / "callqa.yaml"
    config.write_text(f"llm:\n  enabled: true\n  base_url: {endpoint}\n  model: local-model\n")
    settings = Settings(
        data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40), config_file=config
    )
    offline = Settings(data_dir=tmp_path / "data", database_url=db.url, secret_key=SecretStr("t" * 40))
    with TestClient(create_app(offline, engine=db.engine)) as client:
        agent = SignedIn(client, login(client, "j.smith"))
        refused = agent.post("/api/practices", json={"scenario_id": scenario_id, "customer": "llm"})
        assert refused.status_code == 422 and "T127" in refused.json()["detail"]
    with TestClient(create_app(settings, engine=db.engine)) as client:
        agent = SignedIn(client, login(client, "j.smith"))
        started = agent.post("/api/practices", json={"scenario_id": scenario_id, "customer": "llm"})
        assert started.status_code == 201, started.text
        practice = started.json()
        assert practice["customer"] == "llm" and practice["turns"][0]["text"].startswith("Listen. I was")
        answered = agent.post(f"/api/practices/{practice['id']}/answer", json={"text": CURT}).json()
        assert answered["current_step"] == "angry" and answered["turns"][-1]["text"].startswith("Listen.")
        plain = agent.post("/api/practices", json={"scenario_id": scenario_id}).json()
        assert plain["customer"] == "offline" and not plain["turns"][0]["text"].startswith("Listen.")
    assert len(_Completions.requests) == 2  # the offline practice asked nobody
