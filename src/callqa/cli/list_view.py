"""The table ``callqa list`` prints: the columns that fit the terminal, most useful first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.table import Table

from callqa.cli.render import clock
from callqa.views.listing import ListedInteraction

GAP = 1  # spaces between columns


def _score(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else ""


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[ListedInteraction], str]
    cap: int | None = None  # the widest it grows (long e-mail ids and agent addresses are cut)
    least: int | None = None  # narrower than its cells when space is short (cut with an ellipsis)
    right: bool = False


# Display order; PRIORITY decides which are kept when the terminal is narrow.
COLUMNS = (
    Column("id", lambda r: str(r.id), right=True),
    Column("external id", lambda r: r.external_id, cap=24, least=10),
    Column("channel", lambda r: r.channel),
    Column("lang", lambda r: r.language or ""),
    Column("agent", lambda r: r.agent or "", cap=16, least=8),
    Column("team", lambda r: r.team or "", cap=13, least=8),
    Column("queue", lambda r: r.queue or "", cap=11, least=6),
    Column("started", lambda r: r.started_at.strftime("%y-%m-%d %H:%M") if r.started_at else ""),
    Column("dur", lambda r: clock(r.duration_ms).strip(), right=True),
    Column("turns", lambda r: str(r.turns), right=True),
    Column("CSAT", lambda r: f"{r.csat:g}" if r.csat is not None else "", right=True),
    Column("score", lambda r: _score(r.score), right=True),
    Column("final", lambda r: _score(r.final_score), right=True),
)
PRIORITY = (
    "id",
    "started",
    "score",
    "final",
    "agent",
    "channel",
    "external id",
    "team",
    "dur",
    "CSAT",
    "lang",
    "queue",
    "turns",
)


def chosen_columns(rows: list[ListedInteraction], width: int) -> list[tuple[Column, int]]:
    """The columns that fit ``width`` (in display order), each with the width it gets: every column at full
    width when they all fit, else the long ones capped and the least useful left out."""
    full = _fitted(rows, width, capped=False)
    return full if len(full) == len(COLUMNS) else _fitted(rows, width, capped=True)


def _fitted(rows: list[ListedInteraction], width: int, *, capped: bool) -> list[tuple[Column, int]]:
    by_header = {c.header: c for c in COLUMNS}
    kept: dict[str, int] = {}
    used = 0
    for header in PRIORITY:
        column = by_header[header]
        natural = max([len(header), *(len(column.cell(r)) for r in rows)])
        if capped and column.cap is not None:
            natural = min(natural, max(column.cap, len(header)))
        room = width - used - (GAP if kept else 0)
        fits = natural if natural <= room else room if column.least and room >= column.least else None
        if fits is None or (not capped and fits < natural):
            continue
        kept[header] = fits
        used += fits + (GAP if len(kept) > 1 else 0)
    return [(c, kept[c.header]) for c in COLUMNS if c.header in kept]


def list_table(rows: list[ListedInteraction], width: int) -> Table:
    """The interactions as a table no wider than ``width``."""
    table = Table(box=None, header_style="bold", padding=(0, GAP, 0, 0), pad_edge=False)
    columns = chosen_columns(rows, width)
    for column, size in columns:
        table.add_column(
            column.header,
            no_wrap=True,
            overflow="ellipsis",
            width=size,
            justify="right" if column.right else "left",
        )
    for row in rows:
        table.add_row(*(column.cell(row) for column, _ in columns))
    return table
