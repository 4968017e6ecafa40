"""The hostile corpus's building blocks: what a file must produce, the folder written, document helpers."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
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
