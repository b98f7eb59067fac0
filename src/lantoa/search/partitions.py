"""PostgreSQL: ``search_tsv`` holds one partition per quarter of publication (Vietnam time).

Why: a search page is built from its result window, the newest ``search_window`` matches
(``lantoa.search.ranking``). Over one table, GIN hands back every match of a common word, and
every one of their heap rows is read and sorted to keep the newest: at 100k articles,
``văn hóa`` (49k matches) spends 15 ms in GIN and 19 ms on those rows, and both grow with the
archive. Cut by date, a search reads the newest partitions first (``slices``) and stops once
its window is full, so what it reads follows the window, not the archive; a date range reads
only its partitions. ``ts_rank`` uses no collection statistics, so unlike per-year FTS5 tables
(tried on SQLite, see docs/search.md) cutting the index changes no score.

Why quarters (step 15; months before it): a query with few matches reads every partition, and
each costs planning and a GIN scan of its own (at a million articles over nine years, 6-9 ms of
planning and about 0.3 ms a month); a common word, on the other hand, reads the newest
partition whole when a month would have filled its window. In one process over the benchmark's
mix, quarters won at 100k and at 1M (benchmarks/RESULTS.md, search run 15).

A partition is made when its first article is indexed (``ensure``): created as a plain table,
then attached, which locks ``search_tsv`` only against other schema changes (SHARE UPDATE
EXCLUSIVE), not against searches or inserts; an advisory lock keeps two writers from making the
same one. The partitions' key ranges are read from the catalogue and never cached: one made by
another process is searched at once, and partitions of any width are read alike (a month made
before step 15 by an older writer, say).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.engine import Connection

from lantoa.records import VN_TZ

KEY_SHIFT = 30  # lantoa.search.index.KEY_SHIFT (that module imports this one)
SECONDS_END = 2**32
"""One past the last second a sort key holds (``index.MAX_SECOND``)."""
PARENT = "search_tsv"
MONTHS_PER_PARTITION = 3
"""A new partition spans a quarter (January to March, ...): see the module's docstring."""
_BOUNDS = re.compile(r"FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)")
_CREATE_LOCK = 0x6C616E746F61  # pg_advisory_xact_lock key: "lantoa"

Month = tuple[int, int]
"""(year, month) in Vietnam time."""
Span = tuple[int, int]
"""The sort keys ``[low, high)`` of a partition."""


def month_of(key: int) -> Month:
    """The month (Vietnam time) of the publication second in a sort key."""
    day = datetime.fromtimestamp(key >> KEY_SHIFT, VN_TZ)
    return day.year, day.month


def _start_second(month: Month) -> int:
    year, m = month
    return int(datetime(year, m, 1, tzinfo=VN_TZ).timestamp())


def _months_after(month: Month, count: int) -> Month:
    year, m = divmod(month[0] * 12 + month[1] - 1 + count, 12)
    return year, m + 1


@lru_cache(maxsize=4096)
def key_bounds(month: Month) -> Span:
    """Sort keys ``[low, high)`` of a month; the first and last months a key can fall in reach
    the ends of the key space (undated articles are keyed at second 0, 1970-01-01 07:00)."""
    low = min(max(_start_second(month), 0), SECONDS_END)
    high = min(max(_start_second(_months_after(month, 1)), 0), SECONDS_END)
    return low << KEY_SHIFT, high << KEY_SHIFT


