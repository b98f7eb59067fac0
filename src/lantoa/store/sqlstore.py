"""The ``Store`` on SQLAlchemy Core: one implementation for SQLite and PostgreSQL.

Dialect differences are confined to upserts (``insert ... on conflict`` from each dialect) and to
how SQLite transactions begin (``lantoa.store.backend``). Articles and their duplicate groups are
in ``lantoa.store.articles``; this module keeps sources, the fetch log, failures and the frontier.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from lantoa.errors import NotFound, StoreError
from lantoa.records import CrawlSettings, EnrichedArticle, Failure, FetchedPage, Source, SourceLevel
from lantoa.store import articles as article_ops
from lantoa.store.api import (
    ArticleFilter,
    FrontierItem,
    SaveResult,
    SourceHealth,
    Store,
    StoredArticle,
)
from lantoa.store.backend import WRITE_OPTION
from lantoa.store.migrations import migrate
from lantoa.store.schema import articles, failures, frontier, pages, sources

MAX_ATTEMPTS = 5
"""A frontier item failing this many times (with retry) is given up as failed."""
HEALTH_WINDOW_DAYS = 30
SAVE_ATTEMPTS = 3


def upsert(
    conn: Connection, table: Table, values: dict[str, Any] | list[dict[str, Any]], keys: list[str]
) -> Any:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE`` on SQLite and PostgreSQL."""
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(table).values(values)
    changed = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    return conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changed))


def insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` on SQLite and PostgreSQL."""
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    conn.execute(dialect.insert(table).on_conflict_do_nothing(index_elements=keys), rows)


def _source_from_row(row: Any) -> Source:
    known = {f.name for f in fields(CrawlSettings)}
    crawl = CrawlSettings(**{k: v for k, v in (row.crawl or {}).items() if k in known})
    return Source(
        name=row.name,
        home_url=row.home_url,
        level=SourceLevel(row.level),
        province=row.province,
        language=row.language,
        feeds=tuple(row.feeds or ()),
        sitemaps=tuple(row.sitemaps or ()),
        crawl=crawl,
    )


class SqlStore(Store):
    """Both backends; ``engine`` reads, ``writer`` (same pool) begins write transactions."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.writer = engine.execution_options(**{WRITE_OPTION: True})

    # lifecycle
    def migrate(self) -> list[str]:
        return migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # sources
    def upsert_source(self, source: Source) -> None:
        now = datetime.now(UTC)
        with self.writer.begin() as conn:
            created = conn.execute(select(sources.c.created_at).where(sources.c.name == source.name)).scalar()
            upsert(
                conn,
                sources,
                {
                    "name": source.name,
                    "home_url": source.home_url,
                    "level": source.level.value,
                    "province": source.province,
                    "language": source.language,
                    "feeds": list(source.feeds),
                    "sitemaps": list(source.sitemaps),
                    "crawl": asdict(source.crawl),
                    "created_at": created or now,
                    "updated_at": now,
                },
                ["name"],
            )

    def get_source(self, name: str) -> Source:
        with self.engine.connect() as conn:
            row = conn.execute(select(sources).where(sources.c.name == name)).first()
        if row is None:
            raise NotFound(f"no source named {name!r}")
        return _source_from_row(row)

    def list_sources(self) -> list[Source]:
        with self.engine.connect() as conn:
            return [_source_from_row(r) for r in conn.execute(select(sources).order_by(sources.c.name))]

    def delete_source(self, name: str) -> None:
        """Forget a source and its queued URLs; its stored articles and fetch log stay."""
        with self.writer.begin() as conn:
            if conn.execute(delete(sources).where(sources.c.name == name)).rowcount == 0:
                raise NotFound(f"no source named {name!r}")
            conn.execute(delete(frontier).where(frontier.c.source == name))

    def source_health(self) -> list[SourceHealth]:
        """Per registered source: fetches and errors (all time), articles, rate over 30 days."""
        since = (datetime.now(UTC) - timedelta(days=HEALTH_WINDOW_DAYS)).date()
        failed = or_(pages.c.error.is_not(None), pages.c.status >= 400)
        with self.engine.connect() as conn:
            fetch_rows = conn.execute(
                select(
                    pages.c.source,
                    func.max(pages.c.fetched_at).label("last"),
                    func.count().label("fetches"),
                    func.sum(case((failed, 1), else_=0)).label("errors"),
                ).group_by(pages.c.source)
            )
            fetch = {r.source: r for r in fetch_rows}
            article_rows = conn.execute(
                select(
                    articles.c.source,
                    func.count().label("total"),
                    func.sum(case((articles.c.published_date >= since, 1), else_=0)).label("recent"),
                ).group_by(articles.c.source)
            )
            counts = {r.source: r for r in article_rows}
            out = []
            for src in conn.execute(select(sources.c.name).order_by(sources.c.name)).scalars():
                bad = conn.execute(
                    select(pages.c.error, pages.c.status)
                    .where(pages.c.source == src, failed)
                    .order_by(pages.c.fetched_at.desc(), pages.c.id.desc())
                    .limit(1)
                ).first()
                last_error = (bad.error or f"HTTP {bad.status}") if bad else None
                f, a = fetch.get(src), counts.get(src)
                out.append(
                    SourceHealth(
                        name=src,
                        last_fetch=f.last if f else None,
                        fetches=int(f.fetches) if f else 0,
                        errors=int(f.errors or 0) if f else 0,
                        articles=int(a.total) if a else 0,
                        articles_per_day=(int(a.recent or 0) / HEALTH_WINDOW_DAYS) if a else 0.0,
                        last_error=last_error,
                    )
                )
        return out

    # pages and failures
    def record_page(self, page: FetchedPage) -> None:
        with self.writer.begin() as conn:
            conn.execute(
                insert(pages).values(
                    url=page.url,
                    final_url=page.final_url,
                    fetched_at=page.fetched_at or datetime.now(UTC),
                    status=page.status,
                    content_type=page.content_type,
                    encoding=page.encoding,
                    content_hash=page.content_hash if page.content else None,
                    size=len(page.content),
                    etag=page.etag,
                    last_modified=page.last_modified,
                    error=page.error,
                    source=page.source,
                    origin=page.origin,
                )
            )

    def page_validators(self, url: str) -> tuple[str | None, str | None]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(pages.c.etag, pages.c.last_modified)
                .where(
                    pages.c.url == url,
                    pages.c.error.is_(None),
                    or_(pages.c.status.is_(None), pages.c.status < 400),
                    or_(pages.c.etag.is_not(None), pages.c.last_modified.is_not(None)),
                )
                .order_by(pages.c.fetched_at.desc(), pages.c.id.desc())
                .limit(1)
            ).first()
        return (row.etag, row.last_modified) if row else (None, None)

    def record_failure(self, failure: Failure) -> None:
        with self.writer.begin() as conn:
            conn.execute(
                insert(failures).values(
                    stage=failure.stage,
                    target=failure.target,
                    reason=failure.reason,
                    at=failure.at or datetime.now(UTC),
                )
            )

    def list_failures(self, limit: int = 100, stage: str | None = None) -> list[Failure]:
        """Newest first."""
        query = select(failures).order_by(failures.c.at.desc(), failures.c.id.desc()).limit(limit)
        if stage is not None:
            query = query.where(failures.c.stage == stage)
        with self.engine.connect() as conn:
            return [Failure(r.stage, r.target, r.reason, r.at) for r in conn.execute(query)]

    # articles (lantoa.store.articles)
    def save_article(self, enriched: EnrichedArticle) -> SaveResult:
        """One transaction; retried when a concurrent writer saved the same URL first."""
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self.writer.begin() as conn:
                    return article_ops.save(conn, enriched)
            except (IntegrityError, OperationalError) as exc:
                if attempt + 1 == SAVE_ATTEMPTS:
                    target = enriched.article.url or enriched.article.title[:80]
                    raise StoreError(f"cannot save {target}: {str(exc.orig).splitlines()[0]}") from exc
        raise AssertionError("unreachable")

    def get_article(self, article_id: int) -> StoredArticle:
        with self.engine.connect() as conn:
            found = article_ops.load(conn, ArticleFilter(ids=(article_id,)), limit=1)
            if not found:
                raise NotFound(f"no article with id {article_id}")
            return found[0]

    def find_article_id(self, url: str) -> int | None:
        with self.engine.connect() as conn:
            found = conn.execute(select(articles.c.id).where(articles.c.url == url)).scalar()
        return int(found) if found is not None else None

    def iter_articles(
        self, filters: ArticleFilter | None = None, *, newest_first: bool = True, limit: int | None = None
    ) -> Iterator[StoredArticle]:
        return article_ops.iterate(self.engine, filters or ArticleFilter(), newest_first, limit)

    def count_articles(self, filters: ArticleFilter | None = None, *, groups: bool = True) -> int:
        with self.engine.connect() as conn:
            return article_ops.count(conn, filters or ArticleFilter(), groups)

    def duplicate_group(self, group_id: int) -> list[int]:
        with self.engine.connect() as conn:
            return article_ops.group_members(conn, group_id)

    # crawl frontier
    def frontier_add(self, source: str, urls: Iterable[tuple[str, int]]) -> int:
        wanted: dict[str, int] = {}
        for url, depth in urls:
            wanted.setdefault(url, depth)
        if not wanted:
            return 0
        now = datetime.now(UTC)
        added = 0
        items = list(wanted.items())
        with self.writer.begin() as conn:
            for start in range(0, len(items), 500):
                chunk = dict(items[start : start + 500])
                known = set(conn.execute(select(frontier.c.url).where(frontier.c.url.in_(chunk))).scalars())
                rows = [
                    {
                        "url": u,
                        "source": source,
                        "depth": d,
                        "state": "pending",
                        "attempts": 0,
                        "added_at": now,
                        "updated_at": now,
                    }
                    for u, d in chunk.items()
                    if u not in known
                ]
                if rows:
                    insert_ignore(conn, frontier, rows, ["url"])
                    added += len(rows)
        return added

    def frontier_next(self, source: str, limit: int) -> list[FrontierItem]:
        """Due items, oldest first; they are marked taken (and handed out again until done)."""
        now = datetime.now(UTC)
        with self.writer.begin() as conn:
            rows = conn.execute(
                select(
                    frontier.c.id, frontier.c.url, frontier.c.source, frontier.c.depth, frontier.c.attempts
                )
                .where(
                    frontier.c.source == source,
                    frontier.c.state.in_(("pending", "taken")),
                    or_(frontier.c.next_try_at.is_(None), frontier.c.next_try_at <= now),
                )
                .order_by(frontier.c.id)
                .limit(limit)
            ).all()
            if rows:
                conn.execute(
                    update(frontier)
                    .where(frontier.c.id.in_([r.id for r in rows]))
                    .values(state="taken", updated_at=now)
                )
        return [
            FrontierItem(
                url=r.url,
                source=r.source,
                depth=int(r.depth),
                attempts=int(r.attempts),
                **self._validators(r.url),
            )
            for r in rows
        ]

    def _validators(self, url: str) -> dict[str, str | None]:
        etag, last_modified = self.page_validators(url)
        return {"etag": etag, "last_modified": last_modified}

    def frontier_done(self, url: str, *, error: str | None = None, retry: bool = False) -> None:
        """Done; failed for good; or retried after 2^attempts minutes (capped at a day), up to 5 tries."""
        now = datetime.now(UTC)
        with self.writer.begin() as conn:
            row = conn.execute(select(frontier.c.attempts).where(frontier.c.url == url)).first()
            if row is None:
                return
            if error is None:
                values: dict[str, Any] = {"state": "done", "error": None, "next_try_at": None}
            else:
                attempts = int(row.attempts) + 1
                values = {"attempts": attempts, "error": error[:2000]}
                if retry and attempts < MAX_ATTEMPTS:
                    delay = timedelta(minutes=min(2**attempts, 24 * 60))
                    values.update(state="pending", next_try_at=now + delay)
                else:
                    values.update(state="failed", next_try_at=None)
            conn.execute(update(frontier).where(frontier.c.url == url).values(updated_at=now, **values))

    def frontier_pending(self, source: str | None = None) -> int:
        """Items not done nor failed (waiting retries included)."""
        cond: ColumnElement[bool] = frontier.c.state.in_(("pending", "taken"))
        if source is not None:
            cond = and_(cond, frontier.c.source == source)
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(frontier).where(cond)).scalar_one())
