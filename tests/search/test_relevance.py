"""Relevance without collection statistics: SQLite scores each window row from its own stored
syllable counts (``lantoa.search.relevance``), PostgreSQL from its ranking vector. Either way a
hit's score depends on the article and the query only: not on what else the archive holds, nor
on the filters and negations beside the words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text, update

from lantoa.records import Analysis, Article, EnrichedArticle, ThemeHit
from lantoa.search import schema, search
from lantoa.search.index import KEY_SHIFT, fill_rank_rows, unindex_article
from lantoa.search.relevance import AVERAGE_LENGTH, EXACT_WEIGHT, FOLDED_WEIGHT, K1, B, score, spec, terms
from lantoa.search.schema import search_rank, search_terms
from lantoa.search.text import tokens
from lantoa.store.api import Store
from lantoa.store.schema import schema_versions


def _saturated(tf: int, length: int) -> float:
    """BM25's share of ``tf`` mentions in an article of ``length`` syllables."""
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / AVERAGE_LENGTH))


def test_counts_score_each_form_of_the_query_once_saturated() -> None:
    exact = tokens("Đảng bộ tỉnh. Người dân đang chờ, đang đợi; Đảng ủy họp. Ban bàn bạc.")
    stored, n = terms(exact), len(exact)
    assert score(stored, spec([("đảng", True)])) == pytest.approx(EXACT_WEIGHT * _saturated(2, n))
    assert score(stored, spec([("dang", False)])) == pytest.approx(FOLDED_WEIGHT * _saturated(4, n))
    assert score(stored, spec([("đảng", True), ("dang", False)])) == pytest.approx(
        EXACT_WEIGHT * _saturated(2, n) + FOLDED_WEIGHT * _saturated(4, n)
    )
    # an exact form and a folding spelled alike are different forms: "ban" once, folded "ban" twice (bàn)
    assert score(stored, spec([("ban", True)])) == pytest.approx(EXACT_WEIGHT * _saturated(1, n))
    assert score(stored, spec([("ban", False)])) == pytest.approx(FOLDED_WEIGHT * _saturated(2, n))
    assert score(stored, spec([("biển", True), ("bien", False)])) == 0.0
    assert (
        score(stored, None)
        == score(None, spec([("dang", False)]))
        == score(b"\x01", spec([("dang", False)]))
        == 0.0
    )
    assert spec([]) is None


def test_a_mention_in_a_short_article_scores_more_than_in_a_long_one() -> None:
    short = terms(tokens("Ngư dân ra khơi."))
    long = terms(tokens("Ngư dân ra khơi. " + "Thời tiết trên biển thuận lợi cho tàu thuyền. " * 40))
    query = spec([("ngư", True), ("ngu", False), ("dân", True), ("dan", False)])
    assert score(short, query) > score(long, query) > 0


def test_counts_are_capped_and_every_stored_form_is_found() -> None:
    words = [f"từ{i}" for i in range(400)]
    stored = terms(["đảng"] * 1000 + words)
    assert score(stored, spec([("đảng", True)])) == pytest.approx(EXACT_WEIGHT * _saturated(255, 1400))
    for word in words:  # every one of 800 forms is found by the binary search
        assert score(stored, spec([(word, True)])) == pytest.approx(EXACT_WEIGHT * _saturated(1, 1400)), word


def _save(store: Store, n: int, body: str, day: date, themes: tuple[str, ...] = ()) -> int:
    article = Article(
        url=f"https://example.vn/r/{n}", title=f"Bản tin {n}", paragraphs=(body,), published=day
    )
    analysis = Analysis(themes=tuple(ThemeHit(t, 1.0) for t in themes))
    return store.save_article(EnrichedArticle(article, analysis)).article_id


def _scores(store: Store, query: str) -> dict[int, float]:
    return {h.id: h.score for h in search(store, query, limit=100).hits}


def test_a_hits_score_does_not_depend_on_the_rest_of_the_archive(store: Store) -> None:
    day = date(2024, 5, 1)
    ngu = _save(store, 1, "Ngư dân Quảng Ngãi ra khơi, ngư dân bám biển.", day, ("bien-dao",))
    dang = _save(store, 2, "Đảng bộ xã họp bàn về ngư dân.", day + timedelta(days=1), ("bien-dao",))
    queries = ("ngư dân", "ngu dan", '"ngư dân" Đảng', "(ngư dân) OR (biển đảo)")
    before = [_scores(store, q) for q in queries]
    for n in range(40):  # an archive where "ngư dân" and "Đảng" become common
        _save(store, 100 + n, f"Ngư dân và Đảng viên số {n}.", day - timedelta(days=n + 1))
    after = [_scores(store, q) for q in queries]
    for query, was, now in zip(queries, before, after, strict=True):
        assert was and all(now[i] == s for i, s in was.items()), query
    assert after[0][ngu] > after[0][dang] > 0  # two mentions score more than one


