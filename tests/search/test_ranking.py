"""Top-k ranking (``lantoa.search.ranking``) must give exactly the pages of the full window query.

The windows are shrunk to one match so that every path runs on a small corpus: a full window
cut at a tied score, growth, and the separate group count.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text, update

from lantoa.records import Analysis, Article, EnrichedArticle, ThemeHit
from lantoa.search import engine, ranking, schema, search
from lantoa.search.schema import search_docs
from lantoa.store.api import Store
from lantoa.store.schema import articles, schema_versions

QUERIES = (
    "dang",
    "Đảng",
    "thong tin",
    '"hội nghị" OR dang',
    "dang date:2024",
    "dang -nghi",
    "level:province dang",
)


def _copies(store: Store) -> None:
    """Republications with identical text (so identical scores), earlier and later than the first."""
    texts = (
        ("Đảng bộ phường học tập nghị quyết", "Đảng ủy phường tổ chức học tập cho đảng viên."),
        ("Hội nghị thông tin đối ngoại của tỉnh", "Tỉnh đang triển khai công tác thông tin đối ngoại."),
    )
    for n, (title, body) in enumerate(texts):
        for i, day in enumerate((date(2024, 3, 1), date(2023, 12, 1), date(2024, 5, 20), date(2024, 3, 1))):
            article = Article(
                url=f"https://copy{i}.example.vn/{n}",
                title=title,
                paragraphs=(body,),
                source="Báo Nghệ An",
                published=day,
            )
            store.save_article(EnrichedArticle(article, Analysis(themes=(ThemeHit("chi-dao-dang", 1.0),))))


def _reference(store: Store, query: str, limit: int, offset: int) -> list[tuple[int, float]]:
    """The page from the window query (every match ranked and numbered in SQL)."""
    _, compiled = engine._prepare(store, query)
    ranked = engine._ranked(engine._matches(compiled), "relevance", True)
    with engine._connect(store, compiled) as conn:
        rows = conn.execute(engine._hit_rows(ranked, "relevance", limit, offset)).all()
    return [(int(r.id), round(float(r.score), 6)) for r in rows]


def test_top_k_pages_equal_the_full_ranking(
    store: Store, corpus: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _copies(store)
    monkeypatch.setattr(ranking, "FIRST_WINDOW", 1)
    monkeypatch.setattr(ranking, "WINDOW_PER_HIT", 1)
    monkeypatch.setattr(ranking, "GROWTH", 2)
    grouped = 0
    for query in QUERIES:
        total = engine.count(store, query)
        assert total > 0, query
        for limit in (1, 2, 3):
            for offset in range(0, total + 1, limit):
                result = search(store, query, limit=limit, offset=offset, facets=False)
                assert result.total == total, (query, limit, offset)
                got = [(h.id, h.score) for h in result.hits]
                assert got == _reference(store, query, limit, offset), (query, limit, offset)
                grouped += sum(h.duplicates for h in result.hits)
    assert grouped > 0  # the copies were collapsed into groups on some pages


def test_search_docs_mirror_articles_after_saves_regrouping_and_updates(
    store: Store, corpus: dict[str, int]
) -> None:
    """The narrow copy the search reads is kept by triggers: inserts, group changes, updates."""
    _copies(store)
    changed = Article(
        url="https://copy0.example.vn/0",
        title="Đảng bộ phường sửa tin",
        paragraphs=("Nội dung đã sửa.",),
        source="Báo Nghệ An",
        published=date(2022, 1, 2),
    )
    store.save_article(EnrichedArticle(changed, Analysis()))  # an update: new text leaves its group
    with store.engine.begin() as conn:  # a later stage rewrites the province in place
        first = conn.execute(select(func.min(articles.c.id))).scalar_one()
        conn.execute(update(articles).where(articles.c.id == first).values(province="Hà Giang"))
    cols = (
        func.coalesce(articles.c.group_id, articles.c.id),
        articles.c.published,
        articles.c.published_date,
        articles.c.level,
        articles.c.relevant,
        articles.c.page_type,
        articles.c.source,
        func.coalesce(articles.c.province, articles.c.source_province),
    )
    with store.engine.connect() as conn:
        want = sorted(tuple(r) for r in conn.execute(select(articles.c.id, *cols)))
        got = sorted(
            tuple(r)
            for r in conn.execute(
                select(
                    search_docs.c.article_id,
                    search_docs.c.gid,
                    search_docs.c.published,
                    search_docs.c.published_date,
                    search_docs.c.level,
                    search_docs.c.relevant,
                    search_docs.c.page_type,
                    search_docs.c.source,
                    search_docs.c.province,
                )
            )
        )
    assert got == want and len(want) > len(corpus)
    assert any(gid != id_ for id_, gid, *_ in got)  # some copies are grouped
    assert ("Hà Giang" in {row[-1] for row in got}) and any(row[-2] for row in got)


def test_step_3_fills_the_facet_columns_of_a_step_2_database(store: Store, corpus: dict[str, int]) -> None:
    """A database indexed before step 3 (no source/province in ``search_docs``) is backfilled."""
    with store.engine.begin() as conn:
        for ddl in (
            "ALTER TABLE search_docs DROP COLUMN source",
            "ALTER TABLE search_docs DROP COLUMN province",
        ):
            conn.execute(text(ddl))
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER search_docs_ins"))
            conn.execute(text("DROP TRIGGER search_docs_upd"))
            conn.execute(text("DROP TRIGGER search_docs_del"))
            triggers = schema._SQLITE_TRIGGERS
        else:
            conn.execute(text("DROP TRIGGER search_docs_ins_del ON articles"))
            conn.execute(text("DROP TRIGGER search_docs_upd ON articles"))
            conn.execute(text("DROP FUNCTION search_docs_sync()"))
            triggers = schema._PG_TRIGGERS
        for ddl in triggers:
            conn.execute(text(ddl))
        conn.execute(update(schema_versions).where(schema_versions.c.component == "search").values(version=2))
    assert store.migrate() == ["search v3"]
    with store.engine.connect() as conn:
        want = sorted(
            tuple(r)
            for r in conn.execute(
                select(
                    articles.c.id,
                    articles.c.source,
                    func.coalesce(articles.c.province, articles.c.source_province),
                )
            )
        )
        got = sorted(
            tuple(r)
            for r in conn.execute(
                select(search_docs.c.article_id, search_docs.c.source, search_docs.c.province)
            )
        )
    assert got == want and any(p for *_, p in got)
    result = search(store, "ngu dan")
    assert result.facets is not None and [(f.value, f.count) for f in result.facets.source] == [
        ("Báo Quảng Ngãi", 1)
    ]
