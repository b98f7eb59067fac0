"""Crawling sources over the persistent frontier, against a real local site."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from collect_server import Reply, Server
from collect_site import article_html, article_path, build_site

from lantoa.collect import collect
from lantoa.collect.crawler import crawl_source
from lantoa.collect.fetch import Fetcher, FetchPolicy
from lantoa.records import CrawlSettings, Failure, FetchedPage, Source
from lantoa.store.api import Store, open_store

ROOT = Path(__file__).resolve().parents[2]


def fetcher(store: Store | None = None) -> Fetcher:
    return Fetcher(
        FetchPolicy(user_agent="LantoaTest/1.0", backoff_s=0.01, max_wait_s=1.0, retries=1), store=store
    )


def run(source: Source, store: Store, **kwargs: object) -> list[FetchedPage | Failure]:
    with fetcher(store) as f:
        return list(crawl_source(source, store, f, **kwargs))  # type: ignore[arg-type]


def test_feed_sitemap_and_home_each_article_once(
    server: Server, store: Store, local_crawl: CrawlSettings
) -> None:
    site = build_site(server, 7)
    broken = server.page("/rss/hong.rss", "<html><body>Trang lỗi</body></html>")
    source = Source("thu", site.home, feeds=(site.feed, broken), sitemaps=(site.sitemap,), crawl=local_crawl)
    items = run(source, store)
    pages = [i for i in items if isinstance(i, FetchedPage)]
    assert sorted(p.url for p in pages) == sorted(site.articles)
    assert all(p.source == "thu" and p.status == 200 for p in pages)
    (failure,) = [i for i in items if isinstance(i, Failure)]
    assert failure.target == broken and "not a feed or sitemap" in failure.reason
    assert store.frontier_pending("thu") == 0
    assert set(site.article_hits().values()) == {1}
    # A second poll re-reads the seeds (conditionally) but fetches no article again.
    again = run(source, store)
    assert [i for i in again if isinstance(i, FetchedPage)] == []
    assert set(site.article_hits().values()) == {1}
    feed_hits = server.hits("/rss/tin-moi.rss")
    assert len(feed_hits) == 2 and feed_hits[1].headers.get("if-none-match") == '"feed1"'


def test_budget_then_resume_on_next_run(server: Server, tmp_path: Path, local_crawl: CrawlSettings) -> None:
    site = build_site(server, 7)
    store = open_store(str(tmp_path / "c.db"))
    try:
        source = Source("thu", site.home, feeds=(site.feed,), sitemaps=(site.sitemap,), crawl=local_crawl)
        first = run(source, store, max_pages=3)
        assert len(first) == 3 and store.frontier_pending("thu") == 4
        second = run(source, store)
        assert len(second) == 4 and store.frontier_pending("thu") == 0
        assert sorted(p.url for p in first + second if isinstance(p, FetchedPage)) == sorted(site.articles)
    finally:
        store.close()


def test_link_depth(server: Server, tmp_path: Path, local_crawl: CrawlSettings) -> None:
    # Home links to article 1, which links to 2, which links to 3.
    for i in (1, 2, 3):
        server.page(article_path(i), article_html(i, (article_path(i + 1),)))
    server.page("/", f"<html><body><a href='{article_path(1)}'>Bài 1</a></body></html>")
    for depth, expected in ((1, {1}), (2, {1, 2}), (3, {1, 2, 3})):
        store = open_store(str(tmp_path / f"d{depth}.db"))
        try:
            source = Source("thu", server.url("/"), crawl=replace(local_crawl, max_depth=depth))
            got = {p.url for p in run(source, store) if isinstance(p, FetchedPage)}
            assert got == {server.url(article_path(i)) for i in expected}
        finally:
            store.close()
    zero = open_store(str(tmp_path / "d0.db"))
    try:
        source = Source("thu", server.url("/"), crawl=replace(local_crawl, max_depth=0))
        assert run(source, zero) == []
    finally:
        zero.close()


def test_failures_are_retried_later_or_given_up(
    server: Server, tmp_path: Path, local_crawl: CrawlSettings
) -> None:
    server.add("/tin/qua-tai-may-chu-200001.html", Reply(status=503))
    server.add("/tin/khong-ton-tai-nua-200002.html", Reply(status=404))
    server.page(
        "/",
        "<html><a href='/tin/qua-tai-may-chu-200001.html'>a</a><a href='/tin/khong-ton-tai-nua-200002.html'>b</a></html>",
    )
    store = open_store(str(tmp_path / "f.db"))
    try:
        items = run(Source("thu", server.url("/"), crawl=local_crawl), store)
        reasons = sorted(i.reason for i in items if isinstance(i, Failure))
        assert reasons == ["HTTP 404 Not Found", "HTTP 503 (after 2 attempts)"]
        assert store.frontier_pending("thu") == 1, "the overloaded page waits for a later retry"
        assert run(Source("thu", server.url("/"), crawl=local_crawl), store) == [], "retry is not due yet"
    finally:
        store.close()


def test_private_site_refused_unless_source_allows(server: Server, tmp_path: Path) -> None:
    site = build_site(server, 3)
    store = open_store(str(tmp_path / "p.db"))
    try:
        items = run(Source("thu", site.home, feeds=(site.feed,)), store)
        assert items and all(isinstance(i, Failure) and "refused private" in i.reason for i in items)
        assert server.hits() == []
    finally:
        store.close()


def test_collect_url_of_feed_sitemap_and_page(server: Server, local_crawl: CrawlSettings) -> None:
    site = build_site(server, 5)
    with fetcher() as f:
        from_feed = list(collect(site.feed, crawl=local_crawl, fetcher=f))
        from_sitemap = list(collect(site.sitemap, crawl=local_crawl, fetcher=f))
        single = list(collect(site.articles[0], crawl=local_crawl, fetcher=f))
        missing = list(collect(server.url("/khong-co.html"), crawl=local_crawl, fetcher=f))
    assert [p.url for p in from_feed if isinstance(p, FetchedPage)] == site.articles[:3]
    assert [p.url for p in from_sitemap if isinstance(p, FetchedPage)] == site.articles[2:5]
    assert len(single) == 1 and isinstance(single[0], FetchedPage) and single[0].url == site.articles[0]
    assert len(missing) == 1 and isinstance(missing[0], Failure) and missing[0].reason.startswith("HTTP 404")


CRAWLER = """
import json, sys
from lantoa.collect.crawler import crawl_source
from lantoa.collect.fetch import Fetcher, FetchPolicy
from lantoa.records import CrawlSettings, Source
from lantoa.store.api import open_store

