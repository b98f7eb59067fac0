"""Fixtures of the store tests (builders live in ``store_factories``, importable by subprocesses)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from store_factories import make

from lantoa.records import EnrichedArticle


@pytest.fixture
def article() -> Callable[..., EnrichedArticle]:
    """``article(url, seed=..., published=..., ...)`` builds an ``EnrichedArticle``."""
    return make
