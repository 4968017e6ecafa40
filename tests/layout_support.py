"""What the layout and walk browser tests check on every page (importable as ``layout_support``): the page
does not scroll sideways, no button, nav link or badge has its text cut, tap targets on a phone, no English
UI string left in a translated page. Languages come from ``callqa.core.i18n`` as it is when the tests run."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from babel.messages.pofile import read_po

from callqa.core import i18n

WIDTHS = (390, 1280, 1440, 1920)
PHONE = 390
HEIGHT = 900

# Where a page shows data (transcripts, quotes, comments, names typed by users), not UI strings; the
# detectors' notes are stored as written, in English (marked lang="en"; docs/web.md says why).
DATA = (
    "#transcript, .turn, .snippet, mark, blockquote, .evidence, .summary, code, pre, textarea, "
    ".detector-note, [dir=auto], [translate=no], [contenteditable], .live-transcript"
)
# Product and standard names that are written the same in every language.
BRANDS = frozenset({"callqa", "Swagger UI", "ReDoc", "OpenAPI", "PostgreSQL", "SQLite", "Cliff's δ"})

# buttons, nav links and badges whose text must show whole; controls a finger must hit on a phone
_CUT = (
    "button, input[type=submit], summary, header nav a, header .who a, .badge, .role, .state, .tag, .outcome"
)
_TAP = (
    "button, select, summary, header nav a, input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
)
_FITS = """([cut, tap, phone]) => {
  const visible = (el) => el.checkVisibility({checkVisibilityCSS: true}) && el.getClientRects().length > 0;
  const label = (el) => el.tagName.toLowerCase() + (el.dataset.test ? `[data-test=${el.dataset.test}]` : '')
    + ` "${(el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40)}"`;
  const clipped = [];
  for (const el of document.querySelectorAll(cut)) {
    if (!visible(el) || el.clientWidth === 0) continue;  // inline boxes cannot cut their text
    const [shown, needed] = [el.clientWidth, el.scrollWidth];
    if (needed > shown + 1) clipped.push(`${label(el)} ${shown}<${needed}px`);
  }
  const small = [];
  if (window.innerWidth <= phone) {
    for (const el of document.querySelectorAll(tap)) {
      if (!visible(el)) continue;
      const box = el.getBoundingClientRect();
      if (box.height < 39.5) small.push(`${label(el)} ${Math.round(box.height)}px`);
    }
  }
  const wide = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.width && (box.right > window.innerWidth + 1 || box.left < -1)) {
        let inside = false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const scrolls = ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX);
          if (scrolls) { inside = true; break; }
        }
        const named = typeof el.className === 'string' && el.className;
        const cls = named ? '.' + el.className.split(' ').join('.') : '';
        if (!inside) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls);
      }
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          clipped, small, wide: wide.slice(0, 5)};
}"""


def layout_problems(page: Any, where: str) -> list[str]:
    """What is wrong with the layout of the page as shown: sideways scrolling (and the widest culprits),
    cut button/link/badge text, tap targets under 40 px on a phone. Empty when the page fits."""
    found: dict[str, Any] = page.evaluate(_FITS, [_CUT, _TAP, PHONE])
    problems = []
    if found["scrollWidth"] > found["innerWidth"] + 1:
        problems.append(
            f"{where}: the page scrolls sideways ({found['scrollWidth']} px > {found['innerWidth']} px; "
            f"wider: {', '.join(found['wide'])})"
        )
    problems += [f"{where}: text cut in {item}" for item in found["clipped"]]
    problems += [f"{where}: tap target under 40 px: {item}" for item in found["small"]]
    return problems


def locales() -> tuple[str, ...]:
    """The interface languages offered, read from the registry (English first)."""
    return tuple(i18n.LOCALES)


def direction(locale: str) -> str | None:
    """'rtl' or 'ltr' when the registry says which way the language is written, else None."""
    registry = getattr(i18n, "LANGUAGES", None)
    entry = registry.get(locale) if isinstance(registry, dict) else None
    value = getattr(entry, "direction", None)
    return str(value) if value else None


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@cache
def english_strings(locale: str) -> tuple[str, ...]:
    """The English UI strings (two words or more) the locale's catalogue translates to something else; a
    message with placeholders gives its longest literal part."""
    path = i18n.FOLDER / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalog = read_po(source)
    found = set()
    for message in catalog:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        if not msgid or msgstr == msgid or msgid in BRANDS:
            continue
        part = max((p.strip(" .,:;–-()“”\"'") for p in _PLACEHOLDER.split(msgid)), key=len, default="")
        if len(part.split()) >= 2 and part not in BRANDS:
            found.add(part)
    return tuple(sorted(found, key=len, reverse=True))


_UI_TEXT = """(data) => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(data) || ['SCRIPT', 'STYLE', 'TEMPLATE'].includes(el.tagName)) continue;
    const shown = el.closest('select') || el;
    if (!shown.checkVisibility({checkVisibilityCSS: true})) continue;
    parts.push(node.textContent);
  }
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!el.closest(data) && el.checkVisibility()) parts.push(el.placeholder);
  }
  return parts.join('\\n').replace(/\\s+/g, ' ');
}"""


def untranslated(page: Any, locale: str) -> list[str]:
    """The English UI strings of the catalogue visible on the page (outside transcripts and other data)."""
    text: str = page.evaluate(_UI_TEXT, DATA)
    return [
        english
        for english in english_strings(locale)
        if re.search(rf"(?<![\w-]){re.escape(english)}(?![\w-])", text, re.IGNORECASE)
    ]
