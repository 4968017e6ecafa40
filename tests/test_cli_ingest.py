"""End to end through the CLI: a folder mixing every format and ten malformed files, ingested twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.interactions.models import InteractionRow, TurnRow
from support import Database

EML = """From: Jonas Petraitis <jonas@example.lt>
To: support@acmebank.com
Subject: Kortelės limitas
Date: Mon, 05 Oct 2026 09:00:00 +0300
Message-ID: <m1@example.lt>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Laba diena, norėčiau padidinti kortelės limitą.

Pagarbiai,
Jonas
"""
MBOX = """From alice@example.com Mon Oct  5 10:00:00 2026
From: Alice <alice@example.com>
To: help@acmebank.com
Subject: Refund
Date: Mon, 05 Oct 2026 10:00:00 +0000
Message-ID: <a1@example.com>

Where is my refund?

From agent@acmebank.com Mon Oct  5 11:00:00 2026
From: Bob <agent@acmebank.com>
To: alice@example.com
Subject: Re: Refund
Date: Mon, 05 Oct 2026 11:00:00 +0000
Message-ID: <a2@acmebank.com>
In-Reply-To: <a1@example.com>
References: <a1@example.com>

It was sent today.

> Where is my refund?
"""
AWS = {
    "JobName": "aws-call-1",
    "LanguageCode": "en-US",
    "JobStatus": "COMPLETED",
    "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}],
    "Transcript": [
        {
            "ParticipantId": "AGENT",
            "Content": "Thanks for calling Acme Bank.",
            "BeginOffsetMillis": 0,
            "EndOffsetMillis": 2000,
            "Id": "s1",
            "Sentiment": "NEUTRAL",
        },
        {
            "ParticipantId": "CUSTOMER",
            "Content": "My card was declined.",
            "BeginOffsetMillis": 2300,
            "EndOffsetMillis": 4200,
            "Id": "s2",
            "Sentiment": "NEGATIVE",
        },
    ],
    "ConversationCharacteristics": {"TotalConversationDurationMillis": 4200},
}


def turns(*texts: str) -> list[dict[str, str]]:
    return [{"role": "agent" if i % 2 == 0 else "customer", "text": t} for i, t in enumerate(texts)]


def build_folder(root: Path) -> tuple[int, list[tuple[str, str]]]:
    """Writes valid inputs of every format and ten malformed files; returns (interactions, [(file, code)])."""
    good = root / "good"
    good.mkdir(parents=True)
    records = [{"external_id": f"j{i}", "channel": "chat", "turns": turns("Hi", "Hello")} for i in range(2)]
    (good / "calls.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    (good / "one.json").write_text(
        json.dumps({"external_id": "one", "channel": "voice", "turns": turns("Acme Bank.", "Hi.")}), "utf-8"
    )
    (good / "call-en.txt").write_text("[00:00] Agent: Acme Bank, Anna.\n[00:03] Customer: Hi.\n", "utf-8")
    (good / "call-en.json").write_text(json.dumps({"agent": "a.kim", "queue": "cards"}), "utf-8")
    (good / "call-zh.txt").write_bytes(
        "[00:00] 客服：您好，安信银行。\n[00:02] 客户：我要挂失。\n".encode("gbk")
    )
    (good / "call-zht.txt").write_bytes(
        "[00:00] 客服：您好，安信銀行。\n[00:02] 客戶：我要掛失。\n".encode("big5")
    )
    (good / "call-fa.txt").write_text("[00:00] اپراتور: سلام.\n[00:02] مشتری: سلام.\n", "utf-16")
    (good / "turns.csv").write_text("call_id,role,text\nK1,agent,Hello\nK1,customer,Hi\n", "utf-8")
    (good / "meta.csv").write_text("external_id,csat,nps\nK1,5,10\nnot-yet,3,\n", "utf-8")
    (good / "limit.eml").write_text(EML, "utf-8")
    (good / "refund.mbox").write_text(MBOX, "utf-8")
    chat = {
        "chat_id": "ch-1",
        "messages": [
            {"role": "customer", "author": "Li", "timestamp": "2026-10-05T10:00:00Z", "text": "你好"},
            {
                "role": "agent",
                "author": "Wei",
                "timestamp": "2026-10-05T10:00:30Z",
                "text": "您好，请问有什么可以帮您？",
            },
        ],
    }
    (good / "chat.json").write_text(json.dumps(chat, ensure_ascii=False), "utf-8")
    (good / "aws-call.json").write_text(json.dumps(AWS), "utf-8")
    good_count = 2 + 1 + 4 + 1 + 1 + 1 + 1 + 1

    bad = root / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "garbage.txt").write_bytes(b"\x00\x01\x02\xff" * 300)
    (bad / "truncated.json").write_text('{"external_id": "t", "channel": "voice", "turns": [{"ro', "utf-8")
    (bad / "unknown-role.txt").write_text("Agent: hi\nNarrator: once upon a time\n", "utf-8")
    dup = [{"external_id": "dup", "channel": "chat", "turns": turns("a")} for _ in range(2)]
    (bad / "dups.jsonl").write_text("\n".join(json.dumps(r) for r in dup) + "\n", "utf-8")
    (bad / "nosender.eml").write_text("Subject: hi\nMessage-ID: <x@y>\n\nhello\n", "utf-8")
    (bad / "columns.csv").write_text("foo,bar\n1,2\n", "utf-8")
    (bad / "chat-role.json").write_text(
        json.dumps({"chat_id": "c", "messages": [{"role": "alien", "text": "hi", "timestamp": 1790000000}]}),
        "utf-8",
    )
    (bad / "prose.txt").write_text("Just some notes about the call, nothing more\n", "utf-8")
    (bad / "sidecar.txt").write_text("Agent: hi\n", "utf-8")
    (bad / "sidecar.json").write_text(json.dumps({"channel": "fax"}), "utf-8")
    good_count += 1  # the first 'dup' record is fine
    expected = [
        ("empty.txt", "I100"),
        ("garbage.txt", "I101"),
        ("truncated.json", "I200"),
        ("unknown-role.txt:2", "I300"),
        ("dups.jsonl:2", "I202"),
        ("nosender.eml", "I401"),
        ("columns.csv:1", "I303"),
        ("chat-role.json", "I31"),
        ("prose.txt:1", "I305"),
        ("sidecar.txt", "I306"),
    ]
    return good_count, expected


def snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.factory() as session:
        rows = session.execute(
            select(
                InteractionRow.id,
                InteractionRow.source,
                InteractionRow.external_id,
                InteractionRow.content_hash,
                InteractionRow.updated_at,
            ).order_by(InteractionRow.id)
        ).all()
        turn_ids = session.scalars(select(TurnRow.id).order_by(TurnRow.id)).all()
    return [tuple(r) for r in rows] + [tuple(turn_ids)]


@pytest.mark.issue(2)
def test_mixed_folder_with_ten_malformed_files(cli_env: Database, tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    good_count, expected = build_folder(root)
    config = tmp_path / "callqa.yaml"
    config.write_text("ingest:\n  email:\n    company_domains: [acmebank.com]\n", "utf-8")
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(root), "--config", str(config), "--no-progress"])
    assert first.exit_code == 1, first.output
    errors = first.stderr.splitlines()
    for name, code in expected:
        matching = [line for line in errors if f"{name}:" in line and f"[{code}" in line]
        assert matching, f"no failure line for {name} [{code}] in:\n{first.stderr}"
    assert len(errors) == len(expected), first.stderr
    assert f"{good_count} created" in first.stdout
    assert "1 metadata pending" in first.stdout
    with cli_env.factory() as session:
        k1 = session.execute(
            select(InteractionRow.csat, InteractionRow.nps).where(InteractionRow.external_id == "K1")
        )
        assert tuple(k1.one()) == (5.0, 10)
        agent = session.scalar(select(InteractionRow.agent).where(InteractionRow.external_id == "call-en"))
        assert agent == "a.kim"
    before = snapshot(cli_env)
    second = runner.invoke(app, ["ingest", str(root), "--config", str(config), "--no-progress"])
    assert second.exit_code == 1
    assert "0 created, 0 updated" in second.stdout
    assert snapshot(cli_env) == before


def test_good_files_alone_exit_zero_and_list_them_as_jsonl(cli_env: Database, tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    good_count, _ = build_folder(root)
    config = tmp_path / "callqa.yaml"
    config.write_text("ingest:\n  email:\n    company_domains: [acmebank.com]\n", "utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(root / "good"), "--config", str(config), "--no-progress"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["list", "--format", "jsonl"])
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == good_count - 1
    assert {"id", "external_id", "channel", "language", "agent", "team", "turns"} <= set(rows[0])
    by_id = {r["external_id"]: r for r in rows}
    assert by_id["call-en"]["turns"] == 2 and by_id["call-en"]["agent"] == "a.kim"
    chats = runner.invoke(app, ["list", "--format", "jsonl", "--channel", "chat"])
    assert {json.loads(line)["channel"] for line in chats.stdout.splitlines()} == {"chat"}
    shown = runner.invoke(app, ["show", "call-fa", "--no-bidi"])
    assert shown.exit_code == 0 and "سلام" in shown.stdout and "agent" in shown.stdout
    missing = runner.invoke(app, ["show", "nope"])
    assert missing.exit_code == 1 and "[Q100]" in missing.stderr
    stats = runner.invoke(app, ["stats", "--format", "json"])
    assert json.loads(stats.stdout)["interactions"] == good_count - 1
