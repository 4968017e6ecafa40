"""The scenario editor's plain HTML form, read back into scenario content.

Fields: ``language``, ``tags`` (comma-separated), ``note``; per level L ``lL-start``, ``lL-brief``; per
step row i of level L ``lL-i-id``, ``-customer``, ``-mood``, ``-criteria`` (repeated), ``-key_point``,
``-on_pass``, ``-on_miss``. A row without an id and a line is left out (the blank rows add steps; clearing
a row removes its step); a level without steps is left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from callqa.core.errors import CallqaError, ErrorCode
from callqa.training.script import LEVELS, MOODS, ScenarioContent, Script, ScriptError, Step

_FIELD = re.compile(r"^l([1-3])-(\d{1,3})-(id|customer|mood|criteria|key_point|on_pass|on_miss)$")
BLANK_ROWS = 2  # empty step rows the editor offers per level


def _refused(field: str, reason: str) -> CallqaError:
    return CallqaError(ErrorCode.T106, field=field, reason=reason)


def content_from_form(items: Iterable[tuple[str, str]]) -> tuple[ScenarioContent, str]:
    """The content the form describes and the version note; T106 naming the field that is wrong."""
    single: dict[str, str] = {}
    rows: dict[int, dict[int, dict[str, list[str]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for name, value in items:
        match = _FIELD.match(name)
        if match:
            rows[int(match[1])][int(match[2])][match[3]].append(value.strip())
        else:
            single[name] = value.strip()
    language = single.get("language", "")
    if not language:
        raise _refused("language", "a scenario needs a language")
    scripts = []
    for level in LEVELS:
        steps = [_step(level, n, row) for n, row in sorted(rows[level].items())]
        kept = [s for s in steps if s is not None]
        if not kept:
            continue
        start = single.get(f"l{level}-start") or kept[0].id
        scripts.append(
            Script(level=level, start=start, steps=tuple(kept), brief=single.get(f"l{level}-brief", ""))
        )
    tags = tuple(dict.fromkeys(t.strip() for t in single.get("tags", "").split(",") if t.strip()))
    content = ScenarioContent(language=language, scripts=tuple(scripts), tags=tags)
    try:
        content.check()
    except ScriptError as exc:
        raise _refused("scripts", str(exc)) from exc
    return content, single.get("note", "")


def _step(level: int, n: int, row: dict[str, list[str]]) -> Step | None:
    def one(key: str) -> str:
        return row[key][0] if row.get(key) else ""

    ident, line = one("id"), one("customer")
    if not ident and not line:
        return None
    where = f"level {level}, step {n + 1}"
    if not ident:
        raise _refused(where, "the step needs an id")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", ident):
        raise _refused(
            where, f"the id '{ident}' may hold letters, digits, '.', '_' and '-' only (at most 64)"
        )
    mood = one("mood") or "calm"
    if mood not in MOODS:
        raise _refused(where, f"mood '{mood}' is not one of {', '.join(MOODS)}")
    return Step(
        id=ident,
        customer=line,
        mood=mood,
        criteria=tuple(dict.fromkeys(c for c in row.get("criteria", []) if c)),
        key_point=one("key_point"),
        on_pass=one("on_pass") or None,
        on_miss=one("on_miss") or None,
    )
