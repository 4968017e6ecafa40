"""A hostile input folder for ``callqa ingest``: over 200 bad or odd files with known valid ones mixed in.

    python tests/hostile/generate.py OUT [--seed N]

writes the files under OUT and prints the manifest (JSON): for each file, relative to OUT, what ingest must
make of it. The same seed writes the same bytes. Kinds:

- ``valid``: every id in ``ids`` is stored (and then scored), and the file is not named as failed;
- ``partial``: the ids are stored and the file is named with a code for each bad record;
- ``bad``: the file is named with a code (``codes`` lists the ones allowed); parts of it may be stored;
- ``skipped``: reported as skipped (hidden files, notes, links to folders);
- ``odd``: stored or named with a code, never silently ignored;
- ``sidecar``: another file's sidecar JSON; that file is the one named.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import shutil
import socket
import struct
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent.parent / "fixtures" / "aws"
HUGE = 1180591620717411303424  # the start_ms that once aborted a whole ingest with an OverflowError


@dataclass
class Expect:
    kind: str
    what: str
    ids: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


class Corpus:
    """Writes files under ``root`` and remembers what each must produce."""

    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.manifest: dict[str, Expect] = {}

    def put(self, name: str, data: bytes | str, expect: Expect) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.manifest[name] = expect
        return path

    def valid(self, name: str, data: bytes | str, *ids: str, what: str = "valid") -> None:
        self.put(name, data, Expect("valid", what, list(ids)))

    def bad(self, name: str, data: bytes | str, what: str, *codes: str) -> None:
        self.put(name, data, Expect("bad", what, codes=list(codes)))

    def odd(self, name: str, data: bytes | str, what: str) -> None:
        self.put(name, data, Expect("odd", what))

    def garbage(self, size: int) -> bytes:
        return bytes(self.rng.randrange(256) for _ in range(size))


def doc(external_id: str, **extra: Any) -> dict[str, Any]:
    """A valid interaction; ``extra`` replaces or adds fields."""
    return {
        "external_id": external_id,
        "channel": "voice",
        "started_at": "2026-10-05T09:14:00Z",
        "turns": [
            {"role": "agent", "text": "Thank you for calling Acme Bank, this is Anna.", "start_ms": 0},
            {"role": "customer", "text": "Hi, I was charged twice for my annual fee.", "start_ms": 3000},
            {"role": "agent", "text": "I am sorry about that, I will refund it today.", "start_ms": 6000},
        ],
        **extra,
    }


def turn(**fields: Any) -> dict[str, Any]:
    return {"role": "agent", "text": "Hello.", **fields}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


TRANSCRIPT = "[00:01] Agent: Thank you for calling Acme Bank.\n[00:04] Customer: My card is blocked.\n"
CSV_HEADER = "call_id,role,text,start_ms\n"
EML = (
    "From: Jonas <jonas@example.lt>\nTo: support@acmebank.com\nSubject: Limit\n"
    "Date: Mon, 05 Oct 2026 09:00:00 +0300\nMessage-ID: <{id}@example.lt>\n"
    "Content-Type: text/plain; charset=utf-8\n\nPlease raise my card limit.\n"
)


def valid_items(c: Corpus) -> None:
    """The known good inputs, in every format and text encoding, some with odd names."""
    for i in range(4):
        c.valid(f"valid/json-{i}.json", dumps(doc(f"ok-json-{i}")), f"ok-json-{i}")
    c.valid(
        "valid/array.json", dumps([doc(f"ok-arr-{i}") for i in range(3)]), *[f"ok-arr-{i}" for i in range(3)]
    )
    lines = "".join(dumps(doc(f"ok-jsonl-{i}")) + "\n" for i in range(5))
    c.valid("valid/five.jsonl", lines, *[f"ok-jsonl-{i}" for i in range(5)])
    c.valid("valid/call-ok-en.txt", TRANSCRIPT, "call-ok-en")
    c.valid(
        "valid/call-ok-zh.txt",
        "客服: 您好，这里是安心银行。\n客户: 我的信用卡被扣了两次年费。\n",
        "call-ok-zh",
    )
    c.valid("valid/long-call.txt", "[00:05] Agent: Hello.\n[100:00] Customer: Still there?\n", "long-call")
    injection = '=HYPERLINK("http://evil.example","x"),+1+1,-2,@SUM(A1)'
    rows = [("ok-csv-a", "agent", "Hello, Acme Bank.", 0), ("ok-csv-a", "customer", injection, 900)]
    rows += [("ok-csv-b", "agent", "=cmd|' /C calc'!A0", 0), ("ok-csv-b", "customer", "Thanks.", 1000)]
    body = "".join(f'{i},{r},"{t.replace(chr(34), chr(34) * 2)}",{s}\n' for i, r, t, s in rows)
    c.valid(
        "valid/turns.csv", CSV_HEADER + body, "ok-csv-a", "ok-csv-b", what="CSV injection strings as text"
    )
    big = CSV_HEADER + "ok-big-cell,agent,Hello.,0\nok-big-cell,customer," + "x" * 5_000_000 + ",100\n"
    c.valid("valid/big-cell.csv", big, "ok-big-cell", what="a 5 MB CSV cell (cut to the turn limit)")
    chat = {
        "chat_id": "ok-chat-1",
        "messages": [{"role": "agent", "text": "Hi!"}, {"role": "customer", "text": "Hi."}],
    }
    c.valid("valid/chat.json", dumps(chat), "ok-chat-1")
    shutil.copyfile(FIXTURES / "two-channel.json", c.root / "valid" / "aws-two-channel.json")
    c.manifest["valid/aws-two-channel.json"] = Expect("valid", "valid", ["call-20261005-0914-cards"])
    shutil.copyfile(FIXTURES / "call-analytics.json", c.root / "valid" / "aws-analytics.json")
    c.manifest["valid/aws-analytics.json"] = Expect("valid", "valid", ["tca-20261007-1530-retention"])
    c.put(
        "valid/message.eml", EML.format(id="ok-mail"), Expect("odd", "an e-mail (stored under its thread id)")
    )
    # every byte-order mark, in each text format
    for name, encoding, bom in (
        ("utf8bom", "utf-8", codecs.BOM_UTF8),
        ("utf16le", "utf-16-le", codecs.BOM_UTF16_LE),
        ("utf16be", "utf-16-be", codecs.BOM_UTF16_BE),
        ("utf32le", "utf-32-le", codecs.BOM_UTF32_LE),
        ("utf32be", "utf-32-be", codecs.BOM_UTF32_BE),
    ):
        what = f"text with a {name} byte-order mark"
        c.valid(
            f"bom/json-{name}.json",
            bom + dumps(doc(f"ok-bom-json-{name}")).encode(encoding),
            f"ok-bom-json-{name}",
            what=what,
        )
        c.valid(
            f"bom/ok-bom-txt-{name}.txt", bom + TRANSCRIPT.encode(encoding), f"ok-bom-txt-{name}", what=what
        )
        csv_text = CSV_HEADER + f"ok-bom-csv-{name},agent,Hello there.,0\n"
        c.valid(f"bom/csv-{name}.csv", bom + csv_text.encode(encoding), f"ok-bom-csv-{name}", what=what)
        jsonl = dumps(doc(f"ok-bom-jsonl-{name}")) + "\n"
        c.valid(f"bom/jsonl-{name}.jsonl", bom + jsonl.encode(encoding), f"ok-bom-jsonl-{name}", what=what)
    # names that look like attacks or are merely unusual: read like any other
    odd_names = {
        "..%2fetc%2fpasswd.json": "ok-name-dotdot",
        ".%2e%2fok.json": "ok-name-dot-escape",
        "..%2f..%2fok.json": "ok-name-dotdot2",
        "通话记录-ok.json": "ok-name-cjk",
        "مكالمة-ok.json": "ok-name-arabic",
        "ok-\u202eosj.json": "ok-name-rlo",
        "ok-\u2400-nul-symbol.json": "ok-name-nul-symbol",
        "ok with spaces & $(touch x) `id`.json": "ok-name-shell",
        "ok-new\nline.json": "ok-name-newline",
        "=HYPERLINK(1)-ok.json": "ok-name-formula",
        ("n" * 240) + ".json": "ok-name-long",
    }
    for name, ident in odd_names.items():
        c.valid(f"names/{name}", dumps(doc(ident)), ident, what="an odd file name")
    deep_folder = "/".join(f"level{i}" for i in range(20))
    c.valid(
        f"names/{deep_folder}/deep-ok.json",
        dumps(doc("ok-deep-folder")),
        "ok-deep-folder",
        what="20 folders deep",
    )
    many = [turn(role="customer" if i % 2 else "agent", text=f"line {i}") for i in range(6000)]
    c.valid(
        "valid/many-turns.json",
        dumps(doc("ok-many-turns", turns=many)),
        "ok-many-turns",
        what="6,000 turns (cut)",
    )
    c.valid(
        "valid/long-turn.json",
        dumps(doc("ok-long-turn", turns=[turn(text="refund " * 300_000)])),
        "ok-long-turn",
        what="a 2 MB turn (cut)",
    )


def bounds(c: Corpus) -> None:
    """Numbers and dates no database or calendar can hold."""
    for name, fields in {
        "start-huge": {"turns": [turn(start_ms=HUGE)]},
        "end-huge": {"turns": [turn(end_ms=HUGE)]},
        "start-negative": {"turns": [turn(start_ms=-5)]},
        "start-float-inf": {"turns": [turn(start_ms=1e308)]},
        "end-before-start": {"turns": [turn(start_ms=5000, end_ms=10)]},
        "channel-index-huge": {"turns": [turn(channel_index=2**70)]},
        "duration-huge": {"duration_ms": HUGE},
        "nps-huge": {"survey": {"nps": 10**30}},
        "csat-over-scale": {"survey": {"csat": 99, "csat_scale": 5}},
        "year-9999": {"started_at": "9999-12-31T23:59:59Z"},
        "year-0001": {"started_at": "0001-01-01T00:00:00Z"},
        "year-1969": {"started_at": "1969-12-31T23:59:59Z"},
        "epoch-huge": {"started_at": HUGE},
        "date-garbage": {"started_at": "next tuesday-ish"},
    }.items():
        c.bad(
            f"bounds/{name}.json",
            dumps(doc(f"bad-{name}", **fields)),
            "a number or date out of bounds",
            "I201",
        )
    for name, fields in {"start-huge": "9" * 30, "start-soon": "soon", "start-negative": "-1"}.items():
        c.bad(
            f"bounds/csv-{name}.csv",
            CSV_HEADER + f"bad-csv-{name},agent,Hello.,{fields}\n",
            "a CSV time out of bounds",
            "I201",
            "I302",
        )
    c.bad("bounds/clock-12-99.txt", "[12:99] Agent: Hello.\n", "a clock time with 99 seconds", "I302")


def json_damage(c: Corpus) -> None:
    """NUL bytes, deep nesting, truncation and wrong types in callqa's own JSON."""
    good = dumps(doc("x"))
    for i, cut in enumerate((1, len(good) // 3, len(good) // 2, len(good) - 1)):
        c.bad(
            f"json/truncated-{i}.json",
            good[:cut].replace('"x"', f'"bad-trunc-{i}"'),
            "a truncated JSON file",
            "I200",
            "I104",
            "I106",
        )
    c.bad(
        "json/deep.json", '{"turns": ' + "[" * 100_000 + "]" * 100_000 + "}", "100,000-deep nesting", "I204"
    )
    c.bad(
        "json/deep-chat.json",
        '{"messages": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "100,000-deep chat",
        "I204",
    )
    c.bad(
        "json/deep-aws.json",
        '{"jobName": "d", "results": ' + "[" * 5_000 + "]" * 5_000 + "}",
        "deep AWS",
        "I204",
    )
    c.bad("json/nul.json", good.replace('"x"', '"bad\x00nul"'), "a NUL byte in a string", "I101", "I200")
    for name, value in {
        "turns-dict": {"turns": {"role": "agent"}},
        "role-number": {"turns": [turn(role=5)]},
        "role-unknown": {"turns": [turn(role="wizard")]},
        "text-number": {"turns": [turn(text=123)]},
        "text-list": {"turns": [turn(text=["a"])]},
        "text-empty": {"turns": [turn(text="   ")]},
        "id-list": {"external_id": ["a"]},
        "id-empty": {"external_id": ""},
        "id-too-long": {"external_id": "x" * 5000},
        "channel-fax": {"channel": "fax"},
        "extra-field": {"surprise": True},
        "metadata-string": {"metadata": "not an object"},
    }.items():
        body = {**doc(f"bad-type-{name}"), **value}
        c.bad(f"json/type-{name}.json", dumps(body), "a field of the wrong type", "I201")
    c.bad(
        "json/array-of-strings.json",
        dumps(["turns", "a", "b"]),
        "an array of strings",
        "I203",
        "I106",
        "I201",
    )
    c.bad(
        "json/extra-data.json", good.replace('"x"', '"bad-extra"') + "\n{}", "data after the document", "I200"
    )
    c.put(
        "json/duplicates.jsonl",
        dumps(doc("ok-dup")) + "\n" + dumps(doc("ok-dup")) + "\n",
        Expect("partial", "a duplicate id in one file", ["ok-dup"], ["I202"]),
    )
    lines = [
        dumps(doc("ok-mixed-1")),
        dumps(doc("bad-mixed-huge", turns=[turn(start_ms=HUGE)])),
        dumps(doc("bad-mixed-9999", started_at="9999-01-01T00:00:00Z")),
        '{"external_id": "bad\x00nul", "turns": []}',
        "[" * 100_000 + "]" * 100_000,
        dumps(doc("ok-mixed-2")),
        '"just a string"',
        "{not json at all",
        dumps(doc("ok-mixed-3")),
        dumps(doc("bad-mixed-cut"))[:40],
    ]
    c.put(
        "json/mixed.jsonl",
        "\n".join(lines) + "\n",
        Expect(
            "partial",
            "one bad record per line",
            ["ok-mixed-1", "ok-mixed-2", "ok-mixed-3"],
            ["I201", "I101", "I204", "I203", "I200"],
        ),
    )
    c.put(
        "json/nul-line.jsonl",
        (dumps(doc("ok-nul-1")) + "\n").encode()
        + b'{"a":"\x00\x00\x00"}\n'
        + (dumps(doc("ok-nul-2")) + "\n").encode(),
        Expect("partial", "a NUL-byte line", ["ok-nul-1", "ok-nul-2"], ["I101"]),
    )
    c.put(
        "json/sidecar-deep.txt",
        TRANSCRIPT,
        Expect("bad", "a sidecar nested 100,000 deep", codes=["I306"]),
    )
    c.put(
        "json/sidecar-deep.json",
        '{"agent": ' + "[" * 100_000 + "]" * 100_000 + "}",
        Expect("sidecar", "the sidecar itself (its owner is named)"),
    )
    c.put("json/sidecar-broken.txt", TRANSCRIPT, Expect("bad", "a sidecar that is not JSON", codes=["I306"]))
    c.put(
        "json/sidecar-broken.json", '{"agent": ', Expect("sidecar", "the sidecar itself (its owner is named)")
    )


def csv_damage(c: Corpus) -> None:
    c.bad("csv/no-text.csv", "conversation_id,role,words\nc1,agent,hello\n", "no text column", "I303")
    c.bad("csv/no-id.csv", "role,text\nagent,hello\n", "no id column", "I303")
    c.bad("csv/header-only.csv", CSV_HEADER, "a header and no rows", "I301")
    c.bad("csv/empty-id.csv", CSV_HEADER + ",agent,Hello.,0\n", "an empty id", "I304")
    c.bad("csv/role-unknown.csv", CSV_HEADER + "bad-role,wizard,Hello.,0\n", "an unknown role", "I300")
    c.bad(
        "csv/channel-index.csv",
        "call_id,role,text,channel_index\nbad-ci,agent,Hi,two\n",
        "a non-numeric channel",
        "I304",
    )
    c.put(
        "csv/unclosed-quote.csv",
        CSV_HEADER
        + 'ok-quote,agent,"Hello,0\nok-quote,customer,"My card, please",900\nok-quote,agent,Done.,1800\n',
        Expect("partial", "an unclosed quote", ["ok-quote"], ["I312"]),
    )
    c.bad(
        "csv/unclosed-at-end.csv",
        CSV_HEADER + 'bad-unclosed,agent,"Hello and the rest of the file\n',
        "a quote never closed",
        "I312",
    )
    c.bad("csv/nul.csv", (CSV_HEADER + "bad-nul,agent,Hel\x00lo,0\n" * 30).encode(), "NUL bytes", "I101")
    c.bad(
        "csv/metadata-year-9999.csv",
        "call_id,agent,started_at,csat\nok-json-0,anna,9999-12-31T00:00:00Z,4\nok-json-1,bob,2026-10-05,-3\n",
        "metadata rows out of bounds",
        "I201",
    )
    c.bad(
        "csv/metadata-bad-date.csv",
        "call_id,agent,started_at\nm1,anna,9999-99-99\n",
        "a metadata date that is not one",
        "I302",
    )


def text_damage(c: Corpus) -> None:
    c.bad(
        "text/prose.txt",
        "This is a letter, not a transcript.\nNo speakers here.\n",
        "no speaker lines",
        "I305",
        "I301",
    )
    c.bad("text/unknown-role.txt", "Wizard: I cast a spell.\nAgent: Hello.\n", "an unknown role word", "I300")
    c.bad(
        "text/json-in-txt.txt", dumps(doc("bad-json-in-txt")), "JSON with a .txt name", "I305", "I300", "I301"
    )
    c.bad("text/only-timestamps.txt", "[00:01]\n[00:02]\n", "timestamps only", "I305", "I301", "I300")
    c.put(
        "text/mixed-encodings.txt",
        "Agent: Grüße from Acme.\n".encode() + "Customer: caf\xe9 cr\xe8me\n".encode("cp1252"),
        Expect("odd", "UTF-8 and cp1252 in one file"),
    )
    c.bad(
        "text/bom-lies.json",
        codecs.BOM_UTF16_LE + b'{"external_id": "x", "turns": []}',
        "a UTF-16 BOM on UTF-8 bytes",
        "I104",
        "I106",
        "I102",
        "I200",
        "I101",
    )
    nested = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(3000))
    nested += "Content-Type: text/plain\n\nhello\n" + "".join(f"--b{i}--\n" for i in reversed(range(3000)))
    deep_mail = "From: a@example.com\nTo: help@acmebank.com\nSubject: deep\nMIME-Version: 1.0\n" + nested
    c.bad("mail/deep-mime.eml", deep_mail, "3,000 nested MIME parts", "I403")
    c.bad(
        "mail/deep-mime.mbox",
        "From a@example.com Mon Oct  5 10:00:00 2026\n" + deep_mail,
        "deep MIME",
        "I403",
    )
    c.bad(
        "mail/no-from.eml",
        "To: a@b.c\nSubject: x\n\nHello\n",
        "an e-mail without a sender",
        "I401",
        "I400",
        "I403",
    )
    c.odd("mail/truncated.eml", EML.format(id="cut")[:60], "an e-mail cut after its headers")
    c.bad(
        "mail/garbage.mbox", "From nobody\n\x01\x02\x03" * 20, "a broken mbox", "I400", "I401", "I403", "I101"
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


def generate(out: Path, seed: int = 18) -> dict[str, Expect]:
    """Write the corpus into ``out`` (which must not exist) and return what each file must produce."""
    out.mkdir(parents=True)
    corpus = Corpus(out, seed)
    for make in (
        valid_items,
        bounds,
        json_damage,
        csv_damage,
        text_damage,
        vendor_damage,
        file_damage,
        truncations,
    ):
        make(corpus)
    special_files(corpus, out.parent / f"{out.name}-outside")
    return corpus.manifest


def main(argv: list[str]) -> None:
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 18
    manifest = generate(Path(argv[0]), seed)
    sys.stdout.write(
        json.dumps({k: asdict(v) for k, v in manifest.items()}, ensure_ascii=False, indent=1) + "\n"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
