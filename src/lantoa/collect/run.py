"""The jobs behind ``lantoa ingest`` and ``lantoa crawl``: collect, then the pipeline, counted.

Kept apart from the CLI so that the web interface, the scheduler and tests run the same code.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime

from lantoa.collect import collect
from lantoa.collect.crawler import crawl_batches, watch
from lantoa.collect.fetch import Fetcher, FetchPolicy
from lantoa.collect.parallel import run_parallel
from lantoa.collect.sources import load_sources, starter_sources
from lantoa.config import Settings
from lantoa.errors import NotFound
from lantoa.executors import Executor, InProcess, make_executor
from lantoa.pipeline import IngestSummary, ingest
from lantoa.records import Failure, FetchedPage, Source
from lantoa.store.api import Store

log = logging.getLogger(__name__)

Progress = Callable[[Iterable[FetchedPage | Failure]], Iterable[FetchedPage | Failure]]


def merge(into: IngestSummary, other: IngestSummary) -> IngestSummary:
    into.saved.update(other.saved)
    into.failures.update(other.failures)
    return into


def _executor(settings: Settings, workers: int | None) -> Executor:
    count = workers if workers is not None else settings.workers
    return make_executor(count, settings.dask_scheduler)


def ingest_targets(
    targets: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    source: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Collect every target (files, folders, URLs, feeds, sitemaps) and ingest what comes out."""
    crawl = None
    if source is not None:
        crawl = store.get_source(source).crawl  # raises NotFound with the name: a typo is an error
    executor = _executor(settings, workers)
    fetcher = Fetcher(FetchPolicy(settings.user_agent), store=store)

    def pages() -> Iterator[FetchedPage | Failure]:
        for target in targets:
            yield from collect(target, source=source, store=store, crawl=crawl, fetcher=fetcher)

    try:
        items: Iterable[FetchedPage | Failure] = pages()
        if progress is not None:
            items = progress(items)
        return ingest(items, store, executor=executor)
    finally:
        fetcher.close()
        executor.close()


def ensure_sources(store: Store, settings: Settings) -> list[Source]:
    """Sources to crawl: the sources file (when set) synced into the store; the starter list
    seeds an empty store. A source paused in the store stays paused after a sync."""
    if settings.sources_file:
        for source in load_sources(settings.sources_file):
            try:
                stored = store.get_source(source.name)
            except NotFound:
                stored = None
            if stored is not None and stored.crawl.paused and not source.crawl.paused:
                from dataclasses import replace

                source = replace(source, crawl=replace(source.crawl, paused=True))
            store.upsert_source(source)
    elif not store.list_sources():
        for source in starter_sources():
            store.upsert_source(source)
    return store.list_sources()


def select_sources(store: Store, settings: Settings, name: str | None) -> list[Source]:
    sources = ensure_sources(store, settings)
    if name is None:
        return sources
    return [store.get_source(name)]


def _crawl(
    sources: list[Source],
    store: Store,
    fetcher: Fetcher,
    executor: Executor,
    *,
    threads: int,
    progress: Progress | None = None,
    on_source: Callable[[Source, IngestSummary], None] | None = None,
) -> IngestSummary:
    """Crawl ``sources`` in parallel threads, ingesting each batch here, serially."""
    batch_size = 1 if isinstance(executor, InProcess) else 32
    total = IngestSummary()
    per_source: dict[str, IngestSummary] = {s.name: IngestSummary() for s in sources}

    def save(source: Source, batch: list[FetchedPage | Failure]) -> None:
        items: Iterable[FetchedPage | Failure] = progress(batch) if progress is not None else batch
        summary = ingest(items, store, executor=executor)
        merge(total, summary)
        merge(per_source[source.name], summary)

    def done(source: Source, error: BaseException | None) -> None:
        if error is not None:
            reason = f"crawl of {source.name} stopped: {str(error).splitlines()[0] if str(error) else type(error).__name__}"
            store.record_failure(Failure("collect", source.home_url, reason, datetime.now(UTC)))
            total.failures[reason[:80]] += 1
            per_source[source.name].failures[reason[:80]] += 1
        if on_source is not None:
            on_source(source, per_source[source.name])

    run_parallel(
        sources,
        lambda src: crawl_batches(src, store, fetcher, batch_size=batch_size),
        save,
        threads=threads,
        on_done=done,
    )
    return total


def crawl_once(
    store: Store,
    settings: Settings,
    *,
    source: str | None = None,
    workers: int | None = None,
    threads: int = 4,
    progress: Progress | None = None,
    on_source: Callable[[Source, IngestSummary], None] | None = None,
) -> IngestSummary:
    """Poll feeds, sitemaps and the frontier of every non-paused source (or the one named)."""
    chosen = select_sources(store, settings, source)
    if source is None:
        chosen = [s for s in chosen if not s.crawl.paused]
    executor = _executor(settings, workers)
    try:
        with Fetcher(FetchPolicy(settings.user_agent), store=store) as fetcher:
            return _crawl(
                chosen, store, fetcher, executor, threads=threads, progress=progress, on_source=on_source
            )
    finally:
        executor.close()


def crawl_watch(
    store: Store,
    settings: Settings,
    *,
    source: str | None = None,
    workers: int | None = None,
    threads: int = 4,
    stop: threading.Event | None = None,
    on_poll: Callable[[Source, IngestSummary], None] | None = None,
) -> IngestSummary:
    """Keep polling each source at its ``crawl.interval_s`` until ``stop`` is set or Ctrl-C."""
    executor = _executor(settings, workers)
    total = IngestSummary()
    with Fetcher(FetchPolicy(settings.user_agent), store=store) as fetcher:

        def poll(ready: list[Source]) -> None:
            merge(total, _crawl(ready, store, fetcher, executor, threads=threads, on_source=on_poll))

        try:
            watch(lambda: select_sources(store, settings, source), poll, stop=stop)
        except KeyboardInterrupt:
            log.info("watch interrupted")
        finally:
            executor.close()
    return total


__all__ = ["crawl_batches", "crawl_once", "crawl_watch", "ensure_sources", "ingest_targets"]