db, home, feed, sitemap, out = sys.argv[1:6]
store = open_store(db)
crawl = CrawlSettings(rate_per_s=100.0, timeout_s=5.0, allow_private=True, max_depth=1)
source = Source("thu", home, feeds=(feed,), sitemaps=(sitemap,), crawl=crawl)
with Fetcher(FetchPolicy(user_agent="LantoaTest/1.0"), store=store) as fetcher, open(out, "a") as fh:
    for item in crawl_source(source, store, fetcher):
        fh.write(json.dumps({"url": item.url, "ok": item.error is None}) + "\\n")
        fh.flush()
"""


def test_killed_crawl_resumes_without_loss_or_repeat(server: Server, tmp_path: Path) -> None:
    """Kill -9 a crawl in a subprocess mid-way; the re-run fetches only what is left.

    The consumer writes each page it receives; a page is marked done in the frontier when
    the consumer asks for the next one, so at most the one page in hand at the kill is
    handed out again (and the store's idempotent save absorbs it in the real pipeline).
    """
    site = build_site(server, 20, delay=0.1)
    db, out = str(tmp_path / "k.db"), tmp_path / "got.jsonl"
    script = tmp_path / "crawler.py"
    script.write_text(CRAWLER)
    args = [sys.executable, str(script), db, site.home, site.feed, site.sitemap, str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(args, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and len(out.read_text().splitlines()) >= 6:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = len(out.read_text().splitlines())
    assert 6 <= before < 20, "the crawl was killed mid-way"
    subprocess.run(args, env=env, check=True, timeout=120)
    got = [json.loads(line)["url"] for line in out.read_text().splitlines()]
    assert set(got) == set(site.articles), "nothing lost"
    repeats = len(got) - len(set(got))
    assert repeats <= 1, f"only the page in hand at the kill may come again, got {repeats} repeats"
    fetched = site.article_hits()
    assert all(n >= 1 for n in fetched.values()) and sum(fetched.values()) <= 20 + 2
    store = open_store(db)
    try:
        assert store.frontier_pending("thu") == 0
    finally:
        store.close()


def test_sitemaps_announced_in_robots_are_used(
    server: Server, tmp_path: Path, local_crawl: CrawlSettings
) -> None:
    site = build_site(server, 5)
    server.page(
        "/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.sitemap}\n", content_type="text/plain"
    )
    store = open_store(str(tmp_path / "r.db"))
    try:
        source = Source("thu", site.home, crawl=replace(local_crawl, max_depth=0))
        got = [p.url for p in run(source, store) if isinstance(p, FetchedPage)]
        assert sorted(got) == sorted(site.articles[2:5])
    finally:
        store.close()


def test_section_pages_followed_when_depth_allows(
    server: Server, tmp_path: Path, local_crawl: CrawlSettings
) -> None:
    server.page("/", "<html><a href='/thoi-su'>Thời sự</a></html>")
    server.page("/thoi-su", f"<html><a href='{article_path(1)}'>Bài 1</a></html>")
    server.page(article_path(1), article_html(1))
    for depth, expected in ((1, set()), (2, {server.url(article_path(1))})):
        store = open_store(str(tmp_path / f"s{depth}.db"))
        try:
            source = Source("thu", server.url("/"), crawl=replace(local_crawl, max_depth=depth))
            got = {p.url for p in run(source, store) if isinstance(p, FetchedPage)}
            assert got - {server.url("/thoi-su")} == expected
        finally:
            store.close()


def test_malformed_url_target_is_a_failure_not_a_crash() -> None:
    (item,) = list(collect("http://[::1/bai.html", crawl=CrawlSettings()))
    assert isinstance(item, Failure) and item.reason.startswith("malformed URL")
