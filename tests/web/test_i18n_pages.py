"""Chinese (Simplified and Traditional), Lithuanian and Persian users get the whole interface in their
language: on the main pages of every role no text is an English interface string the catalogue translates,
and Persian pages are right-to-left."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from callqa.core.i18n import catalogue_path
from web_support import Web

ROLES = ("admin", "analyst", "sam.lead", "j.smith")
PAGES = {
    # (the audit log shows action and resource codes as recorded; the users page shows usernames)
    "admin": ("/admin/users", "/admin/settings", "/admin/retention", "/scorecards", "/me"),
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
        "/insights/causes?outcome=long_handle",
        "/insights/causes?outcome=recontact",
    ),
    "sam.lead": ("/interactions", "/agents", "/disputes", "/notifications", "/insights", "/reports"),
    "j.smith": ("/interactions", "/me", "/notifications", "/agents/j.smith"),
}

# English strings a page may still show although the catalogue translates them: none. (Texts the catalogue
# does not hold are out of this test's sight: the admin settings page describes each environment variable in
# English, as docs/settings.md does, because the variables and their values are English; a centre's own
# criteria, reasons and comments and a detector's note after its translated "Pass:"/"Fail:"/"N/A:" stay as
# written.)
KNOWN_GAPS: set[str] = set()
# usernames that happen to be English words (the admin's, in the users list and the benchmark pick-list)
IGNORED = {"admin /admin/users": {"admin"}, "analyst /calibrations": {"admin"}}


class _Text(HTMLParser):
    """The text a reader sees: text nodes and the title / placeholder / aria-label attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.labels: list[str] = []  # the attributes alone: they never hold a transcript or a centre's data
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.texts.append(value.strip())
                self.labels.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _english_left(html: str, translated: set[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    seen = set()
    for text in parser.texts:
        bare = text.strip(" :·")
        seen |= {text, bare, bare[1:-1] if bare.startswith("(") and bare.endswith(")") else bare}
    return sorted(seen & translated)


# a tooltip, placeholder or chart label of lower-case English words is an interface string the templates or
# views never put through the catalogue (the catalogue check above cannot see those); in the languages not
# written in Latin letters
_ENGLISH_LABEL = re.compile(r"[a-z]{2,}(?: [a-z]+)*")


def _unmarked_labels(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return sorted({text for text in parser.labels if _ENGLISH_LABEL.fullmatch(text)})


def _translated(code: str) -> set[str]:
    """The English strings this catalogue writes differently (names like CSAT or YAML stay as they are)."""
    with catalogue_path(code).open("rb") as source:
        catalog = read_po(source)
    return {str(m.id) for m in catalog if m.id and isinstance(m.id, str) and m.string and m.string != m.id}


LANGUAGES = (
    ("zh", "zh-Hans", "ltr", "退出"),
    ("zh_Hant", "zh-Hant", "ltr", "登出"),
    ("lt", "lt", "ltr", "Atsijungti"),
    ("fa", "fa", "rtl", "خروج"),
)


def test_chinese_lithuanian_and_persian_users_see_no_english_on_the_main_pages(web: Web) -> None:
    ident = web.ids()["en-call-01"]
    left: dict[str, list[str]] = {}
    for code, lang, direction, sign_out in LANGUAGES:
        translated = _translated(code)
        for username in ROLES:
            user = web.signed_in(username)
            picked = user.post("/me/language", data={"locale": code}, follow_redirects=False)
            assert picked.status_code == 303  # type: ignore[attr-defined]
            client = user.client
            for url in (*PAGES[username], *([f"/interactions/{ident}"] if username != "j.smith" else [])):
                page = client.get(url)
                if page.status_code != 200:
                    left[f"{code} {username} {url}"] = [f"HTTP {page.status_code}"]
                    continue
                assert f'<html lang="{lang}" dir="{direction}">' in page.text and sign_out in page.text, (
                    code,
                    url,
                )
                english = [
                    t
                    for t in _english_left(page.text, translated)
                    + (_unmarked_labels(page.text) if code != "lt" else [])
                    if t not in IGNORED.get(f"{username} {url}", ())
                ]
                if english:
                    left[f"{code} {username} {url}"] = english
    unexpected = {page: [t for t in texts if t not in KNOWN_GAPS] for page, texts in left.items()}
    assert {page: texts for page, texts in unexpected.items() if texts} == {}, (
        f"English left on the page: {left}"
    )


def test_chinese_pages_name_outcomes_verdicts_and_tooltips_in_chinese(web: Web) -> None:
    ident = web.ids()["en-call-01"]
    analyst = web.signed_in("analyst")
    analyst.post("/me/language", data={"locale": "zh"}, follow_redirects=False)
    client = analyst.client
    causes = client.get("/insights/causes?outcome=long_handle").text
    assert ">处理时长过长（最慢的十分之一）</option>" in causes and ">一票否决</option>" in causes
    assert "Long handle" not in causes and "Failing " not in causes
    board = client.get("/insights").text
    assert "次交互，平均分" in board and "mean score" not in board and ">语音</option>" in board
    page = client.get(f"/interactions/{ident}").text
    assert 'title="情绪"' in page and 'aria-label="每轮情绪"' in page
    # the engine's "Pass:" in the reader's language; the note as stored stays one click away
    assert 'data-test="explanation">通过: ' in page and 'data-test="explanation">Pass: ' not in page
    listing = client.get("/interactions").text
    # the search help's quoted phrase does not end its title attribute early
    search_help = re.search(r'name="q"[^>]*title="([^"]*)"', listing)
    assert search_help and search_help[1].endswith("只搜索该说话人"), search_help
