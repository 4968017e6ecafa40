"""Scorecard criteria against people: the standard scorecard on the Harper Valley Bank development calls
(human transcripts, spoken style: lower case, no punctuation, one line per utterance) against labels this
project made by reading each call (``data/harper_valley_criteria.jsonl``; how: ``data/README.md``)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from callqa.accuracy.tasks import EvalRow
from callqa.analysis.defaults import build_pipeline
from callqa.core.document import Channel, Interaction, Role, Turn
from callqa.core.metrics import cohen_kappa
from callqa.scoring.engine import evaluate
from callqa.scoring.loader import load_scorecard
from callqa.sentiment import SentimentModel

CRITERIA = (
    "greeting",
    "identity_before_account",
    "active_listening",
    "empathy",
    "next_steps",
    "anything_else",
    "thanks",
)
LABELS = "harper_valley_criteria.jsonl"
_NOISE = re.compile(r"\[[a-z_ ]+\]")  # [noise], [laughter] … in the human transcripts


@dataclass(frozen=True)
class Labelled:
    sid: str
    consensus: dict[str, str]  # criterion → pass | fail | n/a
    graders: tuple[dict[str, str], ...]  # each grader's own labels, before the consensus


def load_labels(path: Path | None = None) -> dict[str, Labelled]:
    """The labels by call id (the file shipped with callqa unless ``path``)."""
    text = (
        path.read_text(encoding="utf-8")
        if path
        else (files("callqa.accuracy") / "data" / LABELS).read_text(encoding="utf-8")
    )
    out = {}
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            graders = tuple({c: g[c] for c in CRITERIA} for g in row["graders"])
            out[row["sid"]] = Labelled(row["sid"], {c: row[c] for c in CRITERIA}, graders)
    return out


def call_document(call: dict[str, Any]) -> Interaction:
    """A Harper Valley call as an interaction: each utterance a turn (human transcript, no noise marks)."""
    turns = []
    for u in sorted(call["utterances"], key=lambda u: u["start_ms"]):
        text = " ".join(_NOISE.sub(" ", u["human_transcript"]).split())
        if text:
            role = Role.AGENT if u["role"] == "agent" else Role.CUSTOMER
            start = int(u["start_ms"])
            turns.append(Turn(role=role, text=text, start_ms=start, end_ms=start + int(u["duration_ms"])))
    return Interaction(
        external_id=f"hvb-{call['sid']}",
        source="harper_valley",
        channel=Channel.VOICE,
        language="en",
        duration_ms=int(call["duration_ms"]),
        turns=turns,
    )


def load_calls(folder: Path) -> list[dict[str, Any]] | None:
    path = folder / "calls_dev.jsonl"
    if not path.is_file():
        return None
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _agreement(truth: Sequence[str], found: Sequence[str]) -> dict[str, float]:
    agreed = sum(a == b for a, b in zip(truth, found, strict=True))
    out = {"agreement": round(agreed / len(truth), 3)}
    kappa = cohen_kappa(truth, found) if len(set(truth) | set(found)) > 1 else float("nan")
    if kappa == kappa:
        out["kappa"] = round(kappa, 3)
    for outcome in ("pass", "fail", "n/a"):
        out[f"people_{outcome}"] = sum(t == outcome for t in truth)
    return out


def predicted(calls: Sequence[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The standard scorecard's outcome of each criterion on each call (analysed and scored in memory)."""
    pipeline, card = build_pipeline(), load_scorecard("standard")
    out: dict[str, dict[str, str]] = {}
    for call in calls:
        evaluation = evaluate(pipeline.run(call_document(call)), card)
        out[call["sid"]] = {r.criterion: str(r.outcome) for r in evaluation.results}
    return out


def eval_criteria(folder: Path, model: SentimentModel, limit: int | None) -> list[EvalRow] | None:
    """The standard scorecard against the shipped labels on the calls in ``folder`` (None: no calls)."""
    calls = load_calls(folder)
    return None if calls is None else measure_criteria(calls, load_labels())


def measure_criteria(calls: Sequence[dict[str, Any]], labels: dict[str, Labelled]) -> list[EvalRow]:
    """Per criterion: the scorecard's agreement and kappa with the people's consensus, beside the two
    graders' agreement with each other (calls without labels are left out)."""
    chosen = [c for c in calls if c["sid"] in labels]
    if not chosen:
        return []
    found = predicted(chosen)
    rows = []
    for criterion in CRITERIA:
        truth = [labels[c["sid"]].consensus[criterion] for c in chosen]
        ours = [found[c["sid"]][criterion] for c in chosen]
        metrics = _agreement(truth, ours)
        first = [labels[c["sid"]].graders[0][criterion] for c in chosen]
        second = [labels[c["sid"]].graders[-1][criterion] for c in chosen]
        human = _agreement(first, second)
        metrics["graders_agreement"] = human["agreement"]
        if "kappa" in human:
            metrics["graders_kappa"] = human["kappa"]
        rows.append(EvalRow("harper_valley", f"criterion {criterion}", "en", len(chosen), metrics))
    return rows
