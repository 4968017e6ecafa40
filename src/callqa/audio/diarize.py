"""Two-speaker diarization of a mono call, offline and numpy only (plus Silero VAD for speech).

Speech (Silero) is cut into overlapping 1.5 s windows; each window is described by the mean and spread of
its MFCCs; spectral clustering of the windows' cosine affinities splits them into two voices. Each speech
frame takes the averaged posterior of the windows that cover it (the smoothing), and label runs shorter
than ``min_segment_ms`` join their neighbour. Speaker 0 is whoever speaks first; which one is the agent
is decided elsewhere, from what they say.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callqa.audio.activity import SAMPLE_RATE, Activity, FloatArray, as_mono, detect_activity, runs

HOP = 160  # 10 ms at 16 kHz
WINDOW = 400  # 25 ms
FRAME_MS = 10
_BLOCK = 6000  # frames per block of the feature pass (60 s), to bound memory on long calls


@dataclass(frozen=True)
class SpeakerSegment:
    """One speaker's stretch of speech; ``confidence``: that speaker's mean posterior (0.5: a coin toss)."""

    start_ms: int
    end_ms: int
    speaker: int
    confidence: float

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "confidence": round(self.confidence, 3)}


@dataclass(frozen=True)
class Diarization:
    """Who speaks when in a mono recording of ``duration_ms``."""

    segments: tuple[SpeakerSegment, ...]
    duration_ms: int

    def labels(self, frame_ms: int = FRAME_MS) -> NDArray[np.int8]:
        """The speaker of every ``frame_ms`` frame, -1 where no one speaks."""
        out = np.full(-(-self.duration_ms // frame_ms), -1, dtype=np.int8)
        for s in self.segments:
            out[round(s.start_ms / frame_ms) : round(s.end_ms / frame_ms)] = s.speaker
        return out

    def speaker_ms(self) -> tuple[int, int]:
        """Speech time of speaker 0 and of speaker 1."""
        total = [0, 0]
        for s in self.segments:
            total[s.speaker] += s.end_ms - s.start_ms
        return total[0], total[1]

    def as_json(self) -> dict[str, Any]:
        return {"duration_ms": self.duration_ms, "segments": [s.as_json() for s in self.segments]}


def _mel_filters(n_mels: int, low_hz: float, high_hz: float, n_fft: int = 512) -> FloatArray:
    low, high = (2595 * np.log10(1 + hz / 700) for hz in (low_hz, high_hz))
    edges = 700 * (10 ** (np.linspace(low, high, n_mels + 2) / 2595) - 1)
    freqs = np.fft.rfftfreq(n_fft, 1 / SAMPLE_RATE)
    left, centre, right = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (freqs[None, :] - left) / (centre - left)
    falling = (right - freqs[None, :]) / (right - centre)
    return np.asarray(np.clip(np.minimum(rising, falling), 0, None))


def mfcc(
    samples: NDArray[Any],
    *,
    n_mfcc: int = 20,
    n_mels: int = 24,
    low_hz: float = 100.0,
    high_hz: float = 3800.0,
) -> FloatArray:
    """MFCCs of 25 ms frames every 10 ms (frames × ``n_mfcc``; column 0 is the log energy term).

    The band stops at 3.8 kHz because most calls went through an 8 kHz telephone channel.
    """
    mono = as_mono(samples)
    count = max(0, (len(mono) - WINDOW) // HOP + 1)
    filters = _mel_filters(n_mels, low_hz, high_hz)
    dct = np.cos(np.pi / n_mels * (np.arange(n_mels)[None, :] + 0.5) * np.arange(n_mfcc)[:, None])
    window = np.hamming(WINDOW).astype(np.float32)
    out = np.empty((count, n_mfcc))
    for first in range(0, count, _BLOCK):
        last = min(count, first + _BLOCK)
        index = HOP * np.arange(first, last)[:, None] + np.arange(WINDOW)[None, :]
        power = np.abs(np.fft.rfft(mono[index] * window, 512, axis=1)) ** 2
        out[first:last] = np.log(power @ filters.T + 1e-10) @ dct.T
    return out


def _two_speakers(embeddings: FloatArray, keep: float = 0.2) -> FloatArray:
    """P(speaker 0) per window, from spectral clustering of a pruned cosine-affinity graph.

    The split is the sign of the Fiedler vector; a window's posterior is the share of its affinity that
    goes to windows of speaker 0 (near 1 or 0 inside a voice, near 0.5 where the voices meet).
    """
    unit = embeddings / (np.linalg.norm(embeddings, axis=1, keepdims=True) + 1e-12)
    affinity = unit @ unit.T
    # keep each window's strongest links only, so the graph follows voices rather than loudness
    affinity = np.where(affinity >= np.quantile(affinity, 1 - keep, axis=1, keepdims=True), affinity, 0.0)
    affinity = np.clip(np.maximum(affinity, affinity.T), 0.0, None)
    degree = affinity.sum(axis=1) + 1e-12
    first = _second_eigenvector(affinity / np.sqrt(np.outer(degree, degree)), np.sqrt(degree)) > 0
    return np.asarray(affinity @ first.astype(np.float64) / degree)


def _second_eigenvector(normalized: FloatArray, top: FloatArray, *, rounds: int = 300) -> FloatArray:
    """The eigenvector of the second largest eigenvalue of D^-½AD^-½, whose largest one's vector is D^½1.

    (That is the Fiedler vector of the normalised Laplacian.) A full ``eigh`` costs seconds on the 2,000
    windows of an hour-long call; a few hundred products with a thin block of vectors cost far less.
    """
    top = top / np.linalg.norm(top)
    # without the known top pair the wanted vector is the largest; this also holds when the graph falls
    # apart into two components and the top eigenvalue 1 is double
    deflated = normalized - np.outer(top, top)
    if len(deflated) <= 400:
        return np.asarray(np.linalg.eigh(deflated)[1][:, -1])
    shifted = deflated + np.eye(len(deflated))  # eigenvalues in [0, 2]: the wanted ones are the largest
    block = np.random.default_rng(0).standard_normal((len(deflated), 4))
    found = block[:, 0]
    for done in range(1, rounds + 1):
        block, _ = np.linalg.qr(shifted @ block)
        if done % 20 == 0 or done == rounds:
            small = block.T @ shifted @ block
            latest = block @ np.linalg.eigh((small + small.T) / 2)[1][:, -1]
            if abs(float(latest @ found)) > 1 - 1e-9:
                return np.asarray(latest)
            found = latest
    return np.asarray(found)


def _absorb_short(labels: NDArray[np.int64], start: int, end: int, shortest: int) -> None:
    """Within one speech run, hand label runs shorter than ``shortest`` frames to a neighbour."""
    while True:
        pieces = [(s + start, e + start) for s, e in _label_runs(labels[start:end])]
        short = [p for p in pieces if p[1] - p[0] < shortest]
        if len(pieces) < 2 or not short:
            return
        s, e = min(short, key=lambda p: p[1] - p[0])
        labels[s:e] = labels[s - 1] if s > start else labels[e]


def _label_runs(labels: NDArray[np.int64]) -> list[tuple[int, int]]:
    cuts = np.flatnonzero(np.diff(labels)) + 1
    bounds = [0, *cuts.tolist(), len(labels)]
    return list(itertools.pairwise(bounds))


def diarize(
    samples: NDArray[Any],
    *,
    speech: Activity | None = None,
    window_s: float = 1.5,
    hop_s: float = 0.5,
    min_segment_ms: int = 300,
    max_windows: int = 2000,
) -> Diarization:
    """Speaker 0/1 segments of a mono 16 kHz call with two speakers (``speech``: precomputed activity)."""
    mono = as_mono(samples)
    duration_ms = len(mono) * 1000 // SAMPLE_RATE
    if speech is None:
        speech = detect_activity(mono, method="silero", min_silence_ms=200)
    undecided = Diarization(
        tuple(SpeakerSegment(s.start_ms, s.end_ms, 0, 0.5) for s in speech.spans), duration_ms
    )
    features = mfcc(mono)[:, 1:]
    count = len(features)
    voiced = np.zeros(count, dtype=bool)
    mask = speech.mask(FRAME_MS)[:count]
    voiced[: len(mask)] = mask
    width = round(window_s * 1000 / FRAME_MS)
    if voiced.sum() < width:
        return undecided
    spoken = features[voiced]
    features = (features - spoken.mean(axis=0)) / (spoken.std(axis=0) + 1e-9)
    # fewer, sparser windows on long calls keep the affinity matrix (windows²) small
    hop = max(round(hop_s * 1000 / FRAME_MS), int(voiced.sum()) // max_windows + 1)
    starts, rows = [], []
    for start in range(0, max(1, count - width + 1), hop):
        inside = voiced[start : start + width]
        if inside.sum() >= width // 5:
            frames = features[start : start + width][inside]
            starts.append(start)
            rows.append(np.concatenate([frames.mean(axis=0), frames.std(axis=0)]))
    if len(rows) < 2:
        return undecided
    embeddings = np.asarray(rows)
    embeddings = (embeddings - embeddings.mean(axis=0)) / (embeddings.std(axis=0) + 1e-9)
    window_p0 = _two_speakers(embeddings)
    total, votes = np.zeros(count), np.zeros(count)
    for start, p0 in zip(starts, window_p0.tolist(), strict=True):
        total[start : start + width] += p0
        votes[start : start + width] += 1
    covered = np.flatnonzero(votes > 0)
    # speech too sparse for a window of its own takes the posterior of the nearest covered frame
    p0 = np.interp(np.arange(count), covered, total[covered] / votes[covered])
    labels = (p0 < 0.5).astype(np.int64)
    shortest = -(-min_segment_ms // FRAME_MS)
    found: list[SpeakerSegment] = []
    for start, end in runs(voiced):
        _absorb_short(labels, start, end, shortest)
        for s, e in _label_runs(labels[start:end]):
            speaker = int(labels[start + s])
            sure = p0[start + s : start + e] if speaker == 0 else 1 - p0[start + s : start + e]
            found.append(
                SpeakerSegment((start + s) * FRAME_MS, (start + e) * FRAME_MS, speaker, float(sure.mean()))
            )
    if found and found[0].speaker == 1:
        found = [SpeakerSegment(s.start_ms, s.end_ms, 1 - s.speaker, s.confidence) for s in found]
    return Diarization(tuple(found), duration_ms)
