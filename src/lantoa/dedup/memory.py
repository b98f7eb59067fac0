"""An in-memory duplicate index that decides exactly like the database one.

Used for batch work where a database round trip per article would dominate: benchmarks,
re-grouping a whole collection, and checking a corpus before import. Same normalisation,
shingles, MinHash bands and verification (``lantoa.dedup.minhash.pick_best``) as
``lantoa.dedup.index``; fingerprints can be computed in worker processes (``fingerprint``) and
fed to ``add`` in order, since only ``add`` depends on what came before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lantoa.dedup.minhash import Shingles, Signature, band_keys, pick_best, shingles, shingles_of, signature
from lantoa.dedup.normalize import dedup_text, hash_words, words
from lantoa.records import Article


@dataclass(frozen=True)
class Fingerprint:
    exact: str
    """Hash of the normalised full text (``lantoa.dedup.normalize.text_hash``)."""
    shingles: Shingles
    signature: Signature
    keys: tuple[int, ...]


def fingerprint(exact: str, text: str) -> Fingerprint:
    """Everything ``add`` needs about one text (pure: safe to compute in a process pool)."""
    sh = shingles(text)
    sig = signature(sh)
    return Fingerprint(exact, sh, sig, tuple(band_keys(sig)))


def fingerprint_article(article: Article) -> Fingerprint:
    """``fingerprint(text_hash(article), dedup_text(article))``, normalising the text once."""
    tokens = words(dedup_text(article))
    sh = shingles_of(tokens)
    sig = signature(sh)
    return Fingerprint(hash_words(tokens), sh, sig, tuple(band_keys(sig)))


class MemoryIndex:
    """Incremental grouping: ``add`` returns the group id of each document as it arrives."""

    MAX_CANDIDATES = 30

    def __init__(self) -> None:
        self.buckets: dict[int, list[int]] = defaultdict(list)
        self.exact: dict[str, int] = {}
        self.signatures: dict[int, Signature] = {}
        self.shingles: dict[int, Shingles] = {}
        self.group: dict[int, int] = {}

    def add(self, doc_id: int, fp: Fingerprint) -> int:
        matched = self.exact.get(fp.exact)
        if matched is None:
            matched = self._near(doc_id, fp)
            self.exact.setdefault(fp.exact, doc_id)
        group = self.group[matched] if matched is not None else doc_id
        self.group[doc_id] = group
        return group

    def _near(self, doc_id: int, fp: Fingerprint) -> int | None:
        self.signatures[doc_id] = fp.signature
        self.shingles[doc_id] = fp.shingles
        if fp.shingles.size == 0:
            return None
        shared: dict[int, int] = defaultdict(int)
        for key in fp.keys:
            for other in self.buckets[key]:
                shared[other] += 1
        for key in set(fp.keys):
            self.buckets[key].append(doc_id)
        if not shared:
            return None
        top = sorted(shared.items(), key=lambda p: (-p[1], p[0]))[: self.MAX_CANDIDATES]
        candidates = [(cid, self.signatures[cid]) for cid, _ in top]
        return pick_best(
            fp.shingles, fp.signature, candidates, lambda ids: {i: self.shingles[i] for i in ids}
        )
