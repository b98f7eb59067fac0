"""Tables of the search component, registered as the ``search`` migration series.

Why a separate index next to the store's ``articles`` table: the full-text part is backend
specific (an FTS5 virtual table on SQLite, a tsvector with a GIN index on PostgreSQL) and the
filter keys are folded (``nghe an`` = ``Nghệ An``), which neither database can compute in SQL.
Everything else (dates, levels, groups) is read from the store's own indexed columns.

- ``search_fts`` (SQLite): FTS5 with two columns, ``exact`` (canonical lower-case syllables) and
  ``folded`` (the same without diacritics); rowid = article id.
- ``search_tsv`` (PostgreSQL): one ``tsvector`` per article, the lexemes a search matches
  (folded syllables and pairs, filter keys since step 6; exact forms too until step 10).
- ``search_keys``: (kind, key, article_id) for theme, source, province, person, doc, topic.
- ``saved_searches``: named queries (the web app turns them into alerts).
- ``search_docs`` (step 2): the few ``articles`` columns a search filters, ranks and groups on
  (group, dates, level, relevant, page type), one narrow row per article, kept equal to
  ``articles`` by database triggers (the dedup stage rewrites ``group_id`` directly). Reading
  them from the wide ``articles`` row cost a walk past the body for every match on SQLite.
- step 3 adds ``source`` and ``province`` (``COALESCE(province, source_province)``: the value the
  province facet shows) to ``search_docs``, so facets count from narrow rows only.
- step 4 keys the full-text entries by date (``lantoa.search.index.sort_key``) and adds syllable
  pairs: on SQLite ``search_fts`` is rebuilt contentless (four copies of every text were half the
  database) with the columns ``exact2``/``folded2``, and its rowid is the sort key
  (``search_fts_rowids`` maps an article to its rowid, for updates); on PostgreSQL
  ``search_tsv`` gains ``sort_key`` (indexed) and its tsvectors, compressed with lz4 where the
  server has it, are rewritten with the pairs (by a later step's re-index: 12 on SQLite, 9 on
  PostgreSQL).
- step 5 indexes ``search_docs`` in result order (newest first) for filter-only queries.
- step 6 puts each article's filter keys into its full-text entry as opaque tokens
  (``lantoa.search.index.key_token``): the ``keys`` column of ``search_fts``, position-less
  lexemes in ``search_tsv``.
- step 7 (SQLite) added the recent tier (``search_fts_recent``, the same entries for the newest
  articles only, and ``search_recent``, where its boundary lay) and re-indexed the stored text.
  Step 12 drops the tier, so step 7 now does nothing, and step 13 fills an empty index.
- step 8 (PostgreSQL) adds ``search_rank``, the small vectors ``ts_rank`` reads, and drops step
  4's B-tree on ``sort_key`` (its only use was a bad plan). Step 14 rebuilds the table, so step 8
  now leaves it empty.
- step 9 (PostgreSQL) partitions ``search_tsv`` by month of publication
  (``lantoa.search.partitions``). Steps 7 and 8 no longer fill an empty PostgreSQL index, nor
  does step 9 now: step 14 does, in its final layout.
- step 10 (PostgreSQL) keeps folded forms only in ``search_tsv``, with positions on syllable
  pairs only (``lantoa.search.index.tsvector_literal``): half the lexemes of its GIN index.
- step 11 (PostgreSQL) adds each article's duplicate group to ``search_rank`` (kept equal to
  ``search_docs.gid`` by triggers): a ranked window reads one row per match.
- step 12 (SQLite) adds ``search_terms``, each article's syllable counts, which relevance is
  scored from (``lantoa.search.relevance``) instead of FTS5's ``bm25``, and drops step 7's recent
  tier, which only bounded ``bm25``'s document counts.
- step 13 (SQLite) keeps folded forms only in ``search_fts`` (``folded``, ``folded2``, ``keys``),
  as step 10 did on PostgreSQL: since step 12 no column ranks, and a word typed with diacritics
  matches its folding's articles anyway. Half the index to write and walk; the entries are
  made again from the stored text, counts included (steps 6, 7 and 12 leave that to it).
- step 14 (PostgreSQL) adds ``seq`` to ``search_rank``, each article's folded syllables as
  codes in text order (``lantoa.search.index.phrase_sequence``), which a phrase of three
  syllables or more is checked on instead of the matching vector; the ranking rows are made
  again from the stored text (and an empty index is filled whole).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Connection

from lantoa.search import relevance
from lantoa.store.api import Migration, register_migrations, register_sqlite_function
from lantoa.store.schema import IdType, UTCDateTime

metadata = MetaData()

search_keys = Table(
    "search_keys",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("key", String(300), primary_key=True),
    Column("article_id", IdType, primary_key=True),
    Index("ix_search_keys_article", "article_id"),
)

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("query", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("owner", String(200)),
    UniqueConstraint("name", name="uq_saved_searches_name"),
)

FTS_TABLE = "search_fts"

fts_metadata = MetaData()
"""Never used with ``create_all``: the FTS5 virtual table is created by its own DDL below."""

search_fts = Table(
    FTS_TABLE,
    fts_metadata,
    Column("rowid", Integer, primary_key=True),
    Column("folded", Text),
    Column("folded2", Text),
    Column("keys", Text),
    Column(FTS_TABLE, Text),  # FTS5's hidden column named after the table: the MATCH target
    Column("rank", Text),
)

terms_metadata = MetaData()
search_terms = Table(
    "search_terms",
    terms_metadata,
    Column("fts_rowid", Integer, primary_key=True, autoincrement=False),
    Column("terms", LargeBinary, nullable=False),
)
"""SQLite (step 12): the syllable counts of each full-text entry (``lantoa.search.relevance``),
read for the rows of a window only. Keyed by the entry's rowid, the sort key (an ``INTEGER``
primary key is SQLite's rowid itself): a window's rows, the newest matches, lie together at
the end of the table, not spread over it as article ids would be."""

rowids_metadata = MetaData()
search_fts_rowids = Table(
    "search_fts_rowids",
    rowids_metadata,
    Column("article_id", IdType, primary_key=True, autoincrement=False),
    Column("fts_rowid", BigInteger, nullable=False),
    Column("digest", BigInteger, nullable=False),
)
"""SQLite: the FTS rowid (sort key) of each indexed article, so an update finds its old entry,
and a fingerprint of the tokens it was indexed with (the contentless table must be told them)."""


def _vector_table(name: str, meta: MetaData, *extra: Column[Any] | Index) -> Table:
    """A PostgreSQL table of one ``tsvector`` per article, in one of its shapes."""
    return Table(
        name,
        meta,
        Column("article_id", IdType, primary_key=True, autoincrement=False),
        Column("tsv", TSVECTOR, nullable=False),
        *extra,
    )


pg_metadata = MetaData()
"""Step 1's shape of ``search_tsv`` (step 4 adds ``sort_key``)."""

