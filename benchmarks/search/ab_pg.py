"""Search A/B in one process: ``search_tsv`` against a copy partitioned otherwise, parallel
workers on and off, key lookups by bitmap or index scans, phrases checked on every candidate or
on the newest only, on the matching vectors or on the ranking rows' phrase sequences, plans
cached by PostgreSQL or made for each run, two snippet makers (either backend), a ranked
window's groups read from ``search_docs`` or carried by ``search_rank``, or SQLite's windows
scored by FTS5's ``bm25`` or from their own counts (``lantoa.search.relevance``), run query by
query in turn over the mix.

    .venv/bin/python benchmarks/search/copy_partitioned.py --db postgresql://postgres@127.0.0.1:5432/lantoa_bench_100000 \
        --months 1 --as search_tsv_m
    .venv/bin/python benchmarks/search/ab_pg.py --db ... --compare partitions --table search_tsv_m --runs 3
    .venv/bin/python benchmarks/search/ab_pg.py --db ... --compare parallel --runs 5
    .venv/bin/python benchmarks/search/ab_pg.py --db ... --compare lookups --runs 5
    .venv/bin/python benchmarks/search/ab_pg.py --db ... --compare phrases --runs 5
    .venv/bin/python benchmarks/search/ab_pg.py --db ... --compare sequences --runs 3
    .venv/bin/python benchmarks/search/ab_pg.py --db ... --compare plans --runs 3
    .venv/bin/python benchmarks/search/ab_pg.py --db ... --compare snippets \
        --before /tmp/before/src/lantoa/search/snippet.py --runs 5
    .venv/bin/python benchmarks/search/ab_pg.py --db ... --compare groups \
        --before /tmp/before/src/lantoa/search/engine.py --runs 5
    .venv/bin/python benchmarks/search/ab_pg.py --db /work/bench/lantoa_bench_1000000.db --compare scoring --runs 3

Why in one process: separate benchmark passes minutes apart differ by 10 % or more on this
machine (its speed varies by the hour, the page cache by what ran before), more than the
changes measured. Here both variants share the connection, the cache and the minute; each query
runs under each variant in turn (the order alternating between runs), and the median of
``--runs`` times per query and variant is kept. ``--before`` is a module of an earlier revision
(``git worktree add /tmp/before <rev>``): a ``snippet.py`` or an ``engine.py``. (Run 9's
``--compare slices`` compared an earlier ``partitions.py``; it left with the month partitions.)
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from queries import CLASSES, query_mix
from sqlalchemy import BigInteger, Column, MetaData, func, literal_column

from lantoa.search import engine, partitions, search, sql
from lantoa.search.schema import _vector_table
from lantoa.search.sql import Compiled
from lantoa.store.api import open_store

BM25_WEIGHTS = (1.0, 1.0, 0.0)
"""FTS5 ``bm25`` column weights for ``--compare scoring``: folded syllables, folded pairs, keys.
Before step 13 the table also held exact forms, weighted 50 (run 12 compared with those)."""


def _partitioned_as(table: str) -> dict[str, Callable[[], None]]:
    """Search through ``search_tsv`` or through a copy of it partitioned otherwise (``table``,
    made by ``copy_partitioned.py``): the engine's table and the parent whose partitions are
    sliced are switched together."""
    other = _vector_table(table, MetaData(), Column("sort_key", BigInteger, nullable=False))
    own, parent = engine.search_tsv, partitions.PARENT

    def use(tsv: Any, name: str) -> Callable[[], None]:
        def switch() -> None:
            engine.search_tsv = sql.search_tsv = tsv
            partitions.PARENT = name

        return switch

    return {parent: use(own, parent), table: use(other, table)}


_PREPARE = engine._prepare


def _compiled_as(**changes: Any) -> Callable[[Any, Any], tuple[Any, Compiled]]:
    """``engine._prepare`` with some fields of the compiled query replaced."""

    def prepare(store: Any, query: Any) -> tuple[Any, Compiled]:
        node, compiled = _PREPARE(store, query)
        return node, replace(compiled, **changes)

    return prepare


def _variants(args: argparse.Namespace) -> dict[str, Callable[[], None]]:
    """Name -> what switches the engine to that variant."""
    chosen = engine.window_settings
    if args.compare == "parallel":

        def with_workers(c: Compiled) -> tuple[str, ...]:
            return tuple(s for s in chosen(c) if not s.startswith("max_parallel_workers"))

        return {
            "parallel workers": lambda: setattr(engine, "window_settings", with_workers),
            "no parallel workers": lambda: setattr(engine, "window_settings", chosen),
        }
    if args.compare == "phrases":  # (sequences need the loose match: Compiled.phrases)
        check_all = _compiled_as(loose=None, phrases=())
        return {
            "every candidate checked": lambda: setattr(engine, "_prepare", check_all),
            "newest candidates checked": lambda: setattr(engine, "_prepare", _PREPARE),
        }
    if args.compare == "plans":
        custom = "plan_cache_mode = force_custom_plan"

        def cached(c: Compiled) -> tuple[str, ...]:  # PostgreSQL's default: a generic plan after 5 runs
            return tuple(s for s in chosen(c) if s != custom)

        return {
            "plans cached": lambda: setattr(engine, "window_settings", cached),
            "plans made each run": lambda: setattr(engine, "window_settings", chosen),
        }
    if args.compare == "sequences":
        on_vectors = _compiled_as(phrases=())
        return {
            "phrases checked on vectors": lambda: setattr(engine, "_prepare", on_vectors),
            "phrases checked on sequences": lambda: setattr(engine, "_prepare", _PREPARE),
        }
    if args.compare == "scoring":
        own = engine._score

        def bm25(c: Compiled, tsv: Any) -> Any:  # FTS5's own score, as before migration search step 12
            if c.rank is None:
                return own(c, tsv)
            return (-func.bm25(literal_column("search_fts"), *BM25_WEIGHTS)).label("score")

        return {
            "bm25": lambda: setattr(engine, "_score", bm25),
            "own counts": lambda: setattr(engine, "_score", own),
        }
    if args.compare == "partitions":
        return _partitioned_as(args.table)
    if args.compare == "lookups":
        bitmaps = lambda c: engine.PG_WINDOW_SETTINGS  # noqa: E731 - the settings before run 10
        return {
            "bitmap lookups": lambda: setattr(engine, "window_settings", bitmaps),
            "index lookups": lambda: setattr(engine, "window_settings", chosen),
        }
    spec = importlib.util.spec_from_file_location(f"{args.compare}_before", args.before)
    assert spec is not None and spec.loader is not None
    before = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = before  # dataclasses look their module up there
    spec.loader.exec_module(before)
    if args.compare == "groups":
        joined, carried = before._window_query, engine._window_query
        return {
            "groups from search_docs": lambda: setattr(engine, "_window_query", joined),
            "groups from search_rank": lambda: setattr(engine, "_window_query", carried),
        }
    if args.compare == "snippets":
        made, making = before.make_snippet, engine.make_snippet
        return {
            "before": lambda: setattr(engine, "make_snippet", made),
            "after": lambda: setattr(engine, "make_snippet", making),
        }
    raise AssertionError(args.compare)  # pragma: no cover


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument(
        "--compare",
        choices=(
            "partitions",
            "parallel",
            "lookups",
            "phrases",
            "sequences",
            "plans",
            "snippets",
            "groups",
            "scoring",
        ),
        required=True,
    )
    parser.add_argument("--before", help="snippet.py or engine.py of the earlier revision")
    parser.add_argument(
        "--table", default="search_tsv_q", help="with --compare partitions: the copy to compare"
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.compare in ("snippets", "groups") and not args.before:
        parser.error(f"--compare {args.compare} needs --before")
    store = open_store(args.db)
    queries = query_mix()
    variants = _variants(args)
    times: dict[str, list[list[float]]] = {name: [[] for _ in queries] for name in variants}
    for run in range(args.runs):
        order = list(variants.items())
        if run % 2:
            order.reverse()
        for i, query in enumerate(queries):
            for name, switch in order:
                switch()
                start = time.perf_counter()
                search(store, query, facets=False)
                times[name][i].append((time.perf_counter() - start) * 1000)
    for name in variants:
        medians = [statistics.median(t) for t in times[name]]
        by_class = {
            label: (round(statistics.median(medians[a:b]), 1), round(_p95(medians[a:b]), 1))
            for label, a, b in CLASSES
        }
        print(name, {"p50": round(statistics.median(medians), 1), "p95": round(_p95(medians), 1)}, by_class)
    first, second = ([statistics.median(t) for t in times[name]] for name in variants)
    ratios = sorted(((b / a, q) for a, b, q in zip(first, second, queries, strict=True)), reverse=True)
    print("largest second/first ratios:", [(round(r, 2), q) for r, q in ratios[:3]])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


if __name__ == "__main__":
    main()
