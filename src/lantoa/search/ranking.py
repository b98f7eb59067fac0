"""A page of results from the result window: the newest matches, scored, collapsed into groups.

Why a window: at a million articles a common word matches most of them, and scoring, counting or
faceting every match costs seconds, however small the page. The full-text index is kept in date
order (``lantoa.search.index.sort_key``), so the newest ``window`` matches, filters applied, are
the first steps of one index walk, and only they are scored (``lantoa.search.relevance`` on
SQLite, ``ts_rank`` on PostgreSQL).

- A query with no more matches than the window is exact: the same page, total and facets as
  ranking every match (``tests/search/test_ranking.py`` checks this against the full ranking).
- A query with more ranks, counts and facets its newest ``window`` matches: the total is then a
  lower bound (``total_exact`` is false: "more than N"), and pages end with the window. Exports
  (``iter_search``) and ``count`` still read every match.

Elasticsearch makes the same trade by default (``track_total_hits`` counts exactly up to 10,000,
``max_result_window`` ends deep paging); the difference here is which matches are kept: the
newest, the ones an officer watching the news asks for first.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any, Literal, NamedTuple

from sqlalchemy import BigInteger, Select, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from lantoa.search.index import KEY_SHIFT, sort_key
from lantoa.search.schema import search_docs, search_keys
from lantoa.store.schema import articles, dup_groups

DEFAULT_WINDOW = 2000
"""Matches scored per query unless the caller says otherwise (setting ``search_window``). A window
row costs about 10 microseconds (walk, score, group lookup), so 2,000 keeps a broad query near
20-30 ms at any collection size (benchmarks/RESULTS.md)."""

Sort = Literal["relevance", "date"]


class Candidate(NamedTuple):
    """One match of a window. A tuple, not a frozen dataclass: a window makes 2,000 of them per
    query, and a tuple is made four times faster."""

    id: int
    gid: int
    key: int
    """``lantoa.search.index.sort_key``: publication second (0 when undated), then id."""
    score: float

    @property
    def undated(self) -> bool:
        return self.key >> KEY_SHIFT == 0


THEMES = (
    select(func.aggregate_strings(search_keys.c.key, " "))
    .where(search_keys.c.kind == "theme", search_keys.c.article_id == articles.c.id)
    .scalar_subquery()
    .label("themes")
)
"""A hit's theme slugs, space-separated in no set order (``string_agg`` / ``group_concat``): read
with its row rather than by a statement of their own (a round trip, 1.3 ms a page at 100k)."""

SHOWN_COLUMNS = (
    articles.c.url,
    articles.c.title,
    articles.c.source,
    articles.c.lead,
    articles.c.body,
    THEMES,
)
"""What a hit shows from the wide article row (``engine._hits``): read for the shown page only."""


@dataclass(frozen=True)
class PageRow:
    """What ``engine._hits`` reads of a hit (the same names as the full query's rows)."""

    id: int
    gid: int
    score: float
    published: datetime | None
    url: str | None
    title: str
    source: str | None
    lead: str
    body: str
    themes: str | None
    """``THEMES``."""
    size: int | None


_UNDATED_LAST = 1 << 64
"""Added to an undated key (second 0) to put it after every dated one (``_earliest_first``)."""


def _earliest_first(c: Candidate) -> int:
    """Earliest published first (undated last), then lowest id: the key's own order, undated
    keys moved past the dated ones. An int, not a tuple: a window sorts 2,000 of them."""
    return c.key + _UNDATED_LAST if c.key >> KEY_SHIFT == 0 else c.key


_KEY = attrgetter("key")
_SCORE = attrgetter("score")


def order(cands: Iterable[Candidate], sort: Sort, groups: bool) -> list[Candidate]:
    """Result rows in order: with ``groups`` one per duplicate group (its best-scored copy:
    best score, then earliest published, NULL last, then lowest id).

    Newest first (undated keys are the smallest: last), then by score for relevance, a stable
    sort keeping the newest first among equal scores. Two sorts on one attribute each and no
    tuple built per row: 0.4 ms for a 2,000-row window instead of 1.8 (benchmarks/RESULTS.md,
    search run 11). A group's copies are met earliest first, so a later copy replaces the
    best so far only with a higher score: copies of one story tie (the 1M benchmark's groups
    hold ten), and comparing their dates pair by pair cost 3,000 calls a window.
    """
    rows: Iterable[Candidate] = cands
    if groups:
        best: dict[int, Candidate] = {}
        for c in sorted(cands, key=_earliest_first):
            seen = best.get(c.gid)
            if seen is None or c.score > seen.score:
                best[c.gid] = c
        rows = best.values()
    ordered = sorted(rows, key=_KEY, reverse=True)
    if sort == "relevance":
        ordered.sort(key=_SCORE, reverse=True)
    return ordered


def window(conn: Connection, stmt: Select[Any], size: int) -> tuple[list[Candidate], bool]:
    """Run a window statement (``engine._window_query``: at most ``size + 1`` rows of id, gid,
    key or published, and score, newest first) and say whether it held every match.

    Only integers and floats are read per match (no date parsing): a window row costs about a
    microsecond of Python.
    """
    result = conn.execute(stmt)
    keyed = "key" in result.keys()
    fetched = result.all()  # one fetchall: iterating the result fetches row by row, 3x slower
    if keyed:
        rows = [Candidate(i, g, k, s or 0.0) for i, g, k, s in fetched]
    else:
        rows = [Candidate(i, g, sort_key(p, i), s or 0.0) for i, g, p, s in fetched]
    return rows[:size], len(rows) <= size


def page(conn: Connection, shown: Sequence[Candidate]) -> list[PageRow]:
    """Only the shown hits read the wide article row (text for the snippet) and group size."""
    if not shown:
        return []
    joined = articles.outerjoin(
        dup_groups, dup_groups.c.id == func.coalesce(articles.c.group_id, articles.c.id)
    )
    q = (
        select(articles.c.id, articles.c.published, *SHOWN_COLUMNS, dup_groups.c.size)
        .select_from(joined)
        .where(articles.c.id.in_([c.id for c in shown]))
    )
    found = {int(r.id): r for r in conn.execute(q)}
    out = []
    for c in shown:
        r = found[c.id]
        out.append(
            PageRow(
                c.id, c.gid, c.score, r.published, r.url, r.title, r.source, r.lead, r.body, r.themes, r.size
            )
        )
    return out


def _in_ids(conn: Connection, column: Any, ids: list[int]) -> ColumnElement[bool]:
    """``column IN ids`` as one bound parameter (a JSON list on SQLite, an array on PostgreSQL):
    thousands of separate parameters cost more to bind than the lookups themselves."""
    if conn.dialect.name == "sqlite":
        values: Select[Any] = select(literal_column("value")).select_from(func.json_each(json.dumps(ids)))
        return column.in_(values.scalar_subquery())
    return column == func.any(bindparam("ids", ids, type_=ARRAY(BigInteger)))


def facet_counts(conn: Connection, cands: Sequence[Candidate], groups: bool) -> dict[str, Counter[str]]:
    """Counts by theme, source, level, province and month over ``cands``.

    With ``groups`` a story counts once, under the values of its earliest published copy
    (NULL last, then lowest id), so every facet but themes adds up to the total.
    """
    counted: dict[int, Candidate] = {}
    if groups:
        for c in sorted(cands, key=_earliest_first):
            counted.setdefault(c.gid, c)
        ids = sorted(c.id for c in counted.values())
    else:
        ids = sorted(c.id for c in cands)
    out: dict[str, Counter[str]] = {
        name: Counter() for name in ("theme", "source", "level", "province", "month")
    }
    d, k = search_docs.c, search_keys.c
    month = (
        func.substr(d.published_date, 1, 7)
        if conn.dialect.name == "sqlite"
        else func.to_char(d.published_date, "YYYY-MM")
    )
    docs_rows = select(d.source, d.level, d.province, month).where(_in_ids(conn, d.article_id, ids))
    rows = conn.execute(docs_rows).all()
    for name, column in zip(("source", "level", "province", "month"), zip(*rows, strict=False), strict=False):
        out[name].update(v for v in column if v is not None)
    themes = select(k.key).where(k.kind == "theme", _in_ids(conn, k.article_id, ids))
    out["theme"].update(conn.execute(themes).scalars().all())
    return out


__all__ = [
    "DEFAULT_WINDOW",
    "SHOWN_COLUMNS",
    "Candidate",
    "PageRow",
    "facet_counts",
    "order",
    "page",
    "window",
]
