"""VNTC's own near-duplicates, found independently of Lantoa, to clean the duplicate test set.

VNTC's truth only knows exact copies (same normalised text), yet the corpus holds real
republications (one agency story in two papers, edited). Any detector that finds them is
counted wrong by a strict score. This module finds them with a method that shares nothing with
Lantoa's detector but the word normalisation:

- representation: 3-syllable shingles (Lantoa: 5), hashed with Python's blake2b to 64 bits;
- candidates: datasketch ``MinHashLSH(threshold=0.1, num_perm=128)`` (64 bands of 2 rows, its
  own hash family), one entry per distinct normalised text;
- rule, on exact shingle sets of every candidate pair: **near-duplicates when Jaccard >= 0.2 or
  the smaller text (at least 10 shingles) lies >= 50 % inside the larger** — well below
  Lantoa's own rule (Jaccard >= 0.5 or containment >= 0.7 on 5-syllable shingles, which are
  stricter than 3-syllable ones), so whatever Lantoa could call a copy is caught here.

The cleaned test set leaves out every VNTC article with such a near-duplicate (its exact
copies too); what remains has a sound truth: same text = same group, nothing else alike.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from lantoa.dedup.normalize import words
from lantoa.records import Article

SHINGLE = 3
THRESHOLD = 0.1
NUM_PERM = 128
MIN_JACCARD = 0.2
MIN_CONTAINMENT = 0.5
MIN_SHINGLES = 10


def shingles3(article: Article) -> npt.NDArray[np.uint64]:
    toks = words(article.full_text)
    grams = {" ".join(toks[i : i + SHINGLE]) for i in range(max(1, len(toks) - SHINGLE + 1))}
    hashed = [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams]
    return np.unique(np.array(hashed, dtype=np.uint64))


def similar(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> bool:
    if a.size == 0 or b.size == 0:
        return False
    inter = np.intersect1d(a, b, assume_unique=True).size
    smaller = min(a.size, b.size)
    if inter / (a.size + b.size - inter) >= MIN_JACCARD:
        return True
    return smaller >= MIN_SHINGLES and inter / smaller >= MIN_CONTAINMENT


def near_duplicates(arts: Sequence[Article], exact: Sequence[str]) -> tuple[set[int], dict[str, float]]:
    """Positions of articles with a near-duplicate of different text, and counts for the report.

    ``exact[i]`` is article i's normalised-text hash; exact copies count as one text and are
    left out together.
    """
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    first: dict[str, int] = {}
    for i, h in enumerate(exact):
        first.setdefault(h, i)
    reps = sorted(set(first.values()))
    sh = {i: shingles3(arts[i]) for i in reps}
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    sketches = {}
    for i in reps:
        m = MinHash(num_perm=NUM_PERM, seed=7)
        m.update_batch([int(x).to_bytes(8, "little") for x in sh[i]])
        sketches[i] = m
        lsh.insert(i, m)
    candidates = 0
    flagged: set[int] = set()
    for i in reps:
        for j in lsh.query(sketches[i]):
            if j <= i:
                continue
            candidates += 1
            if similar(sh[i], sh[j]):
                flagged.update((i, j))
    dropped = {k for k, h in enumerate(exact) if first[h] in flagged}
    stats = {
        "texts": len(reps),
        "candidate_pairs": candidates,
        "flagged_texts": len(flagged),
        "dropped_articles": len(dropped),
        "seconds": time.perf_counter() - t0,
    }
    return dropped, stats
