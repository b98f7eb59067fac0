"""Running a search: a page of hits, the total and facets, counted by duplicate group.

A page is cut from the result window (``lantoa.search.ranking``): the newest ``window`` matches
(full-text match joined to the narrow ``search_docs``, filters applied), read in the index's
date order and scored, then collapsed into duplicate groups in Python. Totals and facets count
the same window: exact whenever the query has no more matches than the window, a lower bound
(``total_exact`` false) otherwise. Exports (``iter_search``) and ``count`` read every match.
With ``groups`` (the default) a story republished by forty sites is one hit (its best-ranked
copy, carrying the count of its duplicates) and counts once in the total and in every facet.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Float, Select, func, literal, select
from sqlalchemy.engine import Connection

from lantoa.errors import InputError
from lantoa.records import VN_TZ
from lantoa.search import partitions, ranking
from lantoa.search.index import fts_article_id
from lantoa.search.query import Node, parse
from lantoa.search.ranking import DEFAULT_WINDOW, SHOWN_COLUMNS, Candidate
from lantoa.search.relevance import FUNCTION
from lantoa.search.schema import (
    search_docs,
    search_fts,
    search_rank,
    search_terms,
    search_tsv,
)
from lantoa.search.snippet import SnippetPart, highlight_keys, make_snippet, render
from lantoa.search.sql import Compiled, compile_query, fts5_match, phrase_check, tsv_match
from lantoa.store.api import Store
from lantoa.store.schema import articles, dup_groups

Sort = Literal["relevance", "date"]
FACET_NAMES = ("theme", "source", "level", "province", "month")
FACET_LIMIT = 50
STREAM_BATCH = 500
PG_SEARCH_SETTINGS = (
    "enable_seqscan = off",
    "enable_indexscan = off",
    "jit = off",
    "plan_cache_mode = force_custom_plan",
)
"""PostgreSQL settings for the statements of a full-text search (why: ``_connect``)."""
PG_WINDOW_SETTINGS = (*PG_SEARCH_SETTINGS, "max_parallel_workers_per_gather = 0")
"""And for a search page's (``search``), whose statements read a window: no parallel workers."""
PG_LOOKUP_SETTINGS = (
    *(s for s in PG_WINDOW_SETTINGS if s != "enable_indexscan = off"),
    "enable_hashjoin = off",
    "enable_mergejoin = off",
)
"""A search page's settings when nothing is checked on ``search_docs`` (``window_settings``)."""


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
    """Matching duplicate groups (or articles when ``groups=False``); with ``total_exact``
    false, those among the newest ``window`` matches: the query has more."""
    facets: Facets | None
    offset: int
    limit: int
    sort: Sort
    total_exact: bool = True
    window: int = DEFAULT_WINDOW
    """Matches ranked, counted and faceted at most (pages end there)."""


def _check(sort: str, limit: int | None, offset: int) -> None:
    if sort not in ("relevance", "date"):
        raise InputError(f"sort must be 'relevance' or 'date', not {sort!r}")
    if limit is not None and not 0 <= limit <= 1000:
        raise InputError(f"limit must be between 0 and 1000, not {limit}")
    if offset < 0:
        raise InputError(f"offset must not be negative ({offset})")


def _fts_join(c: Compiled) -> tuple[Any, list[Any], Any]:
    """(FROM clause, match and key-range conditions, index key column) of a full-text query."""
    docs = search_docs
    if c.dialect == "sqlite":
        joined = search_fts.join(docs, docs.c.article_id == fts_article_id())
        where = [fts5_match(str(c.fts))]
        key = search_fts.c.rowid
    else:
        joined = search_tsv.join(docs, docs.c.article_id == search_tsv.c.article_id)
        where = [tsv_match(c.fts)]
        key = search_tsv.c.sort_key
        if c.phrases:  # as a window checks them (_phrase_window): every path agrees on a phrase
            joined = joined.join(search_rank, search_rank.c.article_id == search_tsv.c.article_id)
            where = [tsv_match(c.loose), *phrase_check(search_rank.c.seq, c.phrases)]
    return joined, where + _in_range(key, c.key_range), key


def _in_range(key: Any, key_range: tuple[int | None, int | None]) -> list[Any]:
    low, high = key_range
    return ([key >= low] if low is not None else []) + ([key < high] if high is not None else [])