def test_filters_and_negated_words_select_without_ranking(store: Store) -> None:
    day = date(2024, 5, 1)
    ids = [
        _save(store, n, body, day + timedelta(days=n), ("bien-dao",) if n % 2 else ())
        for n, body in enumerate(
            (
                "Ngư dân ra khơi đánh bắt hải sản.",
                "Ngư dân ngư dân ngư dân được mùa cá.",
                "Hỗ trợ ngư dân gặp nạn trên biển.",
                "Ngư dân vươn khơi bám biển dài ngày.",
            )
        )
    ]
    plain = _scores(store, "ngư dân")
    assert set(plain) == set(ids)
    assert len(set(plain.values())) >= 2  # the counts do rank
    for query in ("ngư dân theme:bien-dao", "ngư dân -vàng", "ngư dân -theme:bien-dao", "ngư dân date:2024"):
        filtered = _scores(store, query)
        assert filtered and all(plain[i] == s for i, s in filtered.items()), query


def test_updates_and_deletions_keep_the_counts_of_exactly_the_indexed_articles(store: Store) -> None:
    day = date(2024, 5, 1)
    a = _save(store, 1, "Ngư dân ra khơi.", day)
    b = _save(store, 2, "Giá vàng tăng.", day)
    _save(store, 1, "Tàu cá cập cảng an toàn.", day)  # the same URL, new text: re-indexed
    with store.engine.begin() as conn:  # what the store does before deleting a row
        unindex_article(conn, b)
    sqlite = store.engine.dialect.name == "sqlite"
    with store.engine.connect() as conn:  # what each backend scores from, by article id
        if sqlite:
            t = search_terms.c
            stored = {k & ((1 << KEY_SHIFT) - 1): v for k, v in conn.execute(select(t.fts_rowid, t.terms))}
        else:
            stored = dict(conn.execute(select(search_rank.c.article_id, search_rank.c.tsv)).all())
    assert list(stored) == [a]
    if sqlite:
        assert stored[a] == terms(tokens("Bản tin 1\nTàu cá cập cảng an toàn."))
    assert [h.id for h in search(store, "tàu cá").hits] == [a]
    assert search(store, "ngư dân").hits == search(store, "giá vàng").hits == ()


def test_steps_12_and_13_index_folded_forms_with_counts_and_drop_the_recent_tier(
    store: Store, corpus: dict[str, int]
) -> None:
    """A database ranked by bm25, with step 7's recent tier and exact forms in its entries, gets
    the entries and counts indexing writes, and the same hits and scores."""
    queries = ("hoi nghi", "Đảng", '"thông tin đối ngoại" OR dang', "ngư dân theme:bien-dao")
    before = [[(h.id, h.score) for h in search(store, q).hits] for q in queries]
    sqlite = store.engine.dialect.name == "sqlite"
    entries = "SELECT article_id, fts_rowid, digest FROM search_fts_rowids"
    with store.engine.begin() as conn:
        if sqlite:
            written = dict(conn.execute(select(search_terms.c.fts_rowid, search_terms.c.terms)).all())
            rowids = conn.execute(text(entries)).all()
            conn.execute(text("DROP TABLE search_terms"))
            conn.execute(text("DROP TABLE search_fts"))  # step 6's five columns, exact forms included
            conn.execute(text(schema._FTS5_V6_DDL))
            conn.execute(text("UPDATE search_fts_rowids SET digest = digest + 1"))  # digests of exact forms
            conn.execute(text("CREATE VIRTUAL TABLE search_fts_recent USING fts5(exact, content = '')"))
            conn.execute(text("CREATE TABLE search_recent (id INTEGER PRIMARY KEY, boundary BIGINT)"))
            step_7_index = "CREATE INDEX ix_search_fts_rowids_key ON search_fts_rowids (fts_rowid)"
            conn.execute(text(step_7_index))
        conn.execute(
            update(schema_versions).where(schema_versions.c.component == "search").values(version=11)
        )
    assert store.migrate() == [f"search v{step}" for step in range(12, 16)]
    assert [[(h.id, h.score) for h in search(store, q).hits] for q in queries] == before
    assert all(before)
    if sqlite:
        with store.engine.connect() as conn:
            assert dict(conn.execute(select(search_terms.c.fts_rowid, search_terms.c.terms)).all()) == written
            assert conn.execute(text(entries)).all() == rowids
            left = "SELECT name FROM sqlite_master WHERE name LIKE 'search_fts_recent%' OR name = 'search_recent'"
            assert conn.execute(text(left)).all() == []
            made = "SELECT 1 FROM sqlite_master WHERE name = 'ix_search_fts_rowids_key'"
            assert conn.execute(text(made)).first() is None  # nothing reads it any more
            columns = [r.name for r in conn.execute(text("PRAGMA table_info(search_fts)"))]
            assert columns == ["folded", "folded2", "keys"]
        assert len(written) >= 5


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite's counts come with its entries
def test_filling_the_ranking_vectors_in_worker_processes_writes_what_indexing_wrote(
    store: Store, corpus: dict[str, int]
) -> None:
    read = select(search_rank.c.article_id, text("tsv::text"), search_rank.c.seq).select_from(search_rank)
    with store.engine.begin() as conn:
        written = sorted(conn.execute(read).all())
        conn.execute(search_rank.delete())
        assert fill_rank_rows(conn, batch=3, workers=2) == len(written)  # batches smaller than the corpus
        assert sorted(conn.execute(read).all()) == written
    assert len(written) >= 5
