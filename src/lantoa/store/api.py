"""The store interface: one behaviour, two backends (SQLite embedded default, PostgreSQL server mode).

Everything that persists goes through ``Store``. Backends implement it on SQLAlchemy Core so
every statement is parameterised; the full-text index is backend-specific (SQLite FTS5,
PostgreSQL tsvector) and lives in ``lantoa.search``.

Other components (web users and alerts, coordination) keep their own tables: they register a
migration series under their own component name with ``register_migrations`` so that their
schema evolves independently of the core one.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from lantoa.records import EnrichedArticle, Failure, FetchedPage, Source

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

Migration = Callable[["Connection"], None]
"""One schema step; runs inside a transaction, must work on SQLite and PostgreSQL."""

_MIGRATIONS: dict[str, list[Migration]] = {}


def register_migrations(component: str, steps: Sequence[Migration]) -> None:
    """Declare the ordered schema steps of a component (e.g. ``"core"``, ``"web"``).

    Steps are applied once each, in order, and recorded in the ``schema_versions`` table with
    the component's name; never edit or reorder a released step, append a new one.
    """
    _MIGRATIONS[component] = list(steps)


def registered_migrations() -> dict[str, list[Migration]]:
    return dict(_MIGRATIONS)


SqlFunction = Callable[..., object]
_SQLITE_FUNCTIONS: dict[str, tuple[int, SqlFunction]] = {}


def register_sqlite_function(name: str, nargs: int, function: SqlFunction) -> None:
    """Declare a deterministic SQL function that every SQLite connection of a store gets (SQLite
    has no server to install it in: each connection is told, as it opens). Components register
    theirs when their ``schema`` module is imported (``lantoa.store.migrations.discover``), which
    happens before a store opens its first connection."""
    _SQLITE_FUNCTIONS[name] = (nargs, function)


def registered_sqlite_functions() -> dict[str, tuple[int, SqlFunction]]:
    return dict(_SQLITE_FUNCTIONS)


class SaveStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    """Same canonical URL, changed content: the stored article was replaced."""
    UNCHANGED = "unchanged"
    """Same URL (or same content) already stored: nothing written."""


@dataclass(frozen=True)
class SaveResult:
    article_id: int
    status: SaveStatus
    group_id: int
    """Duplicate group of the article (its own id when it has no duplicate)."""
    duplicate_of: int | None = None
    """Canonical article of the group when this article is a copy of another one."""


@dataclass(frozen=True)
class StoredArticle:
    id: int
    enriched: EnrichedArticle
    group_id: int
    canonical_id: int
    duplicates: int
    """Number of other articles in the same duplicate group."""
    ingested_at: datetime
    source_level: str | None = None
    source_province: str | None = None


@dataclass(frozen=True)
class FrontierItem:
    url: str
    source: str
    depth: int = 0
    attempts: int = 0
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class SourceHealth:
    name: str
    last_fetch: datetime | None
    fetches: int
    errors: int
    articles: int
    articles_per_day: float
    last_error: str | None

    @property
    def error_rate(self) -> float:
        return self.errors / self.fetches if self.fetches else 0.0


@dataclass(frozen=True)
class ArticleFilter:
    """Structured filters shared by listing, export, dashboards and search."""

    source: str | None = None
    level: str | None = None
    province: str | None = None
    theme: str | None = None
    since: date | None = None
    until: date | None = None
    relevant: bool | None = None
    include_listings: bool = False
    ids: tuple[int, ...] = field(default=())


class Store(abc.ABC):
    """Persistence of sources, pages, articles, failures and the crawl frontier."""

    url: str
    engine: Engine

    # lifecycle
    @abc.abstractmethod
    def migrate(self) -> list[str]:
        """Apply pending migrations of every registered component; return what was applied."""

    @abc.abstractmethod
    def close(self) -> None: ...

    # sources
    @abc.abstractmethod
    def upsert_source(self, source: Source) -> None: ...

    @abc.abstractmethod
    def get_source(self, name: str) -> Source:
        """Raise ``NotFound`` when there is no such source."""

    @abc.abstractmethod
    def list_sources(self) -> list[Source]: ...

    @abc.abstractmethod
    def delete_source(self, name: str) -> None: ...

    @abc.abstractmethod
    def source_health(self) -> list[SourceHealth]: ...

    # pages and failures
    @abc.abstractmethod
    def record_page(self, page: FetchedPage) -> None:
        """Log a fetch (success or failure), with validators for conditional GET next time."""

    @abc.abstractmethod
    def page_validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the last successful fetch of ``url``."""

    @abc.abstractmethod
    def record_failure(self, failure: Failure) -> None: ...

    @abc.abstractmethod
    def list_failures(self, limit: int = 100, stage: str | None = None) -> list[Failure]: ...

    # articles
    @abc.abstractmethod
    def save_article(self, enriched: EnrichedArticle) -> SaveResult:
        """Idempotent insert: same URL or same normalised text is one article; changed page updates.

        Assigns the duplicate group (exact and near duplicates) in the same transaction and
        updates the search index, so a killed process leaves either all of it or none.
        """

    @abc.abstractmethod
    def get_article(self, article_id: int) -> StoredArticle:
        """Raise ``NotFound`` when there is no such article."""

    @abc.abstractmethod
    def find_article_id(self, url: str) -> int | None: ...

    @abc.abstractmethod
    def iter_articles(
        self, filters: ArticleFilter | None = None, *, newest_first: bool = True, limit: int | None = None
    ) -> Iterator[StoredArticle]:
        """Stream articles (no cap), newest first by publication date."""

    @abc.abstractmethod
    def count_articles(self, filters: ArticleFilter | None = None, *, groups: bool = True) -> int:
        """Count articles, or duplicate groups when ``groups`` (the default for every counting feature)."""

    @abc.abstractmethod
    def duplicate_group(self, group_id: int) -> list[int]:
        """Article ids of a group, canonical (earliest published) first."""

    # crawl frontier (persistent, so a killed crawl resumes)
    @abc.abstractmethod
    def frontier_add(self, source: str, urls: Iterable[tuple[str, int]]) -> int:
        """Queue (url, depth) pairs not seen before; return how many were new."""

    @abc.abstractmethod
    def frontier_next(self, source: str, limit: int) -> list[FrontierItem]:
        """Pending items of a source, oldest first (items left in progress by a crash included)."""

    @abc.abstractmethod
    def frontier_done(self, url: str, *, error: str | None = None, retry: bool = False) -> None:
        """Mark an item fetched, failed for good, or failed to retry later (attempts counted)."""

    @abc.abstractmethod
    def frontier_pending(self, source: str | None = None) -> int: ...


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Open the database named by ``url`` (a SQLite path or ``postgresql://``) and migrate it."""
    from lantoa.store.backend import open_backend

    store = open_backend(url)
    if migrate:
        store.migrate()
    return store
