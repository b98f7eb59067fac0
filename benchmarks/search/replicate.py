"""Scale a kept PostgreSQL search benchmark database by copies of its articles.

    .venv/bin/python benchmarks/search/replicate.py --source lantoa_bench_100000 --copies 10

Why: loading a million articles through the indexer takes about two and a half hours on the
2-core machine (tokenising, then one GIN build), too long for one working session, while a
query's latency depends on how many articles and matches the index holds, not on how they were
written. This makes ``lantoa_bench_<N x copies>_rep`` from a database ``bench.py --keep`` built:
copy k (1 .. copies-1) of article i is article ``i + k*N``, published k minutes later, same
text, themes, keys and duplicate group (so groups grow as the generator's republications make
them grow), with the original's index entries re-keyed rather than recomputed. The GIN index is
dropped for the copy and built once at the end. Query it with
``bench.py --queries-only --db-name lantoa_bench_<M>_rep``. Not a test of indexing speed, nor of
duplicate detection (copies are exact).
"""

from __future__ import annotations

import argparse
import json
import time

import psycopg
from psycopg import sql
from sqlalchemy import text

from lantoa.search import partitions
from lantoa.search.partitions import KEY_SHIFT
from lantoa.store.api import open_store

SHIFTED = {  # column -> its value in copy k (bound: offset = k * N, k, suffix = '#copy<k>')
    "id": "id + %(offset)s",
    "url": "url || %(suffix)s",
    "published": "published + make_interval(mins => %(k)s)",
    "published_date": "((published + make_interval(mins => %(k)s)) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date",
    "group_id": "COALESCE(group_id, id)",
}
BY_ARTICLE = ("article_themes", "search_keys", "search_rank")


def _columns(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return [r[0] for r in rows]


def _copy_rows(table: str, columns: list[str], id_column: str, shifted: dict[str, str]) -> sql.Composed:
    """INSERT ... SELECT of the original rows (``id_column <= n``) with some columns shifted."""
    values = [sql.SQL(shifted[c]) if c in shifted else sql.Identifier(c) for c in columns]
    return sql.SQL("INSERT INTO {table} ({columns}) SELECT {values} FROM {table} WHERE {id} <= %(n)s").format(
        table=sql.Identifier(table),
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        values=sql.SQL(", ").join(values),
        id=sql.Identifier(id_column),
    )


def replicate(base: str, source: str, copies: int) -> dict[str, float]:
    with psycopg.connect(f"{base}/{source}") as src:
        n = int(src.execute("SELECT max(id) FROM articles").fetchone()[0])  # type: ignore[index]
    target = f"lantoa_bench_{n * copies}_rep"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    url = f"{base}/{target}"
    store = open_store(url)  # applies the migrations a copy of an older database needs
    with store.engine.begin() as sa:  # months the shifted keys reach past the newest one
        newest = int(sa.execute(text("SELECT max(sort_key) FROM search_tsv")).scalar_one())
        partitions.ensure(sa, [newest + ((60 * copies) << KEY_SHIFT)])
    store.close()
    times: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP INDEX IF EXISTS ix_search_tsv_gin")
        article_cols = _columns(conn, "articles")
        for k in range(1, copies):
            t0 = time.perf_counter()
            params = {"n": n, "offset": k * n, "k": k, "seconds": 60 * k, "suffix": f"#copy{k}"}
            with conn.transaction():
                conn.execute(_copy_rows("articles", article_cols, "id", SHIFTED), params)
                for table in BY_ARTICLE:
                    shift = {"article_id": "article_id + %(offset)s"}
                    conn.execute(_copy_rows(table, _columns(conn, table), "article_id", shift), params)
                rekeyed = (
                    f"(((sort_key >> {KEY_SHIFT}) + %(seconds)s) << {KEY_SHIFT}) | (article_id + %(offset)s)"
                )
                shift = {"article_id": "article_id + %(offset)s", "sort_key": rekeyed}
                conn.execute(
                    _copy_rows("search_tsv", ["article_id", "tsv", "sort_key"], "article_id", shift), params
                )
            times[f"copy_{k}_s"] = round(time.perf_counter() - t0, 1)
            print(json.dumps({"copy": k, "seconds": times[f"copy_{k}_s"]}), flush=True)
        conn.execute("UPDATE dup_groups SET size = size * %s", (copies,))
        conn.execute("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))")
        t0 = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("CREATE INDEX ix_search_tsv_gin ON search_tsv USING gin (tsv)")
        times["gin_s"] = round(time.perf_counter() - t0, 1)
        conn.execute("ANALYZE")
    return {"articles": n * copies, **times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--source", default="lantoa_bench_100000", help="A database bench.py --keep built.")
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(replicate(args.pg, args.source, args.copies)))


if __name__ == "__main__":
    main()
