"""PostgreSQL's partitions of ``search_tsv`` (quarters; months before step 15): bounds, slices,
made on demand, read newest first with the same window as one statement over every partition;
steps 9, 10 and 15's migrations."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.engine import Connection

from lantoa.records import VN_TZ, Analysis, Article, EnrichedArticle, Source, SourceLevel
from lantoa.search import partitions, ranking, search
from lantoa.search.engine import _partitioned_window, _window_query
from lantoa.search.index import MAX_SECOND, key_token, pairs, sort_key
from lantoa.search.query import parse
from lantoa.search.schema import search_keys
from lantoa.search.sql import compile_query
from lantoa.search.text import fold_tokens, tokens
from lantoa.store.api import Store
from lantoa.store.schema import articles, schema_versions


@pytest.fixture
def db_url(pg_url: str) -> str:
    """Partitions are PostgreSQL's: the shared ``store`` fixture opens a fresh PostgreSQL database."""
    return pg_url


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2024, 1, 31, 16, 59, 59, tzinfo=UTC),  # 23:59:59 in Hà Nội: still January
        datetime(2024, 1, 31, 17, 0, 0, tzinfo=UTC),  # midnight in Hà Nội: February
        datetime(2024, 12, 31, 17, 0, 0, tzinfo=UTC),  # a new year
        datetime(1969, 5, 1, tzinfo=UTC),  # before 1970: keyed at second 0, like undated
        datetime(2200, 1, 1, tzinfo=UTC),  # after the last second: keyed at the last one
        None,
    ],
)
def test_every_sort_key_falls_inside_the_bounds_of_its_month(instant: datetime | None) -> None:
    key = sort_key(instant, 12345)
    month = partitions.month_of(key)
    low, high = partitions.key_bounds(month)
    assert low <= key < high
    if instant is not None and 1970 < instant.year < 2100:
        local = instant.astimezone(VN_TZ)
        assert month == (local.year, local.month)
        assert partitions.key_bounds((local.year, local.month)) == (low, high)


def test_the_months_at_both_ends_of_the_key_space_reach_its_ends() -> None:
    assert partitions.month_of(sort_key(None, 1)) == (1970, 1)
    assert partitions.key_bounds((1970, 1))[0] == 0
    last = partitions.month_of(sort_key(datetime.fromtimestamp(MAX_SECOND, UTC), (1 << 30) - 1))
    assert partitions.key_bounds(last)[1] == (MAX_SECOND + 1) << 30


def test_a_new_partition_spans_its_quarter_cut_short_by_partitions_made_before() -> None:
    may = sort_key(datetime(2024, 5, 10, tzinfo=UTC), 1)
    april, june = partitions.key_bounds((2024, 4)), partitions.key_bounds((2024, 6))
    quarter = (april[0], june[1])
    assert partitions.span_of(may) == quarter
    assert partitions.span_of(may, [april]) == (april[1], june[1])
    assert partitions.span_of(may, [june, april]) == partitions.key_bounds((2024, 5))
    assert partitions.span_of(may, [partitions.key_bounds((2024, 7))]) == quarter  # beyond: no cut
    year = (partitions.key_bounds((2024, 1))[0], partitions.key_bounds((2024, 12))[1])
    assert partitions.span_of(may, months=12) == year
    with pytest.raises(ValueError, match="already has its partition"):
        partitions.span_of(may, [quarter])


MONTHS = [(y, m) for y in (2024, 2023, 2022) for m in range(12, 0, -1)]  # newest first
CUT = {m: partitions.key_bounds(m)[0] for m in MONTHS}
SPANS = [partitions.key_bounds(m) for m in MONTHS]  # slices read partitions of any width alike


def _slices(
    sizes: list[float], key_range: tuple[int | None, int | None], want: int, rate: float
) -> list[tuple[int | None, int | None]]:
    """The slices read when every article read matches at ``rate``, until ``want`` are found
    (as ``engine._partitioned_window`` stops)."""
    by_start = {CUT[m]: size for m, size in zip(MONTHS, sizes, strict=True)}
    read: list[tuple[int | None, int | None]] = []

    def found() -> int:
        articles = sum(n for start, n in by_start.items() for lo, hi in read if _inside(start, lo, hi))
        return int(articles * rate)

    for key_range_read in partitions.slices(list(zip(SPANS, sizes, strict=True)), key_range, want, found):
        read.append(key_range_read)
        if found() >= want:
            break
    return read


def _inside(start: int, low: int | None, high: int | None) -> bool:
    return (low is None or start >= low) and (high is None or start < high)


