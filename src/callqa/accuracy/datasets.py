"""Readers for the labelled evaluation sets, in the file formats their SOURCE.md files describe.

Every reader takes the data set's folder, finds its files by pattern (held-out copies use other file names
with the same format) and returns plain items. A folder without matching files yields None (reported as
absent); a file that does not have the documented shape raises ValueError naming the file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
DISSATISFIED, NEUTRAL, SATISFIED = 0, 1, 2


@dataclass(frozen=True)
class TextItem:
    key: str
    text: str
    label: str = ""  # class label, "" when the set only has a continuous value
    value: float = math.nan  # continuous target (mean human score)
    group: str = ""  # subset tag: industry domain, high-agreement flag


@dataclass(frozen=True)
class Turn:
    text: str
    label: int | None  # 0 dissatisfied / 1 neutral / 2 satisfied; None when not rated
    value: float = math.nan  # mean rating when known


@dataclass(frozen=True)
class Dialogue:
    key: str
    turns: tuple[Turn, ...]  # customer turns only
    label: int
    value: float = math.nan


def sample(items: Sequence[T], key: Callable[[T], str], limit: int | None, seed: int = 13) -> list[T]:
    """At most ``limit`` items chosen by a seeded hash of their key (stable as files grow), in file order."""
    if limit is None or len(items) <= limit:
        return list(items)
    ranked = sorted(
        range(len(items)), key=lambda i: hashlib.sha1(f"{seed}:{key(items[i])}".encode()).hexdigest()
    )
    return [items[i] for i in sorted(ranked[:limit])]


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.glob(pattern) if p.is_file())


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc


def _csv_rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        yield from enumerate(reader, 2)


def _bad(path: Path, number: int, what: str) -> ValueError:
    return ValueError(f"{path}:{number}: {what}")


def three_way(rating: float) -> int:
    """A 1–5 satisfaction rating → 0 (≤2) / 1 (3) / 2 (≥4), the mapping the USS papers use."""
    return DISSATISFIED if rating <= 2 else NEUTRAL if rating < 4 else SATISFIED


def load_twitter_airline(folder: Path) -> list[TextItem] | None:
    """Tweets with negative / neutral / positive; group 'confident' when all trusted raters agreed."""
    files = _files(folder, "*.csv")
    if not files:
        return None
    items = []
    for path in files:
        for number, row in _csv_rows(path, ("tweet_id", "airline_sentiment", "text")):
            label = row["airline_sentiment"].strip()
            if label not in ("negative", "neutral", "positive"):
                raise _bad(path, number, f"airline_sentiment {label!r} is not negative/neutral/positive")
            confident = row.get("airline_sentiment_confidence", "").strip() in ("1", "1.0")
            items.append(
                TextItem(row["tweet_id"], row["text"], label, group="confident" if confident else "")
            )
    return items


def load_parsinlu_food(folder: Path) -> list[TextItem] | None:
    """Overall-aspect review sentiment: −2/−1 negative, 0 neutral, 1/2 positive (mixed, unrated dropped)."""
    files = _files(folder, "*.jsonl")
    if not files:
        return None
    items = []
    for path in files:
        for number, row in _jsonl(path):
            if "aspect" not in row or "label" not in row or "review" not in row:
                raise _bad(path, number, "expected the keys review, aspect and label")
            if row["aspect"] != "کلی":
                continue
            try:
                label = int(row["label"])
            except ValueError as exc:
                raise _bad(path, number, f"label {row['label']!r} is not an integer") from exc
            if -2 <= label <= 2:
                name = "negative" if label < 0 else "neutral" if label == 0 else "positive"
                key = str(row.get("guid") or row.get("review_id") or f"{path.name}:{number}")
                items.append(TextItem(key, row["review"], name, float(label)))
    return items


def load_jddc(folder: Path) -> list[Dialogue] | None:
    """JDDC dialogues rebuilt by the data README (``jddc_*_dialogues.jsonl``): user turns with sat3 labels."""
    files = _files(folder, "jddc_*dialogues.jsonl")
    if not files:
        return None
    dialogues = []
    for path in files:
        for number, row in _jsonl(path):
            try:
                turns = tuple(Turn(t["user"], t.get("sat3")) for t in row["turns"])
                label = int(row["overall_sat3"])
            except (KeyError, TypeError, ValueError) as exc:
                raise _bad(path, number, f"expected turns[].user/sat3 and overall_sat3 ({exc!r})") from exc
            dialogues.append(Dialogue(str(row.get("dialogue_id", f"{path.name}:{number}")), turns, label))
    return dialogues


def _mean(values: Sequence[float]) -> float:
    return float(sum(values) / len(values)) if values else math.nan


def load_uss_english(folder: Path) -> list[Dialogue] | None:
    """USS English (SGD, MultiWOZ, ReDial, CCPE) dialogues: rated USER turns and the OVERALL rating."""
    files = _files(folder, "uss_english*.jsonl")
    if not files:
        return None
    dialogues = []
    for path in files:
        for number, row in _jsonl(path):
            try:
                turns = tuple(
                    Turn(t["text"], three_way(t["sat_majority"]), _mean(t["ratings"]))
                    if t.get("sat_majority") is not None
                    else Turn(t["text"], None)
                    for t in row["turns"]
                    if t["role"] == "USER"
                )
                label = three_way(row["overall_majority"])
                value = _mean(row.get("overall_ratings") or [])
            except (KeyError, TypeError) as exc:
                raise _bad(
                    path, number, f"expected turns[].role/text and overall_majority ({exc!r})"
                ) from exc
            dialogues.append(
                Dialogue(str(row.get("dialogue_id", f"{path.name}:{number}")), turns, label, value)
            )
    return dialogues


def load_complaints(folder: Path) -> list[TextItem] | None:
    """Tweets labelled complaint (1) or not (0); group = industry domain (random_* when not to a company)."""
    files = _files(folder, "*.csv")
    if not files:
        return None
    items = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.reader(handle), 1):
                if number == 1 and row and not row[0].strip().isdigit():
                    continue  # tolerate a header line, though the documented file has none
                if len(row) != 4 or row[2].strip() not in ("0", "1"):
                    raise _bad(path, number, "expected 4 columns: tweet_id, text, label (0/1), domain")
                items.append(TextItem(row[0], row[1], row[2].strip(), group=row[3].strip()))
    return items


def load_politeness(folder: Path) -> list[TextItem] | None:
    """Requests with the mean of per-annotator z-scored politeness ratings (``Normalized Score``)."""
    files = _files(folder, "*.csv")
    if not files:
        return None
    items = []
    for path in files:
        for number, row in _csv_rows(path, ("Id", "Request", "Normalized Score")):
            try:
                value = float(row["Normalized Score"])
            except ValueError as exc:
                raise _bad(
                    path, number, f"Normalized Score {row['Normalized Score']!r} is not a number"
                ) from exc
            items.append(TextItem(f"{row.get('Community', '')}:{row['Id']}", row["Request"], value=value))
    return items