def _matches(c: Compiled) -> Select[Any]:
    """(id, gid, published, score) of every matching article (exports, counts, alerts).

    Filters, dates and groups come from the narrow ``search_docs`` (a row lookup per match that
    does not walk past an article body).
    """
    docs = search_docs
    cols: list[Any] = [docs.c.article_id.label("id"), docs.c.gid.label("gid"), docs.c.published]
    where = list(c.where)
    if c.fts is None:  # listing pages are never indexed, so only filter-only queries need this
        where.append(docs.c.page_type == "article")
        return select(*cols, literal(0.0).label("score")).select_from(docs).where(*where)
    joined, fts_where, _ = _fts_join(c)
    if c.dialect != "sqlite" and c.rank is not None and not c.phrases:
        joined = joined.outerjoin(search_rank, search_rank.c.article_id == search_tsv.c.article_id)
    return select(*cols, _score(c, search_rank.c.tsv)).select_from(joined).where(*fts_where, *where)


def _score(c: Compiled, tsv: Any) -> Any:
    """Relevance of a full-text match (``tsv``: PostgreSQL's ranking vector, ``search_rank.tsv``).

    SQLite scores the syllable counts of the row's article (``lantoa.search.relevance``), read
    by a subquery that runs for the rows returned only: a window's, not every match walked.
    """
    if c.rank is None:
        return literal(0.0).label("score")
    if c.dialect == "sqlite":
        t = search_terms.c
        counts = select(t.terms).where(t.fts_rowid == search_fts.c.rowid).scalar_subquery()
        rank = getattr(func, FUNCTION)  # 0.0 for an article without counts
        return rank(counts, literal(c.rank), type_=Float).label("score")
    return func.ts_rank(tsv, c.rank).label("score")


def _window(conn: Connection, c: Compiled, size: int) -> tuple[list[Candidate], bool]:
    """The result window (``ranking.window``): PostgreSQL reads it partition by partition."""
    if c.fts is not None and c.dialect == "postgresql":
        return _partitioned_window(conn, c, size)
    return ranking.window(conn, _window_query(c, size), size)


def _partitioned_window(conn: Connection, c: Compiled, size: int) -> tuple[list[Candidate], bool]:
    """PostgreSQL: the result window read from the partitions newest first, as many per
    statement as the matches still wanted need (``partitions.slices``), until it is full."""
    found: list[Candidate] = []
    spans = partitions.span_sizes(conn)
    for key_range in partitions.slices(spans, c.key_range, size + 1, lambda: len(found)):
        want = size - len(found)
        cands, complete = ranking.window(conn, _window_query(replace(c, key_range=key_range), want), want)
        found.extend(cands)
        if not complete:
            return found, False
    return found, True


def _window_query(c: Compiled, size: int) -> Select[Any]:
    """The newest ``size + 1`` matches: (id, gid, key, score), or published for ``key`` when the
    query has no full-text part (see ``lantoa.search.ranking``).

    SQLite walks the FTS5 index backwards by rowid (= sort key) and stops: the rows returned
    only are scored (``_score``). PostgreSQL finds the matches through GIN, keeps the newest by
    ``sort_key`` without reading a tsvector, then ranks only those (``search_tsv`` and
    ``search_docs`` hold the same articles, so without filters the join waits for the limit;
    a ranked window then takes each row's group from ``search_rank``, which it reads anyway).
    """
    docs = search_docs
    ids = (docs.c.article_id.label("id"), docs.c.gid.label("gid"))
    if c.fts is None:
        by_date = (docs.c.published.desc().nulls_last(), docs.c.article_id.desc())
        return _matches(c).order_by(*by_date).limit(size + 1)
    joined, fts_where, key = _fts_join(c)
    if c.dialect == "sqlite":
        return (
            select(*ids, key.label("key"), _score(c, None))
            .select_from(joined)
            .where(*fts_where, *c.where)
            .order_by(key.desc())
            .limit(size + 1)
        )
    ranked: Any = search_rank.c.tsv
    if c.where:  # filters on search_docs: joined before the limit
        newest = (
            select(*ids, key.label("key"))
            .select_from(joined)
            .where(*fts_where, *c.where)
            .order_by(key.desc())
            .limit(size + 1)
            .subquery("w")
        )
        gid: Any = newest.c.gid
        window: Any = newest
    else:
        # Nothing to check in search_docs: the group of the window's rows only (one lookup for
        # each of them, not for each match: 25 ms for a common word's 9,600 matches at 100k).
        if c.loose is None:
            newest = (
                select(search_tsv.c.article_id.label("id"), key.label("key"))
                .where(*fts_where)
                .order_by(key.desc())
                .limit(size + 1)
                .subquery("w")
            )
        else:  # a phrase checked on the newest candidates only (sql._loose_tsquery)
            newest = _phrase_window(c, size, key)
        if c.phrases:  # checked on the ranking rows, which the window carries (_phrase_window)
            ranked = newest.c.tsv
            gid, window = newest.c.gid, newest
        elif c.rank is not None:  # the ranking row carries the group: one lookup per row, not two
            gid, window = search_rank.c.gid, newest.join(search_rank, search_rank.c.article_id == newest.c.id)
        else:
            gid, window = docs.c.gid, newest.join(docs, docs.c.article_id == newest.c.id)
    if c.rank is not None and c.where:
        window = window.outerjoin(search_rank, search_rank.c.article_id == newest.c.id)
    return (
        select(newest.c.id, gid.label("gid"), newest.c.key, _score(c, ranked))
        .select_from(window)
        .order_by(newest.c.key.desc())
    )


