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
from collections.abc import Iterable, Iterator
from datetime import datetime

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


def key_bounds(month: Month) -> tuple[int, int]:
    """Sort keys ``[low, high)`` of a month; the first and last months a key can fall in reach
    the ends of the key space (undated articles are keyed at second 0, 1970-01-01 07:00)."""
    year, m = month
    following = (year + (m == 12), m % 12 + 1)
    low = min(max(_start_second(month), 0), SECONDS_END)
    high = min(max(_start_second(following), 0), SECONDS_END)
    return low << KEY_SHIFT, high << KEY_SHIFT


def partition_name(month: Month) -> str:
    return f"{PARENT}_p{month[0]:04d}{month[1]:02d}"


def months(conn: Connection) -> list[Month]:
    """The months that have a partition, newest first."""
    rows = conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(:parent)"
        ),
        {"parent": PARENT},
    ).scalars()
    found = [m for m in (_NAME.match(name) for name in rows) if m]
    return sorted(((int(m[1]), int(m[2])) for m in found), reverse=True)


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


def slices(
    newest_first: list[Month], key_range: tuple[int | None, int | None]
) -> Iterator[tuple[int | None, int | None]]:
    """Key ranges that cover ``key_range`` newest first, over 1, 2, 4, 8... months each.

    A common word fills its window from the first month or two; a rare one reaches the oldest
    month in a few statements (seven for nine years), each planned over its own months only.
    """
    low, high = key_range
    bounds = map(key_bounds, newest_first)
    cuts = [start for start, end in bounds if (high is None or start < high) and (low is None or end > low)]
    top = high
    taken = 0
    step = 1
    while taken < len(cuts):
        taken = min(taken + step, len(cuts))
        bottom = cuts[taken - 1] if taken < len(cuts) else low
        if low is not None and bottom is not None and bottom < low:
            bottom = low
        yield bottom, top
        top = bottom
        step *= 2
    if not cuts:
        yield low, high


__all__ = ["ensure", "is_partitioned", "key_bounds", "month_of", "months", "partition_name", "slices"]
