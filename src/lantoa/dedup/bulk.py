"""Re-grouping a whole collection in one pass, deciding exactly like one-by-one ingest.

``lantoa.dedup.index`` places one article at a time against what is already stored;
``MemoryIndex`` does the same in memory but keeps every shingle set and a Python dict of band
buckets, about 8 GB for a million articles. This module computes the same decisions with
bounded memory, for ``lantoa duplicates --rebuild``:

1. ``fingerprint_texts`` (pure, run in worker processes): shingles, signature and band keys of a
   batch of stored texts, as flat numpy arrays that pickle cheaply.
2. ``ShingleSpill``: shingle sets go to a temporary file and are read back (``os.pread``) only
   for the few candidates that are verified, so they never sit in memory.
3. ``Bands``: every indexed article's band keys sorted once (stable, so article order is kept
   inside a bucket); the articles stored *before* article i in a bucket are then a slice just in
   front of i's own entry, which replaces the bucket dict and the ``dedup_buckets`` query.
4. ``group_all``: articles in id order (the order ingest stored them), exact copies by text hash
   first, then the same candidate ranking (``MAX_CANDIDATES``) and verification (``pick_best``)
   as the store. Finding an article's match does not depend on earlier decisions, so matches
   are found in forked worker processes; only the group assignment runs in order.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lantoa.dedup.index import MAX_CANDIDATES
from lantoa.dedup.minhash import BANDS, NUM_PERM, Shingles, band_keys, pick_best, shingles_of, signature
from lantoa.dedup.normalize import dedup_text, words
from lantoa.records import Article

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FingerprintBatch:
    """Fingerprints of consecutive stored articles (row k of each array is text k)."""

    signatures: npt.NDArray[np.uint32]
    """(n, NUM_PERM)."""
    keys: Ints
    """(n, BANDS) signed 64-bit band keys."""
    lengths: Ints
    """Number of shingles of each text."""
    shingles: npt.NDArray[np.uint64]
    """All shingle sets, concatenated in text order."""


def stored_article(title: str, lead: str, body: str) -> Article:
    """The article as the store's index re-reads it (``lantoa.dedup.index._stored_text``)."""
    return Article(url=None, title=title, lead=lead, paragraphs=tuple(body.split("\n")) if body else ())


def fingerprint_texts(texts: Sequence[tuple[str, str, str]]) -> FingerprintBatch:
    """Fingerprints of (title, lead, body) texts; pure, so it can run in a process pool."""
    n = len(texts)
    sigs = np.empty((n, NUM_PERM), dtype=np.uint32)
    keys = np.empty((n, BANDS), dtype=np.int64)
    lengths = np.empty(n, dtype=np.int64)
    parts: list[Shingles] = []
    for k, (title, lead, body) in enumerate(texts):
        sh = shingles_of(words(dedup_text(stored_article(title, lead, body))))
        sig = signature(sh)
        sigs[k] = sig
        keys[k] = band_keys(sig)
        lengths[k] = sh.size
        parts.append(sh)
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    return FingerprintBatch(sigs, keys, lengths, flat)


class ShingleSpill:
    """Shingle sets on disk, in article order; only verified candidates are read back."""

    def __init__(self, directory: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="lantoa-shingles-", dir=directory)
        self._offsets: list[Ints] = []
        self._end = 0
        self.starts: Ints = np.zeros(0, dtype=np.int64)
        self.lengths: Ints = np.zeros(0, dtype=np.int64)

    def append(self, batch: FingerprintBatch) -> None:
        self._file.write(batch.shingles.astype("<u8").tobytes())
        starts = self._end + np.concatenate(([0], np.cumsum(batch.lengths)[:-1])).astype(np.int64)
        self._offsets.append(np.stack([starts, batch.lengths]))
        self._end += int(batch.lengths.sum())

    def seal(self) -> None:
        """Finish writing; ``get`` works from here on."""
        self._file.flush()
        both = np.concatenate(self._offsets, axis=1) if self._offsets else np.zeros((2, 0), np.int64)
        self.starts, self.lengths = both[0].copy(), both[1].copy()
        self._offsets = []

    @property
    def bytes_written(self) -> int:
        return self._end * 8

    def get(self, doc: int) -> Shingles:
        start, length = int(self.starts[doc]), int(self.lengths[doc])
        raw = os.pread(self._file.fileno(), length * 8, start * 8)
        return np.frombuffer(raw, dtype="<u8").astype(np.uint64)

    def close(self) -> None:
        self._file.close()


