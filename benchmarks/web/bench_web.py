"""Web benchmark: p50/p95 of the dashboard, search and article pages under 20 concurrent users,
and the time from an article's ingest to its alert, per backend.

    nice .venv/bin/python benchmarks/web/bench_web.py --n 100000 --backend sqlite postgresql

For each backend, the search benchmark's corpus (``benchmarks/search/corpus.py``, real VNTC
articles and their republications) is bulk-loaded with ``benchmarks/search/bench.py``'s loader,
plus cited documents and people on a share of the articles (so the dashboard's tables have work
to do). ``lantoa serve`` then runs as its own process on 127.0.0.1 (``--workers``: one uvicorn worker
by default, or each count given in turn on the same database; default settings: alert loop
every 15 s) and ``wrk`` (apt-get install wrk) drives it with 20 connections
for ``--duration`` seconds per page type, logged in, each request a different URL from a list,
twice: back to back (saturation), then with a think time around 1 s between a user's clicks:

- dashboard: 30-day, 365-day and filtered views over 2024 (aggregates cached 60 s, as served);
  the cold (uncached) computation time is reported separately;
- search: the 200-query mix of the search benchmark, unaccented and accented, with filters;
- article: random article ids.

Then an alert is created over the API and a matching article is saved into the store; the time
until ``/api/events`` shows it is the ingest-to-alert latency (three runs).
Results go to benchmarks/out/web_<backend>_<n>.json and are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "search"))

from bench import load  # noqa: E402
from queries import query_mix  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from lantoa.records import VN_TZ, Analysis, Article, EnrichedArticle, ThemeHit  # noqa: E402
from lantoa.store.api import Store, open_store  # noqa: E402
from lantoa.store.schema import article_documents, article_persons  # noqa: E402
from lantoa.web import schema as _web_schema  # noqa: E402,F401 - registers the web tables
from lantoa.web.users import UserService  # noqa: E402

PASSWORD = "benchmark-pass"
LUA = Path(__file__).with_name("paths.lua")
DOCS = (
    ("57-KL/TW", "Kết luận"),
    ("36-NQ/TW", "Nghị quyết"),
    ("25-CT/TW", "Chỉ thị"),
    ("59-NQ/TW", "Nghị quyết"),
)
PEOPLE = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Minh Đức", "Hoàng Thu Hà", "Võ Văn Hùng")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def add_entities(store: Store, n: int) -> None:
    """Documents cited by 10% of the articles and people named in 20%, deterministic."""
    rng = random.Random(7)
    docs, persons = [], []
    for i in range(1, n + 1):
        if rng.random() < 0.1:
            symbol, kind = rng.choice(DOCS)
            docs.append({"article_id": i, "doc_key": symbol, "symbol": symbol, "type": kind})
        if rng.random() < 0.2:
            persons.append({"article_id": i, "name": rng.choice(PEOPLE)})
    with store.engine.begin() as conn:
        for rows, table in ((docs, article_documents), (persons, article_persons)):
            for k in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[k : k + 5000])


def urls(n: int) -> dict[str, list[str]]:
    rng = random.Random(11)
    dashboards = [
        "/?" + urlencode(p)
        for p in (
            {"days": 30, "until": "2024-12-31"},
            {"days": 365, "until": "2024-12-31"},
            {"days": 365, "until": "2024-12-31", "theme": "doi-ngoai"},
            {"days": 90, "until": "2024-06-30", "level": "province"},
        )
    ]
    search = ["/search?" + urlencode({"q": q}) for q in query_mix()]
    articles = [f"/articles/{rng.randint(1, n)}" for _ in range(500)]
    return {"dashboard": dashboards, "search": search, "article": articles}


def wrk(
    base: str,
    cookie: str,
    paths: list[str],
    duration: int,
    connections: int,
    workdir: Path,
    think_ms: int = 0,
) -> dict[str, Any]:
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    env = {**os.environ, "LANTOA_PATHS": str(listing), "LANTOA_THINK_MS": str(think_ms)}
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        "-H",
        f"Cookie: lantoa_session={cookie}",
        base,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("JSON "))
    result: dict[str, Any] = json.loads(line[5:])
    return result


def cold_dashboard(store: Store) -> float:
    from lantoa.store.api import ArticleFilter
    from lantoa.web.dashboard import compute

    started = time.perf_counter()
    compute(store, ArticleFilter(since=datetime(2024, 1, 1).date(), until=datetime(2024, 12, 31).date()))
    return time.perf_counter() - started


def ingest_to_alert(base: str, client: httpx.Client, store: Store, runs: int = 3) -> list[float]:
    csrf = client.get(f"{base}/api/me").json()["csrf_token"]
    client.post(
        f"{base}/api/alerts", json={"name": "Bench", "query": '"cột mốc số"'}, headers={"X-CSRF-Token": csrf}
    ).raise_for_status()
    delays = []
    for run in range(runs):
        before = len(client.get(f"{base}/api/events").json()["events"])
        article = Article(
            url=f"https://bench.example/alert-{run}-{time.time()}",
            title=f"Hoàn thành cắm cột mốc số {run} trên biên giới",
            paragraphs=(f"Lực lượng biên phòng cắm cột mốc số {run} lúc {time.time()}.",),
            published=datetime.now(VN_TZ),
            source="Báo Nhân Dân",
        )
        store.save_article(EnrichedArticle(article, Analysis(themes=(ThemeHit("bien-gioi", 1.0),))))
        saved = time.perf_counter()
        while len(client.get(f"{base}/api/events").json()["events"]) == before:
            if time.perf_counter() - saved > 120:
                raise RuntimeError("no alert after 120 s")
            time.sleep(0.25)
        delays.append(round(time.perf_counter() - saved, 2))
        time.sleep(random.Random(run).uniform(0, 15))  # land at different points of the loop
    return delays


def run_backend(backend: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="lantoa-web-bench-"))
    if backend == "sqlite":
        url = str(workdir / f"web_{n}.db")
    else:
        import psycopg

        name = f"lantoa_webbench_{n}"
        with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{args.pg}/{name}"
    store = open_store(url)
    proc = None
    try:
        t0 = time.perf_counter()
        load(store, n)
        add_entities(store, n)
        if backend == "postgresql":  # the loader wrote explicit ids: move the sequence past them
            with store.engine.begin() as conn:
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT max(id) FROM articles))"
                    )
                )
        UserService(store.engine).add("bench", PASSWORD, "editor")
        load_s = time.perf_counter() - t0
        cold = cold_dashboard(store)
        report: dict[str, Any] = {
            "backend": backend,
            "n": n,
            "load_s": round(load_s, 1),
            "dashboard_cold_s": round(cold, 2),
            "workers": {},
        }
        for workers in args.workers:
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            serve = [sys.executable, "-m", "lantoa", "serve", "--db", url, "--port", str(port)]
            proc = subprocess.Popen(
                [*serve, "--workers", str(workers)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=workdir,
            )
            client = httpx.Client(timeout=60)
            for _ in range(300):
                try:
                    client.get(f"{base}/health")
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            client.post(f"{base}/login", data={"username": "bench", "password": PASSWORD})
            cookie = client.cookies["lantoa_session"]
            pages: dict[str, Any] = {}
            for think in args.think_ms:
                mode = "back_to_back" if think == 0 else f"think_{think}ms"
                pages[mode] = {}
                for page, paths in urls(n).items():
                    for path in paths[:5]:  # warm-up (also fills the dashboard cache)
                        client.get(base + path)
                    result = wrk(base, cookie, paths, args.duration, args.connections, workdir, think)
                    pages[mode][page] = result
                    print(backend, f"{workers} worker(s)", mode, page, result, flush=True)
            report["workers"][workers] = {
                "pages": pages,
                "ingest_to_alert_s": ingest_to_alert(base, client, store),
            }
            proc.terminate()
            proc.wait(30)
            proc = None
        return report
    finally:
        if proc:
            proc.terminate()
            proc.wait(30)
        store.close()
        shutil.rmtree(workdir, ignore_errors=True)
        if backend == "postgresql":
            import psycopg

            with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (f"lantoa_webbench_{n}",),
                )
                conn.execute(f'DROP DATABASE IF EXISTS "lantoa_webbench_{n}"')


def main() -> None:
    parser = argparse.ArgumentParser(description="Lantoa web benchmark")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1],
        help="`lantoa serve --workers` values to measure, in turn.",
    )
    parser.add_argument(
        "--think-ms",
        type=int,
        nargs="+",
        default=[0, 1000],
        help="Think time between a user's requests (0: back to back).",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    for backend in args.backend:
        report = run_backend(backend, args.n, args)
        (out / f"web_{backend}_{args.n}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
        print(json.dumps(report, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
