"""Keywords that make a nearby number sensitive (CVV, expiry, SSN, phone) or a mere reference (orders)."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Literal

ContextKind = Literal["cvv", "expiry", "ssn", "phone", "reference", "card", "birth", "address"]

# How far (in characters) a keyword may be from the number it introduces. Short on purpose: the further
# away, the likelier the number is something else (an amount, a time, an order number).
WINDOW = 48

_ZWNJ = r"[ \u200c]?"

_CVV = [
    r"cv[vcn][ -]?2(?![0-9])",
    r"cv[vcn](?![A-Za-z])",
    r"card (?:verification|security) (?:value|code|number)",
    r"security (?:code|number)(?![A-Za-z])",
    r"(?:three|3|four|4)[ -](?:digit|number)s?(?: code)?(?: number)? (?:on|at|from|in) the back",
    r"(?:code|number) on the back",
    "安全[码碼]",
    "[验驗][证證][码碼]",
    "卡背[面后後]?(?:的)?[三3]位",
    "[末后後背]面?[三3]位",
    r"(?:ap)?saugos kod(?:as|ą|o|e)(?![A-Za-z])",
    r"kortelės kod(?:as|ą|o|e)(?![A-Za-z])",
    f"کد{_ZWNJ}امنیتی",
    f"رمز{_ZWNJ}امنیتی",
    "پشت کارت",
]
_EXPIRY = [
    r"exp(?:iry|iration|ires|ired|ire|\.)?(?: date)?(?![A-Za-z])",
    r"valid (?:thru|through|until|till|to)(?![A-Za-z])",
    r"good (?:thru|through)(?![A-Za-z])",
    "有效期(?:至|到|是|为|為)?",
    "到期(?:日期|日|时间|時間)?",
    "失效(?:日期|时间|時間)",
    "过期|過期",
    r"galioj(?:a|imo(?: data| laikas| terminas)?)(?: iki)?(?![A-Za-z])",
    r"tinka iki(?![A-Za-z])",
    f"تاریخ{_ZWNJ}(?:انقضا|اعتبار)",
    "انقضا",
]
_SSN = [
    r"ssn(?![A-Za-z])",
    r"social(?: security)?(?: number| no\.?| #)?(?![A-Za-z])",
    r"soc\.? sec\.?",
    "社会安全号|社會安全號|社会保障号|社會保障號",
]
_PHONE = [
    r"(?:tele)?phone(?![A-Za-z])",
    r"tel\.?(?![A-Za-z])",
    r"(?:mobile|cell(?:phone)?|fax|whatsapp|wechat|viber|telegram)(?![A-Za-z])",
    r"(?:call|text|ring|reach) me(?![A-Za-z])",
    r"call(?: ?back)? (?:on|at)(?![A-Za-z])",
    "电话|電話|手机|手機|联系方式|聯繫方式|微信",
    r"telefon(?:as|ą|o|u|e)?(?![A-Za-z])",
    r"mob\.|mobiliojo(?![A-Za-z])|mobilusis(?![A-Za-z])",
    "تلفن|موبایل|همراه|شماره[ \u200c]?تماس",
]

# Words that ask for or introduce a card number. Speech recognition often adds or drops a digit of a number
# read out ("4111 1111 1111 1111" heard as 23 ones), which breaks the Luhn check; after these words a long
# digit run is taken for a card number anyway.
_CARD = [
    r"card(?:'s)? (?:number|no\.?|#|details)",
    r"(?:long )?number (?:on|of|across) (?:the front of )?(?:your |the )?card",
    r"(?:credit|debit) card(?![A-Za-z])",
    "卡号|卡號|银行卡|銀行卡|信用卡|借记卡|借記卡",
    r"kortelės (?:numer(?:is|į|io|iu)|duomen(?:ys|is))",
    r"mokėjimo kortel",
    f"شماره{_ZWNJ}(?:ی{_ZWNJ})?کارت",
]

# Words that ask for or introduce a date of birth.
_BIRTH = [
    r"(?:date|day|year) of birth",
    r"d\.?o\.?b\.?(?![A-Za-z])",
    r"birth ?(?:day|date)|birth(?![A-Za-z])",
    r"(?:was |were )?born(?: on| in)?(?![A-Za-z])",
    "出生(?:日期|年月日?|于|於|在)?|生日",
    r"gimimo (?:data|datą|datos|dieną|diena|metai|metus)",
    r"gim(?:ęs|usi|iau|ė)(?![A-Za-z])",
    f"تاریخ{_ZWNJ}تولد|متولد|روز{_ZWNJ}تولد",
]

# Words that ask for or introduce a postal address or postcode ("e-mail address" is no postal address).
_ADDRESS = [
    r"(?<!mail )(?<!e-mail )(?<!ip )(?<!web )(?<!email )address(?![A-Za-z])",
    r"(?:live|living|lives|reside|residing) (?:at|on|in)(?![A-Za-z])",
    r"post ?code|postal code|zip(?: ?code)?(?![A-Za-z])",
    "地址|住址|住在|邮编|郵編|邮政编码|郵政編碼",
    r"adres(?:as|ą|u|o|e)?(?![A-Za-z])|gyvenu(?![A-Za-z])|pašto kod(?:as|ą|u|o)",
    f"آدرس|نشانی|کد{_ZWNJ}پستی|ساکن",
]

# Words that introduce an order, ticket or tracking number. They only stop the national phone formats
# (a bare 11-digit "order 13812345678"); cards and national IDs are redacted whatever precedes them.
_REFERENCE = [
    r"orders?(?![A-Za-z])",
    r"(?:tracking|invoice|ticket|booking|case|reference|transaction|receipt)s?(?![A-Za-z])",
    r"ref(?:\.|(?![A-Za-z]))",
    "订单号?|訂單號?|单号|單號|运单|運單|快递|快遞|工单|工單|发票|發票|流水号|流水號",
    r"užsakym(?:as|o|ą)(?: nr\.?| numeris)?|sąskaita faktūra|siuntos",
    "سفارش|پیگیری|فاکتور|رهگیری",
]


def _keywords(first: str, alternatives: list[str]) -> re.Pattern[str]:
    # The leading look-ahead on the possible first characters lets the engine skip most positions at
    # C speed (about 1 us instead of 5-10 us per sentence); ``first`` must list every alternative's first
    # character. ASCII keywords must not continue a Latin word; \b is not used because it fails when a
    # keyword touches a CJK character or a digit ("CVV123", "安全码cvv"). Placeholders such as "[CVV]"
    # and "[CARD_EXPIRY]" are no keywords, so redacting redacted text changes nothing.
    return re.compile(f"(?=[{first}])(?<![A-Za-z_\\[])(?:{'|'.join(alternatives)})", re.IGNORECASE)


KEYWORDS: dict[ContextKind, re.Pattern[str]] = {
    "cvv": _keywords("cst3f4nak安验驗卡末后後背کرپ", _CVV),
    "expiry": _keywords("evgt有到失过過تا", _EXPIRY),
    "ssn": _keywords("s社", _SSN),
    "phone": _keywords("ptmcfwvr电電手联聯微تمهش", _PHONE),
    "reference": _keywords("otibcrs订訂单單运運快工发發流uسپفر", _REFERENCE),
    "card": _keywords("clnd卡银銀信借kmش", _CARD),
    "birth": _keywords("dyb出生gتمر", _BIRTH),
    "address": _keywords("alrpzm地住邮郵gآنکس", _ADDRESS),
}
# Either of the two above, in one search: they need no digits after them, so every turn is tested.
PERSONAL_KEYWORDS = _keywords("dyb出生gتمرalrpzm地住邮郵آنکس", [*_BIRTH, *_ADDRESS])


# Separates earlier turns in a context (see ``callqa.privacy.redact.turn_contexts``).
TURN_BREAK = "\x1e"
# Kinds whose question still counts when the same party went on in another turn before answering it.
_WIDE_KINDS: frozenset[ContextKind] = frozenset({"card"})


class Context:
    """Keyword look-ups over one normalised text and the text said just before it (the previous turn).

    The lead may hold earlier turns too, separated by :data:`TURN_BREAK`: only card-number questions reach
    past the previous turn (a number read out over two turns); a bare "852" two turns after "the three
    digits on the back?" is not taken for a CVV.
    """

    __slots__ = ("_ends", "_lead", "_lead_hits", "_wide_lead", "text")

    def __init__(self, text: str, lead: str = "") -> None:
        self.text = text
        # Only the end of the previous turn matters: that is the question the customer is answering.
        self._lead = lead.rsplit(TURN_BREAK, 1)[-1][-200:]
        self._wide_lead = lead.replace(TURN_BREAK, " ")[-300:]
        self._lead_hits: dict[ContextKind, bool] = {}
        self._ends: dict[ContextKind, list[int]] = {}

    def lead_has(self, kind: ContextKind) -> bool:
        """Whether the previous turn (card numbers: the turns since the question) has a ``kind`` keyword."""
        hit = self._lead_hits.get(kind)
        if hit is None:
            lead = self._wide_lead if kind in _WIDE_KINDS else self._lead
            hit = bool(lead) and KEYWORDS[kind].search(lead) is not None
            self._lead_hits[kind] = hit
        return hit

    def _keyword_ends(self, kind: ContextKind) -> list[int]:
        ends = self._ends.get(kind)
        if ends is None:
            ends = [m.end() for m in KEYWORDS[kind].finditer(self.text)]
            self._ends[kind] = ends
        return ends

    def before(self, kind: ContextKind, position: int, window: int = WINDOW) -> bool:
        """Whether a keyword of ``kind`` ends within ``window`` characters before ``position``."""
        ends = self._keyword_ends(kind)
        index = bisect_right(ends, position)
        if index and ends[index - 1] >= position - window:
            return True
        return position <= window and self.lead_has(kind)

    def introduces(self, kind: ContextKind, position: int, window: int) -> bool:
        """Whether a keyword of ``kind`` shortly before ``position`` has no other number after it."""
        ends = self._keyword_ends(kind)
        index = bisect_right(ends, position)
        if not index or ends[index - 1] < position - window:
            return False
        gap = self.text[ends[index - 1] : position]
        return not any(c.isdigit() for c in gap)

    def keyword_ends(self, kind: ContextKind) -> list[int]:
        """Offsets just after each keyword of ``kind``; 0 as well when the previous turn asked for one."""
        ends = self._keyword_ends(kind)
        return [0, *ends] if self.lead_has(kind) else ends
