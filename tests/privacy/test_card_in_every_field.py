"""Issue 18: a card number planted in each form the attack run found is absent from the database, the data
folder, the exports and the CLI's output — through the real ``callqa ingest``, ``score`` and ``export``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from callqa.cli import app
from callqa.ingest.models import IngestFailureRow
from callqa.interactions.models import InteractionRow
from callqa.tables import metadata
from support import Database

pytestmark = [pytest.mark.issue(18), pytest.mark.db]

# Every one Luhn-valid, each planted once, in a different place.
CARDS = {
    "overlay_row": "4333713315098390",  # a metadata CSV's free-text column
    "underscores": "4485255341928329",
    "slashes": "5105764835030564",
    "split_turns": "4024781618495930",
    "metadata_key": "4916338506082832",
    "file_name": "4539578763621486",
    "speaker": "4556737586899855",
    "subject": "6011000990139424",
    "overlay_key": "5555555555554444",
}


def valid(number: str) -> bool:
    digits = [int(c) for c in number]
    return (sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])) % 10 == 0


def groups(number: str, sep: str) -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def plant(folder: Path) -> None:
    lines = [
        {
            "external_id": "leak-1",
            "channel": "chat",
            "agent": "a.kim",
            "subject": f"refund to card {groups(CARDS['subject'], ' ')}",
            "metadata": {CARDS["metadata_key"]: "the key is the card", "crm": {"ticket": 77}},
            "turns": [
                {"role": "agent", "text": "Hello, how can I help?"},
                {"role": "customer", "text": f"card {groups(CARDS['underscores'], '_')} please"},
                {"role": "customer", "text": f"or {groups(CARDS['slashes'], '/')} if that fails"},
                {"role": "agent", "text": "Which card shall I use?"},
                {"role": "customer", "text": f"the new one, {groups(CARDS['split_turns'][:8], ' ')}"},
                {"role": "customer", "text": f"{groups(CARDS['split_turns'][8:], ' ')}, thanks"},
                {"role": "agent", "text": "Thank you.", "speaker": f"Jonas {CARDS['speaker']}"},
            ],
        },
    ]
    (folder / "chats.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    (folder / f"call-{CARDS['file_name']}.txt").write_text(
        "[00:00] Agent: Hello.\n[00:03] Customer: Hi, it is about my bill.\n", encoding="utf-8"
    )
    (folder / "overlay.csv").write_text(
        f"external_id,survey_comment,{CARDS['overlay_key']}\n"
        f"leak-1,card {CARDS['overlay_row']} was charged twice,x\n",
        encoding="utf-8",
    )


def every_form(number: str) -> list[str]:
    """The number as planted and in the shapes it could be stored in."""
    return [number, *(groups(number, sep) for sep in (" ", "-", "_", "/", "."))]


def test_no_planted_card_is_stored_exported_or_printed(cli_env: Database, tmp_path: Path) -> None:
    assert all(valid(card) for card in CARDS.values())
    folder = tmp_path / "in"
    folder.mkdir()
    plant(folder)
    runner = CliRunner()
    ingest = runner.invoke(app, ["ingest", str(folder), "--no-progress"])
    # the file named with a card number is refused by name (the name shown redacted), the rest stored
    assert ingest.exit_code == 1, ingest.output
    assert "[X100]" in ingest.output and "call-[CARD_NUMBER].txt" in ingest.output
    score = runner.invoke(app, ["score"])
    assert score.exit_code == 0, score.output
    exports = tmp_path / "exports"
    exports.mkdir()
    for fmt in ("csv", "jsonl"):
        done = runner.invoke(app, ["export", "--format", fmt, "-o", str(exports / f"all.{fmt}")])
        assert done.exit_code == 0, done.output

    with cli_env.factory() as session:
        tables = metadata.sorted_tables
        stored = [repr(tuple(row)) for table in tables for row in session.execute(select(table))]
        doc = session.scalars(select(InteractionRow).where(InteractionRow.external_id == "leak-1")).one()
        failures = session.scalars(select(IngestFailureRow)).all()
    assert doc.subject is not None and "[CARD_NUMBER]" in doc.subject
    assert [f.path.rsplit("/", 1)[-1] for f in failures] == ["call-[CARD_NUMBER].txt"]
    places = {
        "database rows": "\n".join(stored),
        "output": ingest.output + score.output,
        **{f"export {p.name}": p.read_text(encoding="utf-8") for p in exports.iterdir()},
        **{
            f"data folder {p.name}": p.read_bytes().decode("utf-8", "replace")
            for p in (tmp_path / "data").rglob("*")
            if p.is_file()
        },
    }
    if cli_env.backend == "sqlite":
        db_file = Path(cli_env.url.removeprefix("sqlite:///"))
        places["database file"] = db_file.read_bytes().decode("latin-1")
    for name, number in CARDS.items():
        for where, text in places.items():
            squeezed = re.sub(r"[\s\-_/.]", "", text)
            assert number not in squeezed, f"{name} card reached {where}"
