"""The real embedding model, remembering every text that reaches it (what a stage asked to embed)."""

from __future__ import annotations

from collections.abc import Sequence

from callqa.ml.embeddings import E5Embedder, Vectors


class Counting:
    """The real model, counting the texts that reach it."""

    def __init__(self) -> None:
        self.inner = E5Embedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.seen.extend(texts)
        return self.inner.embed(texts)
