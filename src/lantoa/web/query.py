"""The web app's one door to ``lantoa.search``: pages of hits, full streams and alert matching.

Filters chosen in the page (facet links, dashboard drill-downs) are written into the query
language (``theme:iuu level:province``) rather than passed aside, so that what the officer sees
in the search box is exactly what ran, and a saved alert carries its filters with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select

import lantoa.search as search_api
from lantoa.search import SearchHit
from lantoa.search.engine import _matches, _prepare
from lantoa.store.api import ArticleFilter, Store, StoredArticle

EXPORT_BATCH = 500
FILTER_FIELDS = ("theme", "level", "source", "province")


class Sort(StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"


@dataclass(frozen=True)
class ResultPage:
    total: int
    """Matching duplicate groups (a story republished by many sites counts once)."""
    hits: tuple[SearchHit, ...]
    facets: dict[str, tuple[tuple[str, int], ...]]
    total_exact: bool = True
    """False when the query has more matches than the search window (``total`` is then "at least")."""
    window: int = 0


@dataclass(frozen=True)
class Match:
    """A matching article, as little as alerts need."""

    id: int
    group_id: int
    published: datetime | None


def _quoted(value: str) -> str:
    value = value.replace('"', " ").strip()
    return f'"{value}"' if any(c.isspace() for c in value) or ":" in value else value


def build_query(q: str, filters: ArticleFilter | None = None) -> str:
    """The query text with the structured filters appended as field terms."""
    parts = [q.strip()] if q.strip() else []
    if filters is not None:
        for name in FILTER_FIELDS:
            value = getattr(filters, name)
            if value:
                parts.append(f"{name}:{_quoted(str(value))}")
        if filters.since or filters.until:
            start = filters.since.isoformat() if filters.since else ""
            end = filters.until.isoformat() if filters.until else ""
            parts.append(f"date:{start}..{end}")
        if filters.relevant is not None:
            parts.append(f"relevant:{'yes' if filters.relevant else 'no'}")
    return " ".join(parts)


FACET_CACHE_S = 60.0
_facet_cache: dict[tuple[str, str], tuple[float, dict[str, tuple[tuple[str, int], ...]]]] = {}
_facet_lock = threading.Lock()


def search_page(
    store: Store,
    query: str,
    sort: Sort = Sort.RELEVANCE,
    page: int = 1,
    per_page: int = 20,
    window: int = search_api.DEFAULT_WINDOW,
) -> ResultPage:
    """One page of hits (one per duplicate group), the total and the facet counts.

    Facets cost as much as the hits and do not depend on the page or the sort: they are kept a
    minute per query, so paging through results or re-sorting them does not recount them.
    """
    page = max(page, 1)
    key = (store.url, query)
    with _facet_lock:
        cached = _facet_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] >= FACET_CACHE_S:
        cached = None
    offset = (page - 1) * per_page
    result = search_api.search(
        store, query, sort=sort.value, limit=per_page, offset=offset, facets=cached is None, window=window
    )
    if cached is not None:
        return ResultPage(result.total, result.hits, cached[1], result.total_exact, result.window)
    facets: dict[str, tuple[tuple[str, int], ...]] = {}
    if result.facets is not None:
        for name in ("theme", "level", "source", "province"):
            facets[name] = tuple((f.value, f.count) for f in getattr(result.facets, name))[:15]
    with _facet_lock:
        if len(_facet_cache) > 1000:
            _facet_cache.clear()
        _facet_cache[key] = (time.monotonic(), facets)
    return ResultPage(result.total, result.hits, facets, result.total_exact, result.window)


def iter_results(store: Store, query: str, sort: Sort = Sort.DATE) -> Iterator[StoredArticle]:
    """Every matching article, copies included (no cap), as full records, in result order."""
    batch: list[int] = []
    for hit in search_api.iter_search(store, query, sort.value, groups=False):
        batch.append(hit.id)
        if len(batch) >= EXPORT_BATCH:
            yield from _load(store, batch)
            batch = []
    if batch:
        yield from _load(store, batch)


def _load(store: Store, ids: list[int]) -> Iterator[StoredArticle]:
    found = {a.id: a for a in store.iter_articles(ArticleFilter(ids=tuple(ids), include_listings=True))}
    return (found[i] for i in ids if i in found)


def matches(store: Store, query: str, *, after_id: int = 0, since: date | None = None) -> list[Match]:
    """Matching articles with id > ``after_id`` (and published on/after ``since``), by id.

    Runs the search's match statement without ranking or snippets: alerts poll often and only
    need ids, groups and dates.
    """
    _, compiled = _prepare(store, query)
    m = _matches(compiled).subquery("m")
    stmt = select(m.c.id, m.c.gid, m.c.published).where(m.c.id > after_id).order_by(m.c.id)
    if since is not None:
        stmt = stmt.where(m.c.published >= datetime(since.year, since.month, since.day))
    with store.engine.connect() as conn:
        return [Match(int(r.id), int(r.gid), r.published) for r in conn.execute(stmt)]


def newest_match_id(store: Store, query: str) -> int:
    return max((m.id for m in matches(store, query)), default=0)
