"""``callqa routing ids list|set|delete|import`` (callqa.cli.routing_ids): a round trip through the stored
ids, the exports of ``callqa routing --format`` filled from them, bad input as coded errors, every change
audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.audit.models import AuditRow
from callqa.cli import app
from callqa.skills.export_schemas import schema
from skills_support import Call, add_calls, floor
from support import Database

pytestmark = pytest.mark.issue(21)
runner = CliRunner()

STEADY = "5e7ead70-0000-4000-8000-000000000001"
ARN = f"arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555/agent/{STEADY}"
CARDS = "cccccccc-0000-4000-8000-000000000001"


@pytest.fixture
def calls(cli_env: Database) -> Database:
    with cli_env.factory.begin() as session:
        add_calls(session, floor() + [Call("steady", "Team A", "card_lost", 94.0, 5.0, 300)] * 30)
    return cli_env


def test_ids_round_trip_and_the_export_uses_them(
    calls: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    made = runner.invoke(app, ["routing", "ids", "set", "connect", "user", "steady", ARN])
    assert made.exit_code == 0, made.output
    sheet = tmp_path / "ids.csv"
    sheet.write_text(
        "system,kind,callqa_name,external_id\n"
        f"connect,queue,cards,{CARDS}\n"
        "connect,user,agent-0,agent-0@example.com\n"
        "genesys,reason,card_lost,Lost cards\n",
        encoding="utf-8",
    )
    loaded = runner.invoke(app, ["routing", "ids", "import", str(sheet)])
    assert loaded.exit_code == 1  # a row was refused
    assert "[O147] ids.csv, row 3: [O136]" in loaded.output and "2 ids loaded" in loaded.output
    listed = runner.invoke(app, ["routing", "ids", "list"])
    assert listed.exit_code == 0, listed.output
    assert ARN in listed.output and CARDS in listed.output and "Lost cards" in listed.output
    only = runner.invoke(app, ["routing", "ids", "list", "--system", "genesys"])
    assert "Lost cards" in only.output and CARDS not in only.output

    out = tmp_path / "connect.json"
    exported = runner.invoke(app, ["routing", "--format", "amazon-connect", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    doc = json.loads(out.read_text("utf-8"))
    Draft202012Validator(schema("amazon-connect")).validate(doc)
    assert [u["UserId"] for u in doc["users"]] == [STEADY]  # the ARN's user id, as the API takes it
    assert doc["routingProfiles"][0]["QueueConfigs"][0]["QueueReference"]["QueueId"] == CARDS
    assert doc["unmappedAgents"] == [f"agent-{i}" for i in range(5)] and doc["unmappedQueues"] == []
    genesys = runner.invoke(app, ["routing", "--format", "genesys"])
    assert genesys.exit_code == 0
    assert json.loads(genesys.stdout)["skills"] == [{"name": "Lost cards"}]

    table = runner.invoke(app, ["routing", "--format", "csv", "--system", "connect"])
    assert table.exit_code == 0 and f"steady,{STEADY},reason:card_lost" in table.stdout
    mismatch = runner.invoke(app, ["routing", "--format", "genesys", "--system", "connect"])
    assert mismatch.exit_code == 2 and "[O139]" in mismatch.output
    gone = runner.invoke(app, ["routing", "ids", "delete", "connect", "user", "steady"])
    assert gone.exit_code == 0, gone.output
    missing = runner.invoke(app, ["routing", "ids", "delete", "connect", "user", "steady"])
    assert missing.exit_code == 2 and "[O149]" in missing.output
    bad = runner.invoke(app, ["routing", "ids", "set", "avaya", "user", "steady", STEADY])
    assert bad.exit_code == 2 and "[O134]" in bad.output and "connect, genesys" in bad.output
    after = runner.invoke(app, ["routing", "--format", "amazon-connect"])
    assert json.loads(after.stdout)["users"] == []
    with calls.factory() as session:
        audited = session.scalars(
            select(AuditRow).where(AuditRow.resource == "routing_id").order_by(AuditRow.id)
        ).all()
    assert [r.action for r in audited] == ["set", "import", "delete"]
    assert all(r.client == "cli" for r in audited)
    detail = audited[1].detail or {}
    assert detail["file"] == "ids.csv" and detail["loaded"] == 2 and len(detail["errors"]) == 1  # type: ignore[arg-type]


def test_an_unknown_name_is_stored_with_a_warning(calls: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    typo = runner.invoke(app, ["routing", "ids", "set", "connect", "user", "stedy", STEADY])
    assert typo.exit_code == 0, typo.output
    assert (
        "warning: [O171] routing ids (connect): agent 'stedy': known to no user and on no interaction"
        in typo.output
    )
    known = runner.invoke(app, ["routing", "ids", "set", "connect", "queue", "cards", CARDS])
    assert known.exit_code == 0 and "warning" not in known.output
    listed = runner.invoke(app, ["routing", "ids", "list"])
    assert "stedy" in listed.output
