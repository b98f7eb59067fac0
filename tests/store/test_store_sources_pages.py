"""Sources, the fetch log (validators for conditional GET), failures and source health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lantoa.errors import NotFound
from lantoa.records import CrawlSettings, Failure, FetchedPage, Source, SourceLevel


def test_sources_upsert_get_list_delete(store) -> None:
    src = Source(
        "qngai",
        "https://quangngai.gov.vn",
        SourceLevel.PROVINCE,
        "Quảng Ngãi",
        feeds=("https://quangngai.gov.vn/rss",),
        crawl=CrawlSettings(interval_s=600, allow_private=True),
    )
    store.upsert_source(src)
    assert store.get_source("qngai") == src
    changed = Source("qngai", "https://quangngai.gov.vn/", SourceLevel.PROVINCE, "Quảng Ngãi")
    store.upsert_source(changed)
    store.upsert_source(Source("baochinhphu", "https://baochinhphu.vn", SourceLevel.CENTRAL))
    assert [s.name for s in store.list_sources()] == ["baochinhphu", "qngai"]
    assert store.get_source("qngai") == changed
    store.frontier_add("qngai", [("https://quangngai.gov.vn/a", 0)])
    store.delete_source("qngai")
    assert store.frontier_pending("qngai") == 0
    with pytest.raises(NotFound):
        store.get_source("qngai")
    with pytest.raises(NotFound):
        store.delete_source("qngai")


def test_page_validators_come_from_the_last_good_fetch(store) -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    url = "https://x.example/feed"
    assert store.page_validators(url) == (None, None)
    store.record_page(
        FetchedPage(url, b"<rss/>", fetched_at=t0, status=200, etag='"v1"', last_modified="Mon, 01 Jan 2024")
    )
    store.record_page(
        FetchedPage(url, b"<rss/>", fetched_at=t0 + timedelta(hours=1), status=200, etag='"v2"')
    )
    store.record_page(FetchedPage(url, b"", fetched_at=t0 + timedelta(hours=2), status=503, error="HTTP 503"))
    assert store.page_validators(url) == ('"v2"', None)


def test_failures_are_kept_newest_first(store) -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    store.record_failure(Failure("extract", "a.html", "no text", t0))
    store.record_failure(Failure("collect", "https://b", "timeout", t0 + timedelta(minutes=1)))
    store.record_failure(Failure("extract", "c.html", "binary file", t0 + timedelta(minutes=2)))
    assert [f.target for f in store.list_failures()] == ["c.html", "https://b", "a.html"]
    got = store.list_failures(limit=1, stage="extract")
    assert got == [Failure("extract", "c.html", "binary file", t0 + timedelta(minutes=2))]


def test_source_health_counts_fetches_errors_and_articles(store, article) -> None:
    store.upsert_source(Source("baomoi", "https://baomoi.example", SourceLevel.PRESS))
    store.upsert_source(Source("silent", "https://silent.example", SourceLevel.OTHER))
    now = datetime.now(UTC)
    store.record_page(
        FetchedPage(
            "https://baomoi.example/1", b"x", fetched_at=now - timedelta(hours=2), status=200, source="baomoi"
        )
    )
    store.record_page(
        FetchedPage(
            "https://baomoi.example/2", b"", fetched_at=now - timedelta(hours=1), status=404, source="baomoi"
        )
    )
    store.record_page(
        FetchedPage(
            "https://baomoi.example/3", b"", fetched_at=now, error="timeout after 20 s", source="baomoi"
        )
    )
    store.save_article(article("https://baomoi.example/1", seed=1, published=now))
    store.save_article(article("https://baomoi.example/9", seed=2, published=now - timedelta(days=400)))
    health = {h.name: h for h in store.source_health()}
    b = health["baomoi"]
    assert (b.fetches, b.errors, b.articles) == (3, 2, 2)
    assert b.error_rate == pytest.approx(2 / 3)
    assert b.articles_per_day == pytest.approx(1 / 30)
    assert b.last_error == "timeout after 20 s"
    assert b.last_fetch is not None and abs((b.last_fetch - now).total_seconds()) < 1
    s = health["silent"]
    assert (s.fetches, s.errors, s.articles, s.last_fetch, s.last_error) == (0, 0, 0, None, None)
