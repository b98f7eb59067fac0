"""Crawling: URLs, feeds and sitemaps to pages; per-source crawls over the persistent frontier.

The frontier lives in the store, so a crawl killed at any point resumes where it stopped: a
URL is marked done only after its page was handed on, and a URL seen once is never queued
again (``Store.frontier_add`` ignores known URLs), so re-runs fetch only what is new.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from lantoa.collect.feeds import FeedError, parse_feed, parse_sitemap, sniff_xml_kind
from lantoa.collect.fetch import Fetcher
from lantoa.collect.text import one_line
from lantoa.collect.urls import discover_links, normalize_url
from lantoa.records import CrawlSettings, Failure, FetchedPage, Source
from lantoa.store.api import Store

log = logging.getLogger(__name__)

MAX_SITEMAP_DOCS = 50
"""Sitemap documents read per seed at most (indexes of news sites can list thousands)."""
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _failure(target: str, reason: str) -> Failure:
    return Failure("collect", target, one_line(reason), datetime.now(UTC))


def is_transient(page: FetchedPage) -> bool:
    """A failure worth retrying in a later run (server overloaded, timeouts, broken connection)."""
    error = page.error or ""
    return error.endswith("attempts)") or "retry after" in error


def _is_html(page: FetchedPage) -> bool:
    if page.content_type:
        return page.content_type in HTML_TYPES
    return b"<html" in page.content[:2048].lower()


def expand_seed(
    url: str,
    fetcher: Fetcher,
    crawl: CrawlSettings,
    *,
    source: str | None = None,
    limit: int | None = None,
    allow_page: bool = True,
) -> tuple[list[str], list[Failure], FetchedPage | None]:
    """Article URLs listed by a feed or sitemap at ``url`` (sitemap indexes followed).

    Returns (urls, failures, page): ``page`` is set instead when ``url`` turned out to be an
    ordinary page and ``allow_page`` (a target given by hand may be a page; a source's
    configured feed that serves HTML is broken), so that it is not fetched twice.
    """
    limit = limit if limit is not None else crawl.max_pages
    urls: list[str] = []
    failures: list[Failure] = []
    queue = [url]
    docs = 0
    seen: set[str] = set()
    while queue and docs < MAX_SITEMAP_DOCS and len(urls) < limit:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        docs += 1
        page = fetcher.fetch(current, crawl, source=source, accept_gzip=True)
        if page.error:
            failures.append(_failure(current, page.error))
            continue
        if page.status == 304:
            continue
        kind = sniff_xml_kind(page.content)
        base = page.final_url or current
        try:
            if kind == "feed":
                urls.extend(parse_feed(page.content, base))
            elif kind == "sitemap":
                sitemap = parse_sitemap(page.content, base)
                urls.extend(sitemap.urls)
                queue.extend(sitemap.sitemaps)
            elif allow_page and current == url and _looks_like_page(page):
                return [], failures, page
            else:
                failures.append(_failure(current, "not a feed or sitemap (no <rss>, <feed> or <urlset>)"))
        except FeedError as exc:
            failures.append(_failure(current, str(exc)))
    unique = list(dict.fromkeys(urls))
    return unique[:limit], failures, None


def _looks_like_page(page: FetchedPage) -> bool:
    return page.content_type in (*HTML_TYPES, "text/plain", None) and bool(page.content.strip())


def collect_url(
    url: str, fetcher: Fetcher, crawl: CrawlSettings, *, source: str | None = None
) -> Iterator[FetchedPage | Failure]:
    """One URL: a page is yielded as is; a feed or sitemap yields the pages it lists."""
    urls, failures, page = expand_seed(url, fetcher, crawl, source=source)
    yield from failures
    if page is not None:
        yield page
        return
    for article_url in urls:
        fetched = fetcher.fetch(article_url, crawl, source=source)
        if fetched.error:
            yield _failure(article_url, fetched.error)
        elif fetched.status != 304:
            yield fetched


def crawl_source(
    source: Source, store: Store, fetcher: Fetcher, *, max_pages: int | None = None
) -> Iterator[FetchedPage | Failure]:
    """One poll of a source, page by page (see ``crawl_batches``).

    A page's frontier entry is marked done when the caller asks for the next item, that is
    after it handled the page: a crawl killed meanwhile fetches that page again on resume (the
    store's idempotent save makes that harmless) and never loses it.
    """
    for batch in crawl_batches(source, store, fetcher, max_pages=max_pages, batch_size=1):
        yield from batch


def crawl_batches(
    source: Source,
    store: Store,
    fetcher: Fetcher,
    *,
    max_pages: int | None = None,
    batch_size: int = 20,
) -> Iterator[list[FetchedPage | Failure]]:
    """One poll of a source: seeds (feeds, sitemaps, home page) into the frontier, then drain it.

    Pages come in batches; the batch's frontier entries are marked done only when the caller
    asks for the next batch, so a caller that saves a whole batch (possibly in worker
    processes) before asking again never loses a page to a kill.
    """
    crawl = source.crawl
    name = source.name
    budget = max_pages if max_pages is not None else crawl.max_pages
    seed_failures: list[FetchedPage | Failure] = []
    seeds = [*source.feeds, *source.sitemaps]
    if not seeds:
        # No feed or sitemap configured: use the sitemaps the site announces in robots.txt.
        seeds = fetcher.robots_sitemaps(source.home_url, crawl)
    for seed in seeds:
        urls, failures, _page = expand_seed(seed, fetcher, crawl, source=name, limit=budget, allow_page=False)
        seed_failures.extend(failures)
        store.frontier_add(name, ((u, 1) for u in urls))
    if crawl.max_depth > 0:
        home = fetcher.fetch(source.home_url, crawl, source=name)
        if home.error:
            seed_failures.append(_failure(source.home_url, home.error))
        elif home.status != 304 and _is_html(home):
            links = discover_links(
                home.content, home.final_url or source.home_url, articles_only=crawl.max_depth < 2
            )
            store.frontier_add(name, ((u, 1) for u in links))
    if seed_failures:
        yield seed_failures
    yield from _drain(source, store, fetcher, budget=budget, batch_size=max(1, batch_size))


def _drain(
    source: Source, store: Store, fetcher: Fetcher, *, budget: int, batch_size: int
) -> Iterator[list[FetchedPage | Failure]]:
    """Fetch pending frontier URLs of ``source`` (at most ``budget``), oldest first."""
    crawl = source.crawl
    tried: set[str] = set()
    while budget > 0:
        items = [i for i in store.frontier_next(source.name, min(batch_size, budget)) if i.url not in tried]
        if not items:
            return
        batch: list[FetchedPage | Failure] = []
        handed: list[str] = []
        for item in items:
            budget -= 1
            tried.add(item.url)
            page = fetcher.fetch(item.url, crawl, source=source.name)
            if page.error:
                store.frontier_done(item.url, error=page.error, retry=is_transient(page))
                batch.append(_failure(item.url, page.error))
                continue
            if page.status == 304:
                store.frontier_done(item.url)
                continue
            if item.depth < crawl.max_depth and _is_html(page):
                base = page.final_url or item.url
                # Section pages are followed only while another level of links remains.
                links = discover_links(page.content, base, articles_only=item.depth + 2 > crawl.max_depth)
                home = normalize_url(source.home_url)
                store.frontier_add(source.name, ((u, item.depth + 1) for u in links if u != home))
            batch.append(page)
            handed.append(item.url)
        if batch:
            yield batch
        for url in handed:
            store.frontier_done(url)


def crawl_sources(
    sources: Iterable[Source], store: Store, fetcher: Fetcher
) -> Iterator[FetchedPage | Failure]:
    """One poll of every source that is not paused, in order."""
    for source in sources:
        if source.crawl.paused:
            log.info("source %s is paused: skipped", source.name)
            continue
        log.info("crawling %s", source.name)
        yield from crawl_source(source, store, fetcher)


def watch(
    sources: Callable[[], list[Source]],
    poll: Callable[[list[Source]], None],
    *,
    stop: threading.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Poll each source at its own ``crawl.interval_s`` until ``stop`` is set (or Ctrl-C).

    ``sources`` is called before each round so that sources added, paused or removed meanwhile
    are taken into account without a restart; ``poll`` crawls the sources that are due.
    """
    stop = stop or threading.Event()
    due: dict[str, float] = {}
    while not stop.is_set():
        current = {s.name: s for s in sources() if not s.crawl.paused}
        now = clock()
        ready = [s for n, s in current.items() if due.get(n, now) <= now]
        if ready:
            poll(ready)
            finished = clock()
            for source in ready:
                due[source.name] = finished + source.crawl.interval_s
        pending = [due.get(n, now) for n in current]
        wait = max(0.5, min(pending) - clock()) if pending else 5.0
        stop.wait(min(wait, 60.0))


def normalized_targets(urls: Iterable[str]) -> list[str]:
    """Normalised, de-duplicated http(s) URLs (invalid ones dropped)."""
    out = [normalize_url(u) for u in urls]
    return list(dict.fromkeys(u for u in out if u))
