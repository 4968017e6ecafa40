"""Redaction cost on real transcripts: turn by turn (the rule before issue 18) against the whole document
(numbers split across turns read joined, dates of birth and addresses), each against serialising and
hashing the same documents (the least a store does with every character).

    .venv/bin/python bench/redaction.py [--data ../shared/data] [--repeat 3]

Data: the Harper Valley bank calls (both parties, spoken transcripts), JDDC and USS English customer turns
(Chinese and English chats), the DSTC11 insurance utterances and the ABCD sample chats. The redaction memo
of clean texts is emptied before each pass, so repeated scripted lines are not flattered.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

from callqa.accuracy.criteria import call_document, load_calls
from callqa.accuracy.datasets import load_jddc, load_uss_english
from callqa.core.document import Channel, Interaction, Role, Turn
from callqa.privacy import redact as redaction

ROOT = Path(__file__).resolve().parent.parent


def _chat(key: str, texts: list[tuple[Role, str]]) -> Interaction:
    turns = [Turn(role=role, text=text) for role, text in texts if text.strip()]
    return Interaction(external_id=key, source="bench", channel=Channel.CHAT, turns=turns)


def load(data: Path) -> dict[str, list[Interaction]]:
    sets: dict[str, list[Interaction]] = {}
    calls = load_calls(data / "harper_valley")
    if calls:
        sets["harper_valley"] = [call_document(c) for c in calls]
    for name, loader, folder in (
        ("jddc", load_jddc, data / "uss_user_satisfaction" / "jddc_usda_split"),
        ("uss_english", load_uss_english, data / "uss_user_satisfaction" / "english"),
    ):
        dialogues = loader(folder)
        if dialogues:
            sets[name] = [_chat(d.key, [(Role.CUSTOMER, t.text) for t in d.turns]) for d in dialogues]
    dstc = data / "dstc11_intent_induction" / "insurance_dev_test-utterances.jsonl"
    if dstc.is_file():
        lines = [json.loads(x) for x in dstc.read_text(encoding="utf-8").splitlines() if x.strip()]
        sets["dstc11"] = [_chat(x["utterance_id"], [(Role.CUSTOMER, x["utterance"])]) for x in lines]
    abcd = data / "abcd" / "abcd_sample.json"
    if abcd.is_file():
        chats = json.loads(abcd.read_text(encoding="utf-8"))
        sets["abcd"] = [
            _chat(
                str(c["convo_id"]),
                [
                    (Role.AGENT if s == "agent" else Role.CUSTOMER, t)
                    for s, t in c["original"]
                    if s != "action"
                ],
            )
            for c in chats
        ]
    return sets


def baseline(doc: Interaction) -> None:
    hashlib.blake2b(doc.model_dump_json().encode(), digest_size=16).digest()


def turn_by_turn(doc: Interaction) -> None:
    said = [(t.role.value, t.text) for t in doc.turns]
    for index, (_, text) in enumerate(said):
        redaction.redact_text(text, context=redaction.turn_context(said, index))


def whole(doc: Interaction) -> None:
    redaction.redact_interaction(doc)


def timed(docs: list[Interaction], step: Callable[[Interaction], None], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        redaction._clean.clear()
        started = time.perf_counter()
        for doc in docs:
            step(doc)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sets = load(args.data)
    if not sets:
        raise SystemExit(f"no data under {args.data}")
    print(
        "| data | documents | turns | baseline µs/turn | turn by turn µs/turn | whole µs/turn "
        "| whole / baseline | whole / turn by turn |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, docs in sets.items():
        turns = sum(len(d.turns) for d in docs)
        base = timed(docs, baseline, args.repeat)
        old = timed(docs, turn_by_turn, args.repeat)
        new = timed(docs, whole, args.repeat)
        per = 1e6 / turns
        print(
            f"| {name} | {len(docs):,} | {turns:,} | {base * per:.1f} | {old * per:.1f} | {new * per:.1f} "
            f"| {new / base:.2f} | {new / old:.2f} |"
        )


if __name__ == "__main__":
    main()
