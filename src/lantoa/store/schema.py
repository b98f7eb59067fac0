"""Core tables of the store, as SQLAlchemy Core ``Table`` objects on one ``MetaData``.

The same definitions create the schema on SQLite and PostgreSQL; types with a dialect variant
(JSON -> JSONB, big integer ids -> SQLite rowid integers) keep one declaration. Other components
(search, web, coordination) define their own tables on their own ``MetaData`` and register a
migration series under their component name (see ``lantoa.store.migrations``).

Conventions other parts rely on:

- Every timestamp column is timezone-aware (``UTCDateTime``): stored as UTC, read back aware.
- ``articles.group_id`` is the id of the duplicate group, itself the id of the group's first
  stored article; ``dup_groups.canonical_id`` is the earliest published member (ties: lowest id).
  A second URL with identical text is stored as its own row in the same group, so copies stay
  visible while counts (``COUNT(DISTINCT group_id)``) count stories once.
- ``articles.published_date`` is the publication day in Asia/Ho_Chi_Minh, for day filters;
  ``published_has_time`` says whether the page showed a time (else ``published`` is midnight).
- ``articles.level`` and ``articles.source_province`` copy the source's level and province at
  ingest; ``articles.province`` is the province the article is about (from analysis).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on both backends.

    SQLite has no time zone type: values are normalised to naive UTC before storing and marked
    UTC when read. Naive inputs are taken as UTC (callers should never pass them).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JsonType = JSON().with_variant(JSONB(), "postgresql")
IdType = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit ids on PostgreSQL; plain INTEGER on SQLite so the column aliases the rowid."""

metadata = MetaData()

schema_versions = Table(
    "schema_versions",
    metadata,
    Column("component", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("home_url", Text, nullable=False),
    Column("level", String(20), nullable=False, index=True),
    Column("province", String(100), index=True),
    Column("language", String(10), nullable=False, default="vi"),
    Column("feeds", JsonType, nullable=False),
    Column("sitemaps", JsonType, nullable=False),
    Column("crawl", JsonType, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

pages = Table(
    "pages",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("final_url", Text),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("status", Integer),
    Column("content_type", String(200)),
    Column("encoding", String(50)),
    Column("content_hash", String(64)),
    Column("size", Integer),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("error", Text),
    Column("source", String(200)),
    Column("origin", Text),
    Index("ix_pages_url_fetched", "url", "fetched_at"),
    Index("ix_pages_source_fetched", "source", "fetched_at"),
)

failures = Table(
    "failures",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("stage", String(20), nullable=False),
    Column("target", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_failures_stage_at", "stage", "at"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("url", Text, unique=True),
    Column("source", String(200), index=True),
    Column("level", String(20), index=True),
    Column("source_province", String(100), index=True),
    Column("page_type", String(10), nullable=False),
    Column("title", Text, nullable=False),
    Column("published", UTCDateTime),
    Column("published_date", Date, index=True),
    Column("published_has_time", Boolean, nullable=False, default=False),
    Column("authors", JsonType, nullable=False),
    Column("lead", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("captions", JsonType, nullable=False),
    Column("language", String(10), nullable=False),
    Column("text_hash", String(64), nullable=False, index=True),
    Column("record_hash", String(64), nullable=False),
    Column("topic", String(100), index=True),
    Column("relevant", Boolean, nullable=False, default=False),
    Column("province", String(100), index=True),
    Column("analysis", JsonType, nullable=False),
    Column("extra", JsonType, nullable=False),
    Column("group_id", BigInteger, index=True),
    Column("ingested_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_articles_published", "published", "id"),
    Index("ix_articles_group_published", "group_id", "published", "id"),
)

article_themes = Table(
    "article_themes",
    metadata,
    Column("article_id", IdType, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("slug", String(100), primary_key=True),
    Column("score", Float, nullable=False),
    Index("ix_article_themes_slug", "slug", "article_id"),
)

article_persons = Table(
    "article_persons",
    metadata,
    Column("article_id", IdType, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(300), primary_key=True),
    Index("ix_article_persons_name", "name", "article_id"),
)

article_documents = Table(
    "article_documents",
    metadata,
    Column("article_id", IdType, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("doc_key", String(300), primary_key=True),
    Column("symbol", String(200)),
    Column("type", String(100), nullable=False),
    Index("ix_article_documents_key", "doc_key", "article_id"),
)

article_locations = Table(
    "article_locations",
    metadata,
    Column("article_id", IdType, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(300), primary_key=True),
    Column("kind", String(30), primary_key=True),
    Column("province_now", String(100)),
    Index("ix_article_locations_province", "province_now", "article_id"),
)

frontier = Table(
    "frontier",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False, unique=True),
    Column("source", String(200), nullable=False),
    Column("depth", SmallInteger, nullable=False, default=0),
    # pending / taken (handed out, not done yet: handed out again after a crash) / done / failed
    Column("state", String(12), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_try_at", UTCDateTime),
    Column("error", Text),
    Column("added_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_frontier_source_state", "source", "state", "id"),
)

dup_groups = Table(
    "dup_groups",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("canonical_id", BigInteger, nullable=False),
    Column("size", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

dedup_signatures = Table(
    "dedup_signatures",
    metadata,
    Column("article_id", IdType, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
    Column("shingles", Integer, nullable=False),
)

dedup_buckets = Table(
    "dedup_buckets",
    metadata,
    # 64-bit hash of (band number, band values) of the MinHash signature, signed.
    Column("bucket", BigInteger, primary_key=True, autoincrement=False),
    Column("article_id", IdType, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_dedup_buckets_article", "article_id"),
    sqlite_with_rowid=False,
)

CORE_TABLES = tuple(metadata.sorted_tables)
