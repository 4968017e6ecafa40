"""One customer planted across every input format callqa reads, beside other customers (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text

from callqa.insights.refresh import ROLLUPS
from callqa.storage.files import FileStore

PHONE = "+370 612 34567"
EMAIL = "zebulon.quartermaine@example.lt"
NAME = "Zebulon Quartermaine"
CARD = "4539 1488 0343 6467"
CUSTOMER_ID = "CUST-778812"
# what must be gone from every byte after the erasure, in the forms it could be stored in
NEEDLES = (
    PHONE,
    "37061234567",
    "612 34567",
    EMAIL,
    NAME,
    "Quartermaine",
    CARD,
    CARD.replace(" ", ""),
    CUSTOMER_ID,
)

OTHER_NAME = "Philippa Underwood"
OTHER_PHONE = "+44 20 7946 0958"
OTHER_EMAIL = "philippa.underwood@example.co.uk"
OTHER_ID = "CUST-100200"

X_IDS = (
    "x-jsonl-0001",
    "x-json-0002",
    "x-csv-0003",
    "x-chat-0004",
    "x-mail-0005@example.lt",
    "x-txt-0006",
    "x-rec-0007",
)
AUDIO_KEYS = ("audio/x7/redacted.flac", "audio/x7/original.wav", "audio/x7/peaks.json")
OTHER_AUDIO = "audio/o1/redacted.flac"


def _turns(name: str, phone: str, email: str, card: str) -> list[dict[str, Any]]:
    return [
        {"role": "agent", "text": "Thank you for calling Acme Bank, this is Anna.", "start_ms": 0},
        {"role": "customer", "text": f"Hi, this is {name}, my number is {phone}.", "start_ms": 3000},
        {"role": "agent", "text": "How can I help you today?", "start_ms": 6000},
        {
            "role": "customer",
            "text": f"Write to {email}, my card {card} was charged twice.",
            "start_ms": 9000,
        },
        {
            "role": "agent",
            "text": "I am sorry about that, I will refund it today. Anything else?",
            "start_ms": 14000,
        },
        {"role": "customer", "text": "No, thanks.", "start_ms": 19000},
    ]


def _call(external_id: str, agent: str, day: int, **fields: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "channel": "voice",
        "agent": agent,
        "team": "Cards",
        "queue": "billing",
        "language": "en",
        "started_at": f"2026-10-{day:02d}T09:00:00Z",
        **fields,
    }


def plant(folder: Path, store_root: Path) -> None:
    """Write the customer's interactions in every format (and the others') into ``folder``; the recording's
    files go straight into the file store, as audio ingest leaves them."""
    folder.mkdir(parents=True, exist_ok=True)
    x_turns = _turns(NAME, PHONE, EMAIL, CARD)
    o_turns = _turns(OTHER_NAME, OTHER_PHONE, OTHER_EMAIL, "5105 1051 0510 5100")
    lines = [
        _call(
            "x-jsonl-0001",
            "a.kim",
            5,
            customer=CUSTOMER_ID,
            turns=x_turns,
            metadata={"phone": PHONE, "email": EMAIL, "contact_name": NAME},
            survey={"csat": 2, "comment": f"{NAME} was not happy"},
        ),
        _call("o-jsonl-0001", "o.lee", 5, customer=OTHER_ID, turns=o_turns, metadata={"phone": OTHER_PHONE}),
        _call("o-jsonl-0002", "a.kim", 6, customer="CUST-300400", turns=_turns("Bo", "n/a", "n/a", "n/a")),
    ]
    (folder / "calls.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
    single = _call("x-json-0002", "a.kim", 6, customer=EMAIL, subject=f"Complaint from {NAME}", turns=x_turns)
    (folder / "single.json").write_text(json.dumps(single), "utf-8")
    (folder / "turns.csv").write_text(
        "call_id,speaker,utterance,start_ms,agent,queue,started_at\n"
        f'x-csv-0003,Agent,"Acme Bank, Anna speaking.",0,a.kim,billing,2026-10-07T09:00:00Z\n'
        f'x-csv-0003,Customer,"I am {NAME}, card {CARD}.",2000,,,\n'
        f'o-csv-0003,Agent,"Acme Bank, Anna speaking.",0,o.lee,billing,2026-10-07T10:00:00Z\n'
        f'o-csv-0003,Customer,"I am {OTHER_NAME}.",2000,,,\n',
        "utf-8",
    )
    (folder / "meta.csv").write_text(
        "Contact ID,Customer,Phone,Contact Name,Note,CSAT\n"
        f"x-csv-0003,{CUSTOMER_ID},{PHONE},{NAME},card {CARD},3\n"
        f"o-csv-0003,{OTHER_ID},{OTHER_PHONE},{OTHER_NAME},fine,5\n"
        f"x-pending-0009,,{PHONE},{NAME},card {CARD},4\n",  # its interaction has not arrived
        "utf-8",
    )
    chat = {
        "chat_id": "x-chat-0004",
        "agent": "a.kim",
        "queue": "web-chat",
        "customer": {"id": CUSTOMER_ID, "name": NAME},
        "messages": [
            {
                "author": NAME,
                "role": "customer",
                "timestamp": "2026-10-08T14:02:11Z",
                "text": f"I am {NAME}.",
            },
            {
                "author": "Anna",
                "role": "agent",
                "timestamp": "2026-10-08T14:02:40Z",
                "text": "Hello, how can I help?",
            },
            {
                "author": NAME,
                "role": "customer",
                "timestamp": "2026-10-08T14:03:00Z",
                "text": f"Call {PHONE}",
            },
        ],
    }
    (folder / "chat.json").write_text(json.dumps(chat), "utf-8")
    (folder / "thread.eml").write_text(
        f"From: {NAME} <{EMAIL}>\nTo: support@acmebank.com\nSubject: Charged twice, {NAME}\n"
        "Message-ID: <x-mail-0005@example.lt>\nDate: Fri, 09 Oct 2026 10:12:00 +0000\n\n"
        f"Hello, I am {NAME}, phone {PHONE}, card {CARD}. Please refund me.\n",
        "utf-8",
    )
    (folder / "x-txt-0006.txt").write_text(
        f"[00:00] Agent: Acme Bank, Anna speaking.\n[00:04] Customer ({NAME}): My phone is {PHONE}.\n",
        "utf-8",
    )
    sidecar = {"agent": "a.kim", "customer": CUSTOMER_ID, "started_at": "2026-10-10T09:00:00Z"}
    (folder / "x-txt-0006.json").write_text(json.dumps(sidecar), "utf-8")
    store = FileStore(store_root)
    uris = [store.put_bytes(f"RIFF audio of {NAME} {PHONE}".encode(), key) for key in AUDIO_KEYS]
    other_uri = store.put_bytes(f"RIFF audio of {OTHER_NAME}".encode(), OTHER_AUDIO)
    recording = {
        "uri": uris[0],
        "original_uri": uris[1],
        "peaks_uri": uris[2],
        "duration_ms": 20000,
        "channels": 2,
        "sample_rate": 16000,
        "source_sha256": "a" * 64,
    }
    recorded = [
        _call("x-rec-0007", "a.kim", 11, customer=CUSTOMER_ID, turns=x_turns, recording=recording),
        _call(
            "o-rec-0007",
            "o.lee",
            11,
            customer=OTHER_ID,
            turns=o_turns,
            recording={**recording, "uri": other_uri, "original_uri": None, "peaks_uri": None},
        ),
    ]
    (folder / "recorded.json").write_text(json.dumps(recorded), "utf-8")


def hits(data: bytes, needles: tuple[str, ...] = NEEDLES) -> list[str]:
    """The needles found in ``data`` (as UTF-8, and as JSON would escape them)."""
    lowered = data.lower()
    return [n for n in needles if n.lower().encode() in lowered]


def folder_hits(folder: Path, needles: tuple[str, ...] = NEEDLES) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            where = hits(path.read_bytes(), needles)
            if where:
                found[str(path)] = where
    return found


def rollup_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every roll-up table's rows in key order (floats rounded: sums in another order differ in the end)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for model in ROLLUPS:
            table = model.__table__  # type: ignore[attr-defined]
            keys = [c for c in table.primary_key.columns]
            rows = connection.execute(select(table).order_by(*keys)).all()
            out[table.name] = [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]
    return out


def all_text(engine: Engine) -> bytes:
    """Every row of every table as text (for a backend whose files cannot simply be read)."""
    from callqa.tables import metadata

    chunks: list[str] = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                chunks.append(json.dumps([str(v) for v in row], ensure_ascii=False))
        connection.execute(text("SELECT 1"))
    return "\n".join(chunks).encode()
