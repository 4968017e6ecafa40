"""Person names, where someone introduces themselves or is addressed by title (optional, off by default).

Only introduced names are found: "my name is Jonas Petraitis", "this is Anna", "Mr Smith", "我叫王小明",
"王先生", "mano vardas Jonas", "اسم من علی رضایی است". A name said without such words, a name in an
all-lower-case transcript, or a surname that is also a common word is missed; the agent's own name is
redacted too (a greeting criterion that looks for it then sees ``[PERSON_NAME]``).
"""

from __future__ import annotations

import re

from callqa.privacy.kinds import Finding

_CAPITALISED = r"[A-ZÀ-ÖØ-ÞĄČĘĖĮŠŲŪŽ][a-zß-öø-ÿąčęėįšųūž'’\-]+"
_NOT_NAMES = frozenset(
    [
        "calling",
        "speaking",
        "here",
        "from",
        "with",
        "at",
        "the",
        "a",
        "an",
        "your",
        "my",
        "i",
        "just",
        "not",
        "sorry",
        "fine",
        "good",
        "okay",
        "ok",
        "yes",
        "no",
        "happy",
        "glad",
        "sure",
        "ready",
        "afraid",
        "looking",
        "trying",
        "going",
        "ringing",
    ]
)
_LATIN_RE = re.compile(
    rf"(?<![^\W\d_])(?:my name is|my name's|name is|this is|i am|i'm|speaking with|(?:mr|mrs|ms|miss|dr)\.?"
    rf"|mano vardas|vardas|pavardė|esu|aš esu)\s+((?:{_CAPITALISED})(?:\s+{_CAPITALISED}){{0,2}})",
    re.IGNORECASE,
)
_HAN_NAME = "[\u4e00-\u9fff]{2,3}"
_ZH_RE = re.compile(
    rf"(?:我叫|我的名字是|我的名字叫|我是|本人)({_HAN_NAME}?)(?=[，。,.！？!?\s]|$)"
    rf"|([\u4e00-\u9fff]{{1,2}})(?=先生|女士|小姐)"
)
_FA_RE = re.compile(
    r"(?:اسم من|نام من|اسمم|نامم)\s+((?:[\u0600-\u06ff]+\s?){1,3}?)\s*(?:است|هست|هستم|می‌باشد)"
)


def find_names(text: str) -> list[Finding]:
    """Introduced person names in ``text`` (see the module's note on what is missed)."""
    found: list[Finding] = []
    for match in _LATIN_RE.finditer(text):
        # Capitalised words only, up to the first that is not a name ("I'm Anna calling" → "Anna").
        kept: list[str] = []
        for word in match.group(1).split():
            if not word[0].isupper() or word.lower() in _NOT_NAMES:
                break
            kept.append(word)
        if kept:
            start = match.start(1)
            found.append(Finding("person_name", start, start + len(" ".join(kept))))
    for match in _ZH_RE.finditer(text):
        group = 1 if match.group(1) else 2
        if match.group(group):
            found.append(Finding("person_name", match.start(group), match.end(group)))
    for match in _FA_RE.finditer(text):
        found.append(Finding("person_name", match.start(1), match.start(1) + len(match.group(1).rstrip())))
    return found


def may_name(text: str) -> bool:
    """Whether ``text`` may introduce a name at all (a cheap test before :func:`find_names`)."""
    return (
        _LATIN_RE.search(text) is not None
        or _ZH_RE.search(text) is not None
        or _FA_RE.search(text) is not None
    )
