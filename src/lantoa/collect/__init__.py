"""Stage: collect. Every input (files, folders, WARC, JSONL, URLs, feeds, sitemaps) to pages.

``collect(target)`` is the one entry point the pipeline uses; per-source crawling over the
persistent frontier is in ``lantoa.collect.crawler``.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from lantoa.collect.crawler import collect_url, crawl_source, crawl_sources
from lantoa.collect.fetch import Fetcher, FetchPolicy
from lantoa.collect.files import collect_path
from lantoa.config import Settings
from lantoa.errors import NotFound
from lantoa.records import CrawlSettings, Failure, FetchedPage
from lantoa.store.api import Store

__all__ = ["FetchPolicy", "Fetcher", "collect", "crawl_source", "crawl_sources", "is_url"]


def is_url(target: str) -> bool:
    """An http(s) URL (even a malformed one, which then fails with its reason), not a path."""
    try:
        return urlsplit(target).scheme.lower() in ("http", "https")
    except ValueError:
        return target.lower().startswith(("http://", "https://"))


def collect(
    target: str,
    *,
    source: str | None = None,
    store: Store | None = None,
    settings: Settings | None = None,
    crawl: CrawlSettings | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[FetchedPage | Failure]:
    """Pages of ``target``: a file, a folder (recursive), or an http(s) URL of a page/feed/sitemap.

    With a ``store``, fetches are recorded and conditional (ETag/Last-Modified), and the crawl
    limits of the named ``source`` apply unless ``crawl`` is given. Bad items come back as
    ``Failure`` records; the iteration always goes on.
    """
    if not is_url(target):
        yield from collect_path(target, source=source)
        return
    if crawl is None and source is not None and store is not None:
        try:
            crawl = store.get_source(source).crawl
        except NotFound:
            crawl = None
    crawl = crawl or CrawlSettings()
    own = fetcher is None
    if fetcher is None:
        settings = settings or Settings.load()
        fetcher = Fetcher(FetchPolicy(settings.user_agent), store=store)
    try:
        yield from collect_url(target, fetcher, crawl, source=source)
    finally:
        if own:
            fetcher.close()
