"""The library jobs behind the CLI: watch mode and the sources-file sync."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from collect_server import Server
from collect_site import build_site

from lantoa.collect.crawler import crawl_batches
from lantoa.collect.fetch import Fetcher, FetchPolicy
from lantoa.collect.parallel import run_parallel
from lantoa.collect.run import crawl_once, crawl_watch, ensure_sources
from lantoa.collect.sources import source_to_toml
from lantoa.config import Settings
from lantoa.pipeline import IngestSummary
from lantoa.records import CrawlSettings, FetchedPage, Source
from lantoa.store.api import open_store


def test_watch_polls_each_source_at_its_interval(server: Server, tmp_path: Path) -> None:
    site = build_site(server, 3)
    crawl = CrawlSettings(interval_s=1, rate_per_s=100.0, timeout_s=5.0, allow_private=True, max_depth=0)
    store = open_store(str(tmp_path / "w.db"))
    try:
        store.upsert_source(Source("thu", site.home, feeds=(site.feed,), crawl=crawl))
        store.upsert_source(Source("nghi", site.home, feeds=(site.feed,), crawl=replace(crawl, paused=True)))
        stop = threading.Event()
        polls: list[tuple[str, IngestSummary]] = []

        def on_poll(source: Source, summary: IngestSummary) -> None:
            polls.append((source.name, summary))
            if len(polls) == 2:
                stop.set()

        timer = threading.Timer(30, stop.set)  # safety net: the test never hangs
        timer.start()
        try:
            total = crawl_watch(store, Settings(db=str(tmp_path / "w.db")), stop=stop, on_poll=on_poll)
        finally:
            timer.cancel()
        assert [name for name, _ in polls] == ["thu", "thu"], "the paused source is never polled"
        assert polls[0][1].saved["new"] == 3 and polls[1][1].ok == 0
        assert total.saved["new"] == 3
        feed_hits = [h.at for h in server.hits("/rss/tin-moi.rss")]
        assert len(feed_hits) == 2 and feed_hits[1] - feed_hits[0] >= 0.95
    finally:
        store.close()


def test_sources_file_is_synced_and_pause_survives(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    source = Source("mofa", "https://mofa.gov.vn/")
    path.write_text(source_to_toml(source), encoding="utf-8")
    settings = Settings(db=str(tmp_path / "s.db"), sources_file=str(path))
    store = open_store(settings.db)
    try:
        assert [s.name for s in ensure_sources(store, settings)] == ["mofa"], (
            "no starter list when a file is set"
        )
        store.upsert_source(replace(source, crawl=replace(source.crawl, paused=True)))
        edited = replace(source, feeds=("https://mofa.gov.vn/rss",))
        path.write_text(source_to_toml(edited), encoding="utf-8")
        (synced,) = ensure_sources(store, settings)
        assert synced.feeds == ("https://mofa.gov.vn/rss",) and synced.crawl.paused
    finally:
        store.close()


def test_sources_crawled_in_parallel_each_host_polite(tmp_path: Path) -> None:
    """Two hosts at 5 requests/s each: their crawls overlap in time, each keeps its spacing.

    Saving is a plain list append here: CPU-heavy extraction in this process would delay the
    test server's threads (same GIL) and blur the arrival times it logs.
    """
    first, second = Server(), Server()
    try:
        sites = [build_site(first, 5), build_site(second, 5)]
        crawl = CrawlSettings(rate_per_s=5.0, timeout_s=5.0, allow_private=True, max_depth=1)
        store = open_store(str(tmp_path / "p.db"))
        saved: list[str] = []
        try:
            sources = [
                Source(name, site.home, feeds=(site.feed,), sitemaps=(site.sitemap,), crawl=crawl)
                for name, site in zip(("mot", "hai"), sites, strict=True)
            ]
            with Fetcher(FetchPolicy(user_agent="LantoaTest/1.0"), store=store) as fetcher:
                run_parallel(
                    sources,
                    lambda src: crawl_batches(src, store, fetcher, batch_size=2),
                    lambda src, batch: saved.extend(p.url for p in batch if isinstance(p, FetchedPage)),
                    threads=2,
                )
            assert store.frontier_pending() == 0
        finally:
            store.close()
        assert sorted(saved) == sorted(sites[0].articles + sites[1].articles)
        spans = []
        for srv in (first, second):
            times = [h.at for h in srv.hits()]
            assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.2 * 0.9, (
                "per-host rate kept"
            )
            spans.append((times[0], times[-1]))
        assert spans[1][0] < spans[0][1] and spans[0][0] < spans[1][1], (
            "the two hosts were crawled at the same time"
        )
    finally:
        first.close()
        second.close()


def test_crawl_once_goes_on_when_one_source_breaks(server: Server, tmp_path: Path) -> None:
    site = build_site(server, 4)
    crawl = CrawlSettings(rate_per_s=100.0, timeout_s=5.0, allow_private=True, max_depth=1)
    store = open_store(str(tmp_path / "b.db"))
    try:
        store.upsert_source(
            Source("thu", site.home, feeds=(site.feed,), sitemaps=(site.sitemap,), crawl=crawl)
        )
        store.upsert_source(Source("hong", "http://[::1", crawl=crawl))  # its crawl raises
        summary = crawl_once(store, Settings(db=str(tmp_path / "b.db")), threads=2)
        assert summary.saved["new"] == 4
        assert list(summary.failures) == ["crawl of hong stopped: Invalid IPv6 URL"]
        assert any(f.reason.startswith("crawl of hong stopped") for f in store.list_failures())
    finally:
        store.close()