class Bands:
    """For each indexed article, the earlier indexed articles sharing each of its band keys."""

    def __init__(self, keys: Ints, indexed: npt.NDArray[np.bool_]) -> None:
        docs = np.flatnonzero(indexed).astype(np.int32)
        flat_keys = keys[docs].ravel()
        flat_docs = np.repeat(docs, keys.shape[1])
        order = np.argsort(flat_keys, kind="stable")  # stable: docs stay ascending in a bucket
        sorted_keys = flat_keys[order]
        self.docs = flat_docs[order]
        del flat_keys, flat_docs, order
        n = sorted_keys.size
        new_run = np.ones(n, dtype=bool)
        new_run[1:] = sorted_keys[1:] != sorted_keys[:-1]
        # a key repeated within one article (a hash collision) counts once, as in the table
        repeat = np.zeros(n, dtype=bool)
        repeat[1:] = ~new_run[1:] & (self.docs[1:] == self.docs[:-1])
        del sorted_keys
        run_ids = np.cumsum(new_run) - 1
        self.run_start = np.flatnonzero(new_run).astype(np.int32)[run_ids]
        del run_ids
        positions = np.arange(n, dtype=np.int64)
        useful = (positions > self.run_start) & ~repeat
        pos = positions[useful]
        by_doc = np.argsort(self.docs[pos], kind="stable")
        self.positions = pos[by_doc]
        counts = np.bincount(self.docs[self.positions], minlength=keys.shape[0])
        self.indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def earlier(self, doc: int) -> list[tuple[int, int]]:
        """Up to ``MAX_CANDIDATES`` (earlier doc, shared bands): most bands first, ties lowest."""
        lo, hi = int(self.indptr[doc]), int(self.indptr[doc + 1])
        if lo == hi:
            return []
        found = np.concatenate([self.docs[self.run_start[p] : p] for p in self.positions[lo:hi].tolist()])
        uniq, shared = np.unique(found, return_counts=True)
        order = np.lexsort((uniq, -shared))[:MAX_CANDIDATES]
        return list(zip(uniq[order].tolist(), shared[order].tolist(), strict=True))


@dataclass(frozen=True)
class _Matcher:
    """What finding one article's match reads: nothing that earlier decisions change."""

    bands: Bands
    signatures: npt.NDArray[np.uint32]
    spill: ShingleSpill

    def match(self, doc: int) -> int | None:
        top = self.bands.earlier(doc)
        if not top:
            return None
        return pick_best(
            self.spill.get(doc),
            self.signatures[doc],
            [(c, self.signatures[c]) for c, _ in top],
            lambda docs: {d: self.spill.get(d) for d in docs},
        )


PARALLEL_MIN = 10_000
"""Fewer articles to match than this: match in this process (starting workers costs more)."""

_FORKED: _Matcher | None = None
"""The matcher worker processes inherit (fork): the arrays are shared, never pickled."""


def _match_chunk(docs: list[int]) -> list[tuple[int, int]]:
    assert _FORKED is not None
    return [(d, m) for d in docs if (m := _FORKED.match(d)) is not None]


def _matches(matcher: _Matcher, docs: list[int], workers: int) -> dict[int, int]:
    """Best verified earlier near-duplicate of each indexed article (those that have one).

    A match depends only on the article's fingerprint and on its candidates' (the earlier
    articles sharing a band), never on the groups decided so far, so articles are matched in
    parallel and only the cheap group assignment runs in order.
    """
    if workers <= 1 or len(docs) < PARALLEL_MIN:
        return {d: m for d in docs if (m := matcher.match(d)) is not None}
    global _FORKED
    _FORKED = matcher
    chunks = [docs[k : k + 5000] for k in range(0, len(docs), 5000)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return {d: m for part in pool.map(_match_chunk, chunks) for d, m in part}
    finally:
        _FORKED = None


def group_all(
    ids: Ints,
    is_article: npt.NDArray[np.bool_],
    first_same_text: Ints,
    signatures: npt.NDArray[np.uint32],
    keys: Ints,
    spill: ShingleSpill,
    workers: int = 1,
) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """Group id of every article, and which articles enter the LSH index (signature row).

    Arrays are in id order; ``first_same_text[i]`` is the position of the first article (any
    page type) with the same text hash. As at ingest: a page that is not an article founds its
    own group; an article whose text is already stored joins that article's group and is not
    indexed; any other article is indexed and joins its best verified near-duplicate, if any.
    """
    n = ids.size
    positions = np.arange(n)
    near = is_article & (first_same_text == positions)
    indexed = near & (spill.lengths > 0)
    matcher = _Matcher(Bands(keys, indexed), signatures, spill)
    with_candidates = np.flatnonzero(np.diff(matcher.bands.indptr) > 0).tolist()
    matched = _matches(matcher, with_candidates, workers)
    group = ids.tolist()
    first = first_same_text.tolist()
    near_list = near.tolist()
    for i in np.flatnonzero(is_article).tolist():
        if not near_list[i]:
            group[i] = group[first[i]]
        elif i in matched:
            group[i] = group[matched[i]]
    return np.asarray(group, dtype=np.int64), near
