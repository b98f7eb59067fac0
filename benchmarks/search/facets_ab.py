"""Facets before/after on the same kept benchmark database, in the same minutes.

"Before" is ``lantoa.search.engine`` as of a given commit (loaded from ``git show`` into a
private module: it scores every match and reads the wide ``articles`` row); "after" is the
installed engine. Both run ``search(limit=20, facets=True)`` on the same queries, interleaved,
after a warm-up. Usage:

    nice .venv/bin/python benchmarks/search/facets_ab.py --db /tmp/lantoa_bench_100000.db --sample 4
    nice .venv/bin/python benchmarks/search/facets_ab.py --db postgresql://postgres@127.0.0.1:5432/lantoa_bench_100000 --sample 10
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from lantoa.search import engine
from lantoa.store.api import open_store

sys.path.insert(0, str(Path(__file__).parent))
from bench import percentiles, query_mix


def old_engine(commit: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{commit}:src/lantoa/search/engine.py"], check=True, capture_output=True, text=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "engine_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("engine_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["engine_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description="Facets latency, before and after, same database")
    parser.add_argument("--db", required=True)
    parser.add_argument("--before", default="4076ea0", help="Commit whose engine is 'before'.")
    parser.add_argument("--sample", type=int, default=4, help="Every k-th query of the mix.")
    args = parser.parse_args()
    before = old_engine(args.before)
    store = open_store(args.db)
    try:
        queries = query_mix()[:: args.sample]
        for q in queries[:5]:
            engine.search(store, q, facets=True)
            before.search(store, q, facets=True)
        times: dict[str, list[float]] = {"before": [], "after": []}
        mismatched = 0
        for q in queries:
            found = {}
            for name, module in (("before", before), ("after", engine)):
                t0 = time.perf_counter()
                found[name] = module.search(store, q, limit=20, facets=True)
                times[name].append(time.perf_counter() - t0)
            b, a = found["before"].facets, found["after"].facets
            same = [
                [(x.value, x.count) for x in getattr(b, f)] == [(x.value, x.count) for x in getattr(a, f)]
                for f in ("theme", "level", "month")
            ]
            mismatched += not all(same)
        report = {
            "db": args.db.split("/")[-1],
            "queries": len(queries),
            "facets_ms": {k: {p: round(v, 1) for p, v in percentiles(t).items()} for k, t in times.items()},
            "queries_with_other_theme_level_month_counts": mismatched,
        }
        print(json.dumps(report, ensure_ascii=False, indent=1))
    finally:
        store.close()


if __name__ == "__main__":
    main()
