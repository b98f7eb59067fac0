"""Where a search's time goes in the database: every statement one search runs, with its plan.

    .venv/bin/python benchmarks/search/explain.py --db postgresql://postgres@127.0.0.1:5432/lantoa_bench_100000 "văn hóa"

Runs the search once to warm the cache, then again while recording its statements, then runs
each recorded statement under ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL (``EXPLAIN QUERY
PLAN`` and a timing on SQLite) with the settings the search itself uses. Prints the wall time
of each statement and its plan.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from sqlalchemy import event

from lantoa.search import search
from lantoa.search.engine import _prepare, window_settings
from lantoa.store.api import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--facets", action="store_true")
    parser.add_argument("query")
    args = parser.parse_args()
    store = open_store(args.db)
    search(store, args.query, facets=args.facets)
    recorded: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            recorded.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    t0 = time.perf_counter()
    result = search(store, args.query, facets=args.facets)
    total = (time.perf_counter() - t0) * 1000
    event.remove(store.engine, "before_cursor_execute", record)
    print(f"{args.query!r}: {result.total} groups (exact: {result.total_exact}), {total:.1f} ms in all\n")
    postgres = store.engine.dialect.name == "postgresql"
    settings = window_settings(_prepare(store, args.query)[1])
    for statement, parameters in recorded:
        with store.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            cursor = raw.cursor()
            if postgres:
                for setting in settings:
                    cursor.execute(f"SET LOCAL {setting}")
            t0 = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            took = (time.perf_counter() - t0) * 1000
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
            cursor.execute(prefix + statement, parameters)
            plan = "\n".join("    " + str(row[-1]) for row in cursor.fetchall())
        print(f"-- {took:.1f} ms\n{statement.strip()[:600]}\n{plan}\n")


if __name__ == "__main__":
    main()
