"""Ingest-time cost of duplicate detection inside ``Store.save_article``, per backend.

Saves the first ``--n`` VNTC articles (plus ``--copies`` generated republications, as in
bench_dedup.py) through the real store (SQLite file, then PostgreSQL if ``--pg`` is given),
one transaction per article as ``lantoa ingest`` does, and reports articles per second for the
whole save and the time spent in duplicate detection (``lantoa.dedup.index.place_article``),
plus whether the copies landed in their original's group.

Run: ``nice .venv/bin/python benchmarks/dedup/bench_store_ingest.py --n 5000 --pg postgresql://postgres@127.0.0.1/postgres``
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from pathlib import Path

import bench_dedup as bench

from lantoa.dedup import index as dedup_index
from lantoa.records import Analysis, EnrichedArticle
from lantoa.store import articles as article_ops
from lantoa.store.api import open_store


def run(url: str, docs: list[bench.Doc]) -> None:
    spent = [0.0]
    original = dedup_index.place_article

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t

    article_ops.place_article = timed  # type: ignore[assignment]
    store = open_store(url)
    try:
        groups: dict[int, int] = {}
        start, cpu0 = time.perf_counter(), time.process_time()
        for d in docs:
            groups[d.index] = store.save_article(EnrichedArticle(d.article, Analysis())).group_id
        total, cpu = time.perf_counter() - start, time.process_time() - cpu0
    finally:
        store.close()
        article_ops.place_article = original
    copies = [d for d in docs if d.original is not None]
    found = sum(groups[d.index] == groups[d.original] for d in copies if d.original is not None)
    n = len(docs)
    print(
        f"{url.split('://')[0] if '://' in url else 'sqlite'}: {n} articles in {total:.1f} s wall = {n / total:.0f}/s "
        f"({cpu / n * 1000:.2f} ms CPU/article in this process); "
        f"duplicate detection {spent[0]:.1f} s = {spent[0] / n * 1000:.2f} ms/article; "
        f"copies found {found}/{len(copies)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--copies", type=int, default=500)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--pg", help="PostgreSQL admin URL; a scratch database is created and dropped")
    args = ap.parse_args()
    docs = bench.build(bench.load_vntc(args.n), args.copies, args.seed)
    random.Random(args.seed).shuffle(docs)
    with tempfile.TemporaryDirectory() as tmp:
        run(str(Path(tmp) / "bench.db"), docs)
    if args.pg:
        import psycopg

        name = f"lantoa_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            run(f"{args.pg.rsplit('/', 1)[0]}/{name}", docs)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
