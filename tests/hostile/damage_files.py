"""Hostile files: vendor formats with wrong types, damaged and odd files, truncations, special files."""

from __future__ import annotations

import json
import os
import socket
import struct
from pathlib import Path
from typing import Any

from hostile.corpus import (
    CSV_HEADER,
    EML,
    FIXTURES,
    HUGE,
    TRANSCRIPT,
    Corpus,
    Expect,
    doc,
    dumps,
)


def vendor_damage(c: Corpus) -> None:
    """Amazon Transcribe and chat exports with wrong types, and JSON of no known vendor."""
    analytics = json.loads((FIXTURES / "call-analytics.json").read_text("utf-8"))

    def segment(**fields: Any) -> dict[str, Any]:
        return {
            "ParticipantRole": "AGENT",
            "Content": "Hello.",
            "BeginOffsetMillis": 0,
            "EndOffsetMillis": 900,
            **fields,
        }

    for name, change in {
        "offset-soon": {"Transcript": [segment(BeginOffsetMillis="soon")]},
        "offset-negative": {"Transcript": [segment(BeginOffsetMillis=-5)]},
        "offset-huge": {"Transcript": [segment(EndOffsetMillis=HUGE)]},
        "offset-list": {"Transcript": [segment(BeginOffsetMillis=[1])]},
        "transcript-string": {"Transcript": "hello"},
        "transcript-empty": {"Transcript": []},
        "segments-not-objects": {"Transcript": [1, "two", None]},
        "role-unknown": {"Transcript": [segment(ParticipantRole="WIZARD")]},
        "status-failed": {"JobStatus": "FAILED"},
    }.items():
        c.bad(
            f"vendor/aws-{name}.json",
            dumps({**analytics, "JobName": f"bad-aws-{name}", **change}),
            "AWS with a wrong type",
            "I503",
            "I500",
            "I301",
            "I501",
        )
    item = {
        "type": "pronunciation",
        "start_time": "0.1",
        "end_time": "0.5",
        "channel_label": "ch_0",
        "alternatives": [{"content": "Hi"}],
    }
    for name, change in {
        "start-soon": {"start_time": "soon"},
        "end-nan": {"end_time": "NaN"},
        "start-negative": {"start_time": "-3"},
    }.items():
        results = {
            "transcripts": [{"transcript": "Hi"}],
            "channel_labels": {"channels": [{"channel_label": "ch_0"}]},
            "items": [{**item, **change}],
        }
        c.bad(
            f"vendor/transcribe-{name}.json",
            dumps({"jobName": f"bad-tr-{name}", "results": results}),
            "Transcribe with a wrong type",
            "I503",
        )
    c.bad(
        "vendor/transcribe-results-list.json",
        dumps({"jobName": "bad-tr-list", "results": []}),
        "results as a list",
        "I500",
    )
    c.bad(
        "vendor/transcribe-no-labels.json",
        dumps(
            {
                "jobName": "bad-tr-nolabels",
                "results": {"transcripts": [], "items": [item | {"channel_label": None}]},
            }
        ),
        "no labels",
        "I502",
        "I301",
    )
    for name, chat in {
        "messages-string": {"chat_id": "bad-chat-1", "messages": "hello"},
        "messages-empty": {"chat_id": "bad-chat-2", "messages": []},
        "role-number": {"chat_id": "bad-chat-3", "messages": [{"role": 7, "text": "hi"}]},
        "time-soon": {
            "chat_id": "bad-chat-5",
            "messages": [{"role": "agent", "text": "hi", "timestamp": "soon"}],
        },
        "time-9999": {
            "chat_id": "bad-chat-6",
            "messages": [{"role": "agent", "text": "hi", "timestamp": "9999-01-01T00:00:00Z"}],
        },
    }.items():
        c.bad(
            f"vendor/chat-{name}.json",
            dumps(chat),
            "a chat with a wrong type",
            "I310",
            "I311",
            "I301",
            "I302",
            "I201",
            "I203",
        )
    for name, value in {
        "genesys-like": {"conversationId": "c1", "participants": [], "divisions": ["x"]},
        "numbers": [1, 2, 3],
        "objects": [{"callId": 1, "utterances": []}],
        "nested": {"data": {"call": {"lines": []}}},
    }.items():
        c.bad(f"vendor/unknown-{name}.json", dumps(value), "JSON of no known vendor", "I106")


