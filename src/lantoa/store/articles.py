"""Articles: idempotent save (with side tables, duplicate group and search index), reads, counts.

Identity rules of ``save``:

- same canonical URL: same article; an identical record is ``unchanged``, a changed one is
  rewritten in place (``updated``, same id);
- no URL (local text): the same normalised text is the same article;
- a new URL whose normalised text is already stored is stored as its own row (``new``) in the
  group of the earlier copy, so copies stay visible and counting features count the group once.

Everything happens on the caller's connection inside one transaction, so a killed process
leaves the article with all of its side rows, duplicate-index rows and search-index rows, or none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from lantoa.dedup.index import place_article, remove_article
from lantoa.records import EnrichedArticle, PageType
from lantoa.store.api import ArticleFilter, SaveResult, SaveStatus, StoredArticle
from lantoa.store.schema import (
    article_documents,
    article_locations,
    article_persons,
    article_themes,
    articles,
    dup_groups,
    sources,
)
from lantoa.store.serialize import article_row, row_article

log = logging.getLogger(__name__)

STREAM_BATCH = 500
"""Rows fetched per round trip by ``iterate`` (a server-side cursor on PostgreSQL)."""


def filter_clauses(f: ArticleFilter) -> list[ColumnElement[bool]]:
    """WHERE conditions of an ``ArticleFilter`` on ``articles`` (shared with search and exports).

    ``province`` matches the province an article is about or, failing that, its source's province.
    """
    where: list[ColumnElement[bool]] = []
    if not f.include_listings:
        where.append(articles.c.page_type == PageType.ARTICLE.value)
    if f.source is not None:
        where.append(articles.c.source == f.source)
    if f.level is not None:
        where.append(articles.c.level == f.level)
    if f.province is not None:
        where.append(or_(articles.c.province == f.province, articles.c.source_province == f.province))
    if f.theme is not None:
        where.append(
            exists().where(article_themes.c.article_id == articles.c.id, article_themes.c.slug == f.theme)
        )
    if f.since is not None:
        where.append(articles.c.published_date >= f.since)
    if f.until is not None:
        where.append(articles.c.published_date <= f.until)
    if f.relevant is not None:
        where.append(articles.c.relevant == f.relevant)
    if f.ids:
        where.append(articles.c.id.in_(f.ids))
    return where


def _write_side_tables(conn: Connection, article_id: int, enriched: EnrichedArticle) -> None:
    ana = enriched.analysis
    for table in (article_themes, article_persons, article_documents, article_locations):
        conn.execute(delete(table).where(table.c.article_id == article_id))
    themes: dict[str, float] = {}
    for t in ana.themes:
        themes[t.slug] = max(t.score, themes.get(t.slug, t.score))
    if themes:
        conn.execute(
            insert(article_themes),
            [{"article_id": article_id, "slug": s, "score": v} for s, v in themes.items()],
        )
    persons = sorted({p.name for p in ana.persons})
    if persons:
        conn.execute(insert(article_persons), [{"article_id": article_id, "name": n} for n in persons])
    docs: dict[str, dict[str, Any]] = {}
    for d in ana.documents:
        docs.setdefault(
            d.key, {"article_id": article_id, "doc_key": d.key, "symbol": d.symbol, "type": d.type}
        )
    if docs:
        conn.execute(insert(article_documents), list(docs.values()))
    places: dict[tuple[str, str], dict[str, Any]] = {}
    for loc in ana.locations:
        places.setdefault(
            (loc.name, loc.kind),
            {"article_id": article_id, "name": loc.name, "kind": loc.kind, "province_now": loc.province_now},
        )
    if places:
        conn.execute(insert(article_locations), list(places.values()))


def _result(conn: Connection, article_id: int, status: SaveStatus, matched: int | None = None) -> SaveResult:
    row = conn.execute(
        select(articles.c.group_id, dup_groups.c.canonical_id)
        .select_from(articles.outerjoin(dup_groups, dup_groups.c.id == articles.c.group_id))
        .where(articles.c.id == article_id)
    ).one()
    group_id = int(row.group_id) if row.group_id is not None else article_id
    canonical = int(row.canonical_id) if row.canonical_id is not None else article_id
    duplicate_of = canonical if canonical != article_id else matched
    return SaveResult(article_id, status, group_id, duplicate_of)


def save(conn: Connection, enriched: EnrichedArticle) -> SaveResult:
    """Insert, update or skip one article (see the module docstring for the identity rules)."""
    art = enriched.article
    row = article_row(enriched)
    src = conn.execute(
        select(sources.c.level, sources.c.province).where(sources.c.name == art.source)
    ).first()
    row["level"] = src.level if src else None
    row["source_province"] = src.province if src else None
    same = select(articles.c.id, articles.c.record_hash)
    if art.url is not None:
        existing = conn.execute(same.where(articles.c.url == art.url)).first()
    else:
        existing = conn.execute(
            same.where(articles.c.text_hash == row["text_hash"]).order_by(
                articles.c.url.is_not(None), articles.c.id
            )
        ).first()
    now = datetime.now(UTC)
    from lantoa.search.index import index_article, unindex_article  # lazy: search imports the store

    if existing is not None:
        article_id = int(existing.id)
        if existing.record_hash == row["record_hash"]:
            return _result(conn, article_id, SaveStatus.UNCHANGED)
        stored_url = conn.execute(select(articles.c.url).where(articles.c.id == article_id)).scalar()
        if art.url is None and stored_url is not None:
            return _result(conn, article_id, SaveStatus.UNCHANGED)
        remove_article(conn, article_id)
        unindex_article(conn, article_id)
        conn.execute(update(articles).where(articles.c.id == article_id).values(updated_at=now, **row))
        status = SaveStatus.UPDATED
    else:
        inserted = conn.execute(insert(articles).values(ingested_at=now, updated_at=now, **row))
        article_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
        status = SaveStatus.NEW
    _write_side_tables(conn, article_id, enriched)
    placement = place_article(conn, article_id, art, row["text_hash"])
    index_article(conn, article_id, enriched)
    return _result(conn, article_id, status, placement.matched)


def _select(f: ArticleFilter, newest_first: bool) -> Select[Any]:
    order = (
        (articles.c.published.desc().nulls_last(), articles.c.id.desc())
        if newest_first
        else (articles.c.published.asc().nulls_last(), articles.c.id.asc())
    )
    return (
        select(articles, dup_groups.c.canonical_id, dup_groups.c.size)
        .select_from(articles.outerjoin(dup_groups, dup_groups.c.id == articles.c.group_id))
        .where(*filter_clauses(f))
        .order_by(*order)
    )


def _stored(row: Any) -> StoredArticle:
    mapping = row._mapping
    return StoredArticle(
        id=int(row.id),
        enriched=row_article(mapping),
        group_id=int(row.group_id) if row.group_id is not None else int(row.id),
        canonical_id=int(row.canonical_id) if row.canonical_id is not None else int(row.id),
        duplicates=int(row.size) - 1 if row.size else 0,
        ingested_at=row.ingested_at,
        source_level=row.level,
        source_province=row.source_province,
    )


def load(
    conn: Connection, f: ArticleFilter, *, limit: int | None = None, newest_first: bool = True
) -> list[StoredArticle]:
    query = _select(f, newest_first)
    if limit is not None:
        query = query.limit(limit)
    return [_stored(r) for r in conn.execute(query)]


def iterate(
    engine: Engine, f: ArticleFilter, newest_first: bool, limit: int | None
) -> Iterator[StoredArticle]:
    """Stream matching articles in batches (server-side cursor on PostgreSQL), no cap."""
    query = _select(f, newest_first)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(query)
        for row in result:
            yield _stored(row)


def count(conn: Connection, f: ArticleFilter, groups: bool) -> int:
    what = func.count(func.distinct(articles.c.group_id)) if groups else func.count()
    return int(conn.execute(select(what).select_from(articles).where(*filter_clauses(f))).scalar_one())


def group_members(conn: Connection, group_id: int) -> list[int]:
    """Canonical (earliest published, ties lowest id) first; empty for an unknown group."""
    rows = conn.execute(
        select(articles.c.id)
        .where(articles.c.group_id == group_id)
        .order_by(articles.c.published.asc().nulls_last(), articles.c.id)
    )
    return [int(i) for i in rows.scalars()]
