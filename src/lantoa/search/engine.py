"""Running a search: ranked and paged hits, totals and facets counted by duplicate group.

One "matches" query (full-text match joined to the narrow ``search_docs``, filters applied) is
the base of the page of hits and the total. Facets count a second, unscored form of the same
match set (``_facet_rows``), materialised once per request and grouped five ways, never reading
the wide ``articles`` table. With ``groups`` (the default) a story republished by forty sites is
one hit (its best-ranked copy, carrying the count of its duplicates) and counts once in the
total and in every facet.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, func, literal, literal_column, select, union_all
from sqlalchemy.engine import Connection

from lantoa.errors import InputError
from lantoa.records import VN_TZ
from lantoa.search.query import Node, parse
from lantoa.search.ranking import top_groups
from lantoa.search.schema import search_docs, search_fts, search_keys, search_tsv
from lantoa.search.snippet import SnippetPart, highlight_keys, make_snippet, render
from lantoa.search.sql import BM25_WEIGHTS, Compiled, compile_query, fts5_match, tsv_match
from lantoa.store.api import Store
from lantoa.store.schema import articles, dup_groups

Sort = Literal["relevance", "date"]
FACET_NAMES = ("theme", "source", "level", "province", "month")
FACET_LIMIT = 50
STREAM_BATCH = 500


@dataclass(frozen=True)
class SearchHit:
    id: int
    url: str | None
    title: str
    published: datetime | None
    source: str | None
    themes: tuple[str, ...]
    score: float
    snippet: tuple[SnippetPart, ...]
    duplicates: int
    """Other articles in the same duplicate group."""
    group_id: int

    def snippet_text(self, mark: tuple[str, str] = ("[", "]")) -> str:
        return render(self.snippet, mark)


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    """Counts by value over the result set: with ``groups``, each story counts once, under the
    values of its earliest published copy (the shown one unless a later copy outscores it), so a
    facet's counts add up to the total (themes aside: an article has several)."""

    theme: tuple[FacetCount, ...] = ()
    source: tuple[FacetCount, ...] = ()
    level: tuple[FacetCount, ...] = ()
    province: tuple[FacetCount, ...] = ()
    month: tuple[FacetCount, ...] = ()
    """Chronological (``YYYY-MM``); the others are by count, largest first."""


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[SearchHit, ...]
    total: int
    """Matching duplicate groups (or articles when ``groups=False``)."""
    facets: Facets | None
    offset: int
    limit: int
    sort: Sort


def _check(sort: str, limit: int | None, offset: int) -> None:
    if sort not in ("relevance", "date"):
        raise InputError(f"sort must be 'relevance' or 'date', not {sort!r}")
    if limit is not None and not 0 <= limit <= 1000:
        raise InputError(f"limit must be between 0 and 1000, not {limit}")
    if offset < 0:
        raise InputError(f"offset must not be negative ({offset})")


def _month(dialect: str) -> Any:
    if dialect == "sqlite":
        return func.substr(search_docs.c.published_date, 1, 7)
    return func.to_char(search_docs.c.published_date, "YYYY-MM")


def _matches(c: Compiled) -> Select[Any]:
    """(id, gid, published, score) of every matching article.

    Filters, dates and groups come from the narrow ``search_docs`` (a row lookup per match that
    does not walk past an article body).
    """
    docs = search_docs
    cols: list[Any] = [docs.c.article_id.label("id"), docs.c.gid.label("gid"), docs.c.published]
    where = list(c.where)
    if c.fts is None:  # listing pages are never indexed, so only filter-only queries need this
        where.append(docs.c.page_type == "article")
        return select(*cols, literal(0.0).label("score")).select_from(docs).where(*where)
    if c.dialect == "sqlite":
        score = (-func.bm25(literal_column("search_fts"), *BM25_WEIGHTS)).label("score")
        joined = search_fts.join(docs, docs.c.article_id == search_fts.c.rowid)
        return select(*cols, score).select_from(joined).where(fts5_match(c.fts), *where)
    score = func.ts_rank(search_tsv.c.tsv, c.fts).label("score")
    joined = search_tsv.join(docs, docs.c.article_id == search_tsv.c.article_id)
    return select(*cols, score).select_from(joined).where(tsv_match(c.fts), *where)


def _order(cols: Any, sort: Sort) -> tuple[Any, ...]:
    by_date = (cols.published.desc().nulls_last(), cols.id.desc())
    return by_date if sort == "date" else (cols.score.desc(), *by_date)