def test_slices_cover_the_range_newest_first_without_gaps() -> None:
    for rate in (0.0, 0.001, 0.05, 0.5, 1.0):
        for key_range in ((None, None), (CUT[(2023, 2)] + 5, CUT[(2024, 6)])):
            for want in (200, 10**6):
                got = _slices([100.0] * 36, key_range, want, rate)
                assert got[0][1] == key_range[1]
                assert all(newer[0] == older[1] for newer, older in zip(got, got[1:], strict=False))
                assert all(lo is None or hi is None or lo < hi for lo, hi in got)
                if want == 10**6:  # never full: every month is read
                    assert got[-1][0] == key_range[0]
    assert list(partitions.slices([], (7, None), 10, lambda: 0)) == [(7, None)]


def test_the_newest_month_is_read_alone_then_what_the_rate_seen_needs() -> None:
    sizes = [100.0] * 36
    # a common word: 50 a month, 200 wanted: December, then 150 / 50 * 1.1 = 3.3 -> 4 months
    assert _slices(sizes, (None, None), 200, 0.5)[:2] == [
        (CUT[(2024, 12)], None),
        (CUT[(2024, 8)], CUT[(2024, 12)]),
    ]
    # 30 a month, 400 wanted: (400 - 30) / 0.3 * 1.1 = 1,357 articles, 14 months
    assert _slices(sizes, (None, None), 400, 0.3)[1] == (CUT[(2023, 10)], CUT[(2024, 12)])
    # a rare word (1 a month: 199 more would need 219 months), or one not found yet: the rest
    for rate in (0.01, 0.0):
        assert _slices(sizes, (None, None), 200, rate) == [(CUT[(2024, 12)], None), (None, CUT[(2024, 12)])]
    # a date range reads its own months the same way
    assert _slices(sizes, (CUT[(2023, 1)], CUT[(2024, 1)]), 200, 0.01) == [
        (CUT[(2023, 12)], CUT[(2024, 1)]),
        (CUT[(2023, 1)], CUT[(2023, 12)]),
    ]


def test_slices_size_months_by_their_articles_not_their_count() -> None:
    """A month half gone (50 articles) holding 25 matches is a rate of one in two, not 25 a month."""
    sizes = [50.0] + [100.0] * 35
    assert _slices(sizes, (None, None), 100, 0.5)[:2] == [
        (CUT[(2024, 12)], None),
        (CUT[(2024, 10)], CUT[(2024, 12)]),  # 75 wanted / 0.5 * 1.1 = 165 articles: two months
    ]


def test_span_sizes_are_the_planners_counts_and_the_mean_for_partitions_not_analysed(
    store: Store, corpus: dict[str, int]
) -> None:
    with store.engine.begin() as conn:
        sizes = partitions.span_sizes(conn)
        assert [s for s, _ in sizes] == partitions.spans(conn)
        assert {n for _, n in sizes} == {1.0}  # none analysed yet: partitions weigh alike
        newest = partitions.partition_name(sizes[0][0])
        query = "SELECT count(*) FROM search_tsv WHERE tableoid = to_regclass(:name)"
        count = conn.execute(text(query), {"name": newest}).scalar_one()
        conn.execute(text(f"ANALYZE {newest}"))
        assert [n for _, n in partitions.span_sizes(conn)] == [float(count)] * len(sizes)


def test_indexing_makes_one_partition_for_each_quarter_of_publication(
    store: Store, corpus: dict[str, int]
) -> None:
    with store.engine.connect() as conn:
        made = partitions.spans(conn)
        placed = dict(conn.execute(text("SELECT article_id, tableoid::regclass::text FROM search_tsv")).all())
        published = dict(conn.execute(select(articles.c.id, articles.c.published)).all())
    wanted = {}
    for article_id in corpus.values():
        local = published[article_id].astimezone(VN_TZ)
        wanted[article_id] = f"search_tsv_p{local.year:04d}{(local.month - 1) // 3 * 3 + 1:02d}"
    assert placed == wanted
    assert {partitions.partition_name(s) for s in made} == set(wanted.values())
    assert made == sorted(made, reverse=True) and len(made) >= 3


def test_an_undated_article_gets_the_first_quarter_and_is_found(store: Store, corpus: dict[str, int]) -> None:
    source = Source("Báo Thử", "https://baothu.example", SourceLevel.PRESS)
    store.upsert_source(source)
    article = Article(
        url="https://baothu.example/khong-ngay",
        title="Bài không ngày về hội nghị",
        paragraphs=("Hội nghị bàn về công tác thông tin.",),
        source=source.name,
    )
    article_id = store.save_article(EnrichedArticle(article, Analysis())).article_id
    with store.engine.connect() as conn:
        assert partitions.spans(conn)[-1] == (0, partitions.key_bounds((1970, 3))[1])
    assert article_id in {h.id for h in search(store, "hoi nghi", groups=False).hits}


