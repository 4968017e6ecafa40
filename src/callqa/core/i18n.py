"""Interface languages: English (the source strings) and one gettext catalogue per other language, compiled
with Babel when the app starts; the user's setting decides, else the browser's Accept-Language.

A language is offered when it is registered in ``LANGUAGES`` and its catalogue folder exists
(``locale/<code>/LC_MESSAGES/messages.po``), so a new catalogue appears in the pickers once it is added."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

FOLDER = Path(__file__).parent / "locale"


@dataclass(frozen=True)
class Language:
    code: str  # the catalogue folder and the value stored in a user's locale setting
    native: str  # the name in the picker, written in the language itself
    html_lang: str  # BCP 47 tag for <html lang>
    direction: Literal["ltr", "rtl"]
    babel: str  # Babel locale for numbers, dates and weekday names


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "en", "ltr", "en"),
        Language("zh", "简体中文", "zh-Hans", "ltr", "zh_Hans_CN"),
        Language("zh_Hant", "繁體中文（台灣）", "zh-Hant", "ltr", "zh_Hant_TW"),
        Language("lt", "Lietuvių", "lt", "ltr", "lt_LT"),
        Language("fa", "فارسی", "fa", "rtl", "fa_IR"),
    )
}


def catalogue_path(code: str) -> Path:
    return FOLDER / code / "LC_MESSAGES" / "messages.po"


def _available() -> tuple[str, ...]:
    return tuple(code for code in LANGUAGES if code == "en" or catalogue_path(code).is_file())


LOCALES = _available()  # the languages offered: English and every registered language with a catalogue


def language(code: str) -> Language:
    """The registry entry for ``code`` (English for an unknown one)."""
    return LANGUAGES.get(code, LANGUAGES["en"])


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The catalogue for ``locale`` (English, or a language without a catalogue: the strings as written)."""
    if locale not in LOCALES or locale == "en":
        return gettext.NullTranslations()
    with catalogue_path(locale).open("rb") as source:
        catalog = read_po(source, locale=LANGUAGES[locale].babel)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


# Browser tags for Chinese name a region or a script; Taiwan, Hong Kong and Macau write Traditional.
_TRADITIONAL = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


def locale_for_tag(tag: str) -> str | None:
    """The offered language for a BCP 47 tag or a stored code (``zh-TW`` → ``zh_Hant``), else None."""
    tag = tag.strip().replace("_", "-").lower()
    if not tag:
        return None
    code = tag.split("-")[0]
    if code == "zh" and tag.startswith(_TRADITIONAL):
        code = "zh_Hant"
    return code if code in LOCALES else None


def pick_locale(user_locale: str | None, accept_language: str | None) -> str:
    """The signed-in user's language, else the browser's most wanted offered one, else English."""
    if user_locale:
        chosen = locale_for_tag(user_locale)
        if chosen:
            return chosen
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = locale_for_tag(tag)
        if code and quality > 0:
            wanted.append((-quality, position, code))
    return min(wanted)[2] if wanted else "en"