def _ranked(matches: Select[Any], sort: Sort, groups: bool) -> Select[Any]:
    """The result rows in order: one per duplicate group (its best-ranked copy) when ``groups``.

    Each row carries ``total``, the number of result rows (a window count computed in the same
    pass as the ranking, so a page of hits and its total cost one full-text lookup, not two).
    """
    m = matches.subquery("m")
    total = func.count().over().label("total")
    if not groups:
        return select(m, total).order_by(*_order(m.c, sort))
    best_first = (m.c.score.desc(), m.c.published.asc().nulls_last(), m.c.id)
    rn = func.row_number().over(partition_by=m.c.gid, order_by=best_first).label("rn")
    inner = select(m, rn).subquery("r")
    return select(inner, total).where(inner.c.rn == 1).order_by(*_order(inner.c, sort))


def _hit_rows(ranked: Select[Any], sort: Sort, limit: int | None, offset: int) -> Select[Any]:
    """The page of ranked rows joined to what a hit shows (text for the snippet, group size)."""
    page = (ranked.limit(limit).offset(offset) if limit is not None else ranked).subquery("p")
    joined = page.join(articles, articles.c.id == page.c.id).outerjoin(
        dup_groups, dup_groups.c.id == page.c.gid
    )
    return (
        select(
            page.c.id,
            page.c.gid,
            page.c.score,
            page.c.published,
            page.c.total,
            articles.c.url,
            articles.c.title,
            articles.c.source,
            articles.c.lead,
            articles.c.body,
            dup_groups.c.size,
        )
        .select_from(joined)
        .order_by(*_order(page.c, sort))
    )


