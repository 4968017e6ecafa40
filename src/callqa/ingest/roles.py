"""Role words used in transcripts: English, Chinese (simplified and traditional), Lithuanian, Persian."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from callqa.core.document import Role
from callqa.core.errors import CallqaError, ErrorCode

BUILTIN_ROLE_WORDS: dict[Role, tuple[str, ...]] = {
    Role.AGENT: (
        "agent",
        "rep",
        "representative",
        "advisor",
        "adviser",
        "operator",
        "csr",
        "associate",
        "specialist",
        "客服",
        "坐席",
        "座席",
        "客服代表",
        "话务员",
        "話務員",
        "专员",
        "專員",
        "接线员",
        "接線員",
        "operatorius",
        "operatorė",
        "operatore",
        "agentas",
        "agentė",
        "konsultantas",
        "konsultantė",
        "اپراتور",
        "کارشناس",
        "پشتیبان",
        "مشاور",
    ),
    Role.CUSTOMER: (
        "customer",
        "caller",
        "client",
        "member",
        "user",
        "guest",
        "客户",
        "客戶",
        "顾客",
        "顧客",
        "用户",
        "用戶",
        "来电人",
        "來電人",
        "买家",
        "買家",
        "klientas",
        "klientė",
        "skambintojas",
        "skambintoja",
        "vartotojas",
        "مشتری",
        "تماس‌گیرنده",
        "تماس گیرنده",
        "کاربر",
    ),
    Role.SYSTEM: ("system", "ivr", "系统", "系統", "sistema", "سیستم"),
    Role.BOT: ("bot", "virtual agent", "assistant bot", "机器人", "機器人", "智能客服", "robotas", "ربات"),
}


def normalise_word(word: str) -> str:
    """Case-folded, NFKC-normalised, Persian/Arabic letter variants unified, zero-width joiners removed."""
    text = unicodedata.normalize("NFKC", word).casefold().strip()
    text = text.replace("\u200c", " ").replace("\u064a", "\u06cc").replace("\u0643", "\u06a9")
    return " ".join(text.split())


class RoleLexicon:
    """Maps a role word to a role; built-ins plus the centre's own words from the config."""

    def __init__(self, extra: Mapping[str, Role] | None = None) -> None:
        self._words: dict[str, Role] = {}
        for role, words in BUILTIN_ROLE_WORDS.items():
            for word in words:
                self._words[normalise_word(word)] = role
        for word, role in (extra or {}).items():
            self._words[normalise_word(word)] = role

    def lookup(self, word: str) -> Role | None:
        return self._words.get(normalise_word(word))

    def resolve(self, word: str) -> Role:
        """The role for a word, or I300 naming the word and the known ones."""
        role = self.lookup(word)
        if role is None:
            raise CallqaError(ErrorCode.I300, word=word, known=self.known_summary())
        return role

    def known_summary(self) -> str:
        samples = ["Agent", "Customer", "客服", "客户", "Operatorius", "Klientas", "اپراتور", "مشتری"]
        return ", ".join(samples) + f" and {len(self._words) - len(samples)} more"
