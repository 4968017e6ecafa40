"""The shared embedder: the real multilingual-e5 model, cached by canonical text."""

from __future__ import annotations

import numpy as np
import pytest

from callqa.ml.embeddings import CachedEmbedder, E5Embedder, canonical
from embedding_support import Counting

pytestmark = pytest.mark.issue(3)


def test_canonical_text_collapses_digits_in_any_script_and_spaces() -> None:
    assert canonical("  refund of 15 euros\nwithin 3  days ") == "refund of 0 euros within 0 days"
    assert canonical("مبلغ ۱۲۰ تومان") == "مبلغ 0 تومان"
    assert canonical("退款会在3个工作日内到账") == "退款会在0个工作日内到账"


def test_vectors_are_normalised_and_multilingual() -> None:
    texts = ["I'm sorry for the trouble.", "给您带来不便，非常抱歉。", "The sky is blue."]
    vectors = E5Embedder().embed(texts)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    apology, chinese_apology, unrelated = vectors
    assert apology @ chinese_apology > apology @ unrelated


def test_cache_embeds_each_canonical_text_once() -> None:
    counting = Counting()
    cached = CachedEmbedder(counting)
    first = cached.embed(["A refund of 15 euros.", "Hello there.", "A refund of 15 euros."])
    second = cached.embed(["A refund of 120 euros.", "Hello   there."])
    assert counting.seen == ["A refund of 0 euros.", "Hello there."]
    assert (cached.misses, cached.hits) == (2, 3)
    assert np.array_equal(first[0], first[2]) and np.array_equal(first[0], second[0])
    assert np.array_equal(first[1], second[1])


def test_cache_is_bounded_least_recently_used_first() -> None:
    counting = Counting()
    cached = CachedEmbedder(counting, max_entries=2)
    cached.embed(["one", "two"])
    cached.embed(["one"])  # "two" is now the least recently used
    cached.embed(["three"])
    cached.embed(["one", "two"])
    assert counting.seen == ["one", "two", "three", "two"]


def test_the_main_thread_does_not_wait_for_busy_background_instances() -> None:
    """With every instance taken by background work, the main thread embeds with an instance of its own
    (batch scoring's main thread would otherwise wait out whole background batches)."""
    import threading

    embedder = E5Embedder(threads=1)
    taken = embedder._model()  # the only shared instance, busy "in the background"
    released = threading.Event()

    def watchdog() -> None:  # frees the instance if the main thread waits for it (the behaviour refused)
        if not released.wait(30):
            embedder._idle.put(taken)

    guard = threading.Thread(target=watchdog, daemon=True)
    guard.start()
    vectors = embedder.embed(["where is my refund"])
    waited = not released.is_set() and not embedder._idle.empty()
    released.set()
    guard.join()
    assert vectors.shape == (1, 384) and not waited
    assert embedder._main_model is not None and embedder._idle.empty()
    embedder._idle.put(taken)
    # with an instance idle again, the main thread uses it like anyone else
    embedder.embed(["and my card"])
    assert embedder._idle.qsize() == 1