def span_of(key: int, made: Iterable[Span] = (), months: int = MONTHS_PER_PARTITION) -> Span:
    """The span of the partition a key needs: its quarter (or its run of ``months`` from
    January), cut short where it would overlap a partition already ``made`` (month partitions
    made before step 15, say) that does not hold the key."""
    year, month = month_of(key)
    first = (year, (month - 1) // months * months + 1)
    low = key_bounds(first)[0]
    high = key_bounds(_months_after(first, months - 1))[1]
    for start, end in made:
        if start <= key < end:
            raise ValueError(f"sort key {key} already has its partition, {partition_name((start, end))}")
        if end <= key:
            low = max(low, end)
        else:
            high = min(high, start)
    return low, high


def partition_name(span: Span) -> str:
    """Named after the month a partition begins in (``search_tsv_p202404``): partitions never
    overlap, so no two begin in the same month."""
    year, month = month_of(span[0])
    return f"{PARENT}_p{year:04d}{month:02d}"


def spans(conn: Connection) -> list[Span]:
    """The spans of the partitions made, newest first."""
    return [span for span, _ in span_sizes(conn)]


def is_partitioned(conn: Connection) -> bool:
    query = "SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(:parent)"
    return bool(conn.execute(text(query), {"parent": PARENT}).scalar())


def _held(key: int, made: list[Span]) -> bool:
    return any(start <= key < end for start, end in made)


def ensure(conn: Connection, keys: Iterable[int]) -> list[Span]:
    """Make the partitions the given sort keys need; return the spans made, oldest first."""
    made = spans(conn)
    needed = {k for k in keys if not _held(k, made)}
    if not needed:
        return []
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CREATE_LOCK})
    made = spans(conn)  # another writer may have made some meanwhile
    new: list[Span] = []
    for key in sorted(needed):
        if _held(key, made):
            continue
        span = span_of(key, made)
        name = partition_name(span)
        conn.execute(text(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING ALL)"))
        conn.execute(
            text(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM ({span[0]}) TO ({span[1]})")
        )
        made.append(span)
        new.append(span)
    return new


def regroup(conn: Connection) -> list[Span]:
    """Make each quarter held by several partitions (months made before step 15) one partition;
    return the quarters made, oldest first.

    A quarter's rows are copied into a new table, which attaching indexes (one GIN build, not a
    row-by-row insert into the index), and its old partitions are dropped. Dropping them locks
    ``search_tsv`` against reads until the transaction ends: this runs as a migration."""
    by_quarter: dict[Span, list[Span]] = {}
    for span in spans(conn):
        by_quarter.setdefault(span_of(span[0]), []).append(span)
    made = []
    for (low, high), parts in sorted(by_quarter.items()):
        if parts == [(low, high)]:
            continue
        new = f"{PARENT}_regrouped"
        conn.execute(text(f"CREATE TABLE {new} (LIKE {PARENT} INCLUDING ALL EXCLUDING INDEXES)"))
        copy = (
            f"INSERT INTO {new} (article_id, tsv, sort_key) SELECT article_id, tsv, sort_key "  # noqa: S608 - our names
            f"FROM {PARENT} WHERE sort_key >= :low AND sort_key < :high"
        )
        conn.execute(text(copy), {"low": low, "high": high})
        for part in parts:
            conn.execute(text(f"DROP TABLE {partition_name(part)}"))
        name = partition_name((low, high))
        conn.execute(text(f"ALTER TABLE {new} RENAME TO {name}"))
        conn.execute(
            text(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({high})")
        )
        conn.execute(text(f"ANALYZE {name}"))
        made.append((low, high))
    return made


def span_sizes(conn: Connection) -> list[tuple[Span, float]]:
    """The spans of the partitions made, newest first, with their estimated number of articles
    (the planner's ``reltuples``, kept by autovacuum's ANALYZE; a partition not yet analysed
    counts as the mean of the others, or 1 when none is). Read from the catalogue, never
    cached: a partition another process made is searched at once."""
    rows = conn.execute(
        text(
            "SELECT pg_get_expr(c.relpartbound, c.oid), c.reltuples "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(:parent)"
        ),
        {"parent": PARENT},
    ).all()
    found = [((int(m[1]), int(m[2])), float(n)) for m, n in ((_BOUNDS.search(b), n) for b, n in rows) if m]
    known = [n for _, n in found if n >= 0]
    unknown = sum(known) / len(known) if known else 1.0
    return sorted(((span, n if n >= 0 else unknown) for span, n in found), reverse=True)


MARGIN = 1.1
"""Partitions are read for this many times the matches the rate seen so far predicts: reading
too few costs one more statement (a few milliseconds), too many a check of every extra match."""


def slices(
    newest_first: list[tuple[Span, float]],
    key_range: tuple[int | None, int | None],
    want: int,
    found: Callable[[], int],
) -> Iterator[tuple[int | None, int | None]]:
    """Key ranges that cover ``key_range`` newest first, each as large as the matches still
    wanted need at the rate of matches per article seen so far (``found()``: matches of the
    ranges yielded so far; ``newest_first``: ``span_sizes``).

    The newest partition is read alone: a common word fills its window there. After it, the
    next range holds the articles that ``want`` needs at the rate seen, ``MARGIN`` more, or all
    the rest when that is more than is left (and when nothing was found yet). A common word is
    answered in one or two statements whatever the size of the archive, a rare one in two (one
    per doubling run of months took up to seven for nine years, each a plan and a round trip).
    However the ranges are cut, a partition is read whole: a word with most of its matches in
    one old month (an event) reads all of them when it gets there.
    """
    low, high = key_range
    parts = [
        (start, size)
        for (start, end), size in newest_first
        if (high is None or start < high) and (low is None or end > low)
    ]
    if not parts:
        yield low, high
        return
    top, taken, read = high, 0, 0.0
    while taken < len(parts):
        stop = taken + 1
        took = parts[taken][1]
        if taken:
            got = found()
            goal = (want - got) * read / got * MARGIN if got else float("inf")
            while stop < len(parts) and took < goal:
                took += parts[stop][1]
                stop += 1
        bottom = parts[stop - 1][0] if stop < len(parts) else low
        if low is not None and bottom is not None and bottom < low:
            bottom = low
        yield bottom, top
        read += took
        top, taken = bottom, stop


__all__ = [
    "ensure",
    "is_partitioned",
    "key_bounds",
    "month_of",
    "partition_name",
    "regroup",
    "slices",
    "span_of",
    "span_sizes",
    "spans",
]
