"""The customer's lines beyond the call as it happened, written from per-language templates
(``training/data/lines.yaml``): the angrier reprise after a missed key point, the level-2 interruption, the
level-3 anger, and the brief the agent reads first."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml

from callqa.core.errors import CallqaError, ErrorCode
from callqa.training.script import Mood

Template = Literal["annoyed", "angry", "fed_up", "last_straw", "interrupt", "brief", "other_issue"]
TEMPLATES: tuple[Template, ...] = (
    "annoyed",
    "angry",
    "fed_up",
    "last_straw",
    "interrupt",
    "brief",
    "other_issue",
)
LINE_LANGUAGES = ("en", "zh", "lt", "fa")
# The mood a missed key point leaves the customer in.
ESCALATES: dict[str, Mood] = {"calm": "annoyed", "annoyed": "angry", "angry": "angry"}


@cache
def _templates() -> dict[str, dict[str, str]]:
    source = files("callqa.training") / "data" / "lines.yaml"
    data: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    for language in LINE_LANGUAGES:
        entry = data.get(language) if isinstance(data, dict) else None
        missing = [t for t in TEMPLATES if not isinstance((entry or {}).get(t), str)]
        if missing:
            raise CallqaError(ErrorCode.T111, language=language, reason="missing " + ", ".join(missing))
    return {language: dict(data[language]) for language in LINE_LANGUAGES}


def line_language(tag: str | None) -> str:
    """The templates' language for a stored language tag ('zh-Hant' → 'zh'); English when not offered."""
    base = (tag or "").replace("_", "-").split("-")[0].lower()
    return base if base in LINE_LANGUAGES else "en"


def written(language: str, template: Template, **values: str) -> str:
    return _templates()[line_language(language)][template].format(**values)


def reprise(language: str, line: str, mood: Mood) -> tuple[str, Mood]:
    """The line said again by a customer whose key point was missed while ``mood``: the text and new mood."""
    if mood == "calm":
        return written(language, "annoyed", line=line), "annoyed"
    if mood == "annoyed":
        return written(language, "angry", line=line), "angry"
    return written(language, "last_straw", line=line), "angry"