_vector_table("search_tsv", pg_metadata, Index("ix_search_tsv_gin", "tsv", postgresql_using="gin"))

tsv_metadata = MetaData()
"""The current shape, for queries (never ``create_all``: the migrations build it)."""

search_tsv = _vector_table("search_tsv", tsv_metadata, Column("sort_key", BigInteger, nullable=False))

search_rank = _vector_table(
    "search_rank",
    tsv_metadata,
    Column("gid", BigInteger, nullable=False),
    Column("seq", LargeBinary, nullable=False),
)
"""PostgreSQL (step 8): the small vector ``ts_rank`` reads for each entry of ``search_tsv``
(``lantoa.search.index.rank_vector_literal``), in its own table: kept inline (storage MAIN), so
ranking a window reads a few pages instead of decompressing out-of-line vectors, and out of the
way of the matching table's narrow heap, which a search scans for every match. Step 11 adds
the article's duplicate group (``search_docs.gid``, kept equal by triggers: writers never set
it), so a ranked window reads one row per match, not two. Step 14 adds the phrase sequence
(``lantoa.search.index.phrase_sequence``), inline too: a phrase's candidates are checked on the
row their ranking reads."""

rank_v8_metadata = MetaData()
_vector_table("search_rank", rank_v8_metadata)
"""Step 8's shape of ``search_rank`` (step 11 adds ``gid``)."""


def _docs_table(meta: MetaData, *extra: Column[Any]) -> Table:
    return Table(
        "search_docs",
        meta,
        Column("article_id", IdType, primary_key=True, autoincrement=False),
        Column("gid", IdType, nullable=False),
        Column("published", UTCDateTime),
        Column("published_date", Date),
        Column("level", String(20)),
        Column("relevant", Boolean, nullable=False),
        Column("page_type", String(10), nullable=False),
        *extra,
        Index("ix_search_docs_date", "published_date"),
        Index("ix_search_docs_gid", "gid"),
    )


