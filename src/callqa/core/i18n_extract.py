"""The interface strings and the catalogues that translate them.

``python -m callqa.core.i18n_extract --check`` lists, per catalogue, the strings it lacks or leaves empty;
``--update`` appends the missing ones (empty translation) to every catalogue; ``--derive zh_Hant`` writes the
Traditional Chinese catalogue from the Simplified one with OpenCC (``s2twp``: Taiwan words), keeping
translations already there. Strings come from the templates (``_()``), from Python (``N_()``, ``gettext()``,
``_()`` with a literal) and from the shipped content shown in the UI: the standard scorecard's titles, the
contact reasons, the live rules and checklist."""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from jinja2 import Environment

from callqa.core.errors import CallqaError, ErrorCode
from callqa.core.i18n import LANGUAGES, catalogue_path

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATE_FOLDERS = (PACKAGE / "web" / "templates", PACKAGE / "reports" / "templates")
CONTENT = {
    "scorecard": PACKAGE / "scoring" / "data" / "standard.yaml",
    "reasons": PACKAGE / "analysis" / "data" / "reasons.yaml",
    "live": PACKAGE / "live" / "data" / "rules.yaml",
}
MARKERS = {"N_", "_", "gettext", "ngettext"}
# Written the same in every language (names, symbols): never reported as untranslated.
SAME_EVERYWHERE = frozenset({"AI", "YAML", "Cliff's δ", "CSAT", "PIN"})
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|\{(\w+)\}")


@dataclass(frozen=True)
class Message:
    msgid: str
    where: str  # the first file (and line) it was found in


def _from_templates() -> Iterator[Message]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    for folder in TEMPLATE_FOLDERS:
        for path in sorted(folder.rglob("*.html")):
            source = path.read_text(encoding="utf-8")
            for line, _, message in env.extract_translations(source):  # type: ignore[attr-defined]
                # a call with keyword arguments (_("last %(n)s days", n=p)) extracts as (msgid, None, ...)
                text = message[0] if isinstance(message, tuple) else message
                if isinstance(text, str) and text:
                    yield Message(text, f"{path.relative_to(PACKAGE)}:{line}")


def _from_python() -> Iterator[Message]:
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            first = node.args[0]
            if (
                name in MARKERS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value
            ):
                yield Message(first.value, f"{path.relative_to(PACKAGE)}:{node.lineno}")


