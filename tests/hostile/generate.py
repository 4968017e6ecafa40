"""A hostile input folder for ``callqa ingest``: over 200 bad or odd files with known valid ones mixed in.

    PYTHONPATH=tests python -m hostile.generate OUT [--seed N]

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
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

from hostile.corpus import (
    CSV_HEADER,
    EML,
    FIXTURES,
    TRANSCRIPT,
    Corpus,
    Expect,
    doc,
    dumps,
    turn,
)
from hostile.damage_files import file_damage, special_files, truncations, vendor_damage
from hostile.damage_records import bounds, csv_damage, json_damage, text_damage


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
