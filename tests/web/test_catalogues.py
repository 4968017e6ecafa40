"""Every interface catalogue parses with Babel and each translation renders with the same values as its
English source: the same placeholders and markup, no lone ``%`` (templates format every string), no duplicate
or empty entries, and the number of plural forms the catalogue's own Plural-Forms header declares."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "src" / "callqa" / "core" / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/messages.po"))

# what a translation must carry over unchanged: %(name)s / %s, {name}, an HTML tag, an HTML entity
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w+\}|</?[A-Za-z][^>]*>|&#?\w+;")
MSGID_LINE = re.compile(r'^msgid "(.*)"$', re.MULTILINE)


def _read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=path.parents[1].name)


def _texts(message: Message) -> tuple[list[str], list[str]]:
    ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
    strings = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    return [str(i) for i in ids], [str(s or "") for s in strings]


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def test_the_catalogues_are_there() -> None:
    assert {path.parents[1].name for path in CATALOGUES} >= {"zh", "lt", "fa"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parents[1].name)
def test_a_catalogue_parses_and_every_translation_keeps_its_placeholders(path: Path) -> None:
    catalog = _read(path)
    problems: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        ids, strings = _texts(message)
        if len(ids) > 1 and len(strings) != catalog.num_plurals:
            problems.append(f"{ids[0]!r}: {len(strings)} plural forms, the header says {catalog.num_plurals}")
        expected = _placeholders(ids[-1])
        for string in strings:
            if not string.strip():
                problems.append(f"{ids[0]!r}: empty translation")
                continue
            if _placeholders(string) != expected:
                found = sorted(_placeholders(string))
                problems.append(f"{ids[0]!r}: {string!r} has {found}, not {sorted(expected)}")
            if "%" in PLACEHOLDER.sub("", string).replace("%%", ""):
                problems.append(f"{ids[0]!r}: {string!r} has a lone '%' (write '%%')")
    assert problems == [], f"{path.parents[1].name}: " + "\n".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parents[1].name)
def test_a_catalogue_has_no_duplicate_msgid(path: Path) -> None:
    counts = Counter(MSGID_LINE.findall(path.read_text(encoding="utf-8")))
    assert [msgid for msgid, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parents[1].name)
def test_every_translation_formats_with_its_values(path: Path) -> None:
    """What the templates do (newstyle gettext formats every string) cannot raise in any language."""
    for message in _read(path):
        if not message.id:
            continue
        ids, strings = _texts(message)
        names = {name: "x" for name in re.findall(r"%\((\w+)\)", ids[-1])}
        fields = {name: "x" for name in re.findall(r"\{(\w+)\}", ids[-1])}
        for string in strings:
            # raises on a placeholder or a percent sign the msgid does not have
            _ = string % names
            if fields:
                string.format(**fields)
