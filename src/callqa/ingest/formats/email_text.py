"""The text of an e-mail: the body part decoded, HTML turned into text, quoted replies and signatures cut."""

from __future__ import annotations

import codecs
import re
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import Message
from html.parser import HTMLParser

from charset_normalizer import from_bytes

from callqa.core.decoding import LEGACY_ENCODINGS

# Declared names mapped to the superset codec mail clients really mean when they write them.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
}
# Single-byte codecs accept any bytes, so a mislabelled UTF-8 body would silently become mojibake.
_SINGLE_BYTE = re.compile(r"^(cp125\d|iso8859_\d+|latin_1|ascii|koi8_\w+|mac_\w+)$")
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def decode_bytes(data: bytes, declared: str | None) -> str:
    """Bytes in their declared charset → text; a wrong or unknown one falls back to UTF-8, then detection."""
    codec = _codec(declared)
    if codec is not None and codec != "utf_8":
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            pass
        else:
            if not (_SINGLE_BYTE.match(codec) and not data.isascii() and _is_utf8(data)):
                return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best() or from_bytes(data).best()
    if guess is not None:
        return str(guess)
    return data.decode(codec or "utf-8", errors="replace")


def _codec(declared: str | None) -> str | None:
    if not declared:
        return None
    name = _CHARSET_ALIASES.get(declared.strip().strip('"').lower(), declared.strip().strip('"'))
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def message_body(message: Message) -> str:
    """The message's readable text: its first text/plain part, else its HTML part as text, else ''."""
    plain: Message | None = None
    html: Message | None = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    if plain is not None:
        text = _part_text(plain)
        if text.strip():
            return _normalise_newlines(text)
    if html is not None:
        return html_to_text(_part_text(html))
    return ""


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return decode_bytes(payload, part.get_content_charset())
    # A non-bytes payload only happens for malformed structures; the raw string is the best we have.
    raw = part.get_payload()
    return raw if isinstance(raw, str) else ""


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SKIPPED_TAGS = frozenset({"script", "style", "head", "title"})
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote"})
_LINE_TAGS = frozenset({"div", "tr", "li", "section", "article", "header", "footer", "hr", "pre"})


class _HtmlText(HTMLParser):
    """Collects visible text line by line; lines inside <blockquote> get '> ' so quote stripping sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._buffer: list[str] = []
        self._depth = 0
        self._line_depth = 0
        self._skipping = 0
        self._spacer = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag == "br":
            # A second <br> in a row (or <div><br></div>) is how HTML editors write a paragraph break.
            self._newline(paragraph=not "".join(self._buffer).strip())
        elif tag in _PARAGRAPH_TAGS or tag in _LINE_TAGS:
            self._newline(paragraph=tag in _PARAGRAPH_TAGS)
        if tag == "blockquote":
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _PARAGRAPH_TAGS or tag in _LINE_TAGS:
            self._newline(paragraph=tag in _PARAGRAPH_TAGS)
        if tag == "blockquote":
            self._depth = max(0, self._depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        text = re.sub(r"\s+", " ", data)
        if text.strip():
            self._line_depth = max(self._line_depth, self._depth)
        elif "\xa0" in data:
            # Outlook and QQ Mail write an empty paragraph as a block holding only &nbsp;.
            self._spacer = True
        self._buffer.append(text)

    def _newline(self, paragraph: bool = False) -> None:
        line = "".join(self._buffer).strip()
        self._buffer = []
        paragraph = paragraph or (self._spacer and not line)
        self._spacer = False
        if line:
            self.lines.append("> " * self._line_depth + line)
        self._line_depth = self._depth
        if paragraph and self.lines and self.lines[-1]:
            self.lines.append("")

    def text(self) -> str:
        self._newline()
        return "\n".join(self.lines).strip()


def html_to_text(html: str) -> str:
    """Visible text of an HTML body, one line per block and a blank line between paragraphs."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _fold(line: str) -> str:
    """A line ready for matching: no bidi marks or markdown bold, Arabic letters in their Persian form."""
    line = _BIDI.sub("", line).replace("ي", "ی").replace("ك", "ک").replace("\u00a0", " ")
    return line.strip().strip("*_").strip()


# A line that introduces a quoted message ("On ... wrote:") in the languages our customers write in.
_ATTRIBUTION_END = re.compile(
    r"(wrote|writes|a écrit|schrieb|escribió|scrisse|rašė|parašė|نوشت|نوشته است|写道|寫道)\s*[:：]?\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(r"^((on|le|am|el|در)\b|在|於|于|\d)", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^(-{2,}|_{2,}|—+)?\s*(original message|original e-?mail|forwarded message|原始邮件|原始郵件|"
    r"原邮件|转发的邮件|originali žinutė|originalus laiškas|persiųstas laiškas|پیام اصلی|"
    r"پیام هدایت شده)\s*(-{2,}|_{2,}|—+)?$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[_\-—=]{8,}$")
