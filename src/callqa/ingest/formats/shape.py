"""What a JSON file that no format claims looks like, so the error can say why none did."""

from __future__ import annotations

import json
import re

from callqa.ingest.formats._jsonfile import head_text, nested_too_deeply

_KEY = re.compile(r'"((?:[^"\\]|\\.){1,60})"\s*:')
_SHOWN = 8
# Key names end up in the failures table: long digit runs (a card number used as a key) are masked.
_DIGITS = re.compile(r"\d{6,}")


def json_shape(head: bytes, *, complete: bool) -> str | None:
    """``top-level keys 'a', 'b'`` for text that starts like JSON, else None.

    ``complete`` says the head is the whole file, so it is parsed; otherwise the first keys are listed.
    """
    text = head_text(head).lstrip()
    if not text.startswith(("{", "[")):
        return None
    if not complete:
        return (
            "keys " + _names(dict.fromkeys(m.group(1) for m in _KEY.finditer(text))) + " (in its first bytes)"
        )
    if nested_too_deeply(text):
        return "nested deeper than any interaction format"
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        return f"not valid JSON ({getattr(exc, 'msg', 'nested too deeply')})"
    if isinstance(value, dict):
        return "top-level keys " + _names(value)
    if isinstance(value, list):
        first = next((item for item in value if isinstance(item, dict)), None)
        items = f"an array of {len(value)} item(s)"
        return items + (", the first object with keys " + _names(first) if first is not None else "")
    return None


def _names(keys: object) -> str:
    names = [repr(_DIGITS.sub(_mask, str(k))[:40]) for k in keys][:_SHOWN] if isinstance(keys, dict) else []
    if isinstance(keys, dict) and len(keys) > _SHOWN:
        names.append(f"and {len(keys) - _SHOWN} more")
    return ", ".join(names) or "(none)"


def _mask(match: re.Match[str]) -> str:
    return "#" * len(match.group())
