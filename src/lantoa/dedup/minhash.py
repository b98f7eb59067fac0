"""MinHash signatures over word shingles, LSH band keys and candidate verification.

Own numpy implementation (rather than datasketch) because the hashes must be stable across
processes and machines (the band keys live in the database) and because computing all
permutations with one vectorised multiply-shift is about ten times faster than datasketch's
per-shingle updates, which matters for a million articles.

Parameters (chosen on the benchmark in benchmarks/dedup/): shingles of 5 syllables, 96
permutations in 32 bands of 3 rows, so a pair of Jaccard similarity 0.5 becomes a candidate with
probability 0.986, 0.4 with 0.88 and 0.7 with certainty, while unrelated texts (J around 0.01)
almost never share a band. Candidates are then verified on their exact shingle sets: Jaccard
>= 0.5, or the smaller text contained in the larger at >= 0.7 (a trimmed republication with a
new headline, lead or byline), which keeps precision high.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lantoa.dedup.normalize import words

SHINGLE = 5
NUM_PERM = 96
BANDS = 32
ROWS = NUM_PERM // BANDS
MIN_JACCARD = 0.5
MIN_CONTAINMENT = 0.7
MIN_SHINGLES_FOR_CONTAINMENT = 20
"""Below this many shingles, containment is too weak evidence: only Jaccard counts."""

_MASK32 = np.uint64(0xFFFFFFFF)
_rng = np.random.default_rng(20261123)
_A = (_rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
_B = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
_MULT = np.uint64(0x9E3779B97F4A7C15)

Shingles = npt.NDArray[np.uint64]
Signature = npt.NDArray[np.uint32]


_TOKEN_HASHES: dict[str, int] = {}
_TOKEN_CACHE_MAX = 2_000_000


def _token_hashes(tokens: list[str]) -> list[int]:
    """Stable 64-bit hashes of words (blake2b), cached: Vietnamese has a few thousand syllables."""
    cache = _TOKEN_HASHES
    try:
        return list(map(cache.__getitem__, tokens))
    except KeyError:
        if len(cache) > _TOKEN_CACHE_MAX:
            cache.clear()
        for t in tokens:
            if t not in cache:
                cache[t] = int.from_bytes(
                    hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little"
                )
        return list(map(cache.__getitem__, tokens))


def shingles(text: str) -> Shingles:
    """Sorted unique 64-bit hashes of the 5-syllable shingles of the normalised text.

    A text shorter than one shingle gives one shingle of all its tokens (empty text: none).
    """
    return shingles_of(words(text))


def shingles_of(tokens: list[str]) -> Shingles:
    """``shingles`` of already normalised words."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.array(_token_hashes(tokens), dtype=np.uint64)
    if len(tokens) < SHINGLE:
        combined = np.zeros(1, dtype=np.uint64)
        for h in hashes:
            combined = combined * _MULT + h
        return combined
    n = len(tokens) - SHINGLE + 1
    combined = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE):
            combined = combined * _MULT + hashes[j : j + n]
    combined.sort()
    keep = np.empty(n, dtype=bool)
    keep[0] = True
    np.not_equal(combined[1:], combined[:-1], out=keep[1:])
    return combined[keep]


def signature(sh: Shingles) -> Signature:
    """MinHash signature: for each permutation, the minimum of the top 32 bits of a*x+b.

    Shifting is monotonic, so the minimum is taken first and shifted once (same values, a third
    less work than shifting every product), and the products are mixed in place.
    """
    if sh.size == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    with np.errstate(over="ignore"):
        mixed = np.multiply(sh[:, None], _A[None, :])
        mixed += _B
    return (mixed.min(axis=0) >> np.uint64(32)).astype(np.uint32)


_BAND_HASHERS = tuple(hashlib.blake2b(digest_size=8, salt=bytes([b]) * 8) for b in range(BANDS))
"""One salted blake2b per band, copied for each signature (cheaper than building it anew)."""


def band_keys(sig: Signature) -> list[int]:
    """One signed 64-bit key per band (band number mixed in, so bands never collide)."""
    raw = sig.astype("<u4").tobytes()
    step = ROWS * 4
    keys = []
    for b, hasher in enumerate(_BAND_HASHERS):
        h = hasher.copy()
        h.update(raw[b * step : (b + 1) * step])
        keys.append(int.from_bytes(h.digest(), "little", signed=True))
    return keys


def estimate_jaccard(a: Signature, b: Signature) -> float:
    return float(np.count_nonzero(a == b)) / NUM_PERM


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float
    """Share of the smaller text's shingles found in the larger one."""
    smaller: int

    @property
    def duplicate(self) -> bool:
        """The verification rule: near-identical, or one text a trimmed copy of the other."""
        if self.jaccard >= MIN_JACCARD:
            return True
        return self.smaller >= MIN_SHINGLES_FOR_CONTAINMENT and self.containment >= MIN_CONTAINMENT


def compare(a: Shingles, b: Shingles) -> Similarity:
    """Exact Jaccard and containment of two shingle sets (sorted unique arrays)."""
    if a.size == 0 or b.size == 0:
        return Similarity(0.0, 0.0, 0)
    inter = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - inter
    smaller = min(a.size, b.size)
    return Similarity(inter / union, inter / smaller, smaller)


def signature_bytes(sig: Signature) -> bytes:
    return sig.astype("<u4").tobytes()


def signature_from_bytes(raw: bytes) -> Signature:
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)


MIN_ESTIMATE = 0.2
"""Candidates whose signature agrees on fewer permutations than this are not verified."""
MAX_VERIFIED = 5
"""Candidates verified on their text, best signature estimate first."""


def pick_best(
    sh: Shingles,
    sig: Signature,
    candidates: Iterable[tuple[int, Signature]],
    load_shingles: Callable[[list[int]], dict[int, Shingles]],
) -> int | None:
    """The verified near-duplicate among LSH candidates: highest exact Jaccard, ties lowest id.

    Shared by the database index and the in-memory index so that both decide alike.
    """
    estimates = sorted(
        ((estimate_jaccard(sig, other), cid) for cid, other in candidates), key=lambda p: (-p[0], p[1])
    )
    shortlist = [cid for est, cid in estimates if est >= MIN_ESTIMATE][:MAX_VERIFIED]
    if not shortlist:
        return None
    best: tuple[float, int] | None = None
    for cid, other_sh in sorted(load_shingles(shortlist).items()):
        sim = compare(sh, other_sh)
        if sim.duplicate and (best is None or sim.jaccard > best[0]):
            best = (sim.jaccard, cid)
    return best[1] if best else None
