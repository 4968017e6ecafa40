"""Which data sets exist, where they live, and running the evaluations over a data folder."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from callqa.accuracy import criteria, reasons, tasks
from callqa.accuracy import datasets as ds
from callqa.accuracy.tasks import EvalRow
from callqa.sentiment import SentimentModel, get_sentiment_model

DEFAULT_LIMIT = 1500
# Dialogue sets are sampled by dialogue; ~12 customer turns each, so fewer keep the run under ~10 minutes.
DEFAULT_DIALOGUE_LIMIT = 400
DATA_ENV = "CALLQA_EVAL_DATA"

Evaluate = Callable[[Path, SentimentModel, int | None], list[EvalRow] | None]


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    folder: str  # relative to the data folder
    task: str
    language: str
    evaluate: Evaluate


def _twitter(folder: Path, model: SentimentModel, limit: int | None) -> list[EvalRow] | None:
    items = ds.load_twitter_airline(folder)
    return (
        None
        if items is None
        else tasks.eval_sentiment("twitter_airline_sentiment", items, model, "en", limit)
    )


def _parsinlu(folder: Path, model: SentimentModel, limit: int | None) -> list[EvalRow] | None:
    items = ds.load_parsinlu_food(folder)
    return (
        None
        if items is None
        else tasks.eval_sentiment("parsinlu_food_sentiment_fa", items, model, "fa", limit)
    )


def _jddc(folder: Path, model: SentimentModel, limit: int | None) -> list[EvalRow] | None:
    items = ds.load_jddc(folder)
    return (
        None if items is None else tasks.eval_satisfaction("uss_jddc", items, model, "zh-Hans", "zh", limit)
    )


def _uss_english(folder: Path, model: SentimentModel, limit: int | None) -> list[EvalRow] | None:
    items = ds.load_uss_english(folder)
    return None if items is None else tasks.eval_satisfaction("uss_english", items, model, "en", "en", limit)


def _complaints(folder: Path, model: SentimentModel, limit: int | None) -> list[EvalRow] | None:
    items = ds.load_complaints(folder)
    return None if items is None else tasks.eval_complaints("complaints_twitter", items, model, limit)


def _politeness(folder: Path, model: SentimentModel, limit: int | None) -> list[EvalRow] | None:
    items = ds.load_politeness(folder)
    return None if items is None else tasks.eval_politeness("stanford_politeness", items, model, limit)


def _reasons(run: Callable[[Path], list[EvalRow] | None]) -> Evaluate:
    """A contact-reason evaluation (embeddings only: the sentiment model and the limit do not apply)."""

    def evaluate(folder: Path, model: SentimentModel, limit: int | None) -> list[EvalRow] | None:
        return run(folder)

    return evaluate


DATASETS: tuple[DatasetSpec, ...] = (
    DatasetSpec(
        "twitter_airline_sentiment", "twitter_airline_sentiment", "customer sentiment", "en", _twitter
    ),
    DatasetSpec(
        "parsinlu_food_sentiment_fa", "parsinlu_food_sentiment_fa", "customer sentiment", "fa", _parsinlu
    ),
    DatasetSpec("uss_jddc", "uss_user_satisfaction/jddc_usda_split", "dissatisfaction", "zh-Hans", _jddc),
    DatasetSpec("uss_english", "uss_user_satisfaction/english", "dissatisfaction", "en", _uss_english),
    DatasetSpec("complaints_twitter", "complaints_twitter", "complaints", "en", _complaints),
    DatasetSpec("stanford_politeness", "stanford_politeness", "politeness", "en", _politeness),
    DatasetSpec("banking77", "banking77", "contact reason", "en", _reasons(reasons.eval_banking77)),
    DatasetSpec(
        "dstc11_insurance", "dstc11_intent_induction", "contact reason", "en", _reasons(reasons.eval_dstc11)
    ),
    DatasetSpec("nlupp_banking", "nlupp", "contact reason", "en", _reasons(reasons.eval_nlupp)),
    DatasetSpec("criteria", "harper_valley", "scorecard criteria", "en", criteria.eval_criteria),
    DatasetSpec(
        "jddc_intents",
        "uss_user_satisfaction/jddc_usda_split",
        "contact reason",
        "zh-Hans",
        _reasons(reasons.eval_jddc_intents),
    ),
)
# Folder names that select several data sets at once.
ALIASES = {
    "uss_user_satisfaction": ("uss_jddc", "uss_english"),
    "contact_reasons": ("banking77", "dstc11_insurance", "nlupp_banking", "jddc_intents"),
}


def dataset_names() -> list[str]:
    """Names accepted by ``--dataset``."""
    return [spec.name for spec in DATASETS] + list(ALIASES)


def default_data_dir(cwd: Path | None = None) -> Path | None:
    """$CALLQA_EVAL_DATA, else the first existing ``../shared/data`` from the cwd or from the repo root."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    repo_root = Path(__file__).resolve().parents[3]
    for base in (cwd or Path.cwd(), repo_root):
        candidate = base / ".." / "shared" / "data"
        if candidate.is_dir():
            return candidate.resolve()
    return None


def select(names: Sequence[str]) -> list[DatasetSpec]:
    """The specs for the given names (all when empty); ValueError for an unknown name."""
    if not names:
        return list(DATASETS)
    wanted: set[str] = set()
    for name in names:
        if name in ALIASES:
            wanted.update(ALIASES[name])
        elif any(spec.name == name for spec in DATASETS):
            wanted.add(name)
        else:
            raise ValueError(f"unknown data set {name!r}; expected one of {', '.join(dataset_names())}")
    return [spec for spec in DATASETS if spec.name in wanted]


def run_eval(
    data_dir: Path,
    names: Sequence[str] = (),
    limit: int | None = DEFAULT_LIMIT,
    dialogue_limit: int | None = DEFAULT_DIALOGUE_LIMIT,
    model: SentimentModel | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[EvalRow]:
    """Evaluate every selected data set under ``data_dir`` (None limits = all); missing ones are 'absent'."""
    model = model or get_sentiment_model()
    rows: list[EvalRow] = []
    for spec in select(names):
        folder = data_dir / spec.folder
        if progress:
            progress(spec.name)
        started = time.perf_counter()
        cap = dialogue_limit if spec.task == "dissatisfaction" else limit
        result = spec.evaluate(folder, model, cap) if folder.is_dir() else None
        if result is None:
            note = "folder not found" if not folder.is_dir() else "no data files in folder"
            rows.append(EvalRow(spec.name, spec.task, spec.language, 0, status="absent", note=note))
            continue
        seconds = time.perf_counter() - started
        rows.extend(replace(r, note=r.note or f"{seconds:.0f} s") for r in result)
    return rows
