"""``callqa eval``: measure sentiment, dissatisfaction, complaint and politeness accuracy on labelled data."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from callqa.accuracy import (
    DEFAULT_DIALOGUE_LIMIT,
    DEFAULT_LIMIT,
    EvalRow,
    dataset_names,
    default_data_dir,
    run_eval,
)
from callqa.cli.context import console, err_console, fail


def register(app: typer.Typer) -> None:
    app.command("eval")(evaluate)


def evaluate(
    data: Annotated[
        Path | None,
        typer.Option(help="Folder holding the data sets (default: $CALLQA_EVAL_DATA, else ../shared/data)."),
    ] = None,
    dataset: Annotated[
        list[str] | None, typer.Option("--dataset", help=f"Only these ({', '.join(dataset_names())}).")
    ] = None,
    limit: Annotated[
        int,
        typer.Option(min=0, help="At most this many texts per data set (seeded sample); 0 = all."),
    ] = DEFAULT_LIMIT,
    dialogue_limit: Annotated[
        int, typer.Option(min=0, help="At most this many dialogues per dialogue data set; 0 = all.")
    ] = DEFAULT_DIALOGUE_LIMIT,
    markdown: Annotated[
        Path | None, typer.Option(help="Also write the table as Markdown to this file.")
    ] = None,
) -> None:
    """Measure accuracy on labelled data; data sets that are not there are reported as absent."""
    folder = data or default_data_dir()
    if folder is None:
        fail("no data folder: pass --data or set CALLQA_EVAL_DATA")
    if not folder.is_dir():
        fail(f"data folder {folder} does not exist")
    started = time.perf_counter()
    try:
        rows = run_eval(
            folder,
            dataset or [],
            limit or None,
            dialogue_limit or None,
            progress=lambda name: err_console.print(f"evaluating {name} …", highlight=False),
        )
    except (ValueError, FileNotFoundError) as exc:
        fail(str(exc))
    console.print(_table(rows))
    seconds = time.perf_counter() - started
    limits = f"{limit or 'all'} texts, {dialogue_limit or 'all'} dialogues"
    console.print(f"data: {folder}  limit: {limits}  time: {seconds:.0f} s")
    if markdown is not None:
        markdown.write_text(to_markdown(rows), encoding="utf-8")
        console.print(f"wrote {markdown}")


def _value(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def _metrics(row: EvalRow) -> str:
    if row.status != "ok":
        return f"{row.status} ({row.note})"
    return ", ".join(f"{name} {_value(value)}" for name, value in row.metrics.items())


def _table(rows: list[EvalRow]) -> Table:
    table = Table(title="callqa accuracy")
    for column in ("dataset", "task", "lang", "n", "metrics"):
        table.add_column(column, justify="right" if column == "n" else "left")
    for row in rows:
        table.add_row(
            row.dataset, row.task, row.language, str(row.n) if row.status == "ok" else "–", _metrics(row)
        )
    return table


def to_markdown(rows: list[EvalRow]) -> str:
    """The rows as a Markdown table (one line per data set × task)."""
    lines = ["| dataset | task | lang | n | metrics |", "|---|---|---|---:|---|"]
    for row in rows:
        n = str(row.n) if row.status == "ok" else "–"
        lines.append(f"| {row.dataset} | {row.task} | {row.language} | {n} | {_metrics(row)} |")
    return "\n".join(lines) + "\n"
