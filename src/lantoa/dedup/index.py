"""Persistent, incremental duplicate detection inside the store's transaction.

At ingest an article is compared with what is already stored: first by normalised-text hash
(exact copies), then through MinHash LSH band buckets kept in ``dedup_buckets`` (so detection
works across runs and processes, on SQLite and PostgreSQL alike), with each candidate verified
on exact shingle sets (``lantoa.dedup.minhash.compare``). The article joins the group of its
best verified match, or founds its own group (group id = its article id).

Each group's canonical article is the earliest published member (undated last, ties: lowest
id); it is recomputed whenever a member joins or leaves, so an earlier copy arriving later takes
over. Groups never merge transitively beyond the best match: A~B and B~C put C with B.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from lantoa.dedup.minhash import (
    band_keys,
    pick_best,
    shingles,
    signature,
    signature_bytes,
    signature_from_bytes,
)
from lantoa.dedup.normalize import dedup_text
from lantoa.records import Article, PageType
from lantoa.store.schema import articles, dedup_buckets, dedup_signatures, dup_groups

MAX_CANDIDATES = 30
"""Articles sharing the most bands that are looked at, at most (hot buckets stay cheap)."""


@dataclass(frozen=True)
class Placement:
    group_id: int
    matched: int | None
    """The stored article this one duplicates (None: it founded its own group)."""


def _stored_text(conn: Connection, article_ids: list[int]) -> dict[int, str]:
    rows = conn.execute(
        select(articles.c.id, articles.c.title, articles.c.lead, articles.c.body).where(
            articles.c.id.in_(article_ids)
        )
    )
    out: dict[int, str] = {}
    for row in rows:
        paragraphs = tuple(row.body.split("\n")) if row.body else ()
        out[int(row.id)] = dedup_text(
            Article(url=None, title=row.title, lead=row.lead, paragraphs=paragraphs)
        )
    return out


def _near_match(conn: Connection, article_id: int, article: Article) -> int | None:
    """Index the article's MinHash and return its best verified near-duplicate, if any."""
    sh = shingles(dedup_text(article))
    sig = signature(sh)
    keys = band_keys(sig)
    conn.execute(
        insert(dedup_signatures).values(
            article_id=article_id, signature=signature_bytes(sig), shingles=int(sh.size)
        )
    )
    if sh.size == 0:
        return None
    shared = func.count().label("shared")
    rows = conn.execute(
        select(dedup_buckets.c.article_id, shared)
        .where(dedup_buckets.c.bucket.in_(keys), dedup_buckets.c.article_id != article_id)
        .group_by(dedup_buckets.c.article_id)
        .order_by(shared.desc(), dedup_buckets.c.article_id)
        .limit(MAX_CANDIDATES)
    ).all()
    conn.execute(insert(dedup_buckets), [{"bucket": k, "article_id": article_id} for k in set(keys)])
    if not rows:
        return None
    candidate_ids = [int(r.article_id) for r in rows]
    sigs = conn.execute(
        select(dedup_signatures.c.article_id, dedup_signatures.c.signature).where(
            dedup_signatures.c.article_id.in_(candidate_ids)
        )
    )
    candidates = [(int(r.article_id), signature_from_bytes(bytes(r.signature))) for r in sigs]
    return pick_best(
        sh, sig, candidates, lambda ids: {i: shingles(t) for i, t in _stored_text(conn, ids).items()}
    )


def place_article(conn: Connection, article_id: int, article: Article, text_hash: str) -> Placement:
    """Put a just-written article into its duplicate group (exact, then near) and index it."""
    matched: int | None = None
    if article.page_type is PageType.ARTICLE:
        exact = conn.execute(
            select(articles.c.id)
            .where(articles.c.text_hash == text_hash, articles.c.id != article_id)
            .order_by(articles.c.id)
            .limit(1)
        ).first()
        matched = int(exact.id) if exact else _near_match(conn, article_id, article)
    now = datetime.now(UTC)
    if matched is None:
        group_id = article_id
        conn.execute(insert(dup_groups).values(id=group_id, canonical_id=article_id, size=1, updated_at=now))
    else:
        group_id = int(conn.execute(select(articles.c.group_id).where(articles.c.id == matched)).scalar_one())
        conn.execute(update(dup_groups).where(dup_groups.c.id == group_id).values(size=dup_groups.c.size + 1))
    conn.execute(update(articles).where(articles.c.id == article_id).values(group_id=group_id))
    if matched is not None:
        recanonicalise(conn, group_id)
    return Placement(group_id, matched)


def recanonicalise(conn: Connection, group_id: int) -> int:
    """Set and return the group's canonical article: earliest published, ties lowest id."""
    first = conn.execute(
        select(articles.c.id)
        .where(articles.c.group_id == group_id)
        .order_by(articles.c.published.asc().nulls_last(), articles.c.id)
        .limit(1)
    ).scalar_one()
    conn.execute(
        update(dup_groups)
        .where(dup_groups.c.id == group_id)
        .values(canonical_id=first, updated_at=datetime.now(UTC))
    )
    return int(first)


def remove_article(conn: Connection, article_id: int) -> None:
    """Take an article out of its group and of the LSH index (before an update or a delete)."""
    conn.execute(delete(dedup_buckets).where(dedup_buckets.c.article_id == article_id))
    conn.execute(delete(dedup_signatures).where(dedup_signatures.c.article_id == article_id))
    group_id = conn.execute(
        select(articles.c.group_id).where(articles.c.id == article_id)
    ).scalar_one_or_none()
    if group_id is None:
        return
    conn.execute(update(articles).where(articles.c.id == article_id).values(group_id=None))
    remaining = conn.execute(select(func.count()).where(articles.c.group_id == group_id)).scalar_one()
    if remaining == 0:
        conn.execute(delete(dup_groups).where(dup_groups.c.id == group_id))
        return
    if group_id == article_id:
        # The founder leaves: renumber the group after its lowest remaining member, so that the
        # founder can found a group of its own under its id again.
        new_id = int(
            conn.execute(select(func.min(articles.c.id)).where(articles.c.group_id == group_id)).scalar_one()
        )
        conn.execute(update(articles).where(articles.c.group_id == group_id).values(group_id=new_id))
        conn.execute(delete(dup_groups).where(dup_groups.c.id == group_id))
        now = datetime.now(UTC)
        conn.execute(
            insert(dup_groups).values(id=new_id, canonical_id=new_id, size=remaining, updated_at=now)
        )
        group_id = new_id
    else:
        conn.execute(update(dup_groups).where(dup_groups.c.id == group_id).values(size=remaining))
    recanonicalise(conn, int(group_id))
