"""The library jobs behind the CLI: watch mode and the sources-file sync."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from collect_server import Server
from collect_site import build_site

from lantoa.collect.run import crawl_once, crawl_watch, ensure_sources
from lantoa.collect.sources import source_to_toml
from lantoa.config import Settings
from lantoa.pipeline import IngestSummary
from lantoa.records import CrawlSettings, Source
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
    from collect_server import Server as LocalServer

    first, second = LocalServer(), LocalServer()
    try:
        sites = [build_site(first, 5), build_site(second, 5)]
        crawl = CrawlSettings(rate_per_s=5.0, timeout_s=5.0, allow_private=True, max_depth=1)
        store = open_store(str(tmp_path / "p.db"))
        try:
            for name, site in zip(("mot", "hai"), sites, strict=True):
                store.upsert_source(
                    Source(name, site.home, feeds=(site.feed,), sitemaps=(site.sitemap,), crawl=crawl)
                )
            # A broken source (its crawl raises) must not stop the others.
            store.upsert_source(Source("hong", "http://[::1", crawl=crawl))
            summary = crawl_once(store, Settings(db=str(tmp_path / "p.db")), threads=3)
        finally:
            store.close()
        assert summary.saved["new"] == 10
        assert any("crawl of hong stopped" in reason for reason in summary.failures)
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
