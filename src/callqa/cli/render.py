"""Drawing interactions in a terminal: transcripts with roles and times, right-to-left text made readable."""

from __future__ import annotations

import unicodedata

import arabic_reshaper
from bidi import get_display
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from callqa.core.document import Event, Role, Turn
from callqa.interactions.queries import StoredInteraction

ROLE_STYLE = {Role.AGENT: "bold cyan", Role.CUSTOMER: "bold yellow", Role.SYSTEM: "dim", Role.BOT: "magenta"}


def is_rtl(text: str) -> bool:
    """True when most strong-direction letters are right-to-left (Persian, Arabic, Hebrew)."""
    rtl = ltr = 0
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            rtl += 1
        elif direction == "L":
            ltr += 1
    return rtl > ltr


def visual(text: str) -> str:
    """Text shaped and reordered for terminals that do not apply the bidi algorithm themselves."""
    return str(get_display(arabic_reshaper.reshape(text), base_dir="R"))


def clock(ms: int | None) -> str:
    if ms is None:
        return "     "
    seconds = ms // 1000
    days, seconds = divmod(seconds, 86400)
    hours, rest = divmod(seconds, 3600)
    if days:  # e-mail threads run for days
        return f"{days}d {hours:02d}:{rest // 60:02d}"
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


Highlights = dict[int, list[tuple[int, int, str]]]


def _highlighted(text: str, spans: list[tuple[int, int, str]]) -> Text:
    """The turn text with evidence spans marked; the labels of the criteria they support follow it."""
    out = Text(text)
    for start, end, _ in spans:
        out.stylize("bold reverse", start, end)
    labels = sorted({label for _, _, label in spans})
    if labels:
        out.append("  ◀ " + ", ".join(labels), style="green")
    return out


def transcript_table(
    turns: list[Turn], events: list[Event], *, bidi: bool, highlights: Highlights | None = None
) -> Table:
    """One row per turn (and per event, in time order): time, speaker, text with evidence highlighted."""
    highlights = highlights or {}
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=True)
    table.add_column("time", no_wrap=True, style="dim")
    table.add_column("who", no_wrap=True)
    table.add_column("text", ratio=1, overflow="fold")
    rows: list[tuple[float, int, tuple[RenderableType, RenderableType, RenderableType]]] = []
    for index, turn in enumerate(turns):
        who = Text(turn.role.value, style=ROLE_STYLE[turn.role])
        if turn.speaker:
            who.append(f" ({turn.speaker})", style="dim")
        spans = highlights.get(index, [])
        text = _highlighted(turn.text, spans)
        if is_rtl(turn.text):
            # Reordered right-to-left text no longer lines up with character spans: mark the turn instead.
            text = Text(visual(turn.text) if bidi else turn.text, justify="right")
            if spans:
                text.stylize("bold")
                text.append("  ◀ " + ", ".join(sorted({label for _, _, label in spans})), style="green")
        rows.append((_at(turn.start_ms, index), 0, (clock(turn.start_ms), who, text)))
    for event in events:
        length = f" {((event.end_ms or 0) - (event.start_ms or 0)) // 1000}s" if event.end_ms else ""
        label = Text(
            f"── {event.kind.value}{length}" + (f": {event.detail}" if event.detail else ""), style="italic"
        )
        rows.append(
            (_at(event.start_ms, 10**9), 1, (clock(event.start_ms), Text("event", style="dim"), label))
        )
    for _, _, cells in sorted(rows, key=lambda r: (r[0], r[1])):
        table.add_row(*cells)
    return table


def _at(ms: int | None, fallback: int) -> float:
    return float(ms) if ms is not None else float(fallback)


def interaction_view(
    stored: StoredInteraction,
    *,
    bidi: bool,
    highlights: Highlights | None = None,
    extra: list[RenderableType] | None = None,
) -> RenderableType:
    """Header facts, the transcript, the survey, the redaction summary and any extra panels (evaluation)."""
    doc = stored.doc
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for label, value in (
        ("id", f"{stored.id}  ({doc.source}:{doc.external_id})"),
        (
            "channel",
            " ".join(v for v in (doc.channel.value, doc.direction.value if doc.direction else "") if v),
        ),
        ("agent", " / ".join(v for v in (doc.agent, doc.team, doc.queue) if v)),
        ("customer", doc.customer),
        ("started", doc.started_at.strftime("%Y-%m-%d %H:%M UTC") if doc.started_at else None),
        ("duration", clock(doc.duration_ms).strip() or None),
        ("language", doc.language),
        ("subject", doc.subject),
        ("from", stored.ingested_from),
    ):
        if value:
            facts.add_row(label, Text(value))
    parts: list[RenderableType] = [
        facts,
        Text(""),
        transcript_table(doc.turns, doc.events, bidi=bidi, highlights=highlights),
    ]
    if doc.survey:
        survey = doc.survey
        bits = []
        if survey.csat is not None:
            bits.append(f"CSAT {survey.csat:g}/{survey.csat_scale}")
        if survey.nps is not None:
            bits.append(f"NPS {survey.nps}/10")
        line = Text("survey: " + ", ".join(bits), style="bold")
        if survey.comment:
            line.append(f'  "{survey.comment}"', style="italic")
        parts += [Text(""), line]
    if stored.redactions:
        kinds: dict[str, int] = {}
        for _, kind, _, _ in stored.redactions:
            kinds[kind] = kinds.get(kind, 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        parts.append(Text(f"redacted before storage: {summary}", style="red"))
    parts += extra or []
    return Panel(Group(*parts), title=f"interaction {stored.id}", title_align="left")
