"""How ``callqa show`` describes a call's recording: how it was heard, what was muted, where the copy is."""

from __future__ import annotations

from rich.text import Text

from callqa.core.document import Recording


def _clock(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def recording_lines(recording: Recording | None) -> list[Text]:
    """A few lines for a recording (none for interactions without one)."""
    if recording is None:
        return []
    info = recording.transcription
    confidence = info.get("role_confidence")
    roles = f"roles by {info.get('role_method', '?')}"
    if isinstance(confidence, int | float):
        roles += f", confidence {confidence:.2f}"
    layout = info.get("layout", f"{recording.channels} channel(s)")
    head = (
        f"recording {_clock(recording.duration_ms)}, {layout}, {info.get('model', '?')} "
        f"({info.get('language') or 'language ?'}), {roles}"
    )
    lines = [Text(head, style="bold")]
    if recording.muted:
        spans = ", ".join(
            f"{m.kind} {_clock(m.start_ms)}–{_clock(m.end_ms)}"
            + (f" (channel {m.channel})" if m.channel is not None else "")
            for m in recording.muted
        )
        lines.append(Text(f"muted in the kept copy: {spans}"))
    kept = "; original kept: " + recording.original_uri if recording.original_uri else ""
    lines.append(Text(f"audio: {recording.uri}{kept}", style="dim"))
    return lines
