"""Topic discovery: what customers get in touch about that no configured reason covers yet.

The statements with no recognised reason are embedded (multilingual e5) and clustered (spherical k-means,
k-means++ seeding, a fixed seed); each cluster is named by its most distinctive words (class-based TF-IDF;
Chinese split by jieba) and shown with the statements closest to its centre. A topic whose statements
mostly fall in the last quarter of the period is **emerging**.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.core.query import InteractionQuery
from callqa.insights.dashboard import conditions
from callqa.insights.models import InsightFactRow
from callqa.interactions.models import TurnRow
from callqa.scoring.models import AnalysisRow

Matrix = npt.NDArray[np.float32]
F = InsightFactRow
_HAN = re.compile("[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP_WORDS = """
the and for you your that this have has had was were are but not with from they them their what when can
could would will just about there here been into then than its it's i'm i've don't can't please hello
thanks thank yes yeah okay also some any all our out get got want need like know
labas diena sveiki noriu norėčiau kad mano man yra buvo ačiū taip
سلام ممنون لطفا برای این که است را از با من
"""
STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Statement:
    interaction_id: int
    day: date
    text: str


@dataclass(frozen=True)
class Topic:
    size: int
    terms: tuple[str, ...]
    examples: tuple[Statement, ...]  # closest to the centre first
    recent_share: float  # of its statements, the share in the last quarter of the period
    members: tuple[int, ...] = ()  # interaction ids of all its statements

    @property
    def emerging(self) -> bool:
        return self.recent_share >= 0.5


def unrecognised(session: Session, flt: InteractionQuery, limit: int = 400) -> list[Statement]:
    """The period's latest statements (within scope) that got no contact reason."""
    turn = AnalysisRow.data["reason"]["turn"].as_integer()
    query = (
        select(F.interaction_id, F.day, TurnRow.text)
        .join(AnalysisRow, AnalysisRow.interaction_id == F.interaction_id)
        .join(TurnRow, (TurnRow.interaction_id == F.interaction_id) & (TurnRow.seq == turn))
        .where(*conditions(flt), F.reason == "")
        .order_by(F.day.desc(), F.interaction_id.desc())
        .limit(limit)
    )
    return [Statement(int(i), d, t) for i, d, t in session.execute(query)]


def kmeans(vectors: Matrix, k: int, *, seed: int = 13, steps: int = 30) -> npt.NDArray[np.int64]:
    """Spherical k-means (cosine) with k-means++ seeding; returns each vector's cluster."""
    rng = np.random.default_rng(seed)
    n = len(vectors)
    k = max(1, min(k, n))
    centres = [vectors[rng.integers(n)]]
    for _ in range(1, k):
        distance = 1 - np.max(vectors @ np.stack(centres).T, axis=1)
        weights = np.clip(distance, 0, None) ** 2
        total = weights.sum()
        centres.append(vectors[rng.choice(n, p=weights / total)] if total > 0 else vectors[rng.integers(n)])
    c = np.stack(centres)
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(steps):
        labels = np.argmax(vectors @ c.T, axis=1)
        moved = c.copy()
        for j in range(k):
            members = vectors[labels == j]
            if len(members):
                centre = members.mean(axis=0)
                moved[j] = centre / (np.linalg.norm(centre) or 1.0)
        if np.allclose(moved, c):
            break
        c = moved
    return labels


def words(text: str) -> list[str]:
    if _HAN.search(text):
        import jieba

        return [w for w in jieba.lcut(text) if len(w) >= 2 and _HAN.search(w)]
    return [w for w in (m.lower() for m in _WORD.findall(text)) if w not in STOP]


def distinctive_terms(groups: Sequence[Sequence[str]], top: int = 4) -> list[tuple[str, ...]]:
    """Class-based TF-IDF: each group's words weighed against how common they are in all groups."""
    counts = [Counter(w for text in group for w in words(text)) for group in groups]
    overall = Counter[str]()
    for c in counts:
        overall.update(c)
    average = sum(overall.values()) / max(1, len(groups))
    out = []
    for c in counts:
        total = sum(c.values()) or 1
        scored = sorted(c, key=lambda w: (-(c[w] / total) * math.log(1 + average / overall[w]), w))
        out.append(tuple(scored[:top]))
    return out


def discover(
    statements: Sequence[Statement],
    embed: Callable[[list[str]], Matrix],
    since: date,
    until: date,
    *,
    min_size: int = 5,
) -> list[Topic]:
    """Topics among ``statements`` (k ≈ √(n/2)), the largest first; clusters under ``min_size`` dropped."""
    if len(statements) < min_size:
        return []
    vectors = embed([s.text for s in statements])
    k = max(2, min(30, round(math.sqrt(len(statements) / 2))))
    labels = kmeans(vectors, k)
    recent = until.toordinal() - (until.toordinal() - since.toordinal() + 1) / 4
    groups = [np.flatnonzero(labels == j) for j in range(k)]
    kept = [g for g in groups if len(g) >= min_size]
    terms = distinctive_terms([[statements[int(i)].text for i in g] for g in kept])
    topics = []
    for members, named in zip(kept, terms, strict=True):
        centre = vectors[members].mean(axis=0)
        closest = members[np.argsort(-(vectors[members] @ centre))][:3]
        late = sum(1 for i in members if statements[int(i)].day.toordinal() > recent) / len(members)
        ids = tuple(statements[int(i)].interaction_id for i in members)
        topics.append(Topic(len(members), named, tuple(statements[int(i)] for i in closest), late, ids))
    return sorted(topics, key=lambda t: -t.size)
