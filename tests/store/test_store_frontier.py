"""The crawl frontier persists, so a killed crawl resumes where it stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from lantoa.store.api import open_store
from lantoa.store.schema import frontier


def test_add_counts_only_new_urls(store) -> None:
    assert store.frontier_add("s", [("https://s/1", 0), ("https://s/2", 1), ("https://s/1", 0)]) == 2
    assert store.frontier_add("s", [("https://s/1", 0), ("https://s/3", 1)]) == 1
    assert store.frontier_add("s", []) == 0
    assert store.frontier_pending("s") == 3 and store.frontier_pending("other") == 0
    assert store.frontier_pending() == 3


def test_next_is_oldest_first_and_done_items_leave(store) -> None:
    store.frontier_add("s", [(f"https://s/{i}", i % 2) for i in range(5)])
    store.frontier_add("t", [("https://t/1", 0)])
    first = store.frontier_next("s", 2)
    assert [i.url for i in first] == ["https://s/0", "https://s/1"]
    assert [i.depth for i in first] == [0, 1]
    for item in first:
        store.frontier_done(item.url)
    assert [i.url for i in store.frontier_next("s", 10)] == ["https://s/2", "https://s/3", "https://s/4"]
    assert store.frontier_pending("s") == 3
    store.frontier_done("https://unknown/")  # not queued: nothing to do, no error


def test_items_taken_by_a_crashed_crawl_are_handed_out_again(db_url: str) -> None:
    first = open_store(db_url)
    first.frontier_add("s", [("https://s/a", 0), ("https://s/b", 0)])
    taken = first.frontier_next("s", 2)
    first.frontier_done(taken[0].url)
    first.close()  # the crawler dies before finishing https://s/b
    second = open_store(db_url)
    try:
        assert [i.url for i in second.frontier_next("s", 10)] == ["https://s/b"]
        assert second.frontier_pending() == 1
    finally:
        second.close()


def test_retry_waits_counts_attempts_and_gives_up(store) -> None:
    url = "https://s/flaky"
    store.frontier_add("s", [(url, 0)])
    store.frontier_done(url, error="HTTP 503", retry=True)
    assert store.frontier_next("s", 5) == []  # backing off
    assert store.frontier_pending("s") == 1
    with store.engine.begin() as conn:  # time passes
        conn.execute(update(frontier).values(next_try_at=datetime.now(UTC) - timedelta(seconds=1)))
    again = store.frontier_next("s", 5)
    assert [(i.url, i.attempts) for i in again] == [(url, 1)]
    for _ in range(4):
        store.frontier_done(url, error="HTTP 503", retry=True)
    assert store.frontier_pending("s") == 0  # five attempts: failed for good


def test_permanent_error_and_validators(store) -> None:
    from lantoa.records import FetchedPage

    store.frontier_add("s", [("https://s/gone", 0), ("https://s/known", 0)])
    store.frontier_done("https://s/gone", error="HTTP 404")
    store.record_page(
        FetchedPage("https://s/known", b"x", status=200, etag='"abc"', last_modified="Tue, 02 Jan 2024")
    )
    items = store.frontier_next("s", 5)
    assert [(i.url, i.etag, i.last_modified) for i in items] == [
        ("https://s/known", '"abc"', "Tue, 02 Jan 2024")
    ]
