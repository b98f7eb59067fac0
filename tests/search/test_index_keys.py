"""The search index's date keys, syllable pairs and filter-key tokens (``lantoa.search.index``)
and keeping the contentless SQLite index in step with the stored articles."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text, update
from sqlalchemy.engine import Connection

from lantoa.cli import cli
from lantoa.errors import IndexStateError
from lantoa.records import VN_TZ, Analysis, Article, EnrichedArticle, ThemeHit
from lantoa.search import count, iter_search, search
from lantoa.search.index import (
    RANK_POSITIONS,
    day_key_range,
    document_tokens,
    index_many,
    key_token,
    merge_segments_in_steps,
    pairs,
    phrase_sequence,
    rank_vector_literal,
    rebuild_text,
    sort_key,
    syllable_code,
    text_entry,
    tsvector_literal,
    unindex_article,
)
from lantoa.search.query import parse
from lantoa.search.sql import compile_query
from lantoa.search.text import fold_tokens, tokens
from lantoa.store.api import Store
from lantoa.store.schema import articles


def test_sort_keys_follow_publication_then_id_and_undated_sort_oldest() -> None:
    day = datetime(2024, 5, 1, 8, 0, tzinfo=VN_TZ)
    keys = [
        sort_key(None, 999),
        sort_key(day, 5),
        sort_key(day, 6),
        sort_key(day + timedelta(seconds=1), 1),
        sort_key(datetime(2030, 1, 1, tzinfo=UTC), 2),
    ]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert sort_key(day.astimezone(UTC), 5) == sort_key(day, 5)  # an instant, whatever the zone
    with pytest.raises(ValueError):
        sort_key(day, 1 << 30)


def test_day_ranges_are_vietnamese_days() -> None:
    low, high = day_key_range(date(2024, 2, 1), date(2024, 2, 29))
    assert low is not None and high is not None
    inside = (datetime(2024, 2, 1, 0, 0, tzinfo=VN_TZ), datetime(2024, 2, 29, 23, 59, 59, tzinfo=VN_TZ))
    outside = (datetime(2024, 1, 31, 23, 59, 59, tzinfo=VN_TZ), datetime(2024, 3, 1, 0, 0, tzinfo=VN_TZ))
    assert all(low <= sort_key(t, 7) < high for t in inside)
    assert not any(low <= sort_key(t, 7) < high for t in outside)
    # 17:30 UTC on 31 January is already 1 February in Vietnam
    assert low <= sort_key(datetime(2024, 1, 31, 17, 30, tzinfo=UTC), 7) < high
    assert day_key_range(None, None) == (None, None)


def test_the_matching_tsvector_holds_folded_syllables_and_pairs_positioned_by_their_first() -> None:
    assert pairs(["hội", "nghị", "bàn"]) == ["hội_nghị", "nghị_bàn"]
    assert pairs(["một"]) == []
    literal = tsvector_literal(["hội", "nghị", "bàn", "hội", "nghị"])
    assert literal.split() == ["'ban'", "'hoi'", "'nghi'", "'hoi_nghi':1,4", "'nghi_ban':2", "'ban_hoi':3"]


def _save(store: Store, title: str, body: str, day: date) -> int:
    article = Article(url="https://example.vn/k", title=title, paragraphs=(body,), published=day)
    return store.save_article(EnrichedArticle(article, Analysis())).article_id


def test_the_ranking_vector_holds_syllables_in_both_forms_with_few_positions() -> None:
    exact = ["đảng", "bộ", "đảng", "đảng", "đảng", "đảng", "đảng", "hoa"]
    literal = dict(entry.split(":") for entry in rank_vector_literal(exact).split())
    assert set(literal) == {"'đảng'", "'dang'", "'bộ'", "'bo'", "'hoa'"}  # no pairs, no keys
    assert literal["'đảng'"] == ",".join(f"{p}A" for p in (1, 3, 4, 5)[:RANK_POSITIONS])
    assert literal["'dang'"] == "1,3,4,5"  # the folded twin shares positions, with weight D
    assert literal["'hoa'"] == "8A"  # no diacritics: one lexeme, exact


def test_phrases_need_consecutive_pairs(store: Store) -> None:
    _save(store, "Bản tin sáng", "Thông tin mới nhất. Tin đối thủ rút lui.", date(2024, 3, 1))
    assert search(store, '"thông tin"').total == 1
    assert search(store, '"tin đối"').total == 1
    assert search(store, '"thông tin đối"').total == 0  # both pairs, not one after the other


def test_a_phrase_sequence_holds_a_phrase_exactly_where_its_syllables_run_in_a_row() -> None:
    """PostgreSQL checks a phrase by a byte search in the article's sequence of syllable codes:
    found wherever the syllables run in a row, nowhere else (not across a code's bytes)."""
    vocabulary = fold_tokens(tokens("thông tin đối ngoại biển đảo hội nghị Đảng đang tin tức 2025 57 kl tw"))
    codes = {syllable_code(v) for v in vocabulary}
    assert len(codes) == len(set(vocabulary))
    assert all(c[0] >= 0x80 and c[1] < 0x80 and c[2] < 0x80 for c in codes)  # a code begins once
    rng = random.Random(11)
    found = 0
    for _ in range(2000):
        text = [rng.choice(vocabulary) for _ in range(rng.randrange(0, 30))]
        phrase = [rng.choice(vocabulary) for _ in range(rng.randrange(1, 4))]
        in_a_row = any(text[i : i + len(phrase)] == phrase for i in range(len(text)))
        assert (phrase_sequence(phrase) in phrase_sequence(text)) == in_a_row
        found += in_a_row
    assert 100 < found < 1900  # both answers were asked


def test_a_phrase_at_the_end_of_a_very_long_article_is_found_by_every_path(store: Store) -> None:
    """A tsvector keeps 255 positions a lexeme, up to position 16,383, so PostgreSQL's vectors
    cannot place a phrase past them; its phrase sequences keep every position, as FTS5 does.
    Search, count and export agree (``engine._fts_join``)."""
    body = "Mở đầu. " + "Tin tức trong ngày. " * 5000 + "Kết thúc: thông tin đối ngoại."
    long_id = _save(store, "Bản tin dài", body, date(2024, 5, 2))
    short = Article(
        url="https://example.vn/ngan", title="Bản tin ngắn", paragraphs=("Thông tin về đối ngoại.",)
    )
    store.save_article(EnrichedArticle(short, Analysis()))  # the phrase's pairs, not in a row
    for query in ('"thông tin đối ngoại"', '"thong tin doi ngoai" trong', '"tin tức trong ngày" kết'):
        result = search(store, query)
        assert [h.id for h in result.hits] == [long_id], query
        assert count(store, query) == 1
        assert [h.id for h in iter_search(store, query)] == [long_id]


def test_a_new_date_moves_the_article_between_date_ranges(store: Store) -> None:
    article_id = _save(store, "Hội chợ xuân", "Hội chợ mở cửa đón khách.", date(2024, 1, 10))
    assert [h.id for h in search(store, "hoi cho date:2024-01").hits] == [article_id]
    assert _save(store, "Hội chợ xuân", "Hội chợ mở cửa đón khách.", date(2024, 3, 5)) == article_id
    assert search(store, "hoi cho date:2024-01").total == 0
    assert [h.id for h in search(store, "hoi cho date:2024-03", sort="date").hits] == [article_id]


def test_text_changed_behind_the_index_is_refused_then_reindexed(store: Store, db_url: str) -> None:
    article_id = _save(store, "Lúa mùa", "Nông dân thu hoạch lúa mùa.", date(2024, 9, 1))
    with store.engine.begin() as conn:  # a change the index never saw (a manual SQL edit)
        conn.execute(update(articles).where(articles.c.id == article_id).values(body="Đàn trâu về làng."))
    if store.engine.dialect.name == "sqlite":  # only the contentless index must be told old values
        with pytest.raises(IndexStateError, match="db reindex"):
            _save(store, "Lúa mùa", "Nông dân phơi lúa.", date(2024, 9, 1))
    result = CliRunner().invoke(cli, ["db", "reindex", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "articles indexed" in result.output
    assert [h.id for h in search(store, "trau").hits] == [article_id]
    assert search(store, "thu hoach").total == 0
    _save(store, "Lúa mùa", "Nông dân phơi lúa.", date(2024, 9, 1))
    assert [h.id for h in search(store, "phoi lua").hits] == [article_id]


def test_keyed_filters_join_the_full_text_match_and_dates_narrow_its_walk() -> None:
    node = parse('thắng theme:bien-dao province:"Khánh Hòa" NOT topic:"the thao" date:2024')
    lite = compile_query(node, "sqlite")
    assert f'keys : "{key_token("theme", "bien-dao")}"' in lite.fts
    assert f'NOT (keys : "{key_token("topic", "the thao")}")' in lite.fts
    assert lite.where == () and lite.key_range == day_key_range(date(2024, 1, 1), date(2024, 12, 31))
    assert lite.rank is not None
    pg = compile_query(node, "postgresql")
    assert pg.where == () and pg.rank is not None
    # the range alone cannot exclude undated entries (keyed at second 0): the condition stays
    for query in ("thắng before:2024-01-01", "thắng after:1969-12-31", "date:2024"):
        for dialect in ("sqlite", "postgresql"):
            assert len(compile_query(parse(query), dialect).where) == 1, (query, dialect)
    assert compile_query(parse("theme:bien-dao"), "sqlite").rank is None  # keys select, never rank
    flags = compile_query(parse("thắng level:province relevant:yes"), "sqlite")
    assert flags.where == () and key_token("relevant", "yes") in flags.fts
    assert key_token("theme", "bien-dao") != key_token("topic", "bien-dao")
    literal = tsvector_literal(["biển"], keys=[("theme", "bien-dao")])
    assert literal.endswith(f"'{key_token('theme', 'bien-dao')}'")


def test_date_filters_select_the_same_with_or_without_their_conditions(store: Store) -> None:
    """Dated, undated and pre-1970 articles (keyed at second 0 like undated ones) under every
    form of date filter: the key range decides alone only where it excludes second 0."""
    ids = {}
    bodies = {
        "now": "Trận chung kết diễn ra trên sân Mỹ Đình trước bốn mươi nghìn khán giả.",
        "old": "Năm ấy đội bóng tỉnh nhà lần đầu lên hạng sau mười mùa giải chờ đợi.",
        "undated": "Bản tin không ghi ngày đăng, chỉ kể lại kết quả các trận giao hữu.",
    }
    for name, published in (("now", date(2024, 4, 2)), ("old", date(1965, 5, 1)), ("undated", None)):
        article = Article(
            url=f"https://example.vn/{name}",
            title="Đội tuyển thắng",
            paragraphs=(bodies[name],),
            published=published,
        )
        ids[name] = store.save_article(EnrichedArticle(article, Analysis())).article_id
    expected = {
        "thắng date:2024": {"now"},
        "thắng after:1971-01-01": {"now"},
        "thắng after:1960-01-01": {"now", "old"},
        "thắng before:2030-01-01": {"now", "old"},
        "thắng date:1965": set(),  # before 1970 the index keeps no instant: no day range finds it
        "thắng": {"now", "old", "undated"},
    }
    for query, names in expected.items():
        found = {h.id for h in search(store, query, facets=False).hits}
        assert found == {ids[n] for n in names}, query


def _save_in(store: Store, province: str | None, body: str, url: str = "https://example.vn/p") -> int:
    article = Article(url=url, title="Thể thao", paragraphs=(body,), published=date(2024, 4, 2))
    return store.save_article(EnrichedArticle(article, Analysis(province=province))).article_id


def test_filter_key_tokens_follow_a_changed_analysis(store: Store) -> None:
    """A re-analysed article leaves its old keys' lists: the contentless index is told the old
    keys, read from ``search_keys``, before they change."""
    other = _save_in(store, None, "Đội tuyển thắng trận.", url="https://example.vn/o")
    article_id = _save_in(store, "Khánh Hòa", "Đội tuyển thắng trận mở màn.")
    assert [h.id for h in search(store, 'thắng province:"khanh hoa"').hits] == [article_id]
    assert [h.id for h in search(store, 'province:"Khánh Hòa"').hits] == [article_id]
    assert _save_in(store, "Nghệ An", "Đội tuyển thắng trận mở màn.") == article_id
    assert search(store, 'province:"Khánh Hòa"').total == 0
    assert [h.id for h in search(store, 'thắng province:"nghe an"').hits] == [article_id]
    assert [h.id for h in search(store, 'thắng NOT province:"nghe an"').hits] == [other]
    # level and relevance are tokens too; an unknown level is "not province" in the index and in SQL
    both = sorted([article_id, other])
    assert sorted(h.id for h in search(store, "thắng relevant:no", groups=False).hits) == both
    assert search(store, "thắng relevant:yes").total == 0
    assert sorted(h.id for h in search(store, "thắng NOT level:province", groups=False).hits) == both
    no_text = search(store, "NOT level:province", groups=False)  # all in SQL: no full-text part
    assert sorted(h.id for h in no_text.hits) == both


def _index_rows(conn: Connection) -> list[list[Any]]:
    """Every row the full-text index holds outside FTS5's own tables, in a comparable form."""
    if conn.dialect.name == "sqlite":
        reads = ["SELECT article_id, fts_rowid, digest FROM search_fts_rowids", "SELECT * FROM search_terms"]
    else:
        reads = [
            "SELECT article_id, sort_key, tsv::text FROM search_tsv",
            "SELECT article_id, tsv::text, seq FROM search_rank",
        ]
    return [sorted(tuple(r) for r in conn.execute(text(read))) for read in reads]


def test_entries_made_in_worker_processes_index_what_the_writer_would(
    store: Store, corpus: dict[str, int]
) -> None:
    """The bulk paths hand the writer ``text_entry``s made elsewhere (a loader's workers,
    ``reindex_text``'s pool): the index they leave is the one indexing article by article left."""
    article = Article(
        url="https://example.vn/w", title="Thể thao biển", paragraphs=("Đua thuyền ở Khánh Hòa.",)
    )
    extra = EnrichedArticle(article, Analysis(themes=(ThemeHit("bien-dao", 1.0),), province="Khánh Hòa"))
    extra_id = store.save_article(extra).article_id
    queries = ["hội nghị", "dang", '"thể thao"', 'đảng OR "hòa bình"', "thuyen theme:bien-dao"]
    found = {q: [(h.id, h.score) for h in search(store, q).hits] for q in queries}
    with store.engine.begin() as conn:
        written = _index_rows(conn)
        assert rebuild_text(conn) == len(corpus) + 1  # in this process: a small archive
        assert _index_rows(conn) == written
        assert rebuild_text(conn, batch=3, workers=2) == len(corpus) + 1  # batches smaller than the corpus
        assert _index_rows(conn) == written
        unindex_article(conn, extra_id)
        entry = text_entry(document_tokens(extra), conn.dialect.name)
        assert index_many(conn, [(extra_id, extra)], prepared={extra_id: entry}) == 1
        assert _index_rows(conn) == written
    assert {q: [(h.id, h.score) for h in search(store, q).hits] for q in queries} == found
    assert all(found.values()), found


def test_optimize_merges_the_index_into_one_segment_and_refreshes_statistics(
    store: Store, db_url: str
) -> None:
    """Each save is a transaction and FTS5 writes each as a segment: ``lantoa db optimize``
    merges them (every match kept) and runs ``ANALYZE``."""
    day = date(2024, 4, 1)
    ids = [
        store.save_article(
            EnrichedArticle(
                Article(
                    url=f"https://example.vn/hop-{i}",
                    title=f"Phiên họp {i}",
                    paragraphs=(f"Hội đồng nhân dân họp phiên thứ {i}.",),
                    published=day + timedelta(i),
                ),
                Analysis(),
            )
        ).article_id
        for i in range(12)
    ]
    queries = ["hoi dong", '"nhân dân họp"', "phien date:2024-04-05..2024-04-09"]
    found = {q: [(h.id, h.score) for h in search(store, q, limit=50).hits] for q in queries}
    sqlite = store.engine.dialect.name == "sqlite"
    segments = text("SELECT count(DISTINCT segid) FROM search_fts_idx")
    if sqlite:
        with store.engine.connect() as conn:
            assert conn.execute(segments).scalar_one() > 1
        assert merge_segments_in_steps(store.engine, pages=1) >= 1
        with store.engine.connect() as conn:
            assert conn.execute(segments).scalar_one() == 1
        assert merge_segments_in_steps(store.engine) == 0  # one segment: nothing left to merge
        assert [(h.id, h.score) for h in search(store, "hoi dong", limit=50).hits] == found["hoi dong"]
        _save(
            store, "Phiên họp bất thường", "Hội đồng nhân dân họp phiên bất thường.", day
        )  # one more segment
        ids.append(1)
        found = {q: [(h.id, h.score) for h in search(store, q, limit=50).hits] for q in queries}
    result = CliRunner().invoke(cli, ["db", "optimize", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert {q: [(h.id, h.score) for h in search(store, q, limit=50).hits] for q in queries} == found
    assert len(found["hoi dong"]) == len(ids) and len(found[queries[2]]) == 5
    with store.engine.connect() as conn:
        if sqlite:
            assert conn.execute(segments).scalar_one() == 1
            assert conn.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar_one() > 0
        else:
            analysed = "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'search_docs'"
            assert conn.execute(text(analysed)).scalar_one() is not None