@pytest.mark.parametrize(
    "query", ["hoi nghi", "Đảng", '"thông tin đối ngoại" OR dang', "ngu dan date:2024-06"]
)
def test_the_partitioned_window_is_the_window_of_one_statement_over_every_partition(
    store: Store, corpus: dict[str, int], query: str
) -> None:
    """Windows smaller than the matches end inside a partition, between two and at the end."""
    compiled = compile_query(parse(query), "postgresql")
    with store.engine.connect() as conn:
        whole = ranking.window(conn, _window_query(compiled, 100), 100)
        assert whole[1] and len(whole[0]) >= 2
        for size in range(len(whole[0]) + 2):
            expected = ranking.window(conn, _window_query(compiled, size), size)
            assert _partitioned_window(conn, compiled, size) == expected


def test_step_9_partitions_an_existing_index_without_changing_a_result(
    store: Store, corpus: dict[str, int]
) -> None:
    queries = ("hoi nghi", "Đảng", '"thông tin đối ngoại" OR dang', "dang date:2024-01..2024-04")
    before = [[(h.id, h.score) for h in search(store, q).hits] for q in queries]
    with store.engine.begin() as conn:
        entries = sorted(conn.execute(text("SELECT article_id, sort_key, tsv::text FROM search_tsv")).all())
        made = partitions.spans(conn)
        conn.execute(text("CREATE TABLE search_tsv_old AS SELECT article_id, tsv, sort_key FROM search_tsv"))
        conn.execute(text("DROP TABLE search_tsv"))
        conn.execute(text("ALTER TABLE search_tsv_old RENAME TO search_tsv"))
        conn.execute(text("ALTER TABLE search_tsv ADD PRIMARY KEY (article_id)"))
        conn.execute(text("CREATE INDEX ix_search_tsv_gin ON search_tsv USING gin (tsv)"))
        conn.execute(update(schema_versions).where(schema_versions.c.component == "search").values(version=8))
        assert not partitions.is_partitioned(conn)
    assert store.migrate() == [f"search v{step}" for step in range(9, 16)]
    with store.engine.connect() as conn:
        assert partitions.is_partitioned(conn) and partitions.spans(conn) == made
        assert (
            sorted(conn.execute(text("SELECT article_id, sort_key, tsv::text FROM search_tsv")).all())
            == entries
        )
        assert conn.execute(text("SELECT to_regclass('search_tsv_v8')")).scalar() is None
    assert [[(h.id, h.score) for h in search(store, q).hits] for q in queries] == before
    assert all(before) and len(made) >= 4


def test_two_writers_make_a_new_partition_once_and_searches_are_not_blocked(
    store: Store, corpus: dict[str, int]
) -> None:
    """The first writer holds the partitions' lock until it commits; the second then finds the
    partition made. Meanwhile searches run (were they waiting for the first writer, this test would hang
    until pytest's timeout fails it)."""
    key = sort_key(datetime(2030, 5, 10, tzinfo=UTC), 999_999)
    second: list[object] = []
    with store.engine.connect() as first_conn, store.engine.connect() as second_conn:
        first_tx = first_conn.begin()
        quarter = (partitions.key_bounds((2030, 4))[0], partitions.key_bounds((2030, 6))[1])
        assert partitions.ensure(first_conn, [key]) == [quarter]

        def second_writer() -> None:
            with second_conn.begin():
                second.append(partitions.ensure(second_conn, [key]))

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive() and not second  # waiting for the first writer's lock
        with store.engine.connect() as reader:
            assert quarter not in partitions.spans(reader)  # not committed yet
        assert search(store, "hoi nghi").total >= 1
        first_tx.commit()
        thread.join(timeout=10)
    assert second == [[]]
    with store.engine.connect() as conn:
        assert quarter in partitions.spans(conn)


def _step_9_vector(exact: list[str], keys: list[tuple[str, str]]) -> str:
    """The matching vector as step 9 wrote it: exact (weight A) and folded twins of syllables
    and pairs at shared positions, keys without positions."""
    folded = fold_tokens(exact)
    entries: dict[str, list[str]] = {}
    for forms in ((exact, folded), (pairs(exact), pairs(folded))):
        for i, (tok, twin) in enumerate(zip(*forms, strict=True), start=1):
            entries.setdefault(tok, []).append(f"{i}A")
            if twin != tok:
                entries.setdefault(twin, []).append(str(i))
    text_part = " ".join(f"'{lexeme}':{','.join(p)}" for lexeme, p in entries.items())
    return " ".join([text_part, *(f"'{key_token(k, v)}'" for k, v in keys)])


