"""The optional LLM customer against a local server speaking the OpenAI chat-completions protocol: the model
says each line in its own words, the detectors still choose the branch; offline stays the default."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
from llm_support import Completions, completions_server
from practice_support import CARD, CURT, agent_user, judging, stored_scenario
from support import Database
from web_support import SignedIn, login

pytestmark = pytest.mark.issue(22)


def _rephrased(body: dict[str, Any]) -> str:
    """The customer's scripted line in the model's words, with a card number in it (never to be stored)."""
    scripted = body["messages"][-1]["content"].split(": ", 1)[1]
    return f'"Listen. {scripted} My card is {CARD}."'


@pytest.fixture
def completions() -> Iterator[Completions]:
    with completions_server(_rephrased) as served:
        yield served


def test_the_llm_customer_phrases_lines_and_the_detectors_branch(
    db: Database, completions: Completions
) -> None:
    customer = LlmCustomer(completions.url, "local-model", api_key="k-1", timeout_s=5)
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
    sent = completions.requests
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
    db: Database, completions: Completions, tmp_path: Path
) -> None:
    endpoint = completions.url
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
    assert len(completions.requests) == 2  # the offline practice asked nobody