docs_v2_metadata = MetaData()
"""Step 2's shape, created by step 2 only (step 1's ``create_all`` must not grow); step 3 alters it."""
_docs_v2 = _docs_table(docs_v2_metadata)

docs_metadata = MetaData()
"""The current shape, for queries (never ``create_all``: the migrations build it)."""
search_docs = _docs_table(docs_metadata, Column("source", String(200)), Column("province", String(100)))

# Static DDL (no values): the column lists are spelled out so that each statement reads whole.
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER search_docs_ins AFTER INSERT ON articles BEGIN "
    "INSERT OR REPLACE INTO search_docs "
    "(article_id, gid, published, published_date, level, relevant, page_type) VALUES (NEW.id, COALESCE(NEW.group_id, NEW.id), NEW.published, NEW.published_date, NEW.level, NEW.relevant, NEW.page_type); END",
    "CREATE TRIGGER search_docs_upd AFTER UPDATE OF id, group_id, published, published_date, level, relevant, page_type ON articles BEGIN "
    "DELETE FROM search_docs WHERE article_id = OLD.id; "
    "INSERT OR REPLACE INTO search_docs "
    "(article_id, gid, published, published_date, level, relevant, page_type) VALUES (NEW.id, COALESCE(NEW.group_id, NEW.id), NEW.published, NEW.published_date, NEW.level, NEW.relevant, NEW.page_type); END",
    "CREATE TRIGGER search_docs_del AFTER DELETE ON articles BEGIN "
    "DELETE FROM search_docs WHERE article_id = OLD.id; END",
)

_PG_TRIGGERS = (
    "CREATE FUNCTION search_docs_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN DELETE FROM search_docs WHERE article_id = OLD.id; END IF; "
    "IF TG_OP <> 'DELETE' THEN INSERT INTO search_docs (article_id, gid, published, published_date, level, relevant, page_type) "
    "VALUES (NEW.id, COALESCE(NEW.group_id, NEW.id), NEW.published, NEW.published_date, NEW.level, NEW.relevant, NEW.page_type); END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER search_docs_ins_del AFTER INSERT OR DELETE ON articles "
    "FOR EACH ROW EXECUTE FUNCTION search_docs_sync()",
    "CREATE TRIGGER search_docs_upd AFTER UPDATE OF id, group_id, published, published_date, level, relevant, page_type ON articles "
    "FOR EACH ROW EXECUTE FUNCTION search_docs_sync()",
)

_BACKFILL = (
    "INSERT INTO search_docs (article_id, gid, published, published_date, level, relevant, page_type) "
    "SELECT articles.id, COALESCE(articles.group_id, articles.id), articles.published, articles.published_date, articles.level, articles.relevant, articles.page_type FROM articles"
)

_FTS5_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "exact, folded, tokenize = 'unicode61 remove_diacritics 0')"
)


def _v1(conn: Connection) -> None:
    """Full-text index (per backend), filter keys and saved searches."""
    metadata.create_all(conn)
    if conn.dialect.name == "sqlite":
        conn.execute(text(_FTS5_DDL))
    else:
        pg_metadata.create_all(conn)


def _v2(conn: Connection) -> None:
    """Narrow ``search_docs`` next to ``articles``, filled from it and kept in step by triggers."""
    docs_v2_metadata.create_all(conn)
    conn.execute(text(_BACKFILL))
    for ddl in _SQLITE_TRIGGERS if conn.dialect.name == "sqlite" else _PG_TRIGGERS:
        conn.execute(text(ddl))


