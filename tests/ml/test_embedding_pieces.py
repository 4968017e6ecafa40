"""Long texts (an agent's monologue) are embedded as a few pieces, averaged: cheaper, nearly the same."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from callqa.ml.embeddings import (
    _SNAP,
    MAX_EMBED_CHARS,
    MAX_PIECES,
    PIECE_CHARS,
    E5Embedder,
    Vectors,
    canonical,
    pieces,
)

pytestmark = pytest.mark.issue(20)

MONOLOGUE = (
    "Thank you for your patience while I looked into this. I can see the payment of 120 euros left your "
    "account on Monday, and the receiving bank has not confirmed it yet. This usually takes up to three "
    "business days, so there is nothing wrong with the transfer itself. If it has not arrived by Thursday, "
    "please call us back and we will open an investigation with the other bank. "
) * 8


class Recording:
    """The real model (whole texts), remembering every text that reaches it."""

    def __init__(self) -> None:
        self.inner = E5Embedder(piece_chars=None)
        self.name, self.dim = self.inner.name, self.inner.dim
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.seen.extend(texts)
        return self.inner.embed(texts)


def test_a_text_up_to_the_piece_size_is_one_piece() -> None:
    question = "Is there anything else I can help you with?"
    assert pieces(question) == [question]
    assert pieces("x" * PIECE_CHARS) == ["x" * PIECE_CHARS]


def test_a_long_monologue_is_at_most_max_pieces_cut_after_sentences() -> None:
    text = canonical(MONOLOGUE)
    assert len(text) == MAX_EMBED_CHARS
    parts = pieces(text)
    assert 2 <= len(parts) <= MAX_PIECES == 4
    assert "".join(parts) == text  # nothing lost, nothing repeated
    assert all(len(p) <= PIECE_CHARS + 2 * _SNAP for p in parts)
    assert all(p.rstrip().endswith(".") for p in parts[:-1])  # cut at a sentence end when one is near


def test_a_text_without_sentence_ends_is_cut_at_spaces_or_exactly() -> None:
    spoken = " ".join(["yeah so i was saying the card never came"] * 40)  # a transcript: no punctuation
    parts = pieces(spoken)
    assert "".join(parts) == spoken and len(parts) == -(-len(spoken) // PIECE_CHARS)
    assert all(p.endswith(" ") for p in parts[:-1])
    chinese = "我想问一下我的退款什么时候到账" * 100
    parts = pieces(chinese)
    assert "".join(parts) == chinese and len(parts) == -(-len(chinese) // PIECE_CHARS)


def test_the_embedder_averages_the_pieces_and_stays_close_to_the_whole() -> None:
    text = canonical(MONOLOGUE)
    whole_model = Recording()
    whole = whole_model.embed([text])[0]
    split = E5Embedder().embed([text, "Thanks, bye."])
    parts = pieces(text)
    piece_vectors = whole_model.embed(parts)
    expected = np.array([len(p) for p in parts], dtype=np.float32) @ piece_vectors
    expected /= np.linalg.norm(expected)
    assert np.allclose(split[0], expected, atol=1e-4)  # the long text: its pieces, weighted by length
    assert np.allclose(split[1], whole_model.embed(["Thanks, bye."])[0], atol=1e-5)  # a short one: whole
    assert float(split[0] @ whole) > 0.95
    assert max(len(t) for t in whole_model.seen[1:]) <= PIECE_CHARS + 2 * _SNAP