def test_step_10_keeps_folded_lexemes_only_as_indexing_writes_them_and_no_result_changes(
    store: Store, corpus: dict[str, int]
) -> None:
    queries = ("hoi nghi", "Đảng", '"thông tin đối ngoại" OR dang', '"Quốc hội" -"hội nghị"', "biển Đông")
    before = [[(h.id, h.score) for h in search(store, q).hits] for q in queries]
    assert all(before[:3])
    with store.engine.begin() as conn:
        fresh = dict(conn.execute(text("SELECT article_id, tsv::text FROM search_tsv")).all())
        assert not any(re.search(r"[^\x00-\x7f]", v) for v in fresh.values())  # folded only
        for row in conn.execute(
            select(articles.c.id, articles.c.title, articles.c.lead, articles.c.body)
        ).all():
            keys = [
                (k, v)
                for k, v in conn.execute(
                    select(search_keys.c.kind, search_keys.c.key).where(search_keys.c.article_id == row.id)
                ).all()
            ]
            old = _step_9_vector(tokens("\n".join(p for p in (row.title, row.lead, row.body) if p)), keys)
            conn.execute(
                text("UPDATE search_tsv SET tsv = CAST(:v AS tsvector) WHERE article_id = :i"),
                {"v": old, "i": row.id},
            )
        conn.execute(update(schema_versions).where(schema_versions.c.component == "search").values(version=9))
    assert store.migrate() == [f"search v{step}" for step in range(10, 16)]
    with store.engine.connect() as conn:
        assert dict(conn.execute(text("SELECT article_id, tsv::text FROM search_tsv")).all()) == fresh
        assert conn.execute(
            text("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'search_tsv_p%tsv_idx'")
        ).scalar() == len(partitions.spans(conn))
    assert [[(h.id, h.score) for h in search(store, q).hits] for q in queries] == before


def _to_months(conn: Connection) -> list[partitions.Span]:
    """Bring ``search_tsv`` back to one partition a month, as steps 9 to 14 made it."""
    conn.execute(text("CREATE TEMPORARY TABLE kept ON COMMIT DROP AS SELECT * FROM search_tsv"))
    for span in partitions.spans(conn):
        conn.execute(text(f"DROP TABLE {partitions.partition_name(span)}"))
    keys = conn.execute(text("SELECT sort_key FROM kept")).scalars()
    months = sorted({partitions.span_of(k, months=1) for k in keys}, reverse=True)
    for low, high in months:
        name = partitions.partition_name((low, high))
        conn.execute(text(f"CREATE TABLE {name} (LIKE search_tsv INCLUDING ALL)"))
        conn.execute(
            text(f"ALTER TABLE search_tsv ATTACH PARTITION {name} FOR VALUES FROM ({low}) TO ({high})")
        )
    conn.execute(
        text("INSERT INTO search_tsv (article_id, tsv, sort_key) SELECT article_id, tsv, sort_key FROM kept")
    )
    return months


def test_step_15_makes_the_month_partitions_of_step_14_quarters_without_changing_a_result(
    store: Store, corpus: dict[str, int]
) -> None:
    """Before it, a writer fills a month missing from a quarter whose other months have
    partitions with a partition of that month alone; after it, every quarter is one partition,
    indexed, with the same rows."""
    queries = (
        "hoi nghi",
        "Đảng",
        '"thông tin đối ngoại" OR dang',
        "dang date:2024-01..2024-04",
        '"thông tin đối ngoại"',
    )
    before = [[(h.id, h.score) for h in search(store, q).hits] for q in queries]
    rows = "SELECT article_id, sort_key, tsv::text FROM search_tsv"
    may = sort_key(datetime(2024, 5, 5, tzinfo=UTC), 10**6)
    with store.engine.begin() as conn:
        entries = sorted(conn.execute(text(rows)).all())
        quarters = partitions.spans(conn)
        months = _to_months(conn)
        assert partitions.spans(conn) == months and len(months) > len(quarters) >= 3
        assert partitions.ensure(conn, [may]) == [partitions.key_bounds((2024, 5))]
        conn.execute(
            update(schema_versions).where(schema_versions.c.component == "search").values(version=14)
        )
    assert store.migrate() == ["search v15"]
    with store.engine.connect() as conn:
        assert partitions.spans(conn) == quarters
        assert sorted(conn.execute(text(rows)).all()) == entries
        indexed = (
            "SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'search_tsv_p%' AND indexdef LIKE '%gin%'"
        )
        assert conn.execute(text(indexed)).scalar() == len(quarters)
        assert conn.execute(text("SELECT to_regclass('search_tsv_regrouped')")).scalar() is None
    assert [[(h.id, h.score) for h in search(store, q).hits] for q in queries] == before
    assert all(before)