def _phrase_window(c: Compiled, size: int, key: Any) -> Any:
    """PostgreSQL: the newest ``size + 1`` matches of a query holding a phrase of three syllables
    or more, from the candidates GIN finds for its pairs in any order (``Compiled.loose``),
    newest first, checked until enough pass.

    With ``Compiled.phrases`` the check is a byte search in each candidate's ranking row
    (``sql.phrase_check``), which also gives the window its groups and ranking vectors: one
    lookup a candidate. Otherwise the whole tsquery is checked on the candidate's matching
    vector, out of line (about 15 us a row at a million articles).
    """
    vector = () if c.phrases else (search_tsv.c.tsv,)
    cands = (
        select(search_tsv.c.article_id.label("id"), key.label("key"), *vector)
        .where(tsv_match(c.loose), *_in_range(key, c.key_range))
        .order_by(key.desc())
        .offset(0)  # keeps the check out of the scan, after the ordering
        .subquery("c")
    )
    if c.phrases:
        r = search_rank.c
        return (
            select(cands.c.id, cands.c.key, r.gid, r.tsv)
            .select_from(cands.join(search_rank, r.article_id == cands.c.id))
            .where(*phrase_check(r.seq, c.phrases))
            .order_by(cands.c.key.desc())
            .limit(size + 1)
            .subquery("w")
        )
    return (
        select(cands.c.id, cands.c.key)
        .where(cands.c.tsv.op("@@", is_comparison=True)(c.fts))
        .order_by(cands.c.key.desc())
        .limit(size + 1)
        .subquery("w")
    )


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
            *SHOWN_COLUMNS,
            dup_groups.c.size,
        )
        .select_from(joined)
        .order_by(*_order(page.c, sort))
    )


def _hits(rows: Sequence[Any], keys: frozenset[str]) -> list[SearchHit]:
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
                themes=tuple(sorted(r.themes.split())) if r.themes else (),
                score=round(float(r.score or 0.0), 6),
                snippet=snippet,
                duplicates=int(r.size) - 1 if r.size else 0,
                group_id=int(r.gid),
            )
        )
    return hits


def _facets(counts: dict[str, Any]) -> Facets:
    found: dict[str, tuple[FacetCount, ...]] = {}
    for name in FACET_NAMES:
        items = [FacetCount(str(value), int(n)) for value, n in counts[name].items()]
        if name == "month":
            items.sort(key=lambda f: f.value)
        else:
            items.sort(key=lambda f: (-f.count, f.value))
            del items[FACET_LIMIT:]
        found[name] = tuple(items)
    return Facets(**found)


@contextmanager
def _connect(
    store: Store, compiled: Compiled, settings: tuple[str, ...] = PG_SEARCH_SETTINGS
) -> Iterator[Connection]:
    """A read connection; on PostgreSQL, full-text queries go through the GIN index.

    The planner sees only the small heap of ``search_tsv`` (the tsvectors live in TOAST) and,
    with its poor estimates for phrase and OR queries, prefers a sequential scan that detoasts
    every tsvector: 2 s instead of 0.1 s at 100k articles. Sequential scans are therefore
    switched off for the statements of one full-text search (``SET LOCAL``: this transaction).
    Plain index scans too: without them the planner walked ``search_tsv``'s primary key and
    filtered (detoasting) every row instead of asking GIN (``COUNT`` of ``dang`` at 100k: 0.9 s ->
    0.19 s), and JIT compilation (25 ms a statement) never pays back on these short queries.
    Nor do parallel workers on a window's statements (``PG_WINDOW_SETTINGS``): over a few dozen
    month partitions the planner starts two, about 10 ms before the first row, for a statement
    whose own work is a few milliseconds (``thủy điện`` at 100k, one statement over 34 months:
    39 -> 30 ms under EXPLAIN ANALYZE). A search page that checks nothing on ``search_docs``
    allows index scans again, in nested loops only (``window_settings``).

    Every statement is planned for its own values (``plan_cache_mode``): psycopg prepares a
    statement run five times on a connection, and PostgreSQL may then keep one generic plan
    for every later run, but a window's best plan depends on its values (the key range prunes
    month partitions, the tsquery's selectivity sizes the scans). In one process at a million
    articles, planning every run took the mix's p95 from 90.6 to 77.2 ms (91.4 to 87.5 and 99.7
    to 88.1 in two earlier runs; benchmarks/RESULTS.md, search run 14).
    """
    with store.engine.connect() as conn:
        if _tuned(compiled):
            _set_local(conn, settings)
        yield conn


