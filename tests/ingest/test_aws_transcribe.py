"""Amazon Transcribe (channel identification, diarization, audio segments) and Call Analytics output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callqa.core.config import AwsTranscribeConfig, IngestConfig
from callqa.core.document import Role
from callqa.ingest.base import Failure, Parsed
from callqa.ingest.formats.aws_transcribe import AWS_TRANSCRIBE, bcp47
from callqa.ingest.formats.chat import CHAT

FIXTURES = Path(__file__).parent.parent / "fixtures" / "aws"
CONFIG = IngestConfig()


def parse_one(path: Path, config: IngestConfig = CONFIG) -> Parsed | Failure:
    results = list(AWS_TRANSCRIBE.parse(path, config))
    assert len(results) == 1
    result = results[0]
    assert isinstance(result, Parsed | Failure)
    return result


def parsed(path: Path, config: IngestConfig = CONFIG) -> Parsed:
    result = parse_one(path, config)
    assert isinstance(result, Parsed), str(result)
    return result


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, doc: object, name: str = "job.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_two_channel_output_builds_alternating_turns_with_punctuation() -> None:
    doc = parsed(FIXTURES / "two-channel.json").interaction
    assert (doc.external_id, doc.source, doc.channel.value) == (
        "call-20261005-0914-cards",
        "aws-transcribe",
        "voice",
    )
    assert [(t.role, t.text) for t in doc.turns] == [
        (Role.AGENT, "Thank you for calling Acme Bank, this is Anna."),
        (Role.CUSTOMER, "Hi, I was charged twice for my annual fee."),
        (Role.AGENT, "I'm sorry about that. Can I have your date of birth?"),
        (Role.CUSTOMER, "Sure, it's [PII]."),
        (Role.AGENT, "Thank you, one moment please."),
    ]
    assert [(t.start_ms, t.end_ms) for t in doc.turns][:2] == [(320, 2990), (3200, 5420)]
    assert [t.speaker for t in doc.turns][:2] == ["ch_0", "ch_1"]
    assert [t.channel_index for t in doc.turns][:2] == [0, 1]
    assert doc.duration_ms == 12070
    assert doc.language is None  # this job named its language up front, so the output does not repeat it
    aws = doc.metadata["aws"]
    assert aws["api"] == "transcribe" and aws["mode"] == "channel_identification" and aws["redacted"] is True
    assert 0.99 < aws["word_confidence"] <= 1.0  # the redacted word counts with its redaction confidence


def test_diarized_mandarin_joins_words_without_spaces_and_maps_speakers_to_channels() -> None:
    doc = parsed(FIXTURES / "diarized-zh.json").interaction
    assert doc.language == "zh-Hans"
    assert [(t.role, t.speaker, t.text) for t in doc.turns] == [
        (Role.AGENT, "spk_0", "您好，这里是安心银行客服，请问有什么可以帮您？"),
        (Role.CUSTOMER, "spk_1", "你好，我的信用卡年费被扣了两次。"),
        (Role.AGENT, "spk_0", "非常抱歉，我帮您查一下。"),
        (Role.CUSTOMER, "spk_1", "好的，谢谢。"),
    ]
    assert doc.turns[1].start_ms == 5900 and doc.turns[1].channel_index is None
    assert doc.metadata["aws"]["mode"] == "diarization"


def test_older_diarized_output_matches_unlabelled_items_to_speaker_segments(tmp_path: Path) -> None:
    doc = fixture("diarized-zh.json")
    for item in doc["results"]["items"]:
        del item["speaker_label"], item["id"]
    old = parsed(write(tmp_path, doc)).interaction
    new = parsed(FIXTURES / "diarized-zh.json").interaction
    assert [(t.role, t.text, t.start_ms, t.end_ms) for t in old.turns] == [
        (t.role, t.text, t.start_ms, t.end_ms) for t in new.turns
    ]


def test_audio_segments_are_used_and_consecutive_segments_of_one_channel_merge() -> None:
    doc = parsed(FIXTURES / "audio-segments.json").interaction
    assert doc.external_id == "call-20261006-1102-declined" and doc.language == "en-GB"
    assert [(t.role, t.text, t.start_ms, t.end_ms) for t in doc.turns] == [
        (Role.AGENT, "Good morning, Acme Bank cards team, Marius speaking.", 400, 2770),
        (Role.CUSTOMER, "Hello, my card was declined at a shop today. It worked yesterday.", 3600, 6970),
        (Role.AGENT, "Let me check the card status for you.", 7500, 9710),
    ]
    assert doc.metadata["aws"]["built_from"] == "audio_segments"


def test_words_and_audio_segments_give_the_same_turns(tmp_path: Path) -> None:
    doc = fixture("audio-segments.json")
    del doc["results"]["audio_segments"]
    from_words = parsed(write(tmp_path, doc)).interaction
    assert from_words.metadata["aws"]["built_from"] == "items"
    assert [t.text for t in from_words.turns] == [
        t.text for t in parsed(FIXTURES / "audio-segments.json").interaction.turns
    ]


def test_overlapping_speech_on_two_channels_is_ordered_by_time(tmp_path: Path) -> None:
    def word(label: str, start: float, content: str) -> dict[str, Any]:
        return {
            "start_time": f"{start:.2f}",
            "end_time": f"{start + 0.3:.2f}",
            "alternatives": [{"confidence": "0.99", "content": content}],
            "type": "pronunciation",
            "channel_label": label,
        }

    punct = {
        "alternatives": [{"confidence": "0.0", "content": "."}],
        "type": "punctuation",
        "channel_label": "ch_0",
    }
    items = [
        word("ch_0", 0.0, "Your"),
        word("ch_0", 0.4, "refund"),
        word("ch_1", 0.6, "Okay"),
        word("ch_0", 0.8, "is"),
        word("ch_0", 1.2, "approved"),
        punct,
    ]
    doc = parsed(write(tmp_path, {"jobName": "overlap", "results": {"items": items}})).interaction
    assert [(t.role, t.text) for t in doc.turns] == [
        (Role.AGENT, "Your refund"),
        (Role.CUSTOMER, "Okay"),
        (Role.AGENT, "is approved."),
    ]


def test_call_analytics_turns_roles_and_insights() -> None:
    doc = parsed(FIXTURES / "call-analytics.json").interaction
    assert (doc.external_id, doc.language, doc.duration_ms) == ("tca-20261007-1530-retention", "en-US", 30460)
    assert [t.role for t in doc.turns] == [Role.AGENT, Role.CUSTOMER] * 3
    assert doc.turns[1].text == "Well, I would like to cancel my broadband contract, the line keeps dropping."
    assert (doc.turns[1].start_ms, doc.turns[1].end_ms) == (5310, 11190)
    assert doc.turns[2].external_id == "649afe93-1e59-4ae9-a3ba-a0a613868f5d"
    aws = doc.metadata["aws"]
    assert aws["api"] == "call-analytics"
    assert aws["categories"] == ["cancellation-intent", "positive-resolution"]
    assert aws["category_spans"]["positive-resolution"] == [[28040, 30460]]
    assert aws["issues"] == ["I would like to cancel my broadband contract"]
    assert aws["outcomes"] == ["I have applied the discount and booked the engineer for Thursday"]
    assert aws["action_items"] == ["I will send you an email with the details today."]
    assert aws["turns"][1] == {
        "turn": 1,
        "sentiment": "negative",
        "loudness_mean": 83.82,
        "loudness_max": 86.81,
        "issues": ["I would like to cancel my broadband contract"],
    }
    assert [t["sentiment"] for t in aws["turns"]] == [
        "neutral",
        "negative",
        "negative",
        "positive",
        "positive",
        "positive",
    ]
    assert aws["sentiment"]["overall"] == {"agent": 1.9, "customer": 0.8}
    assert aws["sentiment"]["quarters"]["customer"] == [-5.0, -2.5, 5.0, 5.0]
    assert aws["interruptions"] == {"count": 1, "total_ms": 1450, "by": {"customer": [[15510, 16960]]}}
    assert aws["non_talk"] == {"total_ms": 340, "spans": [[19860, 20200]]}
    assert aws["talk_time_ms"] == {"agent": 17150, "customer": 11020, "total": 28170}
    assert aws["talk_speed_wpm"] == {"agent": 162, "customer": 148}
    assert aws["summary"].startswith("The customer wanted to cancel broadband")
    assert "Items" not in json.dumps(aws) and "LoudnessScores" not in json.dumps(
        aws
    )  # compact, not the raw blob


def test_contact_lens_style_participant_ids_resolve_through_participants(tmp_path: Path) -> None:
    doc = {
        "Version": "1.1.0",
        "JobStatus": "COMPLETED",
        "LanguageCode": "zh-TW",
        "CustomerMetadata": {"ContactId": "8d2f5a3e-contact"},
        "Participants": [
            {"ParticipantId": "p-1", "ParticipantRole": "CUSTOMER"},
            {"ParticipantId": "p-2", "ParticipantRole": "AGENT"},
        ],
        "Transcript": [
            {
                "ParticipantId": "p-2",
                "Content": "您好，請問有什麼可以幫您？",
                "BeginOffsetMillis": 0,
                "EndOffsetMillis": 2100,
                "Sentiment": "NEUTRAL",
                "LoudnessScore": [70.1, 71.3],
            },
            {
                "ParticipantId": "p-1",
                "Content": "我要查詢帳單。",
                "BeginOffsetMillis": 2500,
                "EndOffsetMillis": 4000,
            },
        ],
    }
    result = parsed(write(tmp_path, doc)).interaction
    assert result.external_id == "8d2f5a3e-contact" and result.language == "zh-Hant"
    assert [t.role for t in result.turns] == [Role.AGENT, Role.CUSTOMER]
    assert result.duration_ms == 4000
    assert result.metadata["aws"]["turns"] == [
        {"turn": 0, "sentiment": "neutral", "loudness_mean": 70.7, "loudness_max": 71.3}
    ]


def test_config_maps_labels_and_overrides_source() -> None:
    swapped = IngestConfig(
        source="contact-centre-a",
        aws=AwsTranscribeConfig(channel_roles={"ch_0": Role.CUSTOMER, "ch_1": Role.AGENT}),
    )
    doc = parsed(FIXTURES / "two-channel.json", swapped).interaction
    assert doc.source == "contact-centre-a"
    assert [t.role for t in doc.turns][:2] == [Role.CUSTOMER, Role.AGENT]
    speakers = IngestConfig(
        aws=AwsTranscribeConfig(channel_roles={"spk_0": Role.CUSTOMER, "spk_1": Role.AGENT})
    )
    assert [t.role for t in parsed(FIXTURES / "diarized-zh.json", speakers).interaction.turns][:2] == [
        Role.CUSTOMER,
        Role.AGENT,
    ]


def test_unmapped_speaker_label_fails_naming_the_label_and_the_setting(tmp_path: Path) -> None:
    doc = fixture("diarized-zh.json")
    for item in doc["results"]["items"][-4:]:
        item["speaker_label"] = "spk_2"
    failure = parse_one(write(tmp_path, doc))
    assert isinstance(failure, Failure)
    assert failure.message.startswith("[I501]")
    assert "'spk_2'" in failure.message and "ingest.aws.channel_roles" in failure.message


def test_unknown_call_analytics_role_fails(tmp_path: Path) -> None:
    doc = {
        "JobName": "x",
        "Transcript": [{"ParticipantRole": "SUPERVISOR", "Content": "Hello", "BeginOffsetMillis": 0}],
    }
    failure = parse_one(write(tmp_path, doc))
    assert (
        isinstance(failure, Failure)
        and failure.message.startswith("[I501]")
        and "SUPERVISOR" in failure.message
    )
    config = IngestConfig(aws=AwsTranscribeConfig(channel_roles={"supervisor": Role.AGENT}))
    assert parsed(write(tmp_path, doc), config).interaction.turns[0].role == Role.AGENT


def test_job_name_missing_falls_back_to_the_file_name(tmp_path: Path) -> None:
    doc = fixture("audio-segments.json")
    del doc["jobName"]
    assert (
        parsed(write(tmp_path, doc, "2026-10-06_call-7781.json")).interaction.external_id
        == "2026-10-06_call-7781"
    )


@pytest.mark.parametrize(
    ("content", "code", "detail"),
    [
        (
            '{"jobName": "call-1", "results": {"transcripts": [{"transcript": "Hel',
            "[I200]",
            "Unterminated string",
        ),
        ("", "[I100]", "empty"),
        ('{"hello": "world"}', "[I500]", "no 'results' object"),
        ('[{"jobName": "call-1"}]', "[I500]", "top level is a JSON array"),
        ('{"jobName": "call-1", "status": "FAILED", "results": {}}', "[I500]", "status is FAILED"),
        (
            '{"jobName": "call-1", "results": {"transcripts": [{"transcript": ""}], "items": []}}',
            "[I301]",
            "",
        ),
        ('{"JobName": "tca", "JobStatus": "COMPLETED", "Transcript": []}', "[I301]", ""),
    ],
)
def test_bad_documents_fail_with_a_code(tmp_path: Path, content: str, code: str, detail: str) -> None:
    path = tmp_path / "job.json"
    path.write_text(content, encoding="utf-8")
    failure = parse_one(path)
    assert isinstance(failure, Failure)
    assert failure.message.startswith(code) and detail in failure.message


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    text = json.dumps(fixture("call-analytics.json"), indent=2)
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    failure = parse_one(path)
    assert isinstance(failure, Failure) and failure.message.startswith("[I200]")
    assert failure.ref.line is not None and failure.ref.line > 1


def test_words_without_any_labels_fail_with_i502(tmp_path: Path) -> None:
    doc = fixture("two-channel.json")
    del doc["results"]["channel_labels"]
    failure = parse_one(write(tmp_path, doc))
    assert isinstance(failure, Failure) and failure.message.startswith("[I502]")


def test_sniff_claims_transcribe_output_and_nothing_else(tmp_path: Path) -> None:
    for path in FIXTURES.glob("*.json"):
        assert AWS_TRANSCRIBE.sniff(path, path.read_bytes()[:65536]) == 0.95
        assert CHAT.sniff(path, path.read_bytes()[:65536]) == 0.0
    native = b'{"external_id": "call-1", "channel": "voice", "turns": [{"role": "agent", "text": "Hi"}]}'
    assert AWS_TRANSCRIBE.sniff(tmp_path / "a.json", native) == 0.0
    assert AWS_TRANSCRIBE.sniff(tmp_path / "a.txt", (FIXTURES / "two-channel.json").read_bytes()) == 0.0
    chat = b'{"chat_id": "ch-1", "messages": [{"role": "agent", "text": "Hi"}]}'
    assert AWS_TRANSCRIBE.sniff(tmp_path / "a.json", chat) == 0.0
    bom = "\ufeff".encode() + (FIXTURES / "call-analytics.json").read_bytes()[:4000]
    assert AWS_TRANSCRIBE.sniff(tmp_path / "A.JSON", bom) == 0.95


def test_language_codes_become_bcp47_tags() -> None:
    assert [bcp47(c) for c in ("en-US", "en-us", "zh-CN", "zh-TW", "fa-IR", None)] == [
        "en-US",
        "en-US",
        "zh-Hans",
        "zh-Hant",
        "fa-IR",
        None,
    ]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)
_KEYS = st.sampled_from(
    [
        "items",
        "channel_labels",
        "speaker_labels",
        "audio_segments",
        "language_code",
        "Transcript",
        "Categories",
        "ConversationCharacteristics",
        "Participants",
        "results",
        "alternatives",
        "start_time",
        "type",
        "speaker_label",
        "segments",
        "channels",
    ]
)
_NOISE = st.recursive(
    _JSON,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=15,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(results=_NOISE, transcript=_NOISE)
def test_garbage_in_transcribe_shapes_never_raises(
    tmp_path: Path, results: object, transcript: object
) -> None:
    for doc in (
        {"jobName": "j", "results": results},
        {"JobName": "j", "Transcript": transcript, "Categories": results},
    ):
        path = tmp_path / "noise.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        assert all(isinstance(r, Parsed | Failure) for r in AWS_TRANSCRIBE.parse(path, CONFIG))
