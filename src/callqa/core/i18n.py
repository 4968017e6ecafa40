"""Interface languages: English (the source strings) and Chinese, from gettext catalogues compiled with Babel
when the app starts; the user's setting decides, else the browser's Accept-Language."""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = ("en", "zh")
FOLDER = Path(__file__).parent / "locale"


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The catalogue for ``locale`` (English: the strings as written)."""
    if locale == "en":
        return gettext.NullTranslations()
    with (FOLDER / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="zh_Hans" if locale == "zh" else locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def pick_locale(user_locale: str | None, accept_language: str | None) -> str:
    """The signed-in user's language, else the first supported one the browser asks for, else English."""
    if user_locale in LOCALES:
        return str(user_locale)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        primary = tag.split("-")[0]
        if primary in LOCALES:
            return primary
    return "en"