# Step 3: the facet columns. Triggers of step 2 are replaced by ones that also copy them.
_SQLITE_V3 = (
    "ALTER TABLE search_docs ADD COLUMN source VARCHAR(200)",
    "ALTER TABLE search_docs ADD COLUMN province VARCHAR(100)",
    "UPDATE search_docs SET (source, province) = (SELECT articles.source, "
    "COALESCE(articles.province, articles.source_province) FROM articles WHERE articles.id = search_docs.article_id)",
    "DROP TRIGGER search_docs_ins",
    "DROP TRIGGER search_docs_upd",
    "CREATE TRIGGER search_docs_ins AFTER INSERT ON articles BEGIN "
    "INSERT OR REPLACE INTO search_docs (article_id, gid, published, published_date, level, relevant, page_type, source, province) VALUES (NEW.id, COALESCE(NEW.group_id, NEW.id), NEW.published, NEW.published_date, NEW.level, NEW.relevant, NEW.page_type, NEW.source, COALESCE(NEW.province, NEW.source_province)); END",
    "CREATE TRIGGER search_docs_upd AFTER UPDATE OF id, group_id, published, published_date, level, relevant, page_type, source, province, source_province ON articles BEGIN "
    "DELETE FROM search_docs WHERE article_id = OLD.id; "
    "INSERT OR REPLACE INTO search_docs (article_id, gid, published, published_date, level, relevant, page_type, source, province) VALUES (NEW.id, COALESCE(NEW.group_id, NEW.id), NEW.published, NEW.published_date, NEW.level, NEW.relevant, NEW.page_type, NEW.source, COALESCE(NEW.province, NEW.source_province)); END",
)

_PG_V3 = (
    "ALTER TABLE search_docs ADD COLUMN source VARCHAR(200), ADD COLUMN province VARCHAR(100)",
    "UPDATE search_docs SET source = articles.source, "
    "province = COALESCE(articles.province, articles.source_province) "
    "FROM articles WHERE articles.id = search_docs.article_id",
    "CREATE OR REPLACE FUNCTION search_docs_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN DELETE FROM search_docs WHERE article_id = OLD.id; END IF; "
    "IF TG_OP <> 'DELETE' THEN INSERT INTO search_docs (article_id, gid, published, published_date, level, relevant, page_type, source, province) VALUES (NEW.id, COALESCE(NEW.group_id, NEW.id), NEW.published, NEW.published_date, NEW.level, NEW.relevant, NEW.page_type, NEW.source, COALESCE(NEW.province, NEW.source_province)); END IF; "
    "RETURN NULL; END $$",
    "DROP TRIGGER search_docs_upd ON articles",
    "CREATE TRIGGER search_docs_upd AFTER UPDATE OF id, group_id, published, published_date, level, relevant, page_type, source, province, source_province ON articles "
    "FOR EACH ROW EXECUTE FUNCTION search_docs_sync()",
)


def _v3(conn: Connection) -> None:
    """``search_docs`` also carries source and shown province: facets never read ``articles``."""
    for ddl in _SQLITE_V3 if conn.dialect.name == "sqlite" else _PG_V3:
        conn.execute(text(ddl))


_FTS5_V4_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(exact, folded, exact2, folded2, content = '', "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
)

_PG_V4 = (
    "ALTER TABLE search_tsv ADD COLUMN IF NOT EXISTS sort_key BIGINT",
    "DELETE FROM search_tsv",
    "ALTER TABLE search_tsv ALTER COLUMN sort_key SET NOT NULL",
    "CREATE INDEX IF NOT EXISTS ix_search_tsv_sort_key ON search_tsv (sort_key)",
)


def _v4(conn: Connection) -> None:
    """Full-text entries keyed by date, with syllable pairs. Left empty: a later step, which always
    runs after it, re-indexes the stored text in the final layout (12 on SQLite, 9 on PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TABLE search_fts"))
        conn.execute(text("DROP TABLE IF EXISTS search_fts_rowids"))
        conn.execute(text(_FTS5_V4_DDL))
        rowids_metadata.create_all(conn)
    else:
        for ddl in _PG_V4:
            conn.execute(text(ddl))
        if _has_lz4(conn):  # decompressing tsvectors for phrase checks and ranking: lz4 is ~1.6x faster
            conn.execute(text("ALTER TABLE search_tsv ALTER COLUMN tsv SET COMPRESSION lz4"))


def _rank_storage(conn: Connection) -> None:
    """``search_rank``'s vectors inline (MAIN), compressed with lz4 where the server has it."""
    conn.execute(text("ALTER TABLE search_rank ALTER COLUMN tsv SET STORAGE MAIN"))
    if _has_lz4(conn):
        conn.execute(text("ALTER TABLE search_rank ALTER COLUMN tsv SET COMPRESSION lz4"))


def _has_lz4(conn: Connection) -> bool:
    """Whether the PostgreSQL server can compress with lz4."""
    query = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    return bool(conn.execute(text(query)).scalar())