def _themes(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = conn.execute(
            select(search_keys.c.article_id, search_keys.c.key)
            .where(search_keys.c.kind == "theme", search_keys.c.article_id.in_(list(ids)))
            .order_by(search_keys.c.key)
        )
        for article_id, slug in rows:
            out[int(article_id)].append(slug)
    return {k: tuple(v) for k, v in out.items()}


def _hits(conn: Connection, rows: Sequence[Any], keys: frozenset[str]) -> list[SearchHit]:
    themes = _themes(conn, [int(r.id) for r in rows])
    hits = []
    for r in rows:
        text = "\n".join(p for p in (r.lead, r.body) if p) or r.title
        snippet = make_snippet(text, keys)
        if keys and not any(part.hit for part in snippet):  # the words are only in the headline
            snippet = make_snippet(f"{r.title}\n{text}", keys)
        hits.append(
            SearchHit(
                id=int(r.id),
                url=r.url,
                title=r.title,
                published=r.published.astimezone(VN_TZ) if r.published else None,
                source=r.source,
                themes=themes.get(int(r.id), ()),
                score=round(float(r.score or 0.0), 6),
                snippet=snippet,
                duplicates=int(r.size) - 1 if r.size else 0,
                group_id=int(r.gid),
            )
        )
    return hits


def _facet_rows(c: Compiled, groups: bool) -> Select[Any]:
    """The rows facets count: every match, or with ``groups`` one copy per duplicate group.

    No score is computed (no ``bm25``/``ts_rank``: ranking every match was most of a faceted
    search's time) and only narrow tables are read. A group counts under the values of its
    earliest published copy (NULL last, then lowest id): the copy a hit shows whenever scores
    tie (every filter-only query, every ``sort=date`` page of equal scores), and one fixed
    copy otherwise, so each story still counts once and facets add up to the total.
    """
    docs = search_docs
    cols = (
        docs.c.article_id.label("id"),
        docs.c.gid,
        docs.c.published,
        docs.c.source,
        docs.c.level,
        docs.c.province,
        _month(c.dialect).label("month"),
    )
    where = list(c.where)
    base: Any = docs
    if c.fts is None:
        where.append(docs.c.page_type == "article")
    elif c.dialect == "sqlite":
        base = search_fts.join(docs, docs.c.article_id == search_fts.c.rowid)
        where.append(fts5_match(c.fts))
    else:
        base = search_tsv.join(docs, docs.c.article_id == search_tsv.c.article_id)
        where.append(tsv_match(c.fts))
    if not groups:
        return select(*cols).select_from(base).where(*where)
    # The per-group numbering sorts every match: it carries only (id, gid, published), and the
    # facet columns are read for the chosen copies afterwards (SQLite 100k: 175 -> 114 ms).
    first = (docs.c.published.asc().nulls_last(), docs.c.article_id)
    rn = func.row_number().over(partition_by=docs.c.gid, order_by=first).label("rn")
    numbered = select(docs.c.article_id.label("id"), rn).select_from(base).where(*where).subquery("g")
    chosen = select(numbered.c.id).where(numbered.c.rn == 1).subquery("chosen")
    return select(*cols).select_from(docs.join(chosen, chosen.c.id == docs.c.article_id))


def _facets(conn: Connection, c: Compiled, groups: bool) -> Facets:
    """Five GROUP BY counts over one materialised set of counted rows (see ``_facet_rows``)."""
    m = _facet_rows(c, groups).cte("m")
    if c.dialect == "postgresql":
        m = m.prefix_with("MATERIALIZED")
    n = func.count().label("n")
    parts = [
        select(literal(name).label("facet"), m.c[name].label("value"), n)
        .where(m.c[name].is_not(None))
        .group_by(m.c[name])
        for name in ("source", "level", "province", "month")
    ]
    theme = (
        select(literal("theme").label("facet"), search_keys.c.key.label("value"), n)
        .select_from(m.join(search_keys, search_keys.c.article_id == m.c.id))
        .where(search_keys.c.kind == "theme")
        .group_by(search_keys.c.key)
    )
    found: dict[str, list[FacetCount]] = {name: [] for name in FACET_NAMES}
    for facet, value, count_ in conn.execute(union_all(*parts, theme)):
        found[facet].append(FacetCount(str(value), int(count_)))
    for name, counts in found.items():
        if name == "month":
            counts.sort(key=lambda f: f.value)
        else:
            counts.sort(key=lambda f: (-f.count, f.value))
            del counts[FACET_LIMIT:]
    return Facets(**{name: tuple(v) for name, v in found.items()})


@contextmanager
def _connect(store: Store, compiled: Compiled) -> Iterator[Connection]:
    """A read connection; on PostgreSQL, full-text queries go through the GIN index.

    The planner sees only the small heap of ``search_tsv`` (the tsvectors live in TOAST) and,
    with its poor estimates for phrase and OR queries, prefers a sequential scan that detoasts
    every tsvector: 2 s instead of 0.1 s at 100k articles. Sequential scans are therefore
    switched off for the statements of one full-text search (``SET LOCAL``: this transaction).
    Plain index scans too: without them the planner walked ``search_tsv``'s primary key and
    filtered (detoasting) every row instead of asking GIN (``COUNT`` of ``dang`` at 100k: 0.9 s ->
    0.19 s), and JIT compilation (25 ms a statement) never pays back on these short queries.
    """
    with store.engine.connect() as conn:
        if compiled.fts is not None and compiled.dialect == "postgresql":
            for setting in ("enable_seqscan = off", "enable_indexscan = off", "jit = off"):
                conn.exec_driver_sql(f"SET LOCAL {setting}")
        yield conn


def _prepare(store: Store, query: str | Node) -> tuple[Node, Compiled]:
    node = parse(query) if isinstance(query, str) else query
    return node, compile_query(node, store.engine.dialect.name)


def search(
    store: Store,
    query: str,
    *,
    sort: Sort = "relevance",
    limit: int = 20,
    offset: int = 0,
    facets: bool = True,
    groups: bool = True,
) -> SearchResult:
    """Search stored articles; raise ``QuerySyntaxError`` for a malformed query.

    ``groups`` collapses duplicate groups into one hit and counts groups in the total and facets.
    """
    _check(sort, limit, offset)
    node, compiled = _prepare(store, query)
    matches = _matches(compiled)
    ranked = _ranked(matches, sort, groups)
    rows: Sequence[Any]
    with _connect(store, compiled) as conn:
        if compiled.fts is not None and sort == "relevance" and groups:
            rows, total = top_groups(conn, matches, limit, offset)
        else:
            rows = conn.execute(_hit_rows(ranked, sort, limit, offset)).all() if limit else []
            total = int(rows[0].total) if rows else _count(conn, matches, groups)
        hits = _hits(conn, rows, highlight_keys(node))
        facet_counts = _facets(conn, compiled, groups) if facets else None
    return SearchResult(query, tuple(hits), total, facet_counts, offset, limit, sort)


def iter_search(
    store: Store, query: str, sort: Sort = "relevance", *, groups: bool = True
) -> Iterator[SearchHit]:
    """Every match, in order, streamed in batches with no cap (for CSV and JSONL exports)."""
    _check(sort, None, 0)
    node, compiled = _prepare(store, query)
    ranked = _ranked(_matches(compiled), sort, groups)
    keys = highlight_keys(node)
    with _connect(store, compiled) as conn:
        result = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(
            _hit_rows(ranked, sort, None, 0)
        )
        with store.engine.connect() as side:
            for batch in result.partitions(STREAM_BATCH):
                yield from _hits(side, batch, keys)


def _count(conn: Connection, matches: Select[Any], groups: bool) -> int:
    m = matches.subquery("m")
    what = func.count(func.distinct(m.c.gid)) if groups else func.count()
    return int(conn.execute(select(what).select_from(m)).scalar_one())


def count(store: Store, query: str, *, groups: bool = True) -> int:
    """Number of matching groups (or articles): for dashboards and alerts."""
    _, compiled = _prepare(store, query)
    with _connect(store, compiled) as conn:
        return _count(conn, _matches(compiled), groups)
