"""SQLite's relevance score: each article's syllable counts, and the SQL function that scores them.

Why not FTS5's ``bm25``: it counts, once per query, the documents holding each of the query's
terms, walking their whole posting lists. At a million articles a common syllable costs about
80 ms that way whatever the window, and a rare filter or an old date range paid it in full on
every search (benchmarks/RESULTS.md, search runs 6 and 10; the recent tier of steps 7-11 bounded
it for the newest matches only). Here a window row is scored from its own counts, read by
primary key: a cost per row of the window, never per article of the archive.

The score is BM25 without its collection statistics, as PostgreSQL's ``ts_rank`` (which reads
``search_rank``) has none: the counts of the query's syllables in the article, an exact spelling
worth ``EXACT_WEIGHT`` times its folding, each count saturated (``K1``: a word's tenth mention adds
little) and weighed against the article's length (``B``, against ``AVERAGE_LENGTH`` instead of
the collection's own average), with no IDF. A query typed with diacritics therefore ranks
``Đảng`` above ``đang``; one typed without ranks on foldings only; phrases and codes rank by their
syllables; filter keys and words under a NOT do not rank.

Counts are stored as ``terms`` (``search_terms``, migration ``search`` step 12), little-endian: the
article's length in syllables (4 bytes), the sorted CRC-32 of each distinct form (``=`` + exact
syllable, ``~`` + folding), then one count byte per form (capped at 255). About 2 KB for an
article of 450 syllables. Two forms of one article sharing a CRC (one chance in ten million for a
query's form) only merges two counts.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from lantoa.search.text import fold_tokens

EXACT_WEIGHT = 10.0
"""An exact spelling against its folding (PostgreSQL's ``ts_rank`` weighs A against D the same)."""
FOLDED_WEIGHT = 1.0
K1 = 1.2
B = 0.75
AVERAGE_LENGTH = 450
"""BM25's term-frequency saturation and length normalisation: a count ``tf`` in an article of
``dl`` syllables scores ``tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / AVERAGE_LENGTH))``, the
usual constants. The average is fixed, the length of a VNTC news article (441 syllables on
2,000 of the benchmark's): a collection's own average would be one more statistic to keep."""
FUNCTION = "lantoa_rank"
"""Name of ``score`` as a SQL function on every SQLite connection (``lantoa.search.schema``
registers it with the store)."""
EXACT, FOLDED = "=", "~"
"""Prefixes of a form in ``terms`` and in a query's ranking spec (tokens are letters and digits)."""

_LITTLE = sys.byteorder == "little"
if array("I").itemsize != 4:  # pragma: no cover - C's unsigned int is 32 bits wherever Python runs
    raise ImportError("lantoa.search.relevance needs 32-bit unsigned ints (array type 'I')")


def _crc(form: str) -> int:
    return zlib.crc32(form.encode())


def terms(exact: list[str], folded: list[str] | None = None) -> bytes:
    """The stored counts of an article's syllables (exact tokens, ``lantoa.search.text.tokens``;
    ``folded``: their ``fold_tokens``, when the caller has them already)."""
    twin_of = dict(zip(exact, fold_tokens(exact) if folded is None else folded, strict=True))
    counts: Counter[int] = Counter()
    for tok, n in Counter(exact).items():
        counts[_crc(EXACT + tok)] += n
        counts[_crc(FOLDED + twin_of[tok])] += n
    forms = sorted(counts)
    hashes = array("I", [min(len(exact), 2**32 - 1), *forms])
    if not _LITTLE:  # pragma: no cover - big-endian machines
        hashes.byteswap()
    return hashes.tobytes() + bytes(min(counts[f], 255) for f in forms)


def spec(forms: Iterable[tuple[str, bool]]) -> str | None:
    """A query's ranking spec: its forms (token, exact) in one string, the function's argument
    (None when there is nothing to rank)."""
    parts = sorted({(EXACT if exact else FOLDED) + tok for tok, exact in forms})
    return " ".join(parts) or None


@lru_cache(maxsize=256)
def _parsed(ranking: str) -> tuple[tuple[int, float], ...]:
    """(CRC, weight) of each form of a spec: parsed once per query, not once per row."""
    return tuple(
        (_crc(form), EXACT_WEIGHT if form[0] == EXACT else FOLDED_WEIGHT) for form in ranking.split(" ")
    )


def score(stored: bytes | None, ranking: str | None) -> float:
    """Relevance of an article (its ``terms``) to a query (its ``spec``); 0 without either (or
    with a row too short to hold a length).

    A binary search per form of the query in the article's sorted CRCs: a few microseconds a
    window row (benchmarks/RESULTS.md, search run 12).
    """
    if not stored or not ranking or len(stored) < 4:
        return 0.0
    n = (len(stored) - 4) // 5
    if _LITTLE:
        words: Any = memoryview(stored)[: 4 * (n + 1)].cast("I")
    else:  # pragma: no cover - big-endian machines
        words = array("I", stored[: 4 * (n + 1)])
        words.byteswap()
    norm = K1 * (1 - B + B * words[0] / AVERAGE_LENGTH)
    counts = 4 * (n + 1) - 1  # stored[counts + i] is the count of words[i]
    total = 0.0
    for crc, weight in _parsed(ranking):
        i = bisect_left(words, crc, 1)
        if i <= n and words[i] == crc:
            tf = stored[counts + i]
            total += weight * tf * (K1 + 1) / (tf + norm)
    return total


__all__ = ["AVERAGE_LENGTH", "B", "EXACT_WEIGHT", "FOLDED_WEIGHT", "FUNCTION", "K1", "score", "spec", "terms"]
