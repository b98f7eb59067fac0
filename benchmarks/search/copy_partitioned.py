"""Copy PostgreSQL's ``search_tsv`` into a table partitioned by runs of N months, for
``ab_pg.py --compare partitions``.

    .venv/bin/python benchmarks/search/copy_partitioned.py --db postgresql://postgres@127.0.0.1:5432/lantoa_bench_1000000_rep \
        --months 1 --as search_tsv_m

Why: how wide a partition should be is a trade between reading more of one partition than a
window needs (common words) and planning and scanning more partitions (rare words, which read
them all). Comparing two layouts in one process needs both in one database: the copy holds the
same rows, indexed the same way (GIN on the vector, a B-tree on the article id), each partition
filled before its indexes are built. Drop it afterwards (``DROP TABLE <name>``).
"""

from __future__ import annotations

import argparse
import json
import time

import psycopg
from psycopg import sql

from lantoa.search import partitions
from lantoa.store.api import open_store


def copy(url: str, months: int, name: str) -> dict[str, float]:
    store = open_store(url)
    with store.engine.connect() as conn:
        spans = sorted({partitions.span_of(start, months=months) for start, _ in partitions.spans(conn)})
    store.close()
    times: dict[str, float] = {"partitions": len(spans)}
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        parent = sql.Identifier(name)
        like = sql.SQL("(LIKE search_tsv INCLUDING ALL EXCLUDING INDEXES)")
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(parent))
        conn.execute(sql.SQL("CREATE TABLE {} {} PARTITION BY RANGE (sort_key)").format(parent, like))
        for low, high in spans:
            part = sql.Identifier(f"{name}{partitions.partition_name((low, high))[len(partitions.PARENT) :]}")
            bounds = {"low": low, "high": high}
            conn.execute(sql.SQL("CREATE TABLE {} {}").format(part, like))
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (article_id, tsv, sort_key) SELECT article_id, tsv, sort_key "
                    "FROM search_tsv WHERE sort_key >= %(low)s AND sort_key < %(high)s"
                ).format(part),
                bounds,
            )
            conn.execute(
                sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM ({}) TO ({})").format(
                    parent, part, sql.Literal(low), sql.Literal(high)
                )
            )
        times["copy_s"] = round(time.perf_counter() - start, 1)
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute(sql.SQL("CREATE INDEX ON {} USING gin (tsv)").format(parent))
        conn.execute(sql.SQL("CREATE INDEX ON {} (article_id)").format(parent))
        conn.execute(sql.SQL("ANALYZE {}").format(parent))
        times["index_s"] = round(time.perf_counter() - start - times["copy_s"], 1)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL URL")
    parser.add_argument("--months", type=int, choices=(1, 2, 3, 4, 6, 12), required=True)
    parser.add_argument("--as", dest="name", required=True, help="the copy's name (search_tsv_m, ...)")
    args = parser.parse_args()
    print(json.dumps(copy(args.db, args.months, args.name)))


if __name__ == "__main__":
    main()
