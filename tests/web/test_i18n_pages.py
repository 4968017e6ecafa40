"""Lithuanian and Persian users get the whole interface in their language: on the main pages of every role no
text is an English interface string the catalogue translates, and Persian pages are right-to-left."""

from __future__ import annotations

from html.parser import HTMLParser

from babel.messages.pofile import read_po

from callqa.core.i18n import catalogue_path
from callqa.users.schemas import UserUpdate
from callqa.users.service import update_user
from web_support import Web

ROLES = ("admin", "analyst", "sam.lead", "j.smith")
PAGES = {
    "admin": ("/admin/users", "/admin/audit", "/admin/settings", "/admin/retention", "/scorecards", "/me"),
    "analyst": (
        "/interactions",
        "/queue",
        "/calibrations",
        "/agreement",
        "/tune",
        "/knowledge",
        "/insights",
        "/insights/reasons",
        "/insights/csat",
        "/insights/causes",
    ),
    "sam.lead": ("/interactions", "/agents", "/disputes", "/notifications", "/insights", "/reports"),
    "j.smith": ("/interactions", "/me", "/notifications", "/agents/j.smith"),
}


class _Text(HTMLParser):
    """The text a reader sees: text nodes and the title / placeholder / aria-label attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _english_left(html: str, translated: set[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return sorted({t.strip(" :·()") for t in parser.texts} & translated)


def _translated(code: str) -> set[str]:
    """The English strings this catalogue writes differently (names like CSAT or YAML stay as they are)."""
    with catalogue_path(code).open("rb") as source:
        catalog = read_po(source)
    return {str(m.id) for m in catalog if m.id and isinstance(m.id, str) and m.string and m.string != m.id}


def test_lithuanian_and_persian_users_see_no_english_on_the_main_pages(web: Web) -> None:
    ident = web.ids()["en-call-01"]
    for code, lang, direction in (("lt", "lt", "ltr"), ("fa", "fa", "rtl")):
        with web.db.factory.begin() as session:
            for username in ROLES:
                update_user(session, username, UserUpdate(locale=code))
        translated = _translated(code)
        left: dict[str, list[str]] = {}
        for username in ROLES:
            client = web.signed_in(username).client
            for url in (*PAGES[username], f"/interactions/{ident}"):
                page = client.get(url)
                assert page.status_code == 200, (code, username, url, page.status_code)
                assert f'lang="{lang}"' in page.text and f'dir="{direction}"' in page.text, (code, url)
                english = _english_left(page.text, translated)
                if english:
                    left[f"{username} {url}"] = english
        assert left == {}, f"{code}: English left on the page: {left}"
