"""Pages cut from the result window (``lantoa.search.ranking``) against the full ranking.

When the window holds every match, pages, totals and facets must equal those of ranking every
match in SQL; when it does not, the page must come from the newest matches only and say that
its total is a lower bound.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select, text, update

from lantoa.records import Analysis, Article, EnrichedArticle, ThemeHit
from lantoa.search import engine, schema, search
from lantoa.search.index import KEY_SHIFT
from lantoa.search.ranking import Candidate, order
from lantoa.search.schema import search_docs, search_rank
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


def _reference(store: Store, query: str, sort: str, limit: int, offset: int) -> list[tuple[int, float]]:
    """The page from ranking every match in SQL (the statement exports stream)."""
    _, compiled = engine._prepare(store, query)
    ranked = engine._ranked(engine._matches(compiled), sort, True)  # type: ignore[arg-type]
    with engine._connect(store, compiled) as conn:
        rows = conn.execute(engine._hit_rows(ranked, sort, limit, offset)).all()  # type: ignore[arg-type]
    return [(int(r.id), round(float(r.score), 6)) for r in rows]


def test_pages_equal_the_full_ranking_when_the_window_holds_every_match(
    store: Store, corpus: dict[str, int]
) -> None:
    _copies(store)
    grouped = 0
    for query in QUERIES:
        total = engine.count(store, query)
        matches = engine.count(store, query, groups=False)
        assert total > 0, query
        for window in (matches, matches + 5):
            for sort in ("relevance", "date"):
                for limit in (1, 2, 3):
                    for offset in range(0, total + 1, limit):
                        result = search(
                            store, query, sort=sort, limit=limit, offset=offset, window=window, facets=False
                        )  # type: ignore[arg-type]
                        assert (result.total, result.total_exact) == (total, True), (query, window, offset)
                        got = [(h.id, h.score) for h in result.hits]
                        assert got == _reference(store, query, sort, limit, offset), (query, sort, offset)
                        grouped += sum(h.duplicates for h in result.hits)
    assert grouped > 0  # the copies were collapsed into groups on some pages


def test_a_window_smaller_than_the_matches_ranks_the_newest_and_says_so(
    store: Store, corpus: dict[str, int]
) -> None:
    _copies(store)
    query = "dang"
    matches = engine.count(store, query, groups=False)
    assert matches >= 6
    _, compiled = engine._prepare(store, query)
    with engine._connect(store, compiled) as conn:
        every = conn.execute(engine._matches(compiled)).all()
    newest = sorted(every, key=lambda r: (r.published is not None, r.published, r.id), reverse=True)[:3]
    result = search(store, query, window=3, limit=10)
    assert not result.total_exact and 1 <= result.total <= 3
    assert {h.id for h in result.hits} <= {int(r.id) for r in newest}
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert result.facets is not None and sum(f.count for f in result.facets.level) == result.total
    assert search(store, query, window=matches).total_exact
    by_date = search(store, query, window=3, sort="date", limit=10, groups=False)
    assert [h.id for h in by_date.hits] == [int(r.id) for r in newest]


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
    if store.engine.dialect.name == "postgresql":  # and the ranking rows carry the group (step 11)
        with store.engine.connect() as conn:
            ranked = dict(conn.execute(select(search_rank.c.article_id, search_rank.c.gid)).all())
        assert ranked == {id_: gid for id_, gid, *_ in got if id_ in ranked} and len(ranked) >= len(corpus)


def test_regrouping_after_indexing_changes_the_collapsed_hits(store: Store, corpus: dict[str, int]) -> None:
    """The dedup stage may join two indexed stories later (``lantoa duplicates --rebuild``): a
    page must collapse them at once (showing the best-ranked copy, whichever names the group),
    and split them again when the group is undone."""
    sport, world = corpus["thethao"], corpus["thegioi"]

    def shown() -> tuple[int, list[int]]:
        result = search(store, "thể", limit=10, facets=False)
        return result.total, [h.id for h in result.hits]

    assert shown() == (2, [sport, world])
    for group, want in ((sport, (1, [sport])), (None, (2, [sport, world])), (world, (1, [sport]))):
        with store.engine.begin() as conn:
            conn.execute(update(articles).where(articles.c.id.in_([sport, world])).values(group_id=group))
        assert shown() == want, group


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
    assert store.migrate() == [f"search v{step}" for step in range(3, 16)]
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


def test_step_4_rekeys_and_reindexes_an_older_full_text_index(store: Store, corpus: dict[str, int]) -> None:
    """A database indexed before step 4 (no syllable pairs, not date keyed) gives the same results."""
    queries = ("hoi nghi", '"thông tin đối ngoại"', "dang date:2024", '"ngu dan" OR vang')
    before = [[h.id for h in search(store, q, sort="date").hits] for q in queries]
    with store.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TABLE search_fts"))
            conn.execute(text("DROP TABLE search_fts_rowids"))
            conn.execute(text(schema._FTS5_DDL))
            conn.execute(
                text("INSERT INTO search_fts (rowid, exact, folded) SELECT id, title, title FROM articles")
            )
        else:  # step 1's table (step 4 empties it)
            conn.execute(text("DROP TABLE search_tsv"))
            schema.pg_metadata.create_all(conn)
        conn.execute(update(schema_versions).where(schema_versions.c.component == "search").values(version=3))
    assert store.migrate() == [f"search v{step}" for step in range(4, 16)]
    assert [[h.id for h in search(store, q, sort="date").hits] for q in queries] == before
    assert all(before)


def test_step_8_computes_the_ranking_vectors_of_an_existing_postgresql_index(
    store: Store, corpus: dict[str, int]
) -> None:
    """An index built before step 8 keeps its entries and gets the vectors indexing writes."""
    if store.engine.dialect.name != "postgresql":
        assert store.migrate() == []
        return
    queries = ("hoi nghi", "Đảng", '"thông tin đối ngoại" OR dang')
    before = [[(h.id, h.score) for h in search(store, q).hits] for q in queries]
    with store.engine.begin() as conn:
        written = sorted(conn.execute(text("SELECT article_id, tsv::text, gid, seq FROM search_rank")).all())
        conn.execute(text("DROP TABLE search_rank"))
        conn.execute(text("CREATE INDEX ix_search_tsv_sort_key ON search_tsv (sort_key)"))
        conn.execute(update(schema_versions).where(schema_versions.c.component == "search").values(version=7))
    assert store.migrate() == [f"search v{step}" for step in range(8, 16)]
    with store.engine.connect() as conn:
        assert (
            sorted(conn.execute(text("SELECT article_id, tsv::text, gid, seq FROM search_rank")).all())
            == written
        )
        assert conn.execute(text("SELECT to_regclass('ix_search_tsv_sort_key')")).scalar() is None
    assert [[(h.id, h.score) for h in search(store, q).hits] for q in queries] == before
    assert all(before) and len(written) >= 3


def test_step_14_adds_the_phrase_sequences_to_the_ranking_rows_of_a_step_13_database(
    store: Store, corpus: dict[str, int]
) -> None:
    """A PostgreSQL index of step 13 (ranking rows without sequences) gets the rows indexing
    writes, whose groups still follow a regrouping, and no result changes; SQLite has nothing
    to do."""
    queries = ('"thông tin đối ngoại"', '"thong tin doi ngoai" OR dang', "hoi nghi", "Đảng")
    before = [[(h.id, h.score) for h in search(store, q).hits] for q in queries]
    rows = "SELECT article_id, tsv::text, gid, seq FROM search_rank"
    postgresql = store.engine.dialect.name == "postgresql"
    with store.engine.begin() as conn:
        if postgresql:
            written = sorted(conn.execute(text(rows)).all())
            conn.execute(text("ALTER TABLE search_rank DROP COLUMN seq"))
        conn.execute(
            update(schema_versions).where(schema_versions.c.component == "search").values(version=13)
        )
    assert store.migrate() == ["search v14", "search v15"]
    assert [[(h.id, h.score) for h in search(store, q).hits] for q in queries] == before
    assert before[0] and before[2]
    if not postgresql:
        return
    with store.engine.begin() as conn:
        assert sorted(conn.execute(text(rows)).all()) == written and len(written) >= len(corpus)
        storage = "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'search_rank'::regclass"
        assert {"tsv": "m", "seq": "m"}.items() <= dict(conn.execute(text(storage)).all()).items()
        sport, world = corpus["thethao"], corpus["thegioi"]
        conn.execute(update(articles).where(articles.c.id == world).values(group_id=sport))
        gids = dict(conn.execute(select(search_rank.c.article_id, search_rank.c.gid)).all())
    assert gids[world] == sport  # the group trigger came back with the table


def test_order_is_its_definition_on_random_windows() -> None:
    """A group shows its best-scored copy (then earliest published, undated last, then lowest
    id); relevance orders by score then newest, date by newest. Random windows with tied
    scores, undated keys and groups of every size."""
    rng = random.Random(7)
    for _ in range(300):
        n = rng.randrange(0, 200)
        cands = [
            Candidate(
                i,
                rng.randrange(max(1, n // 3)),
                (rng.choice([0, rng.randrange(1, 1 << 33)]) << KEY_SHIFT) + i,
                rng.choice([0.5, 1.0, rng.random()]),
            )
            for i in range(n)
        ]
        rng.shuffle(cands)
        members: dict[int, list[Candidate]] = {}
        for c in cands:
            members.setdefault(c.gid, []).append(c)
        shown = [min(m, key=lambda c: (-c.score, c.undated, c.key)) for m in members.values()]
        for groups, kept in ((True, shown), (False, cands)):
            assert order(cands, "relevance", groups) == sorted(kept, key=lambda c: (-c.score, -c.key))
            assert order(cands, "date", groups) == sorted(kept, key=lambda c: -c.key)
