"""A store of N search-benchmark articles *without* a search index, for timing the rebuild.

``benchmarks/search/bench.py --load-only`` builds the same articles (``corpus.py``: 84,132 VNTC
originals, then lightly edited republications, ``group_id`` = the generator's truth) plus the full
search index, which takes hours at a million on the shared machine and does not matter to
duplicate detection: ``lantoa duplicates --rebuild`` reads and writes only the article rows and
the duplicate tables. Same rows, same ids (``index + 1``), written with ``article_row``.

    nice .venv/bin/python benchmarks/dedup/make_store.py --n 1000000 --db /tmp/dedup_1m.db
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "search"))

from bench import enriched
from corpus import generate

from lantoa.store.api import open_store
from lantoa.store.schema import articles
from lantoa.store.serialize import article_row

BATCH = 5000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    store = open_store(args.db)
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    rows = []
    try:
        for a in generate(args.n):
            row = article_row(enriched(a))
            row.update(
                id=a.index + 1,
                level=a.source.level,
                source_province=a.source.province,
                group_id=a.group + 1,
                ingested_at=now,
                updated_at=now,
            )
            rows.append(row)
            if len(rows) == BATCH:
                with store.engine.begin() as conn:
                    conn.execute(insert(articles), rows)
                rows = []
                if (a.index + 1) % 100_000 == 0:
                    print(f"{a.index + 1} rows, {time.perf_counter() - t0:.0f} s", flush=True)
        if rows:
            with store.engine.begin() as conn:
                conn.execute(insert(articles), rows)
    finally:
        store.close()
    print(f"{args.n} articles written to {args.db} in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
