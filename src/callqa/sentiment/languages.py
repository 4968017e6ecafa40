"""Route a BCP-47 tag (and, when the tag says nothing, the text itself) to one of the supported models."""

from __future__ import annotations

import re

SUPPORTED = ("en", "zh", "lt", "fa")
_PRIMARY = {
    "en": "en",
    "zh": "zh",
    "cmn": "zh",
    "yue": "zh",
    "lt": "lt",
    "fa": "fa",
    "pes": "fa",
    "prs": "fa",
}
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")


def primary_language(tag: str | None) -> str | None:
    """'zh-Hant-TW' → 'zh', 'en-GB' → 'en'; None for empty or unsupported tags."""
    if not tag:
        return None
    head = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return _PRIMARY.get(head)


def route(text: str, tag: str | None) -> str:
    """The model family for one text: the tag's language, else English for mostly-ASCII text, else 'multi'."""
    language = primary_language(tag)
    if language is not None:
        return language
    letters = _LETTER.findall(text)
    # Unknown tag: VADER only understands English, so anything else goes to the multilingual embeddings.
    if letters and len(_LATIN_LETTER.findall(text)) >= 0.8 * len(letters):
        return "en"
    return "multi"