def _v5(conn: Connection) -> None:
    """Filter-only queries (``theme:iuu level:province``) take their newest matches from an index
    in result order instead of sorting every match."""
    if conn.dialect.name == "sqlite":  # NULLs sort first, so a backwards walk puts them last
        ddl = "CREATE INDEX IF NOT EXISTS ix_search_docs_newest ON search_docs (published, article_id)"
    else:
        ddl = (
            "CREATE INDEX IF NOT EXISTS ix_search_docs_newest "
            "ON search_docs (published DESC NULLS LAST, article_id DESC)"
        )
    conn.execute(text(ddl))


_FTS5_V6_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(exact, folded, exact2, folded2, keys, content = '', "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
)


def _v6(conn: Connection) -> None:
    """Filter keys inside the full-text entries (a rare filter with a common word is one posting
    list intersection). Left empty: step 13 (SQLite) or 9 (PostgreSQL) indexes the stored text in
    the final layout."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TABLE IF EXISTS search_fts"))
        conn.execute(text("DELETE FROM search_fts_rowids"))
        conn.execute(text(_FTS5_V6_DDL))
    else:
        conn.execute(text("DELETE FROM search_tsv"))


def _v7(conn: Connection) -> None:
    """Was SQLite's recent tier, which step 12 drops: nothing left to do (step 13 indexes the
    stored text that step 6 left unindexed)."""


def _v8(conn: Connection) -> None:
    """PostgreSQL: a small ranking vector for each entry (``search_rank``, see
    ``lantoa.search.index.rank_vector_literal``). Left empty: step 14 rebuilds the table and
    computes every row from the stored text.

    Also drops step 4's B-tree on ``sort_key``. Searches never walk it (index scans are off for
    them: ``engine._connect``), and the one plan that used it was the worst: for a date range
    the planner took the range's rows from it and checked ``@@`` on each, decompressing every
    tsvector of the range (``kinh tế date:2019`` at 100k: 264 ms), instead of asking GIN for the
    word and filtering its rows by key (8 ms).
    """
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text("DROP INDEX IF EXISTS ix_search_tsv_sort_key"))
    rank_v8_metadata.create_all(conn)
    _rank_storage(conn)  # left empty: step 14 makes every ranking row in its final shape


_PG_V9 = (
    "CREATE TABLE search_tsv (article_id BIGINT NOT NULL, tsv TSVECTOR NOT NULL, sort_key BIGINT NOT NULL) "
    "PARTITION BY RANGE (sort_key)",
    "INSERT INTO search_tsv (article_id, tsv, sort_key) SELECT article_id, tsv, sort_key FROM search_tsv_v8",
    "DROP TABLE search_tsv_v8",
    "CREATE INDEX ix_search_tsv_gin ON search_tsv USING gin (tsv)",
    "CREATE INDEX ix_search_tsv_article ON search_tsv (article_id)",
)


def _v9(conn: Connection) -> None:
    """PostgreSQL: ``search_tsv`` partitioned by date of publication (months until step 15,
    quarters since), so a search reads the newest until its window is full
    (``lantoa.search.partitions``). Entries are copied
    as they are (their months' partitions made first); step 14 fills an empty index. Article
    ids are indexed for updates and deletes; they are no longer a primary key (a partitioned
    table's unique keys must hold the partition key), and indexing already deletes an
    article's entry before writing it."""
    from lantoa.search import partitions

    if conn.dialect.name != "postgresql":
        return
    if not partitions.is_partitioned(conn):
        conn.execute(text("ALTER TABLE search_tsv RENAME TO search_tsv_v8"))
        statements = iter(_PG_V9)
        conn.execute(text(next(statements)))  # the partitioned table
        if _has_lz4(conn):
            conn.execute(text("ALTER TABLE search_tsv ALTER COLUMN tsv SET COMPRESSION lz4"))
        shift = partitions.KEY_SHIFT
        query = text("SELECT DISTINCT (sort_key >> :shift) / 3600 FROM search_tsv_v8")
        hours = conn.execute(query, {"shift": shift}).scalars()
        partitions.ensure(conn, (int(h) * 3600 << shift for h in hours))  # Vietnam's offsets are whole hours
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for ddl in statements:
            conn.execute(text(ddl))


_PG_V10 = (
    "DROP INDEX IF EXISTS ix_search_tsv_gin",
    "CREATE TEMPORARY TABLE search_tsv_v10 ON COMMIT DROP AS SELECT article_id, sort_key, "
    "array_to_tsvector(ARRAY(SELECT lexeme FROM unnest(tsv) "
    "WHERE strpos(lexeme, '_') = 0 AND lexeme !~ :marked)) "
    "|| setweight(ts_delete(tsv, ARRAY(SELECT lexeme FROM unnest(tsv) "
    "WHERE strpos(lexeme, '_') = 0 OR lexeme ~ :marked)), 'D') AS tsv FROM search_tsv",
    "TRUNCATE search_tsv",
    "INSERT INTO search_tsv (article_id, tsv, sort_key) SELECT article_id, tsv, sort_key FROM search_tsv_v10",
    "CREATE INDEX ix_search_tsv_gin ON search_tsv USING gin (tsv)",
)


def _v10(conn: Connection) -> None:
    """PostgreSQL: the matching vectors keep folded forms only, and positions on syllable pairs
    only (``lantoa.search.index.tsvector_literal``): the GIN index and the vectors a phrase
    check decompresses lose half their lexemes. Computed from the stored vectors (a lexeme
    holding a character ``fold`` changes is an exact form) into a temporary table, written back
    into the emptied partitions, the GIN index built once after: an in-place UPDATE would leave
    every old version in the heap and, indexed in the same transaction, in the new GIN index."""
    from lantoa.language.normalize import marked_characters

    if conn.dialect.name != "postgresql":
        return
    conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for ddl in _PG_V10:
        conn.execute(text(ddl), {"marked": f"[{marked_characters()}]"} if ":marked" in ddl else {})


_PG_V11_TABLE = (
    "ALTER TABLE search_rank RENAME TO search_rank_v10",
    "ALTER INDEX search_rank_pkey RENAME TO search_rank_v10_pkey",
    "CREATE TABLE search_rank (article_id BIGINT NOT NULL, tsv TSVECTOR NOT NULL, gid BIGINT NOT NULL)",
)
_PG_V11_FILL = (
    "INSERT INTO search_rank (article_id, tsv, gid) SELECT r.article_id, r.tsv, COALESCE(d.gid, r.article_id) "
    "FROM search_rank_v10 r LEFT JOIN search_docs d ON d.article_id = r.article_id",
    "DROP TABLE search_rank_v10",
    "ALTER TABLE search_rank ADD PRIMARY KEY (article_id)",
)
_PG_V11_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION search_rank_gid() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.gid := COALESCE((SELECT gid FROM search_docs WHERE article_id = NEW.article_id), NEW.article_id); "
    "RETURN NEW; END $$",
    "DROP TRIGGER IF EXISTS search_rank_gid ON search_rank",
    "CREATE TRIGGER search_rank_gid BEFORE INSERT OR UPDATE OF article_id ON search_rank "
    "FOR EACH ROW EXECUTE FUNCTION search_rank_gid()",
    "CREATE OR REPLACE FUNCTION search_docs_gid() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE search_rank SET gid = NEW.gid WHERE article_id = NEW.article_id AND gid <> NEW.gid; "
    "RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS search_docs_gid ON search_docs",
    "CREATE TRIGGER search_docs_gid AFTER INSERT OR UPDATE OF gid ON search_docs "
    "FOR EACH ROW EXECUTE FUNCTION search_docs_gid()",
)


def _v11(conn: Connection) -> None:
    """PostgreSQL: ``search_rank`` carries each article's duplicate group, so a ranked window
    reads one row per match (its vector and group) instead of looking each match up in
    ``search_docs`` too: 2,000 index lookups, 5-15 ms of a broad query at 100k
    (benchmarks/RESULTS.md, search run 11). Triggers keep it equal to ``search_docs.gid``
    whoever writes (indexing, the dedup stage's regrouping, ``search_docs``'s own rewrite of a
    changed article), as ``search_docs`` is kept equal to ``articles``. Copied into a new
    table rather than updated in place, which would leave a dead copy of every vector."""
    if conn.dialect.name != "postgresql":
        return
    has_gid = (
        "SELECT 1 FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = 'search_rank' AND column_name = 'gid'"
    )
    if conn.execute(text(has_gid)).first() is None:
        for ddl in _PG_V11_TABLE:
            conn.execute(text(ddl))
        _rank_storage(conn)  # before the rows arrive
        for ddl in _PG_V11_FILL:
            conn.execute(text(ddl))
    for ddl in _PG_V11_TRIGGERS:
        conn.execute(text(ddl))


_SQLITE_V12_DDL = (
    "DROP TABLE IF EXISTS search_fts_recent",
    "DROP TABLE IF EXISTS search_recent",
)


def _v12(conn: Connection) -> None:
    """SQLite: relevance scored from each article's syllable counts (``search_terms``,
    ``lantoa.search.relevance``) instead of ``bm25``, whose per-query document counts cost in
    proportion to the archive; the recent tier, which bounded them for the newest matches only,
    is dropped. The counts are written by step 13, which indexes every stored text again."""
    if conn.dialect.name != "sqlite":
        return
    for ddl in _SQLITE_V12_DDL:
        conn.execute(text(ddl))
    terms_metadata.create_all(conn)


_FTS5_V13_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(folded, folded2, keys, content = '', "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
)


def _v13(conn: Connection) -> None:
    """SQLite: full-text entries of folded forms only (``lantoa.search.index.text_entry``).

    The exact columns were there for ``bm25`` to weigh an exact spelling above its folding;
    since step 12 relevance comes from ``search_terms``, and what a word typed with diacritics
    matches, its exact form OR its folding, is its folding's matches. Writing them cost more
    than half of indexing, and matching them an OR of two posting lists per such word
    (benchmarks/RESULTS.md, search run 13). Every stored text is indexed again (entries and
    counts), in worker processes above ``index.PARALLEL_FROM`` articles. Step 7's index on
    ``search_fts_rowids.fts_rowid`` goes: it served filling the counts in key order, and the
    counts are now written with the entries."""
    from lantoa.search.index import reindex_text  # the index module imports this one

    if conn.dialect.name != "sqlite":
        return
    conn.execute(text("DROP TABLE IF EXISTS search_fts"))
    conn.execute(text("DROP INDEX IF EXISTS ix_search_fts_rowids_key"))
    conn.execute(search_fts_rowids.delete())
    conn.execute(search_terms.delete())
    conn.execute(text(_FTS5_V13_DDL))
    reindex_text(conn)


_PG_V14 = (
    "DROP TABLE search_rank",  # rebuilt whole from the stored text: no old row is kept
    "CREATE TABLE search_rank (article_id BIGINT NOT NULL PRIMARY KEY, tsv TSVECTOR NOT NULL, "
    "gid BIGINT NOT NULL, seq BYTEA NOT NULL)",
    "ALTER TABLE search_rank ALTER COLUMN seq SET STORAGE MAIN",
)


def _v14(conn: Connection) -> None:
    """PostgreSQL: each ranking row also holds the article's phrase sequence (``seq``,
    ``lantoa.search.index.phrase_sequence``), so a phrase of three syllables or more is checked
    by a byte search in the row its ranking reads, not on the 7 KB matching vector out of line
    (benchmarks/RESULTS.md, search run 14). The table is made again, its rows computed from the
    stored text in worker processes above ``index.PARALLEL_FROM`` articles (step 11's trigger,
    recreated, fills each row's group); an index that earlier steps left empty is filled whole.
    Both columns are kept inline (MAIN): past a page, the vector goes out of line first."""
    from lantoa.search.index import fill_rank_rows, reindex_text  # the index module imports this one

    if conn.dialect.name != "postgresql":
        return
    for ddl in _PG_V14:
        conn.execute(text(ddl))
    _rank_storage(conn)
    for ddl in _PG_V11_TRIGGERS:
        conn.execute(text(ddl))
    if conn.execute(search_tsv.select().limit(1)).first() is None:
        reindex_text(conn)
    else:
        fill_rank_rows(conn)


def _v15(conn: Connection) -> None:
    """PostgreSQL: ``search_tsv`` partitioned by quarter, not month (``partitions.regroup``): a
    query that reads every partition (a rare word) plans and scans a third as many, for a
    common word reading up to two more months than its window needs (benchmarks/RESULTS.md,
    search run 15). A database made since step 9 holds months; the rows are copied once."""
    from lantoa.search import partitions

    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        partitions.regroup(conn)


MIGRATIONS: list[Migration] = [
    _v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10, _v11, _v12, _v13, _v14, _v15,
]  # fmt: skip
register_migrations("search", MIGRATIONS)
register_sqlite_function(relevance.FUNCTION, 2, relevance.score)
