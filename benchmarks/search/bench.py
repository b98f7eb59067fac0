"""Search benchmark: indexing throughput, index size and query latency, per backend.

    nice .venv/bin/python benchmarks/search/bench.py --n 100000 --backend sqlite postgresql

For each backend: a fresh database is migrated with the real schema; the corpus of
``corpus.py`` is bulk-loaded into the store's ``articles`` table (the store's own
``article_row`` serialisation, duplicate groups from the generator), then indexed with
``lantoa.search.index.index_many`` (the code ``index_article`` runs), timed separately
(``--workers N``: rows and full-text entries, ``index.text_entry``, are made in N worker
processes, the index written is the same; PostgreSQL's GIN index is built once after the load,
its time counted in the index time). Then the fixed mix of 200 queries of ``queries.py`` runs
through ``lantoa.search.search`` (20 hits with total, then again with facets), after a warm-up of
20 queries, and p50/p95/p99 are printed with how many queries had more matches than the search
window (``search_window``; ``--window N`` measures another size).

The 1M run: ``.venv/bin/python benchmarks/search/bench.py --n 1000000 --backend sqlite --keep
--load-only --workers 2 --dir /work/bench``, ``lantoa db optimize --db
/work/bench/lantoa_bench_1000000.db``, then ``--queries-only --no-baseline``.

Side by side, the same run measures the off-the-shelf setup most projects start from (an FTS5
table with ``unicode61 remove_diacritics 2``, on SQLite) on the unaccented queries of the mix:
how many matches it finds compared with Lantoa's index (it does not fold đ), and its latency.

PostgreSQL: ``--pg postgresql://postgres@127.0.0.1:5432`` (a database ``lantoa_bench_<n>`` is
created and dropped unless ``--keep``). SQLite files go to ``--dir`` (default /tmp).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import BenchArticle, _originals, generate
from queries import CLASSES, query_mix
from sqlalchemy import insert, text

from lantoa.records import VN_TZ, Analysis, Article, EnrichedArticle, ThemeHit
from lantoa.search import search
from lantoa.search.index import TextEntry, document_tokens, index_many, text_entry
from lantoa.search.ranking import DEFAULT_WINDOW
from lantoa.store.api import Store, open_store
from lantoa.store.schema import article_themes, articles, dup_groups
from lantoa.store.serialize import article_row
from lantoa.web.app import freeze_startup_objects

BATCH = 1000
RELEVANT = {"doi-ngoai", "bien-dao"}


def enriched(a: BenchArticle) -> EnrichedArticle:
    published = datetime.combine(a.published, dtime(8, 0), tzinfo=VN_TZ)
    article = Article(
        url=f"https://bench.example/{a.index}",
        title=a.title,
        source=a.source.name,
        published=published,
        lead=a.lead,
        paragraphs=tuple(a.body.split("\n")),
    )
    analysis = Analysis(
        themes=tuple(ThemeHit(t, 1.0) for t in a.themes),
        relevant=bool(RELEVANT & set(a.themes)),
        province=a.province,
    )
    return EnrichedArticle(article, analysis)


_originals_cache: list[tuple[str, str, str]] = []


def _init_worker(n: int) -> None:
    _originals_cache.extend(_originals(min(n, 84_132)))


Prepared = list[tuple[dict[str, Any], EnrichedArticle, TextEntry]]
"""A batch as a worker hands it over: article rows, enriched articles, full-text entries."""


def _prepare(job: tuple[int, int, int, datetime, str]) -> Prepared:
    """Worker: rows and full-text entries of articles ``start..end-1`` for a backend (pure: the
    main process writes them)."""
    start, end, n, now, dialect = job
    out = []
    for a in generate(end, _originals_cache, start):
        e = enriched(a)
        row = article_row(e)
        row.update(
            id=a.index + 1,
            url=e.article.url,
            level=a.source.level,
            source_province=a.source.province,
            group_id=a.group + 1,
            ingested_at=now,
            updated_at=now,
        )
        out.append((row, e, text_entry(document_tokens(e), dialect)))
    return out


def _prepared(n: int, workers: int, now: datetime, dialect: str) -> Iterable[Prepared]:
    """Batches in order; at most two per worker made ahead (the writer is the slower side)."""
    jobs = [(i, min(i + BATCH, n), n, now, dialect) for i in range(0, n, BATCH)]
    if workers <= 1:
        _init_worker(n)
        yield from map(_prepare, jobs)
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(n,)) as pool:
        pending: deque[Future[Prepared]] = deque()
        for job in jobs:
            pending.append(pool.submit(_prepare, job))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def load(store: Store, n: int, workers: int = 0) -> dict[str, float]:
    """Bulk-insert article rows, then index them; return timings.

    ``workers``: article rows and full-text entries are made in that many worker processes
    while this one writes (the index written is the same: ``index_many`` with the entries
    handed over).

    PostgreSQL: the GIN index is dropped for the load and built once at the end (the usual way to
    bulk-load a GIN-indexed table: one sorted build instead of a million pending-list merges);
    its build time is part of ``index_s``.
    """
    now = datetime.now(UTC)
    t_start = time.perf_counter()
    t_rows = t_index = 0.0
    postgres = store.engine.dialect.name == "postgresql"
    if postgres:
        with store.engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_search_tsv_gin"))
    groups: dict[int, list[tuple[int, Any]]] = {}
    for batch in _prepared(n, workers, now, store.engine.dialect.name):
        t0 = time.perf_counter()
        rows = [row for row, _, _ in batch]
        for row in rows:
            groups.setdefault(row["group_id"], []).append((row["id"], row["published"]))
        themes = [
            {"article_id": row["id"], "slug": t.slug, "score": 1.0}
            for row, e, _ in batch
            for t in e.analysis.themes
        ]
        with store.engine.begin() as conn:
            conn.execute(insert(articles), rows)
            if themes:
                conn.execute(insert(article_themes), themes)
        t1 = time.perf_counter()
        with store.engine.begin() as conn:
            index_many(
                conn,
                [(row["id"], e) for row, e, _ in batch],
                replace=False,
                prepared={row["id"]: entry for row, _, entry in batch},
            )
        t_index += time.perf_counter() - t1
        t_rows += t1 - t0
    dup = [
        {
            "id": gid,
            "canonical_id": min(members, key=lambda m: (m[1], m[0]))[0],
            "size": len(members),
            "updated_at": now,
        }
        for gid, members in groups.items()
    ]
    with store.engine.begin() as conn:
        for i in range(0, len(dup), 5000):
            conn.execute(insert(dup_groups), dup[i : i + 5000])
    if postgres:
        t0 = time.perf_counter()
        with store.engine.begin() as conn:
            conn.execute(text("SET LOCAL maintenance_work_mem = '2GB'"))
            conn.execute(text("CREATE INDEX ix_search_tsv_gin ON search_tsv USING gin (tsv)"))
        t_index += time.perf_counter() - t0
    with store.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return {
        "rows_s": t_rows,
        "index_s": t_index,
        "wall_s": time.perf_counter() - t_start,
        "groups": len(groups),
    }


def index_size(store: Store, path: str | None) -> dict[str, float]:
    """Bytes of the search index (FTS tables and SQLite's counts, or PostgreSQL's vector tables
    and GIN; plus filter keys)."""
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")).all()
            sizes = {name: int(size) for name, size in rows}
            fts = sum(v for k, v in sizes.items() if k.startswith(("search_fts", "search_terms")))
            keys = sum(v for k, v in sizes.items() if "search_keys" in k)
            total = os.path.getsize(path) if path else sum(sizes.values())
            return {"fts_mb": fts / 1e6, "keys_mb": keys / 1e6, "db_mb": total / 1e6}
        fts = conn.execute(  # the month partitions and search_rank, with their TOAST and indexes
            text(
                "SELECT sum(pg_total_relation_size(inhrelid)) + pg_total_relation_size('search_rank') "
                "FROM pg_inherits WHERE inhparent = 'search_tsv'::regclass"
            )
        ).scalar_one()
        keys = conn.execute(text("SELECT pg_total_relation_size('search_keys')")).scalar_one()
        total = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        return {"fts_mb": int(fts) / 1e6, "keys_mb": keys / 1e6, "db_mb": total / 1e6}


def percentiles(samples: list[float]) -> dict[str, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000, "max": max(samples) * 1000}


def _by_class(times: list[float], sample: int) -> dict[str, list[float]]:
    """p50 and p95 of each class of the mix (classes with fewer than 3 timed queries left out)."""
    out = {}
    for name, first, end in CLASSES:
        picked = [t for i, t in enumerate(times) if first <= i * sample < end]
        if len(picked) >= 3:
            p = percentiles(picked)
            out[name] = [round(p["p50"], 1), round(p["p95"], 1)]
    return out


def timed(run: Callable[[str], Any], queries: list[str]) -> tuple[list[float], list[Any]]:
    out, results = [], []
    for q in queries:
        t0 = time.perf_counter()
        results.append(run(q))
        out.append(time.perf_counter() - t0)
    return out, results


def naive_baseline(store: Store, queries: list[str]) -> dict[str, Any]:
    """Off-the-shelf FTS5 (unicode61 remove_diacritics 2) over the same texts, unaccented queries."""
    from lantoa.search.query import Term, parse
    from lantoa.search.sql import _fts5
    from lantoa.search.text import fold_token, tokens

    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS naive_fts"))
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE naive_fts USING fts5(title, lead, body, tokenize='unicode61 remove_diacritics 2')"
            )
        )
        t0 = time.perf_counter()
        conn.execute(
            text("INSERT INTO naive_fts(rowid, title, lead, body) SELECT id, title, lead, body FROM articles")
        )
        build_s = time.perf_counter() - t0
    plain = [q for q in queries if ":" not in q and "(" not in q and "-" not in q and "OR" not in q]
    unaccented = [q for q in plain if all(fold_token(t) == t for t in tokens(q))]
    ours_counts, naive_counts, naive_times = [], [], []
    with store.engine.connect() as conn:
        for q in unaccented:
            node = parse(q)
            phrase = isinstance(node, Term) and node.phrase
            toks = tokens(q)
            naive_q = f'"{" ".join(toks)}"' if phrase else " AND ".join(f'"{t}"' for t in toks)
            t0 = time.perf_counter()
            n_naive = conn.execute(
                text("SELECT count(*) FROM naive_fts WHERE naive_fts MATCH :q"), {"q": naive_q}
            ).scalar_one()
            naive_times.append(time.perf_counter() - t0)
            n_ours = conn.execute(
                text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :q"), {"q": _fts5(node)}
            ).scalar_one()
            naive_counts.append(int(n_naive))
            ours_counts.append(int(n_ours))
    missed = [(q, o, nv) for q, o, nv in zip(unaccented, ours_counts, naive_counts, strict=True) if nv < o]
    return {
        "build_s": build_s,
        "queries": len(unaccented),
        "matches_ours": sum(ours_counts),
        "matches_naive": sum(naive_counts),
        "queries_with_fewer_matches": len(missed),
        "examples": missed[:5],
        "latency_count_only": percentiles(naive_times) if len(naive_times) > 2 else {},
    }


def run_backend(backend: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    path = None
    if backend == "sqlite":
        path = os.path.join(args.dir, f"lantoa_bench_{n}{args.suffix}.db")
        if os.path.exists(path) and not args.queries_only:
            os.remove(path)
        url = path
    else:
        import psycopg

        name = f"lantoa_bench_{n}{args.suffix}"
        if not args.queries_only:
            with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{args.pg}/{name}"
    store = open_store(url)
    try:
        timings = (
            load(store, n, args.workers)
            if not args.queries_only
            else {"rows_s": 0.0, "index_s": 1.0, "groups": 0}
        )
        sizes = (
            index_size(store, path) if not args.queries_only else {}
        )  # dbstat reads every page: minutes at 1M
        if args.load_only:
            return {"backend": backend, "n": n, **timings, **sizes}
        queries = query_mix()[:: args.sample]
        for q in queries[:20]:  # warm-up: caches and prepared plans, as in a running server
            search(store, q, facets=False, window=args.window)
        freeze_startup_objects()  # reference data loaded, then frozen, as `lantoa serve` does
        hits_t, results = timed(
            lambda q: search(store, q, limit=20, facets=False, window=args.window), queries
        )
        full_t, _ = timed(
            lambda q: search(store, q, limit=20, facets=True, window=args.window),
            queries[:: args.facet_sample],
        )
        slowest = sorted(zip(hits_t, queries, strict=True), reverse=True)[:5]
        report: dict[str, Any] = {
            "backend": backend,
            "n": n,
            "groups": timings["groups"],
            "rows_load_s": round(timings["rows_s"], 1),
            "index_s": round(timings["index_s"], 1),
            "index_articles_per_s": round(n / timings["index_s"]),
            "load_wall_s": round(timings.get("wall_s", 0.0), 1),
            **{k: round(v, 1) for k, v in sizes.items()},
            "latency_hits_ms": {k: round(v, 1) for k, v in percentiles(hits_t).items()},
            "latency_with_facets_ms": {k: round(v, 1) for k, v in percentiles(full_t).items()},
            "queries_with_hits": sum(1 for r in results if r.total),
            "window": results[0].window if results else None,
            "queries_past_the_window": sum(1 for r in results if not r.total_exact),
            "median_total": statistics.median(r.total for r in results),
            "slowest_ms": [(round(t * 1000, 1), q) for t, q in slowest],
            "p50_p95_by_class_ms": _by_class(hits_t, args.sample),
        }
        if backend == "sqlite" and not args.no_baseline:
            report["naive_fts5"] = naive_baseline(store, queries)
        return report
    finally:
        store.close()
        if args.queries_only:
            pass
        elif backend == "postgresql" and not args.keep:
            import psycopg

            with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (f"lantoa_bench_{n}",),
                )
                conn.execute(f'DROP DATABASE IF EXISTS "lantoa_bench_{n}"')
        elif path and not args.keep:
            os.remove(path)


def main() -> None:
    parser = argparse.ArgumentParser(description="Lantoa search benchmark")
    parser.add_argument("--n", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--dir", default="/tmp")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark databases.")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="Make rows and full-text entries in worker processes (0: in this one).",
    )
    parser.add_argument("--load-only", action="store_true", help="Build the database, measure no queries.")
    parser.add_argument(
        "--window", type=int, default=DEFAULT_WINDOW, help="Matches ranked per query (setting search_window)."
    )
    parser.add_argument("--facet-sample", type=int, default=1, help="Time facets on every k-th query only.")
    parser.add_argument("--sample", type=int, default=1, help="Run every k-th query of the mix (slow runs).")
    parser.add_argument("--no-baseline", action="store_true", help="Skip the off-the-shelf FTS5 comparison.")
    parser.add_argument("--queries-only", action="store_true", help="Reuse a kept database, only query it.")
    parser.add_argument(
        "--suffix",
        default="",
        help="Database name after lantoa_bench_<n> (replicate.py's copies end in _rep).",
    )
    args = parser.parse_args()
    for n in args.n:
        for backend in args.backend:
            report = run_backend(backend, n, args)
            print(json.dumps(report, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
