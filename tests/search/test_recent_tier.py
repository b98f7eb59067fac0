"""SQLite's recent tier (``lantoa.search.index``): a second full-text table holding only the
newest articles, read first for the result window. Whatever the tier holds, a search must give
the same window as the main table alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update

from lantoa.records import Analysis, Article, EnrichedArticle
from lantoa.search import search
from lantoa.search.index import NO_TIER, RECENT_SIZE, RecentTier, fill_recent, recent_tier
from lantoa.search.schema import search_fts_rowids, search_recent
from lantoa.store.api import Store, open_store

DAY = date(2024, 1, 1)


@pytest.fixture
def lite(tmp_path: Path) -> Iterator[Store]:
    store = open_store(str(tmp_path / "tier.db"))
    yield store
    store.close()


def _save(store: Store, n: int, body: str, day: date) -> int:
    article = Article(url=f"https://example.vn/t/{n}", title=f"Tin số {n}", paragraphs=(body,), published=day)
    return store.save_article(EnrichedArticle(article, Analysis())).article_id


def _tier_rowids(store: Store) -> tuple[set[int], set[int]]:
    """(rowids in the recent FTS table, rowids the boundary says must be there)."""
    with store.engine.connect() as conn:
        tier = recent_tier(conn)
        assert tier is not None
        held = {int(r) for r in conn.execute(text("SELECT rowid FROM search_fts_recent")).scalars()}
        r = search_fts_rowids.c
        due = {
            int(k) for k in conn.execute(select(r.fts_rowid).where(r.fts_rowid >= tier.boundary)).scalars()
        }
        assert tier.entries == len(held)
        assert tier.indexed == conn.execute(select(func.count()).select_from(search_fts_rowids)).scalar()
    return held, due


def _window_ids(store: Store, query: str, window: int) -> tuple[list[int], int, bool]:
    result = search(store, query, sort="date", window=window, limit=50)
    return [h.id for h in result.hits], result.total, result.total_exact


def test_tier_holds_exactly_the_entries_past_its_boundary_through_adds_cuts_and_updates(lite: Store) -> None:
    ids = [_save(lite, n, "Ngư dân ra khơi đánh bắt hải sản.", DAY + timedelta(days=n)) for n in range(6)]
    with lite.engine.begin() as conn:
        assert fill_recent(conn, size=3) == 3
    held, due = _tier_rowids(lite)
    assert held == due and len(held) == 3
    for n in range(6, 12):  # grows past size + slack, then is cut back to the newest 3
        ids.append(_save(lite, n, "Ngư dân ra khơi đánh bắt hải sản.", DAY + timedelta(days=n)))
        held, due = _tier_rowids(lite)
        assert held == due and 3 <= len(held) <= 4
    backfill = _save(lite, 99, "Ngư dân ra khơi.", DAY - timedelta(days=400))  # old: main table only
    held, due = _tier_rowids(lite)
    assert held == due and len(held) <= 4
    newest = ids[-1]
    _save(lite, 11, "Tàu cá cập cảng an toàn.", DAY + timedelta(days=11))  # an update inside the tier
    held, due = _tier_rowids(lite)
    assert held == due
    assert newest not in [h.id for h in search(lite, "ngu dan", window=2).hits]
    assert [h.id for h in search(lite, "tau ca").hits] == [newest]
    assert backfill in [h.id for h in search(lite, "ngu dan", window=50).hits]


def test_windows_from_the_tier_equal_windows_from_the_main_table(lite: Store) -> None:
    for n in range(30):
        body = "Hội nghị bàn về biển đảo." if n % 3 else "Hội nghị về kinh tế số."
        _save(lite, n, body, DAY + timedelta(days=n))
    with lite.engine.begin() as conn:
        fill_recent(conn, size=8)
    queries = [("hoi nghi", 4), ("hoi nghi", 40), ("bien dao", 3), ("kinh te", 3), ("kinh te", 12)]
    queries += [("hoi nghi date:2024-01-05..2024-01-20", 3), ("bien dao date:..2024-01-10", 2)]
    with_tier = [_window_ids(lite, q, w) for q, w in queries]
    with lite.engine.begin() as conn:
        conn.execute(delete(search_recent))  # no tier: every window comes from the main table
    assert [_window_ids(lite, q, w) for q, w in queries] == with_tier
    assert with_tier[0][2] is False and with_tier[1][2] is True  # the cases both happened
    # kinh te: 2 of the tier's 8 articles, 10 in all: a window of 3 must read the main table
    assert with_tier[3][0] == [28, 25, 22] and with_tier[4][1:] == (10, True)


def test_the_tier_starts_once_the_archive_is_twice_its_size(lite: Store) -> None:
    with lite.engine.begin() as conn:
        tier = recent_tier(conn)
        assert tier is not None and not tier.active and tier.size == RECENT_SIZE
        conn.execute(update(search_recent).values(size=3))
    for n in range(6):
        _save(lite, n, "Mùa lúa chín vàng.", DAY + timedelta(days=n))
    with lite.engine.connect() as conn:
        assert recent_tier(conn) == RecentTier(NO_TIER, 3, 0, 6)
    _save(lite, 6, "Mùa lúa chín vàng.", DAY + timedelta(days=6))
    held, due = _tier_rowids(lite)
    assert held == due and len(held) == 3
    assert [h.id for h in search(lite, "lua chin", sort="date", window=2).hits] == [7, 6]
