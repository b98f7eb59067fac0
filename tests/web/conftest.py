"""Fixtures of the web tests: the app on a real store (SQLite file, or PostgreSQL via ``db_url``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import Web, make_web

from lantoa.config import Settings
from lantoa.store.api import Store, open_store


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "web.db")


@pytest.fixture
def web_store(sqlite_url: str) -> Iterator[Store]:
    store = open_store(sqlite_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def any_store(db_url: str) -> Iterator[Store]:
    """The same test on SQLite and on PostgreSQL."""
    store = open_store(db_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def web(web_store: Store, sqlite_url: str) -> Web:
    """The app on a SQLite store with an admin, an editor and a viewer."""
    return make_web(web_store, Settings(db=sqlite_url))


@pytest.fixture
def web_any(any_store: Store) -> Web:
    """The app on each backend (SQLite and PostgreSQL)."""
    return make_web(any_store, Settings(db=any_store.url))
