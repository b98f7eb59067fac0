"""Writing the search index: the store calls these inside its save transaction.

Contract with the store: ``index_article(conn, article_id, enriched)`` after the ``articles`` row
is written (insert or update), ``unindex_article(conn, article_id)`` before a row is deleted.
Both are idempotent, so an update simply re-indexes. Listing pages are not searchable.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, cast, delete, insert, select
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Connection

from lantoa.records import EnrichedArticle, PageType
from lantoa.search import schema
from lantoa.search.fields import doc_key, key, province_key
from lantoa.search.schema import search_fts, search_keys, search_tsv
from lantoa.search.text import fold_tokens, tokens
from lantoa.store.schema import articles

MAX_POSITION = 16383
"""PostgreSQL keeps word positions up to 16383; later words share the last position."""
MAX_POSITIONS_PER_LEXEME = 255


def document_tokens(enriched: EnrichedArticle) -> list[str]:
    """Exact tokens of the searchable text: headline, lead and body."""
    return tokens(enriched.article.full_text)


def tsvector_literal(exact: list[str], folded: list[str] | None = None) -> str:
    """A tsvector where each folded syllable and its exact twin share one position.

    Exact forms carry weight A and folded twins weight D, so ``ts_rank`` scores an article that
    has the word as typed (``Đảng``) well above one that only shares its folding (``đang``).
    Lexemes are letters and digits only (see ``lantoa.search.text``), so quoting them is safe;
    the literal is passed as a bound parameter and cast, never spliced into SQL.
    """
    folded = folded if folded is not None else fold_tokens(exact)
    positions: dict[str, list[str]] = {}
    for i, (tok, twin) in enumerate(zip(exact, folded, strict=True), start=1):
        pos = str(min(i, MAX_POSITION))
        plist = positions.setdefault(tok, [])
        if len(plist) < MAX_POSITIONS_PER_LEXEME:
            plist.append(pos + "A")
        if twin != tok:
            plist = positions.setdefault(twin, [])
            if len(plist) < MAX_POSITIONS_PER_LEXEME:
                plist.append(pos)
    return " ".join(f"'{lex}':{','.join(pl)}" for lex, pl in positions.items())


def _keys(enriched: EnrichedArticle, source_province: str | None) -> set[tuple[str, str]]:
    analysis, article = enriched.analysis, enriched.article
    found: set[tuple[str, str]] = {("theme", t.slug) for t in analysis.themes}
    if article.source:
        found.add(("source", key(article.source)))
    if analysis.province:
        found.add(("province", province_key(analysis.province)))
    if source_province:
        found.add(("province", province_key(source_province)))
    found.update(("person", key(p.name)) for p in analysis.persons)
    found.update(("doc", doc_key(d.symbol) if d.symbol else d.key) for d in analysis.documents)
    if analysis.topic:
        found.add(("topic", key(analysis.topic)))
    return {(kind, value[:300]) for kind, value in found if value}


def unindex_article(conn: Connection, article_id: int) -> None:
    """Remove an article from the index (no error when it is not there)."""
    conn.execute(delete(search_keys).where(search_keys.c.article_id == article_id))
    if conn.dialect.name == "sqlite":
        conn.execute(delete(search_fts).where(search_fts.c.rowid == article_id))
    else:
        conn.execute(delete(search_tsv).where(search_tsv.c.article_id == article_id))


def index_article(conn: Connection, article_id: int, enriched: EnrichedArticle) -> None:
    """(Re)index one stored article: full text in both forms and its filter keys."""
    index_many(conn, [(article_id, enriched)], replace=True)


def index_many(
    conn: Connection, items: Iterable[tuple[int, EnrichedArticle]], *, replace: bool = True
) -> int:
    """Index a batch in a few statements (bulk loads); ``replace=False`` skips the deletes."""
    batch = list(items)
    source_provinces = dict(
        conn.execute(
            select(articles.c.id, articles.c.source_province).where(
                articles.c.id.in_([i for i, _ in batch]), articles.c.source_province.is_not(None)
            )
        ).all()
    )
    fts_rows: list[dict[str, object]] = []
    key_rows: list[dict[str, object]] = []
    for article_id, enriched in batch:
        if replace:
            unindex_article(conn, article_id)
        if enriched.article.page_type is PageType.LISTING:
            continue
        exact = document_tokens(enriched)
        folded = fold_tokens(exact)
        if conn.dialect.name == "sqlite":
            fts_rows.append({"rowid": article_id, "exact": " ".join(exact), "folded": " ".join(folded)})
        else:
            fts_rows.append({"article_id": article_id, "tsv": tsvector_literal(exact, folded)})
        key_rows.extend(
            {"kind": kind, "key": value, "article_id": article_id}
            for kind, value in _keys(enriched, source_provinces.get(article_id))
        )
    if fts_rows:
        if conn.dialect.name == "sqlite":
            conn.execute(insert(search_fts), fts_rows)
        else:
            tsv = cast(bindparam("tsv_text"), TSVECTOR)
            rows = [{"article_id": r["article_id"], "tsv_text": r["tsv"]} for r in fts_rows]
            conn.execute(insert(search_tsv).values(article_id=bindparam("article_id"), tsv=tsv), rows)
    if key_rows:
        conn.execute(insert(search_keys), key_rows)
    return len(fts_rows)


__all__ = ["index_article", "index_many", "schema", "unindex_article"]
