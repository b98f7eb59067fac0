"""Listing duplicate groups for people: each group with its canonical article and its copies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lantoa.records import VN_TZ
from lantoa.store.api import Store
from lantoa.store.schema import articles, dup_groups


@dataclass(frozen=True)
class GroupMember:
    id: int
    url: str | None
    source: str | None
    title: str
    published: datetime | None
    """In Asia/Ho_Chi_Minh."""


@dataclass(frozen=True)
class DuplicateGroup:
    group_id: int
    canonical: GroupMember
    copies: tuple[GroupMember, ...]
    """The other members, earliest published first."""

    @property
    def size(self) -> int:
        return 1 + len(self.copies)


def list_groups(store: Store, limit: int | None = 50, min_size: int = 2) -> list[DuplicateGroup]:
    """Groups of at least ``min_size`` articles, largest first (ties: newest canonical id first)."""
    query = (
        select(dup_groups.c.id)
        .where(dup_groups.c.size >= min_size)
        .order_by(dup_groups.c.size.desc(), dup_groups.c.canonical_id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    out: list[DuplicateGroup] = []
    with store.engine.connect() as conn:
        group_ids = [int(g) for g in conn.execute(query).scalars()]
        for gid in group_ids:
            rows = conn.execute(
                select(
                    articles.c.id, articles.c.url, articles.c.source, articles.c.title, articles.c.published
                )
                .where(articles.c.group_id == gid)
                .order_by(articles.c.published.asc().nulls_last(), articles.c.id)
            ).all()
            members = [
                GroupMember(
                    int(r.id),
                    r.url,
                    r.source,
                    r.title,
                    r.published.astimezone(VN_TZ) if r.published else None,
                )
                for r in rows
            ]
            if members:
                out.append(DuplicateGroup(gid, members[0], tuple(members[1:])))
    return out