def _texts(data: Any, keys: tuple[str, ...], where: str) -> Iterator[Message]:
    """Every string under one of ``keys`` anywhere in ``data``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and isinstance(value, str) and value.strip():
                yield Message(" ".join(value.split()), where)
            else:
                yield from _texts(value, keys, where)
    elif isinstance(data, list):
        for item in data:
            yield from _texts(item, keys, where)


# What the pages show of the shipped content: titles everywhere, the scorecard's description and guidance,
# the live cards' bodies. Phrases and examples are matched, never shown as UI.
SHOWN = {"scorecard": ("title", "description", "guidance"), "reasons": ("title",), "live": ("title", "body")}


def _content(kind: str) -> Iterator[Message]:
    path = CONTENT[kind]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    yield from _texts(data, SHOWN[kind], str(path.relative_to(PACKAGE)))


def _from_content() -> Iterator[Message]:
    for kind in CONTENT:
        yield from _content(kind)


def content_messages(kind: str) -> list[str]:
    """The shown strings of one kind of shipped content (scorecard, reasons, live), as msgids."""
    return list(dict.fromkeys(m.msgid for m in _content(kind)))


def extract() -> dict[str, Message]:
    """Every interface string (msgid → where it was first found), in a stable order."""
    found: dict[str, Message] = {}
    for message in (*_from_templates(), *_from_python(), *_from_content()):
        found.setdefault(message.msgid, message)
    return dict(sorted(found.items()))


def content_text(text: str) -> str:
    """A content string as it is extracted (YAML folded text: single spaces), the msgid to look up."""
    return " ".join(text.split())


def load(code: str) -> Catalog:
    """The catalogue of language ``code``."""
    path = catalogue_path(code)
    try:
        with path.open("rb") as source:
            return read_po(source, locale=LANGUAGES[code].babel)
    except (OSError, ValueError) as exc:
        raise CallqaError(ErrorCode.L110, path=path, reason=str(exc)) from exc


def catalogues() -> list[str]:
    """The languages that have a catalogue (English is the source and has none)."""
    return [code for code in LANGUAGES if code != "en" and catalogue_path(code).is_file()]


@dataclass(frozen=True)
class Gaps:
    missing: list[str]  # extracted strings the catalogue lacks
    untranslated: list[str]  # present with an empty translation


def gaps(code: str, messages: Iterable[str] | None = None) -> Gaps:
    """What the catalogue of ``code`` lacks of ``messages`` (default: every extracted string)."""
    catalog = load(code)
    wanted = list(messages if messages is not None else extract())
    missing, untranslated = [], []
    for msgid in wanted:
        if msgid in SAME_EVERYWHERE:
            continue
        entry = catalog.get(msgid)
        if entry is None:
            missing.append(msgid)
        elif not entry.string:
            untranslated.append(msgid)
    return Gaps(missing, untranslated)


def placeholders(text: str) -> set[str]:
    """The named placeholders of a string: ``%(name)s`` and ``{name}``."""
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def placeholder_mismatches(code: str) -> list[str]:
    """Entries whose translation names other placeholders than the msgid (they would fail at runtime)."""
    bad = []
    for entry in load(code):
        if not (isinstance(entry.id, str) and entry.id and isinstance(entry.string, str) and entry.string):
            continue
        if placeholders(entry.id) != placeholders(entry.string):
            bad.append(f"{entry.id!r} → {entry.string!r}")
    return bad


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _entry(msgid: str, msgstr: str) -> str:
    return f"msgid {_quote(msgid)}\nmsgstr {_quote(msgstr)}\n"


def append(code: str, entries: dict[str, str], heading: str) -> int:
    """Append ``entries`` (msgid → msgstr) the catalogue lacks, under a comment line; how many were added.
    Appending (never rewriting) keeps catalogues mergeable by union across branches."""
    catalog = load(code)
    new = {k: v for k, v in entries.items() if catalog.get(k) is None}
    if not new:
        return 0
    path = catalogue_path(code)
    text = path.read_text(encoding="utf-8")
    block = "".join(f"\n{_entry(k, v)}" for k, v in new.items())
    path.write_text(text.rstrip("\n") + f"\n\n# --- {heading} ---{block}", encoding="utf-8")
    return len(new)


def update() -> dict[str, int]:
    """Append every missing extracted string (empty translation) to every catalogue."""
    messages = extract()
    return {
        code: append(code, dict.fromkeys(gaps(code, messages).missing, ""), "extracted")
        for code in catalogues()
    }


# Words OpenCC's s2twp leaves in mainland usage or that this product writes one way in Taiwan (the
# glossary in tests/web/test_i18n.py holds the catalogue to them).
TAIWAN_TERMS = {
    "質檢": "品管",
    "質量": "品質",
    "坐席": "客服專員",
    "評分卡": "評分表",
    "登錄": "登入",
    "退出登入": "登出",
    "退出": "登出",
    "賬": "帳",
    "到帳": "入帳",
    "釦款": "扣款",  # s2twp writes 扣款 (deduct) with the button character
    "視頻": "影片",
    "音頻": "音訊",
    "默認": "預設",
    "設置": "設定",
    "用戶": "使用者",
    "令牌": "權杖",
    "跟進": "追蹤",
    "渠道": "管道",
    "網上銀行": "網路銀行",
    "手機銀行": "行動銀行",
    "網上": "網路上",
    "郵箱": "電子信箱",
    "呼入": "撥入",
    "會話": "工作階段",
    "配置檔案": "設定檔",
    "配置": "設定",
    "型別": "類型",
    "物件": "對象",
    "脫敏": "去識別化",
    "欺詐": "詐欺",
    "通話文本": "逐字稿",
    "轉寫文本": "逐字稿",
    "文本": "文字",
    "置信區間": "信賴區間",
    "置信度": "可信度",
    "只讀": "唯讀",
    "入職": "到職",
    "審計": "稽核",
    "調優": "調校",
    "語義": "語意",
    "新建": "新增",
    "匹配": "符合",
    "列表": "清單",
    # s2twp turns 支持 (uphold, of a dispute) into 支援 (assist)
    "支援申訴": "接受申訴",
    "支援了": "接受了",
    "已支援": "已接受",
}


def to_traditional(text: str) -> str:
    """Simplified Chinese in Taiwan's Traditional script and words."""
    import opencc

    converted = str(opencc.OpenCC("s2twp").convert(text))
    for mainland, taiwan in TAIWAN_TERMS.items():
        converted = converted.replace(mainland, taiwan)
    return converted


