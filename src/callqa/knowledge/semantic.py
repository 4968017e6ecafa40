"""Multilingual semantic search over knowledge-base articles (a question in Persian finds the English
article): each article's title and paragraphs are embedded once; a query's best paragraph ranks its article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callqa.knowledge.models import ArticleRow

_PARAGRAPH = re.compile(r"\n\s*\n")
_QUOTE = re.compile(r"^\s*>\s?", re.MULTILINE)
# multilingual-e5 cosines are compressed (an unrelated question scores 0.80+ against any banking text), so a
# suggestion must both pass a floor and stand out: beat, by MARGIN, the mean similarity of the query to the
# other articles and to a few generic call sentences (measured on questions in en/zh/lt/fa, docs/live.md).
MIN_SIMILARITY = 0.81
MARGIN = 0.03
RUNNER_UP = 0.015  # a second suggestion only when (nearly) as close as the first
BACKGROUND = (
    "Hello, can you hear me?",
    "Thank you, goodbye.",
    "What's the weather like today?",
    "Can I speak to your manager?",
    "I'm not happy with this at all.",
    "Could you repeat that, please?",
    "您好，请问您能听到我说话吗？",
    "谢谢，再见。",
    "Laba diena, ar girdite mane?",
    "Ačiū, viso gero.",
    "سلام، صدای من را می‌شنوید؟",
    "ممنون، خداحافظ.",
)


@dataclass(frozen=True)
class Hit:
    article_id: int
    title: str
    body: str
    similarity: float
    passage: str


def passages(title: str, body: str) -> list[str]:
    """The title, and the title with each paragraph (markdown quote marks removed)."""
    text = _QUOTE.sub("", body)
    parts = [p.strip() for p in _PARAGRAPH.split(text) if len(p.strip()) >= 8]
    return [title, *(f"{title}: {p}" for p in parts)]


class KnowledgeIndex:
    """Article passages and their vectors; rebuilt when the articles change (``stamp``)."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self.stamp: tuple[int, int | None, Any] | None = None
        self.rows: list[tuple[int, str, str, str]] = []  # (article id, title, body, passage)
        self.vectors: np.ndarray[Any, Any] = np.zeros((0, 1), dtype=np.float32)
        self._background: np.ndarray[Any, Any] | None = None

    @staticmethod
    def current_stamp(session: Session) -> tuple[int, int | None, Any]:
        """Changes when an article is added, removed or edited (count, newest id, latest change)."""
        count, newest, changed = session.execute(
            select(func.count(ArticleRow.id), func.max(ArticleRow.id), func.max(ArticleRow.updated_at))
        ).one()
        return int(count or 0), newest, changed

    def refresh(self, session: Session) -> bool:
        """Re-read and re-embed the articles if any were added or removed; True when rebuilt."""
        stamp = self.current_stamp(session)
        if stamp == self.stamp:
            return False
        rows: list[tuple[int, str, str, str]] = []
        for article in session.scalars(select(ArticleRow).order_by(ArticleRow.id)):
            rows.extend(
                (article.id, article.title, article.body, p) for p in passages(article.title, article.body)
            )
        self.rows = rows
        self.vectors = (
            self.embedder.embed([r[3] for r in rows]) if rows else np.zeros((0, 1), dtype=np.float32)
        )
        self.stamp = stamp
        return True

    def search_vectors(
        self, queries: np.ndarray[Any, Any], *, limit: int = 3, minimum: float = 0.0
    ) -> list[list[Hit]]:
        """The best articles for each query vector (one hit per article, best passage)."""
        if not self.rows:
            return [[] for _ in range(len(queries))]
        sims = queries @ self.vectors.T
        out: list[list[Hit]] = []
        for row in sims:
            best: dict[int, Hit] = {}
            for k in np.argsort(-row)[: limit * 8]:
                similarity = float(row[k])
                if similarity < minimum:
                    break
                article_id, title, body, passage = self.rows[int(k)]
                if article_id not in best:
                    best[article_id] = Hit(article_id, title, body, similarity, passage)
                if len(best) >= limit:
                    break
            out.append(list(best.values()))
        return out

    def suggest(self, queries: np.ndarray[Any, Any], *, limit: int = 2) -> list[list[Hit]]:
        """Articles worth showing an agent for each query vector: above the floor and standing out from
        the other articles and from generic call sentences (see MARGIN); often none."""
        if not self.rows:
            return [[] for _ in range(len(queries))]
        if self._background is None:
            self._background = self.embedder.embed(list(BACKGROUND))
        background = queries @ self._background.T
        out: list[list[Hit]] = []
        for k, hits in enumerate(self.search_vectors(queries, limit=max(limit, 8), minimum=0.0)):
            best_per_article = {h.article_id: h.similarity for h in hits}
            keep: list[Hit] = []
            for hit in hits[:limit]:
                others = [v for a, v in best_per_article.items() if a != hit.article_id] + list(background[k])
                stands_out = hit.similarity - float(np.mean(others)) >= MARGIN
                near_first = not keep or keep[0].similarity - hit.similarity <= RUNNER_UP
                if hit.similarity >= MIN_SIMILARITY and stands_out and near_first:
                    keep.append(hit)
            out.append(keep)
        return out

    def search(self, query: str, *, limit: int = 5, minimum: float = 0.0) -> list[Hit]:
        if not query.strip() or not self.rows:
            return []
        return self.search_vectors(self.embedder.embed([query]), limit=limit, minimum=minimum)[0]