_HEADER_FROM = re.compile(
    r"^(from|von|de|发件人|發件人|寄件者|寄件人|nuo|siuntėjas|از|فرستنده)\s*[:：]", re.IGNORECASE
)
_HEADER_OTHER = re.compile(
    r"^(sent|date|to|cc|subject|gesendet|an|betreff|envoyé|à|objet|发送时间|發送時間|日期|时间|收件人|收件者|"
    r"抄送|副本|主题|主題|主旨|寄件日期|išsiųsta|data|kam|kopija|tema|ارسال|ارسال شده|تاریخ|به|موضوع|رونوشت)"
    r"\s*[:：]",
    re.IGNORECASE,
)


def strip_quotes(text: str) -> str:
    """The new part of a reply: quoted lines, "On ... wrote:" and Outlook-style header blocks removed."""
    lines = _normalise_newlines(text).split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        folded = _fold(lines[index])
        if folded.startswith(">") or lines[index].lstrip().startswith(">"):
            index += 1
            continue
        span = _attribution_span(lines, index)
        if span:
            if "\n".join(kept).strip():
                break
            # Nothing above the quote: a bottom-posted reply, so the answer is what follows it.
            index += span
            continue
        if _SEPARATOR.match(folded) or _header_block_at(lines, index):
            break
        if _RULE.match(lines[index].strip()) and _header_block_at(lines, index + 1):
            break
        kept.append(lines[index])
        index += 1
    return _trim("\n".join(kept))


def _attribution_span(lines: list[str], index: int) -> int:
    """How many lines (1-3) form an attribution starting here, or 0: Gmail wraps long ones."""
    first = _fold(lines[index])
    if not first or len(first) > 300:
        return 0
    starts = bool(_ATTRIBUTION_START.match(first))
    if _ATTRIBUTION_END.search(first):
        # A date or an address tells "On 5 Oct 2026, Bob wrote:" from prose such as "On Monday I wrote:".
        dated = starts and any(ch.isdigit() for ch in first)
        return 1 if dated or "@" in first or _next_is_quote(lines, index + 1) else 0
    if not starts:
        return 0
    joined = first
    for span in range(2, 4):
        if index + span > len(lines) or not _fold(lines[index + span - 1]):
            return 0
        joined += " " + _fold(lines[index + span - 1])
        if _ATTRIBUTION_END.search(joined):
            return span if "@" in joined or any(ch.isdigit() for ch in joined) else 0
    return 0


def _next_is_quote(lines: list[str], index: int) -> bool:
    for line in lines[index:]:
        if line.strip():
            return line.lstrip().startswith(">")
    return False


def _header_block_at(lines: list[str], index: int) -> bool:
    """True when a ``From:`` line starts here and other header lines follow within a few lines."""
    if index >= len(lines) or not _HEADER_FROM.match(_fold(lines[index])):
        return False
    following = [_fold(line) for line in lines[index + 1 : index + 7] if _fold(line)]
    return sum(1 for line in following[:5] if _HEADER_OTHER.match(line)) >= 1


_CLOSINGS = (
    "best regards|kind regards|warm regards|warmest regards|regards|best wishes|best|many thanks|thanks|"
    "thank you|thanks again|thanks in advance|thx|cheers|sincerely|yours sincerely|sincerely yours|"
    "yours truly|yours faithfully|respectfully|br|"
    "此致|此致敬礼|此致 敬礼|祝好|顺祝商祺|順祝商祺|祝商祺|顺颂商祺|順頌商祺|谢谢|謝謝|多谢|多謝|敬上|敬祝|"
    "pagarbiai|su pagarba|linkėjimai|geriausi linkėjimai|su geriausiais linkėjimais|ačiū|dėkoju|dėkui|"
    "geros dienos|"
    "با احترام|با تشکر|باتشکر|ارادتمند|ارادتمند شما|با سپاس|سپاس|سپاسگزارم|ممنون|متشکرم|با آرزوی موفقیت"
)
_CLOSING = re.compile(rf"^({_CLOSINGS})\s*[,.!،，。！:：]*$", re.IGNORECASE)
# "Best regards, Jonas": a closing and a capitalised name of at most three words on the same line.
_CLOSING_WITH_NAME = re.compile(
    rf"^({_CLOSINGS})\s*[,،，]\s*\w[\w.'-]*(\s+\w[\w.'-]*){{0,2}}$", re.IGNORECASE
)
_SIGNATURE_LINES = 6
_GREETING_END = re.compile(r"^.{1,40}[,:!，：！،]$")
_SIGNATURE_WIDTH = 80
_SENT_FROM = re.compile(
    r"^(sent from my |get outlook for |发自我的|從我的 ?\S+ ?傳送|išsiųsta iš mano |ارسال شده از )", re.I
)


