"""Plain-text transcripts in four languages, with timestamps, names, continuations and bad role words."""

from __future__ import annotations

import json
from pathlib import Path

from callqa.core.config import IngestConfig
from callqa.core.document import Role
from callqa.ingest.base import Failure, Parsed
from callqa.ingest.file_metadata import with_file_fields
from callqa.ingest.formats.transcript import TRANSCRIPT

CONFIG = IngestConfig()


def parse_one(path: Path, config: IngestConfig = CONFIG) -> Parsed | Failure:
    results = list(TRANSCRIPT.parse(path, config))
    assert len(results) == 1
    result = results[0]
    assert isinstance(result, Parsed | Failure)
    return result


def test_english_with_timestamps_names_and_continuation_lines(tmp_path: Path) -> None:
    path = tmp_path / "call-0042.txt"
    path.write_text(
        "[00:00] Agent (Anna): Thank you for calling Acme Bank, this call is recorded.\n"
        "[00:04] Customer: Hi, I was charged twice\n"
        "for my annual fee.\n\n"
        "[00:01:02.5] Agent: I'm sorry about that: let me check.\n",
        encoding="utf-8",
    )
    parsed = parse_one(path)
    assert isinstance(parsed, Parsed)
    doc = parsed.interaction
    assert doc.external_id == "call-0042" and doc.channel.value == "voice" and doc.source == "transcript"
    assert [t.role for t in doc.turns] == [Role.AGENT, Role.CUSTOMER, Role.AGENT]
    assert doc.turns[0].speaker == "Anna"
    assert doc.turns[1].text == "Hi, I was charged twice for my annual fee."
    assert [t.start_ms for t in doc.turns] == [0, 4000, 62500]
    assert doc.turns[2].text == "I'm sorry about that: let me check."


def test_chinese_simplified_and_traditional_with_full_width_colons(tmp_path: Path) -> None:
    path = tmp_path / "zh.txt"
    path.write_text(
        "[00:01] 客服：您好，安信银行，请问有什么可以帮您？\n[00:05] 客户：我的卡被冻结了，\n能帮我看看吗？\n"
        "[00:09] 坐席：好的。\n[00:12] 顧客：謝謝。\n[00:14] 客戶：還有一個問題。\n",
        encoding="utf-8",
    )
    parsed = parse_one(path)
    assert isinstance(parsed, Parsed)
    roles = [t.role for t in parsed.interaction.turns]
    assert roles == [Role.AGENT, Role.CUSTOMER, Role.AGENT, Role.CUSTOMER, Role.CUSTOMER]
    assert parsed.interaction.turns[1].text == "我的卡被冻结了，能帮我看看吗？"


def test_gbk_and_big5_files_read_the_same_as_utf8(tmp_path: Path) -> None:
    simplified = "[00:01] 客服：您好，安信银行。\n[00:03] 客户：我要挂失。\n"
    traditional = "[00:01] 客服：您好，安信銀行。\n[00:03] 客戶：我要掛失。\n"
    (tmp_path / "gbk.txt").write_bytes(simplified.encode("gbk"))
    (tmp_path / "big5.txt").write_bytes(traditional.encode("big5"))
    gbk, big5 = parse_one(tmp_path / "gbk.txt"), parse_one(tmp_path / "big5.txt")
    assert isinstance(gbk, Parsed) and isinstance(big5, Parsed)
    assert gbk.interaction.turns[1].text == "我要挂失。"
    assert big5.interaction.turns[1].text == "我要掛失。"


def test_lithuanian_and_persian_role_words(tmp_path: Path) -> None:
    (tmp_path / "lt.txt").write_text(
        "Operatorius: Laba diena.\nKlientas: Sveiki.\nOperatorė: Ačiū.\n", "utf-8"
    )
    (tmp_path / "fa.txt").write_text("[00:00] اپراتور: سلام، بانک اکمه.\n[00:03] مشتری: سلام.\n", "utf-16")
    lt, fa = parse_one(tmp_path / "lt.txt"), parse_one(tmp_path / "fa.txt")
    assert isinstance(lt, Parsed) and isinstance(fa, Parsed)
    assert [t.role for t in lt.interaction.turns] == [Role.AGENT, Role.CUSTOMER, Role.AGENT]
    assert [t.role for t in fa.interaction.turns] == [Role.AGENT, Role.CUSTOMER]
    assert fa.interaction.turns[0].text == "سلام، بانک اکمه."


def test_unknown_role_word_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("Agent: Hello.\nCustomer: Hi.\nSupervisor: I'll take over.\n", "utf-8")
    failure = parse_one(path)
    assert isinstance(failure, Failure)
    assert failure.ref.line == 3
    assert str(failure).startswith(f"{path}:3: [I300] unknown role word 'Supervisor'")


def test_configured_role_words_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_text("Agent: Hello.\nSupervisor: I'll take over.\n", "utf-8")
    parsed = parse_one(path, IngestConfig(roles={"Supervisor": Role.AGENT}))
    assert isinstance(parsed, Parsed)
    assert parsed.interaction.turns[1].role is Role.AGENT


def test_prose_before_the_first_speaker_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is just some notes from a meeting, not a transcript at all\n", "utf-8")
    failure = parse_one(path)
    assert isinstance(failure, Failure)
    assert "[I305]" in failure.message and failure.ref.line == 1


def test_sidecar_and_file_name_pattern_fill_metadata(tmp_path: Path) -> None:
    path = tmp_path / "20261005_091400_a.kim_77123.txt"
    path.write_text("Agent: Hello.\nCustomer: Hi.\n", "utf-8")
    config = IngestConfig(
        filename_pattern=r"(?P<date>\d{8})_(?P<time>\d{6})_(?P<agent>[a-z.]+)_(?P<external_id>\d+)",
        timezone="Europe/Vilnius",
    )
    parsed = parse_one(path, config)
    assert isinstance(parsed, Parsed)
    doc = with_file_fields(parsed.interaction, path, config)
    assert doc.external_id == "77123" and doc.agent == "a.kim"
    assert doc.started_at is not None and doc.started_at.isoformat() == "2026-10-05T06:14:00+00:00"
    sidecar = tmp_path / "20261005_091400_a.kim_77123.json"
    sidecar.write_text(json.dumps({"agent": "anna.kim", "queue": "cards", "survey": {"csat": 5}}), "utf-8")
    doc = with_file_fields(parsed.interaction, path, config)
    assert (doc.agent, doc.queue, doc.external_id) == ("anna.kim", "cards", "77123")
    assert doc.survey is not None and doc.survey.csat == 5