def derive(code: str, *, source: str = "zh") -> int:
    """Fill the catalogue of ``code`` from ``source`` (only zh_Hant from zh is known), keeping existing
    translations; the file is created when missing. How many entries were written."""
    if code != "zh_Hant" or source != "zh":
        raise CallqaError(ErrorCode.L111, language=code, choices="zh_Hant (from zh)")
    simplified = load(source)
    path = catalogue_path(code)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_header(code), encoding="utf-8")
    existing = load(code)
    entries: dict[str, str] = {}
    for entry in simplified:
        if not entry.id or not isinstance(entry.id, str) or not isinstance(entry.string, str):
            continue
        have = existing.get(entry.id)
        if have is not None and have.string:
            continue
        entries[entry.id] = to_traditional(entry.string) if entry.string else ""
    return append(code, entries, f"derived from {source} with OpenCC s2twp")


def _header(code: str) -> str:
    language = LANGUAGES[code]
    return (
        f"# {language.native} translations for callqa.\n"
        "# This file is distributed under the same license as the callqa project.\n"
        'msgid ""\nmsgstr ""\n'
        '"Project-Id-Version: callqa 0.1\\n"\n'
        f'"Language: {language.babel}\\n"\n'
        '"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
    )


def report(codes: Iterable[str]) -> tuple[str, bool]:
    """The --check text and whether every catalogue is complete."""
    messages = extract()
    lines, complete = [f"{len(messages)} interface strings"], True
    for code in codes:
        found = gaps(code, messages)
        mismatched = placeholder_mismatches(code)
        lines.append(
            f"{code}: {len(found.missing)} missing, {len(found.untranslated)} untranslated, "
            f"{len(mismatched)} with other placeholders"
        )
        lines += [f"  missing: {m}" for m in found.missing]
        lines += [f"  untranslated: {m}" for m in found.untranslated]
        lines += [f"  placeholders: {m}" for m in mismatched]
        complete = complete and not (found.missing or found.untranslated or mismatched)
    return "\n".join(lines), complete


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m callqa.core.i18n_extract", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--check", action="store_true", help="list missing and untranslated strings; exit 1 if any"
    )
    parser.add_argument("--update", action="store_true", help="append missing strings to every catalogue")
    parser.add_argument(
        "--derive", metavar="LANG", help="fill LANG's catalogue from another (zh_Hant from zh)"
    )
    parser.add_argument("--list", action="store_true", help="print every extracted string and where it is")
    parser.add_argument("--locale", action="append", help="only these catalogues (repeatable)")
    args = parser.parse_args(argv)
    codes = args.locale or catalogues()
    unknown = [c for c in codes if c not in LANGUAGES or c == "en"]
    try:
        if unknown:
            raise CallqaError(ErrorCode.L111, language=unknown[0], choices=", ".join(catalogues()))
        if args.list:
            for message in extract().values():
                sys.stdout.write(f"{message.where}\t{message.msgid}\n")
        if args.derive:
            sys.stdout.write(f"{args.derive}: {derive(args.derive)} entries derived\n")
        if args.update:
            for code, added in update().items():
                sys.stdout.write(f"{code}: {added} strings added\n")
        if args.check or not (args.list or args.derive or args.update):
            text, complete = report(codes)
            sys.stdout.write(text + "\n")
            return 0 if complete else 1
    except CallqaError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
