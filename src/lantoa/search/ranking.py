"""Top-k retrieval for relevance-ranked, group-collapsed pages (the common search).

Why not one window query: ranking every match, numbering the copies of every duplicate group
(``row_number() OVER (PARTITION BY gid)``) and counting them in the same statement sorts all
matches, and joins each to its group and size, however many are shown. Here the engine returns
only the best-scored ``window`` matches (``ORDER BY score LIMIT``: a bounded heap), groups are
collapsed in Python, and the window grows only when it does not yet hold enough whole groups.

Exactness: with a full window whose last (lowest) score is ``s``, every match scoring above
``s`` is in it, so every group whose best copy scores above ``s`` is complete enough to know its
best copy; those groups are exactly the first groups of the full ranking. Ties at ``s`` are left
out until a larger window (or the whole set) settles them. The page therefore equals the window
query's page; the total is a separate ``COUNT(DISTINCT gid)`` (no ranking, no sort) unless the
window already held every match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection

from lantoa.store.schema import articles, dup_groups

FIRST_WINDOW = 200
"""Matches fetched first; a page of 20 groups almost always fits (few groups have 10 copies)."""
WINDOW_PER_HIT = 4
GROWTH = 8
MAX_WINDOW = 1_000_000
"""Past this, the window is every match."""


@dataclass(frozen=True)
class _Candidate:
    id: int
    gid: int
    published: datetime | None
    score: float


@dataclass(frozen=True)
class PageRow:
    """What ``engine._hits`` reads of a hit (the same names as the window query's rows)."""

    id: int
    gid: int
    score: float
    published: datetime | None
    url: str | None
    title: str
    source: str | None
    lead: str
    body: str
    size: int | None


def _ts(value: datetime | None) -> float:
    return value.timestamp() if value is not None else 0.0


def _best_in_group(c: _Candidate) -> tuple[float, bool, float, int]:
    """The group's shown copy: best score, then earliest published (NULL last), then lowest id."""
    return (-c.score, c.published is None, _ts(c.published), c.id)


def _group_order(c: _Candidate) -> tuple[float, bool, float, int]:
    """Groups by their shown copy: best score, then newest published (NULL last), then highest id."""
    return (-c.score, c.published is None, -_ts(c.published), -c.id)


def _collapse(cands: Sequence[_Candidate]) -> list[_Candidate]:
    best: dict[int, _Candidate] = {}
    for c in cands:
        seen = best.get(c.gid)
        if seen is None or _best_in_group(c) < _best_in_group(seen):
            best[c.gid] = c
    return sorted(best.values(), key=_group_order)


def _window(conn: Connection, matches: Select[Any], size: int | None) -> list[_Candidate]:
    m = matches.subquery("m")
    q = select(m.c.id, m.c.gid, m.c.published, m.c.score).order_by(m.c.score.desc())
    if size is not None:
        q = q.limit(size)
    return [_Candidate(int(r.id), int(r.gid), r.published, float(r.score or 0.0)) for r in conn.execute(q)]


def _count_groups(conn: Connection, matches: Select[Any]) -> int:
    m = matches.subquery("m")
    return int(conn.execute(select(func.count(func.distinct(m.c.gid))).select_from(m)).scalar_one())


def _page(conn: Connection, shown: Sequence[_Candidate]) -> list[PageRow]:
    """Only the shown hits read the wide article row (text for the snippet) and group size."""
    if not shown:
        return []
    joined = articles.outerjoin(
        dup_groups, dup_groups.c.id == func.coalesce(articles.c.group_id, articles.c.id)
    )
    q = (
        select(
            articles.c.id,
            articles.c.url,
            articles.c.title,
            articles.c.source,
            articles.c.lead,
            articles.c.body,
            dup_groups.c.size,
        )
        .select_from(joined)
        .where(articles.c.id.in_([c.id for c in shown]))
    )
    found = {int(r.id): r for r in conn.execute(q)}
    out = []
    for c in shown:
        r = found[c.id]
        out.append(
            PageRow(c.id, c.gid, c.score, c.published, r.url, r.title, r.source, r.lead, r.body, r.size)
        )
    return out


def top_groups(conn: Connection, matches: Select[Any], limit: int, offset: int) -> tuple[list[PageRow], int]:
    """The page ``[offset, offset + limit)`` of groups by relevance, and the number of groups.

    ``matches`` is ``engine._matches``: (id, gid, published, score) of every matching article.
    """
    want = offset + limit
    size: int | None = max(FIRST_WINDOW, want * WINDOW_PER_HIT)
    while True:
        cands = _window(conn, matches, None if size is None else size + 1)
        complete = size is None or len(cands) <= size
        if not complete:
            cutoff = cands[-1].score
            cands = [c for c in cands if c.score > cutoff]
        groups = _collapse(cands)
        if complete or len(groups) >= want:
            break
        assert size is not None  # a window of every match is always complete
        size = size * GROWTH if size * GROWTH < MAX_WINDOW else None
    total = len(groups) if complete else _count_groups(conn, matches)
    return _page(conn, groups[offset:want] if limit else []), total


__all__ = ["PageRow", "top_groups"]
