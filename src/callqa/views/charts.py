"""Charts as inline SVG, drawn on the server: the same markup goes into web pages, HTML reports and PDFs.

No JavaScript and nothing fetched; every mark can carry a link (drill-down to the interactions behind it)
and a <title> (the exact figure on hover, and for screen readers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
ACCENT = "#2563eb"
BAD = "#dc2626"
TARGET = "#047857"


@dataclass(frozen=True)
class Mark:
    """One bar, point or cell: its label, value, hover text and where a click leads (optional)."""

    label: str
    value: float | None
    tip: str = ""
    href: str | None = None


def _link(inner: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _title(text: str) -> str:
    return f"<title>{escape(text)}</title>" if text else ""


def _svg(width: int, height: int, body: Sequence[str], label: str, test: str) -> Markup:
    return Markup(
        f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" aria-label="{escape(label)}" '
        f'data-test="{escape(test)}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" '
        f'font-size="11">{"".join(body)}</svg>'
    )


def line_chart(
    marks: Sequence[Mark],
    *,
    label: str,
    test: str,
    top: float = 100.0,
    target: float | None = None,
    target_label: str = "",
) -> Markup:
    """Values 0..``top`` over time; gaps (None) break the line; each point links to its period; a goal's
    ``target`` is a dashed line across, labelled."""
    width, height, left, bottom = 640, 220, 36, 28
    plot_w, plot_h = width - left - 10, height - bottom - 10
    body = []
    for tick in range(0, 101, 25):
        y = 10 + plot_h * (1 - tick / 100)
        body.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">')
        body.append(f"{top * tick / 100:g}</text>")
    step = plot_w / max(1, len(marks))
    path: list[str] = []
    widest = max((len(m.label) for m in marks), default=1) * 7 + 8  # px a label needs
    every = max(1, -(-widest // max(1, int(step))))
    for i, m in enumerate(marks):
        x = left + step * (i + 0.5)
        if i % every == 0:
            body.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="{MUTED}">')
            body.append(f"{escape(m.label)}</text>")
        if m.value is None:
            path.append("")
            continue
        y = 10 + plot_h * (1 - min(max(m.value, 0), top) / top)
        path.append(f"{x:.1f},{y:.1f}")
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ACCENT}">{_title(m.tip)}</circle>'
        body.append(_link(dot, m.href))
    if target is not None:
        y = 10 + plot_h * (1 - min(max(target, 0), top) / top)
        body.append(
            f'<g data-test="target-line"><line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{width - 12}" y="{y - 4:.1f}" text-anchor="end" fill="{TARGET}">'
            f"{escape(target_label)}</text>"
            f"{_title(target_label)}</g>"
        )
    for run in " ".join(p or "|" for p in path).split("|"):
        if run.strip():
            body.insert(
                0, f'<polyline points="{run.strip()}" fill="none" stroke="{ACCENT}" stroke-width="2"/>'
            )
    return _svg(width, height, body, label, test)


def bar_chart(marks: Sequence[Mark], *, label: str, test: str, percent: bool = False) -> Markup:
    """Horizontal bars, one per mark, longest scale = the largest value (or 100 % when ``percent``)."""
    row, left, width = 22, 230, 640
    height = row * len(marks) + 8
    top = 1.0 if percent else max((m.value or 0 for m in marks), default=0) or 1
    body = []
    for i, m in enumerate(marks):
        y = 4 + i * row
        value = m.value or 0
        length = (width - left - 60) * value / top
        shown = f"{value:.0%}" if percent else f"{value:,.0f}"
        name = m.label if len(m.label) <= 36 else m.label[:35] + "…"
        body.append(
            _link(
                f'<g><text x="{left - 6}" y="{y + 14}" text-anchor="end" fill="{INK}">{escape(name)}</text>'
                f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
                f'fill="{BAD if percent else ACCENT}" rx="2"/>'
                f'<text x="{left + length + 4:.1f}" y="{y + 14}" fill="{MUTED}">{shown}</text>'
                f"{_title(m.tip or m.label)}</g>",
                m.href,
            )
        )
    return _svg(width, max(height, 30), body, label, test)


def column_chart(marks: Sequence[Mark], *, label: str, test: str, fmt: str = "{:,.0f}") -> Markup:
    """Vertical columns (a histogram): one per mark, labelled underneath (every few when crowded)."""
    width, height, bottom = 640, 200, 24
    plot_h = height - bottom - 16
    top = max((m.value or 0 for m in marks), default=0) or 1
    step = (width - 20) / max(1, len(marks))
    widest = max((len(m.label) for m in marks), default=1) * 7 + 8
    every = max(1, -(-widest // max(1, int(step))))
    body = []
    for i, m in enumerate(marks):
        x = 10 + i * step
        value = m.value or 0
        h = plot_h * value / top
        y = 16 + plot_h - h
        parts = [f'<rect x="{x + step * 0.1:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}" '
                 f'fill="{ACCENT}" rx="1"/>']  # fmt: skip
        if step >= 26:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" fill="{MUTED}">'
                f"{fmt.format(value) if m.value is not None else ''}</text>"
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="{INK}">'
                f"{escape(m.label)}</text>"
            )
        body.append(_link(f"<g>{''.join(parts)}{_title(m.tip or m.label)}</g>", m.href))
    return _svg(width, height, body, label, test)


def heat_map(
    rows: Sequence[str], columns: Sequence[str], cells: Sequence[Sequence[Mark]], *, label: str, test: str
) -> Markup:
    """A grid shaded by value (darker = more); each cell its own link and hover text."""
    cell, left, top_pad = 24, 40, 18
    width = left + cell * len(columns) + 4
    height = top_pad + cell * len(rows) + 4
    peak = max((m.value or 0 for line in cells for m in line), default=0) or 1
    body = []
    for j, name in enumerate(columns):
        x = left + j * cell + cell / 2
        body.append(f'<text x="{x:.1f}" y="12" text-anchor="middle" fill="{MUTED}">{escape(name)}</text>')
    for i, name in enumerate(rows):
        y = top_pad + i * cell
        body.append(f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" fill="{INK}">{escape(name)}</text>')
        for j, m in enumerate(cells[i]):
            share = (m.value or 0) / peak
            fill = f"rgba(37,99,235,{0.06 + 0.94 * share:.2f})" if m.value else "#f9fafb"
            rect = (
                f'<rect x="{left + j * cell + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{fill}" rx="2">{_title(m.tip)}</rect>'
            )
            body.append(_link(rect, m.href if m.value else None))
    return _svg(width, height, body, label, test)
