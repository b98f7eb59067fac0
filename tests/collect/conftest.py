"""Fixtures of the collect tests: a real HTTP server on 127.0.0.1 and fast, permissive limits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from collect_server import Server

from lantoa.records import CrawlSettings


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def local_crawl() -> CrawlSettings:
    """Limits for tests: loopback allowed (the server is on 127.0.0.1), fast rate, short timeout."""
    return CrawlSettings(rate_per_s=100.0, timeout_s=2.0, allow_private=True, max_depth=1)
