"""Several writers saving the same articles at once still store each article once."""

from __future__ import annotations

import threading

from store_factories import make

from lantoa.store.api import SaveStatus, open_store


def test_concurrent_writers_store_each_article_once(db_url: str) -> None:
    open_store(db_url).close()
    batch = [make(f"https://race.example/{i}", seed=i) for i in range(8)]
    statuses: list[SaveStatus] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)
    lock = threading.Lock()

    def writer() -> None:
        store = open_store(db_url, migrate=False)
        try:
            barrier.wait()
            for item in batch:
                result = store.save_article(item)
                with lock:
                    statuses.append(result.status)
        except BaseException as exc:  # reported below, so a failure is never silent
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert statuses.count(SaveStatus.NEW) == len(batch)
    assert statuses.count(SaveStatus.UNCHANGED) == 2 * len(batch)
    store = open_store(db_url)
    try:
        assert store.count_articles(groups=False) == len(batch)
        assert store.count_articles() == len(batch)
    finally:
        store.close()
