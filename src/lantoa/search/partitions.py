"""PostgreSQL: ``search_tsv`` holds one partition per month of publication (Vietnam time).

Why: a search page is built from its result window, the newest ``search_window`` matches
(``lantoa.search.ranking``). Over one table, GIN hands back every match of a common word, and
every one of their heap rows is read and sorted to keep the newest: at 100k articles,
``văn hóa`` (49k matches) spends 15 ms in GIN and 19 ms on those rows, and both grow with the
archive. Cut by month, a search reads the newest months first (``slices``) and stops once its
window is full, so what it reads follows the window, not the archive; a date range reads only
its months. ``ts_rank`` uses no collection statistics, so unlike per-year FTS5 tables (tried on
SQLite, see docs/search.md) cutting the index changes no score.

A month's partition is made when its first article is indexed (``ensure``): created as a plain
table, then attached, which locks ``search_tsv`` only against other schema changes (SHARE UPDATE
EXCLUSIVE), not against searches or inserts; an advisory lock keeps two writers from making the
same month. Partition names carry their month (``search_tsv_p202405``), so the list of months is
read from the catalogue and never cached: a month made by another process is searched at once.
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
_NAME = re.compile(rf"^{PARENT}_p(\d{{4}})(\d{{2}})$")
_CREATE_LOCK = 0x6C616E746F61  # pg_advisory_xact_lock key: "lantoa"

Month = tuple[int, int]
"""(year, month) in Vietnam time."""


def month_of(key: int) -> Month:
    """The month (Vietnam time) of the publication second in a sort key."""
    day = datetime.fromtimestamp(key >> KEY_SHIFT, VN_TZ)
    return day.year, day.month


def _start_second(month: Month) -> int:
    year, m = month
    return int(datetime(year, m, 1, tzinfo=VN_TZ).timestamp())


@lru_cache(maxsize=4096)
def key_bounds(month: Month) -> tuple[int, int]:
    """Sort keys ``[low, high)`` of a month; the first and last months a key can fall in reach
    the ends of the key space (undated articles are keyed at second 0, 1970-01-01 07:00).
    Cached: every search cuts all the months it may read (a millisecond for nine years)."""
    year, m = month
    following = (year + (m == 12), m % 12 + 1)
    low = min(max(_start_second(month), 0), SECONDS_END)
    high = min(max(_start_second(following), 0), SECONDS_END)
    return low << KEY_SHIFT, high << KEY_SHIFT


def partition_name(month: Month) -> str:
    return f"{PARENT}_p{month[0]:04d}{month[1]:02d}"


def months(conn: Connection) -> list[Month]:
    """The months that have a partition, newest first."""
    return [month for month, _ in month_sizes(conn)]


def is_partitioned(conn: Connection) -> bool:
    query = "SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(:parent)"
    return bool(conn.execute(text(query), {"parent": PARENT}).scalar())


def ensure(conn: Connection, keys: Iterable[int]) -> list[Month]:
    """Make the partitions the given sort keys need; return the months made."""
    needed = {month_of(k) for k in keys}
    if needed <= set(months(conn)):
        return []
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CREATE_LOCK})
    made = sorted(needed - set(months(conn)))  # another writer may have made some meanwhile
    for month in made:
        name = partition_name(month)
        low, high = key_bounds(month)
        conn.execute(text(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING ALL)"))
        conn.execute(
            text(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({high})")
        )
    return made


def month_sizes(conn: Connection) -> list[tuple[Month, float]]:
    """The months that have a partition, newest first, with their estimated number of articles
    (the planner's ``reltuples``, kept by autovacuum's ANALYZE; a month not yet analysed counts
    as the mean of the others, or 1 when none is)."""
    rows = conn.execute(
        text(
            "SELECT c.relname, c.reltuples FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(:parent)"
        ),
        {"parent": PARENT},
    ).all()
    found = [(m, float(n)) for m, n in ((_NAME.match(name), n) for name, n in rows) if m]
    known = [n for _, n in found if n >= 0]
    unknown = sum(known) / len(known) if known else 1.0
    sized = [((int(m[1]), int(m[2])), n if n >= 0 else unknown) for m, n in found]
    return sorted(sized, reverse=True)


MARGIN = 1.1
"""Months are read for this many times the matches the rate seen so far predicts: reading too
few costs one more statement (a few milliseconds), too many a check of every extra match
(a phrase's is a vector decompressed)."""


def slices(
    newest_first: list[tuple[Month, float]],
    key_range: tuple[int | None, int | None],
    want: int,
    found: Callable[[], int],
) -> Iterator[tuple[int | None, int | None]]:
    """Key ranges that cover ``key_range`` newest first, each as large as the matches still
    wanted need at the rate of matches per article seen so far (``found()``: matches of the
    ranges yielded so far; ``newest_first``: ``month_sizes``).

    The newest month is read alone: a common word fills its window there. After it, the next
    range holds the articles that ``want`` needs at the rate seen, ``MARGIN`` more, or all the
    rest when that is more than is left (and when nothing was found yet). A common word is
    answered in one or two statements whatever the size of the archive, a rare one in two (one
    per doubling run of months took up to seven for nine years, each a plan and a round trip).
    However the ranges are cut, a month is read whole: a word with most of its matches in one
    old month (an event) reads all of them when it gets there.
    """
    low, high = key_range
    months = [
        (start, size)
        for (start, end), size in ((key_bounds(m), size) for m, size in newest_first)
        if (high is None or start < high) and (low is None or end > low)
    ]
    if not months:
        yield low, high
        return
    top, taken, read = high, 0, 0.0
    while taken < len(months):
        stop = taken + 1
        took = months[taken][1]
        if taken:
            got = found()
            goal = (want - got) * read / got * MARGIN if got else float("inf")
            while stop < len(months) and took < goal:
                took += months[stop][1]
                stop += 1
        bottom = months[stop - 1][0] if stop < len(months) else low
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
    "month_sizes",
    "months",
    "partition_name",
    "slices",
]
