"""Hostile records: out-of-bound values, damaged JSON, CSV and transcripts."""

from __future__ import annotations

import codecs

from hostile.corpus import (
    CSV_HEADER,
    EML,
    HUGE,
    TRANSCRIPT,
    Corpus,
    Expect,
    doc,
    dumps,
    turn,
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