def file_damage(c: Corpus) -> None:
    """Empty, binary, misnamed and truncated files, and audio that is not audio."""
    for ext in (
        ".json",
        ".jsonl",
        ".csv",
        ".tsv",
        ".txt",
        ".eml",
        ".mbox",
        ".wav",
        ".mp3",
        ".flac",
        ".ogg",
        ".m4a",
        ".dat",
    ):
        c.bad(f"empty/zero-{ext[1:]}{ext}", b"", "an empty file", "I100")
    for ext in (".json", ".txt", ".csv", ".jsonl"):
        c.bad(f"empty/blank-{ext[1:]}{ext}", " \n\t\r\n" * 10, "only whitespace", "I100", "I301")
    for i in range(6):
        for ext in (".json", ".jsonl", ".csv", ".tsv", ".txt", ".eml", ".mbox", ".dat", ".bin", ".ndjson"):
            c.bad(
                f"garbage/random-{i}-{ext[1:]}{ext}",
                c.garbage(512 + 4096 * i),
                "binary garbage",
                "I101",
                "I102",
                "I104",
                "I200",
                "I400",
                "I403",
                "I700",
                "I701",
            )
    riff = b"RIFF" + struct.pack("<I", 36) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    for name, data in {
        "riff-only.wav": riff,
        "header-no-data.wav": riff + fmt + b"data" + struct.pack("<I", 0),
        "id3-only.mp3": b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10,
        "frame-sync.mp3": b"\xff\xfb\x90\x64" + b"\x00" * 20,
        "flac-magic.flac": b"fLaC\x00\x00\x00\x22" + b"\x00" * 10,
        "ogg-magic.ogg": b"OggS\x00\x02" + b"\x00" * 30,
        "ftyp.m4a": b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 12,
        "text.wav": "Agent: this is text in a .wav file\n",
        "garbage.mp3": c.garbage(3000),
    }.items():
        c.bad(f"audio/{name}", data, "not audio, or cut short", "I700", "I701", "I710", "I101")
    c.bad(
        "misnamed/wav-in.txt",
        riff + fmt + b"data" + c.garbage(2000),
        "audio with a .txt name",
        "I101",
        "I102",
        "I305",
        "I300",
        "I700",
    )
    c.bad(
        "misnamed/csv-in.json", CSV_HEADER + "x,agent,hi,0\n", "CSV with a .json name", "I104", "I106", "I200"
    )
    c.bad(
        "misnamed/png.json",
        b"\x89PNG\r\n\x1a\n" + c.garbage(400),
        "a PNG with a .json name",
        "I101",
        "I104",
        "I102",
    )
    c.bad(
        "misnamed/zip.csv",
        b"PK\x03\x04" + c.garbage(400),
        "a zip with a .csv name",
        "I101",
        "I102",
        "I104",
        "I303",
    )
    c.odd("misnamed/no-extension", dumps(doc("odd-no-ext")), "JSON without an extension")
    c.odd("misnamed/turns-empty.json", dumps(doc("odd-no-turns", turns=[])), "an interaction without turns")
    chat = {"chat_id": "odd-chat", "messages": [{"role": "agent", "text": ["hi"]}]}
    c.odd("misnamed/chat-text-list.json", dumps(chat), "a chat message whose text is a list")
    c.odd(
        "misnamed/data-cut.wav",
        riff + fmt + b"data" + struct.pack("<I", 80000) + b"\x01\x02" * 50,
        "a WAV cut short",
    )


def truncations(c: Corpus) -> None:
    """Valid files of every format cut at a random byte: stored in part, or named, never a crash."""
    sources = {
        "jsonl": "\n".join(dumps(doc(f"cut-jsonl-{i}")) for i in range(4)),
        "csv": CSV_HEADER + "".join(f"cut-csv,agent,Line {i} of the call.,{i * 1000}\n" for i in range(20)),
        "txt": TRANSCRIPT * 5,
        "json": dumps([doc(f"cut-arr-{i}") for i in range(4)]),
        "eml": EML.format(id="cut-mail"),
        "chat.json": dumps({"chat_id": "cut-chat", "messages": [{"role": "agent", "text": "Hi!"}] * 10}),
        "aws.json": (FIXTURES / "call-analytics.json").read_text("utf-8"),
    }
    for ext, text in sources.items():
        for n in range(2):
            data = text.replace("cut-", f"cut{n}-").encode("utf-8")  # each copy under its own ids
            cut = c.rng.randrange(1, len(data) - 1)
            c.odd(
                f"truncated/cut-{n}-{ext.replace('.', '-')}.{ext.split('.')[-1]}",
                data[:cut],
                "a file cut short",
            )
    wide = TRANSCRIPT.encode("utf-16-le")  # no byte-order mark: nothing says how to read it
    c.odd("truncated/utf16-no-bom.txt", wide, "UTF-16 without a byte-order mark")


def special_files(c: Corpus, outside: Path) -> None:
    """FIFOs, sockets and links out of the folder; hidden files and notes (reported as skipped)."""
    (c.root / "special").mkdir(parents=True, exist_ok=True)
    os.mkfifo(c.root / "special" / "pipe.jsonl")
    c.manifest["special/pipe.jsonl"] = Expect("bad", "a FIFO", codes=["I103"])
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(c.root / "special" / "sock.json"))
    c.manifest["special/sock.json"] = Expect("bad", "a socket", codes=["I103"])
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text("Agent: the secret outside the inbox\n", "utf-8")
    for name, target in {
        "passwd.txt": Path("/etc/passwd"),
        "outside.txt": outside / "secret.txt",
        "broken.json": c.root / "special" / "nowhere.json",
        "loop-a.json": c.root / "special" / "loop-b.json",
        "loop-b.json": c.root / "special" / "loop-a.json",
    }.items():
        (c.root / "special" / name).symlink_to(target)
        c.manifest[f"special/{name}"] = Expect(
            "bad", "a link leading outside, broken or looping", codes=["I103"]
        )
    (c.root / "special" / "outside-folder").symlink_to(outside, target_is_directory=True)
    c.manifest["special/outside-folder"] = Expect("skipped", "a link to a folder")
    for name in (".DS_Store", "._valid.json", ".~lock.turns.csv#"):
        c.put(f"hidden/{name}", c.garbage(64), Expect("skipped", "a hidden file"))
    (c.root / "hidden" / ".git").mkdir()
    (c.root / "hidden" / ".git" / "config.json").write_text(dumps(doc("never-read")), "utf-8")
    c.manifest["hidden/.git"] = Expect("skipped", "a hidden folder")
    c.put("notes/README.md", "# what this folder is\n", Expect("skipped", "a note"))
    c.put("notes/export.yaml", "a: 1\n", Expect("skipped", "a note"))
