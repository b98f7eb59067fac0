"""'Crawl now' from the sources page: one poll of one source, run after the response is sent."""

from __future__ import annotations

import logging

from lantoa.config import Settings
from lantoa.errors import LantoaError
from lantoa.records import Source
from lantoa.store.api import Store

log = logging.getLogger(__name__)


def crawl_in_background(settings: Settings, store: Store, source: Source) -> None:
    """Run ``lantoa.collect``'s one-shot crawl for ``source``; errors are logged, not raised."""
    from lantoa.collect.run import crawl_once

    try:
        summary = crawl_once(store, settings, source=source.name, workers=1)
    except LantoaError as exc:
        log.warning("crawl of %s failed: %s", source.name, exc)
        return
    log.info("crawl of %s: %s", source.name, summary.line())
