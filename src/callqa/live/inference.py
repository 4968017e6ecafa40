"""The model side of live monitoring: sentiment in languages VADER cannot read, semantic rules and
knowledge-base suggestions, batched on a worker thread (the embedding model releases the GIL)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from callqa.analysis.text import primary_language
from callqa.knowledge.semantic import KnowledgeIndex
from callqa.live.monitor import ModelJob, ModelResult
from callqa.live.rules import LiveRules
from callqa.live.spec import SemanticWhen
from callqa.ml.embeddings import get_embedder
from callqa.sentiment.model import get_sentiment_model

REFRESH_S = 30.0  # how often the article list is checked for changes


class LiveModels:
    def __init__(
        self,
        rules: LiveRules,
        factory: sessionmaker[Session] | None,
        *,
        embedder: Any = None,
        sentiment: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rules = rules
        self.factory = factory
        self._embedder = embedder
        self._sentiment = sentiment
        self.clock = clock
        self._examples: dict[str, tuple[np.ndarray[Any, Any], list[str], SemanticWhen]] = {}
        self._index: KnowledgeIndex | None = None
        self._checked = -REFRESH_S

    def embedder(self) -> Any:
        if self._embedder is None:
            self._embedder = get_embedder()
        return self._embedder

    def sentiment_model(self) -> Any:
        if self._sentiment is None:
            self._sentiment = get_sentiment_model()
        return self._sentiment

    def _semantic(self, rule_id: str) -> tuple[np.ndarray[Any, Any], list[str], SemanticWhen]:
        known = self._examples.get(rule_id)
        if known is None:
            rule = next(r for r in self.rules.rules if r.id == rule_id)
            assert isinstance(rule.when, SemanticWhen)
            raw = rule.when.examples
            examples = list(raw) if isinstance(raw, list) else [e for items in raw.values() for e in items]
            known = self._examples[rule_id] = (self.embedder().embed(examples), examples, rule.when)
        return known

    def index(self) -> KnowledgeIndex | None:
        if self.factory is None:
            return None
        if self._index is None:
            self._index = KnowledgeIndex(self.embedder())
        if self.clock() - self._checked >= REFRESH_S:
            self._checked = self.clock()
            with self.factory() as session:
                self._index.refresh(session)
        return self._index

    def run(self, jobs: Sequence[ModelJob]) -> list[ModelResult]:
        """One result per job; the texts of the batch are embedded together."""
        sentiments: dict[int, float] = {}
        wanted = [k for k, j in enumerate(jobs) if j.sentiment]
        if wanted:
            scores = self.sentiment_model().score(
                [jobs[k].text for k in wanted], [jobs[k].language for k in wanted]
            )
            sentiments = {k: float(s) for k, s in zip(wanted, scores, strict=True)}
        index = self.index() if any(j.knowledge for j in jobs) else None
        need_vectors = [
            k for k, j in enumerate(jobs) if j.semantic or (j.knowledge and index is not None and index.rows)
        ]
        vectors: dict[int, np.ndarray[Any, Any]] = {}
        if need_vectors:
            embedded = self.embedder().embed([jobs[k].text for k in need_vectors])
            vectors = {k: embedded[n] for n, k in enumerate(need_vectors)}
        results = []
        for k, job in enumerate(jobs):
            semantic: dict[str, tuple[float, str]] = {}
            for rule_id in job.semantic:
                matrix, examples, when = self._semantic(rule_id)
                sims = matrix @ vectors[k]
                best = int(np.argmax(sims))
                threshold = when.thresholds.get(primary_language(job.language), when.threshold)
                if float(sims[best]) >= threshold:
                    semantic[rule_id] = (float(sims[best]), examples[best])
            articles: list[tuple[int, str, str, float]] = []
            if job.knowledge and index is not None and k in vectors:
                hits = index.suggest(vectors[k][None, :], limit=2)[0]
                articles = [(h.article_id, h.title, h.body, h.similarity) for h in hits]
            results.append(ModelResult(sentiments.get(k), semantic, articles))
        return results
