"""The pipeline, top to bottom: page -> article -> enriched article -> store.

Stage entry points (each a plain function over one record, so any executor can map it):

- ``lantoa.collect.collect(target, ...)``    -> iterator of ``FetchedPage`` (or ``Failure``)
- ``lantoa.extract.extract_page(page)``      -> ``Article`` (raises ``ExtractionError``)
- ``lantoa.language.analyze(article)``       -> ``Analysis``
- ``Store.save_article(enriched)``           -> ``SaveResult`` (dedup and index included)

Extraction and analysis are pure and CPU-bound: an executor runs them in-process, in a local process
pool or on a Dask cluster (``lantoa.executors``).
Saving is serial, in the parent, one transaction per article, so a killed run keeps everything
saved so far and a re-run skips it (same URL / same content -> ``unchanged``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from lantoa.errors import LantoaError
from lantoa.executors import Executor, InProcess
from lantoa.records import EnrichedArticle, Failure, FetchedPage
from lantoa.store.api import SaveResult, Store

log = logging.getLogger(__name__)


@dataclass
class IngestSummary:
    """What a run did, counted by outcome and by failure reason."""

    saved: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> int:
        return sum(self.saved.values())

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    def line(self) -> str:
        parts = [
            f"{self.ok} stored ({', '.join(f'{v} {k}' for k, v in sorted(self.saved.items())) or 'none'})"
        ]
        parts.append(f"{self.failed} failed")
        if self.failures:
            parts.append("; ".join(f"{v}× {k}" for k, v in self.failures.most_common(5)))
        return ", ".join(parts)


def process_page(page: FetchedPage) -> EnrichedArticle | Failure:
    """Extract and analyse one page; a bad page becomes a ``Failure`` with its one-line reason."""
    from lantoa.extract import extract_page
    from lantoa.language import analyze

    target = page.origin or page.url
    if page.error:
        return Failure("collect", target, page.error, datetime.now(UTC))
    try:
        article = extract_page(page)
    except LantoaError as exc:
        return Failure("extract", target, str(exc), datetime.now(UTC))
    try:
        analysis = analyze(article)
    except LantoaError as exc:
        return Failure("analyze", target, str(exc), datetime.now(UTC))
    return EnrichedArticle(article, analysis)


def process_item(item: FetchedPage | Failure) -> EnrichedArticle | Failure:
    """``process_page``, letting failures from the collect stage pass through in order."""
    return item if isinstance(item, Failure) else process_page(item)


def source_hosts(store: Store) -> dict[str, str]:
    """Host of each source's home page (without ``www.``) -> source name."""
    hosts: dict[str, str] = {}
    for source in store.list_sources():
        host = _host(source.home_url)
        if host:
            hosts.setdefault(host, source.name)
    return hosts


def _host(url: str) -> str:
    """Lower-case host without ``www.``; empty for a malformed URL (never raises)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def attribute_source(enriched: EnrichedArticle, hosts: dict[str, str]) -> EnrichedArticle:
    """Give an article with no source the source whose home host serves its URL (or a parent
    domain of it), so pages ingested from files or URLs still count for their publisher's level."""
    article = enriched.article
    if article.source or not hosts:
        return enriched
    host = _host(article.url or article.fetched_url or "")
    while host:
        if host in hosts:
            return replace(enriched, article=replace(article, source=hosts[host]))
        host = host.partition(".")[2]
    return enriched


def ingest(
    pages: Iterable[FetchedPage | Failure],
    store: Store,
    *,
    executor: Executor | None = None,
    on_saved: Callable[[SaveResult, EnrichedArticle], None] | None = None,
) -> IngestSummary:
    """Run extraction and analysis over ``pages`` and save each result; count every outcome.

    ``executor`` runs extraction and analysis (in-process by default; see ``lantoa.executors``);
    saving stays in this process, one transaction per article, in input order.
    """
    summary = IngestSummary()
    hosts = source_hosts(store)
    for result in (executor or InProcess()).map(process_item, pages):
        if isinstance(result, Failure):
            store.record_failure(result)
            summary.failures[result.reason.split(":")[0][:80]] += 1
            log.warning("%s failed: %s", result.target, result.reason, extra={"stage": result.stage})
            continue
        result = attribute_source(result, hosts)
        try:
            saved: SaveResult = store.save_article(result)
        except LantoaError as exc:
            target = result.article.origin or result.article.url or result.article.title
            store.record_failure(Failure("store", target, str(exc), datetime.now(UTC)))
            summary.failures[str(exc)[:80]] += 1
            continue
        summary.saved[saved.status.value] += 1
        if on_saved is not None:
            on_saved(saved, result)
    return summary
