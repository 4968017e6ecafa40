"""Whether the agent's reply picks up the customer's own words: a run of consecutive content words (or, in
Chinese, of characters) from what the customer just said, found again in the reply. Answering "what are your
branch hours" with "the branch hours are ..." shows the question was heard; "thank you" / "okay" do not count
(function and courtesy words are not content)."""

from __future__ import annotations

import re

from callqa.analysis.text import fold

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]+")
# Words that carry no topic: pronouns, auxiliaries, fillers, courtesy. English only (other languages
# count every word, so a run there is simply consecutive words).
_FUNCTION_WORDS = """a an the and or but so to of in on at for with from by about as into this that these
those it its i me my mine we our you your yours he she they them their is are was were be been being
am do does did
have has had will would can could shall should may might must not no yes yeah okay ok uh um uhm oh well just
like please thank thanks hello hi bye goodbye good great sure right alright all what which when where who why
how there here today now then also very really want wanted know need help anything else call calling"""
_FUNCTION = frozenset(_FUNCTION_WORDS.split())


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Content words of the text with their character spans (folded, so case and accents do not matter)."""
    folded = fold(text)
    out: list[tuple[str, int, int]] = []
    for m in _WORD.finditer(folded.text):
        if _HAN.fullmatch(m.group()) is None and m.group() not in _FUNCTION:
            out.append((m.group(), *folded.span(m.start(), m.end())))
    return out


def echoed(said: str, reply: str, words: int) -> tuple[int, int] | None:
    """The span in ``reply`` of the first run of ``words`` consecutive content words of ``said`` (Han text:
    ``words + 1`` characters), or None."""
    theirs = [w for w, _, _ in _tokens(said)]
    runs = {tuple(theirs[i : i + words]) for i in range(len(theirs) - words + 1)}
    mine = _tokens(reply)
    for i in range(len(mine) - words + 1):
        if tuple(w for w, _, _ in mine[i : i + words]) in runs:
            return mine[i][1], mine[i + words - 1][2]
    size = words + 1
    han = {run[i : i + size] for run in _HAN.findall(fold(said).text) for i in range(len(run) - size + 1)}
    folded = fold(reply)
    for m in _HAN.finditer(folded.text):
        for i in range(len(m.group()) - size + 1):
            if m.group()[i : i + size] in han:
                return folded.span(m.start() + i, m.start() + i + size)
    return None