def strip_signature(text: str) -> str:
    """The message without its sign-off: a ``-- `` block, or a closing followed by a few short lines."""
    lines = _normalise_newlines(text).split("\n")
    for index, line in enumerate(lines):
        if line.rstrip("\r") == "-- " or (line.strip() == "--" and _is_short_tail(lines[index + 1 :], 10)):
            lines = lines[:index]
            break
    for index, line in enumerate(lines):
        if _SENT_FROM.match(_fold(line)) and _is_short_tail(lines[index + 1 :], 2):
            lines = lines[:index]
            break
    for index, line in enumerate(lines):
        folded = _fold(line)
        head = [kept.strip() for kept in lines[:index] if kept.strip()]
        if not _is_closing(folded) or not head:
            continue
        tail = lines[index + 1 :]
        if _is_short_tail(tail, _SIGNATURE_LINES) and not any(_is_sentence(line) for line in tail):
            # "Hi,\nthanks\nBob": after a bare greeting the "closing" is the whole message, so keep it.
            lines = lines[: index + 1] if len(head) == 1 and _GREETING_END.search(head[0]) else lines[:index]
            break
    return _trim("\n".join(lines))


def _is_closing(folded: str) -> bool:
    if _CLOSING.match(folded):
        return True
    match = _CLOSING_WITH_NAME.match(folded)
    if not match:
        return False
    name = folded[match.end(1) :].lstrip(" ,،，")
    # Names are capitalised in Latin scripts; scripts without case (Chinese, Persian) pass as they are.
    return not name[:1].islower()


def _is_sentence(line: str) -> bool:
    """True for a line that reads like prose ("Card works now."), which a name, title or phone is not."""
    words = _fold(line).split()
    if not words or any(ch.isdigit() or ch == "@" for ch in line):
        return False
    if words[-1][-1] in "?!？！؟" or "，" in line:
        return True
    cased = [word for word in words if word[0].isupper() or word[0].islower()]
    # Names and titles are short and mostly capitalised; prose runs longer and is mostly lower case.
    if cased and len(words) >= 6 and 2 * sum(word[0].islower() for word in cased) > len(cased):
        return True
    if not cased and len(words) >= 7:
        return True
    # "Jonas P." and "Jr." end in a dot too: only a longer last word makes the dot a full stop.
    return words[-1][-1] in ".。" and len(words) >= 2 and len(words[-1]) > 3


def _is_short_tail(lines: list[str], limit: int) -> bool:
    filled = [line.strip() for line in lines if line.strip()]
    return len(filled) <= limit and all(len(line) <= _SIGNATURE_WIDTH for line in filled)


def clean_body(text: str) -> str:
    """A message body with quoted replies and the signature removed, greeting and body kept."""
    return strip_signature(strip_quotes(text))


def _trim(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    collapsed: list[str] = []
    for line in lines:
        if line or (collapsed and collapsed[-1]):
            collapsed.append(line)
    return "\n".join(collapsed).strip()


_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?"
    r"(re|fw|fwd|aw|wg|sv|vs|antw|tr|rv|ref|atsakymas|ats|atš|persiųsta|pers|"
    r"回复|回覆|答复|答覆|转发|轉發|转寄|轉寄|پاسخ|هدایت|باز ارسال)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*",
    re.IGNORECASE,
)


def clean_subject(subject: str | None) -> str:
    """The subject without reply and forward prefixes (``Re:``, ``Fwd:``, ``回复:``, ``Atsakymas:`` ...)."""
    text = (subject or "").strip()
    while True:
        stripped = _SUBJECT_PREFIX.sub("", text, count=1)
        if stripped == text:
            return " ".join(text.split())
        text = stripped


def decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded with our charset fallbacks (``gb2312`` words often hold GBK)."""
    try:
        parts = decode_header(value)
    except (ValueError, HeaderParseError):
        return value
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            # decode_header escapes the unencoded stretches this way; undoing it restores them exactly.
            out.append(chunk.decode("raw-unicode-escape"))
        else:
            out.append(decode_bytes(chunk, charset))
    return "".join(out)