def _tuned(compiled: Compiled) -> bool:
    """Does the query run under planner settings (a PostgreSQL full-text query)?"""
    return compiled.fts is not None and compiled.dialect == "postgresql"


def _set_local(conn: Connection, settings: tuple[str, ...]) -> None:
    """Set the settings (``name = value``) for this transaction, in one round trip: one
    ``SELECT set_config(name, value, true), ...`` (0.28 ms against 0.50 for a ``SET LOCAL``
    statement each). Not ``SET LOCAL`` statements joined by ``;`` (0.16 ms): psycopg refuses
    several commands in one statement once it prepares statements (``prepare_threshold``)."""
    params = tuple(part for setting in settings for part in setting.split(" = "))
    calls = ", ".join(["set_config(%s, %s, true)"] * len(settings))
    conn.exec_driver_sql(f"SELECT {calls}", params)  # placeholders only: values are bound


def window_settings(compiled: Compiled) -> tuple[str, ...]:
    """PostgreSQL settings for the statements of a search page.

    With no condition on ``search_docs`` (most queries: words, phrases, keyed filters, dates as
    a key range), a window statement joins ``search_docs`` and ``search_rank`` only by primary
    key, on its own few thousand rows: index scans in nested loops are the plan, and cost less
    a row than the bitmap scans that ``PG_WINDOW_SETTINGS`` leaves (100k mix p50/p95 in one
    process: benchmarks/RESULTS.md, run 10). Conditions on ``search_docs`` keep index scans off:
    the planner then drove a date range from ``published_date``'s B-tree, checking a vector per
    row of the range (8x slower). Facets, which read every row of the window, go back to
    bitmap scans (``search``): in heap order they cost less than 2,000 index probes.
    """
    return PG_WINDOW_SETTINGS if compiled.where else PG_LOOKUP_SETTINGS


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
    window: int = DEFAULT_WINDOW,
) -> SearchResult:
    """Search stored articles; raise ``QuerySyntaxError`` for a malformed query.

    ``groups`` collapses duplicate groups into one hit and counts groups in the total and facets.
    ``window``: matches ranked, counted and faceted at most, newest first (``ranking``).
    """
    _check(sort, limit, offset)
    if window < 1:
        raise InputError(f"window must be positive, not {window}")
    node, compiled = _prepare(store, query)
    cands: list[Candidate]
    settings = window_settings(compiled)
    with _connect(store, compiled, settings) as conn:
        cands, complete = _window(conn, compiled, window)
        ordered = ranking.order(cands, sort, groups)
        shown = ordered[offset : offset + limit] if limit else []
        hits = _hits(ranking.page(conn, shown), highlight_keys(node))
        facet_counts = None
        if facets:
            if _tuned(compiled) and settings is PG_LOOKUP_SETTINGS:  # facets read all the window: bitmaps
                _set_local(conn, PG_WINDOW_SETTINGS)
            facet_counts = _facets(ranking.facet_counts(conn, cands, groups))
    return SearchResult(query, tuple(hits), len(ordered), facet_counts, offset, limit, sort, complete, window)


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
        for batch in result.partitions(STREAM_BATCH):
            yield from _hits(batch, keys)


def _count(conn: Connection, matches: Select[Any], groups: bool) -> int:
    m = matches.subquery("m")
    what = func.count(func.distinct(m.c.gid)) if groups else func.count()
    return int(conn.execute(select(what).select_from(m)).scalar_one())


def count(store: Store, query: str, *, groups: bool = True) -> int:
    """Number of matching groups (or articles): for dashboards and alerts."""
    _, compiled = _prepare(store, query)
    with _connect(store, compiled) as conn:
        return _count(conn, _matches(compiled), groups)
