"""Writing the search index: the store calls these inside its save transaction.

Contract with the store: ``index_article(conn, article_id, enriched)`` after the ``articles`` row
is written (insert or update), ``unindex_article(conn, article_id)`` before a row is deleted.
Both are idempotent, so an update simply re-indexes. Listing pages are not searchable.

Two things make a search at a million articles cost what its page costs, not what its matches
cost (``lantoa.search.engine``):

- **Word pairs.** Vietnamese words are mostly two syllables (``hội nghị``, ``đầu tư``), so every
  adjacent pair of syllables is indexed as one token (``hội_nghị``) next to the syllables. A
  phrase then reads the list of the articles that hold it, instead of the lists of its two very
  common syllables checked position by position.
- **Newest first.** Each article's index entry is keyed by ``sort_key`` (publication second, then
  id): the FTS5 rowid on SQLite, a column of ``search_tsv`` on PostgreSQL. Index order is then
  date order, so a date range is a key range and "the newest N matches" is a prefix of a walk.
- **Filter keys as tokens.** Every filter key (``theme:bien-dao``, ``province:khanh hoa``...) is
  also one opaque token of the entry (``key_token``: the ``keys`` column on SQLite, position-less
  lexemes on PostgreSQL). ``thể thao theme:bien-dao`` is then one intersection of two posting
  lists inside the full-text engine, instead of a check of every newest ``thể thao`` match
  against ``search_keys`` until enough pass. ``search_keys`` stays the source of the keys.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import Integer, bindparam, cast, delete, func, insert, literal, select, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement, TextClause

from lantoa.errors import IndexStateError
from lantoa.executors import make_executor
from lantoa.records import VN_TZ, EnrichedArticle, PageType
from lantoa.search import partitions, schema
from lantoa.search.fields import doc_key, key, province_key
from lantoa.search.relevance import terms
from lantoa.search.schema import (
    search_fts,
    search_fts_rowids,
    search_keys,
    search_rank,
    search_terms,
    search_tsv,
)
from lantoa.search.text import fold_tokens, tokens
from lantoa.store.schema import articles

MAX_POSITION = 16383
"""PostgreSQL keeps word positions up to 16383; later words share the last position."""
MAX_POSITIONS_PER_LEXEME = 255
RANK_POSITIONS = 4
"""PostgreSQL: positions kept per lexeme in the ranking vector (``rank_vector_literal``)."""
KEY_SHIFT = partitions.KEY_SHIFT
"""Low bits of a sort key hold the article id (ids up to 2**30 - 1), high bits the second."""
MAX_SECOND = partitions.SECONDS_END - 1


def fts_article_id() -> ColumnElement[int]:
    """SQLite: the article id of a full-text row (the low bits of its rowid, a sort key)."""
    return search_fts.c.rowid.op("&")(literal((1 << KEY_SHIFT) - 1, type_=Integer))


def sort_key(published: datetime | None, article_id: int) -> int:
    """Index key of an article: newer publication -> larger key; undated articles sort oldest."""
    if not 0 < article_id < 1 << KEY_SHIFT:
        raise ValueError(f"article id {article_id} is outside the search index's key range")
    seconds = 0
    if published is not None:
        aware = published if published.tzinfo else published.replace(tzinfo=UTC)
        seconds = min(max(int(aware.timestamp()), 0), MAX_SECOND)
    return (seconds << KEY_SHIFT) | article_id


def day_key_range(first: date | None, last: date | None) -> tuple[int | None, int | None]:
    """Sort keys ``[low, high)`` of articles published on days ``first..last`` (Vietnam time).

    ``published_date`` is the day in Asia/Ho_Chi_Minh of the stored instant (a date without a
    time is stored as that day's midnight there), so a day range is exactly an instant range.
    """

    def start_of(day: date) -> int:
        seconds = int(datetime.combine(day, time(), tzinfo=VN_TZ).timestamp())
        return min(max(seconds, 0), MAX_SECOND) << KEY_SHIFT

    low = start_of(first) if first is not None else None
    high = start_of(last + timedelta(days=1)) if last is not None else None
    return low, high


def key_token(kind: str, value: str) -> str:
    """The index token of a filter key: ``k`` and 16 hex digits of its hash.

    A hash, not the value spelled out, because keys hold spaces, hyphens, slashes and letters the
    tokenizer would split (``57-KL/TW``, ``Khánh Hòa``); 64 bits make a collision between two of
    an archive's keys practically impossible.
    """
    return "k" + hashlib.blake2b(f"{kind}\x1f{value}".encode(), digest_size=8).hexdigest()


def pairs(toks: list[str]) -> list[str]:
    """Adjacent syllable pairs as single tokens: ``['hội', 'nghị', 'bàn']`` -> ``hội_nghị nghị_bàn``."""
    return [f"{a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]


def document_tokens(enriched: EnrichedArticle) -> list[str]:
    """Exact tokens of the searchable text: headline, lead and body."""
    return tokens(enriched.article.full_text)


def _positions(entries: Iterator[tuple[int, str, bool]], limit: int = MAX_POSITIONS_PER_LEXEME) -> str:
    positions: dict[str, list[str]] = {}
    for i, lexeme, exact in entries:
        plist = positions.setdefault(lexeme, [])
        if len(plist) < limit:
            plist.append(f"{min(i, MAX_POSITION)}{'A' if exact else ''}")
    return " ".join(f"'{lex}':{','.join(pl)}" for lex, pl in positions.items())


def tsvector_literal(exact: list[str], keys: Iterable[tuple[str, str]] = ()) -> str:
    """PostgreSQL: the tsvector a search matches against: folded syllables, folded syllable pairs
    at the position of their first syllable, and the filter keys (``key_token``).

    Folded forms only: a word typed with diacritics matches its exact form OR its folding, which
    is the folding's own matches, and relevance is scored on ``search_rank``'s vector (which
    keeps both forms). Positions only on pairs: a phrase of three syllables or more is a chain
    of pairs (``lantoa.search.sql``), while a syllable or a key only ever has to be present.
    Half the lexemes and three positions in four go (migration ``search`` step 10): a smaller
    GIN index to keep in memory, and less to decompress when a phrase is checked.
    Lexemes are letters, digits and ``_`` only (see ``lantoa.search.text``), so quoting them is
    safe; the literal is passed as a bound parameter and cast, never spliced into SQL.
    """
    return _with_keys(_matching_vector(fold_tokens(exact)), keys)


def _matching_vector(folded: list[str]) -> str:
    """``tsvector_literal`` without the keys (what ``text_entry`` can make away from the store)."""
    chained = _positions((i, pair, False) for i, pair in enumerate(pairs(folded), start=1))
    present = sorted({f"'{t}'" for t in folded})
    return " ".join([*present, chained] if chained else present)


def _with_keys(matching: str, keys: Iterable[tuple[str, str]]) -> str:
    """A matching vector with an article's filter keys added (PostgreSQL sorts a literal's lexemes)."""
    tokens_of_keys = " ".join(sorted({f"'{key_token(k, v)}'" for k, v in keys}))
    return " ".join(part for part in (matching, tokens_of_keys) if part)


def rank_vector_literal(exact: list[str], folded: list[str] | None = None) -> str:
    """PostgreSQL: the small tsvector ``ts_rank`` reads (``search_rank``).

    Ranking a window reads the vector of each of its 2,000 rows, and the matching vector, with
    syllable pairs and keys, is about 25 KB compressed out of line: decompressing 2,000 of them
    was 66 of a query's 108 ms at 100k articles (benchmarks/RESULTS.md, search run 7). This one holds the syllables only, exact
    (weight A) and folded (D) at shared positions, at most ``RANK_POSITIONS`` positions each (a
    word's fifth mention adds little, as BM25 saturates term frequency): about a fifth of the size.
    """
    folded = fold_tokens(exact) if folded is None else folded

    def entries() -> Iterator[tuple[int, str, bool]]:
        for i, (tok, twin) in enumerate(zip(exact, folded, strict=True), start=1):
            yield i, tok, True
            if twin != tok:
                yield i, twin, False

    return _positions(entries(), RANK_POSITIONS)


SYLLABLE_CODE_BITS = 21
"""Bits of a syllable's code in a phrase sequence (``phrase_sequence``): three bytes of seven."""


@lru_cache(maxsize=1 << 16)
def syllable_code(folded: str) -> bytes:
    """A folded syllable's three-byte code in a phrase sequence: 21 bits of its CRC-32, seven to
    a byte, the high bit set on the first byte only, so a run of codes can be found in a
    sequence only where a code begins (``phrase_sequence``)."""
    h = zlib.crc32(folded.encode()) & ((1 << SYLLABLE_CODE_BITS) - 1)
    return bytes((0x80 | h >> 14, h >> 7 & 0x7F, h & 0x7F))


def phrase_sequence(folded: list[str]) -> bytes:
    """PostgreSQL: an article's folded syllables as codes in text order (``search_rank.seq``).

    Why: GIN keeps no positions, so a phrase of three syllables or more was checked on each
    candidate's matching vector, 7 KB out of line: about 15 us a row at a million articles, and
    a window checks some 2,000 (benchmarks/RESULTS.md, search run 14). This sequence is 1.5 KB
    for a VNTC article, inline in the ranking row a window reads anyway, and a phrase is a
    byte search in it (``sql.Compiled.phrases``). It keeps every position (a vector keeps 255
    a lexeme, up to position 16,383). Two syllables share a code once in 2 million, and a
    false match also needs the candidate to hold each of the phrase's pairs (GIN's part).
    """
    return b"".join(syllable_code(s) for s in folded)


@dataclass(frozen=True, slots=True)
class TextEntry:
    """An article's full-text entry as its backend stores it, less its filter keys.

    Made by ``text_entry``, a pure function of the article's tokens, so that a bulk loader's
    worker processes can make it while one process writes: tokenising, folding, pairing and
    counting are most of indexing's Python time (benchmarks/RESULTS.md, search run 13). The keys
    come from the stored row, which only the writer has.

    ``matching``: SQLite's FTS5 text columns (``folded``, ``folded2``: folded syllables and
    pairs), or PostgreSQL's matching vector (``tsvector_literal``) without keys.
    ``ranking``: SQLite's counts (``lantoa.search.relevance.terms``), or PostgreSQL's ranking
    vector (``rank_vector_literal``).
    ``sequence``: PostgreSQL's ``phrase_sequence``; empty on SQLite, whose FTS5 checks phrases.
    """

    matching: tuple[str, ...]
    ranking: bytes | str
    sequence: bytes = b""


def text_entry(exact: list[str], dialect: str) -> TextEntry:
    """The ``TextEntry`` of an article's exact tokens for a backend (``sqlite``, ``postgresql``)."""
    folded = fold_tokens(exact)
    if dialect == "sqlite":
        return TextEntry(_fts_columns(folded), terms(exact, folded))
    return TextEntry((_matching_vector(folded),), *_ranking_row(exact, folded))


def _ranking_row(exact: list[str], folded: list[str]) -> tuple[str, bytes]:
    """PostgreSQL: what ``search_rank`` holds of an article (ranking vector, phrase sequence)."""
    return rank_vector_literal(exact, folded), phrase_sequence(folded)


def _fts_columns(folded: list[str]) -> tuple[str, str]:
    """SQLite's FTS5 text columns of an article: its folded syllables, and their pairs."""
    return " ".join(folded), " ".join(pairs(folded))


def text_entry_of(stored_text: str, dialect: str) -> TextEntry:
    """``text_entry`` of a stored text (a worker's job in ``reindex_text``: pure and picklable)."""
    return text_entry(tokens(stored_text), dialect)


def flag_key(value: bool) -> str:
    """The key of a yes/no field (``relevant:``)."""
    return "yes" if value else "no"


def _keys(enriched: EnrichedArticle, stored: Any | None) -> set[tuple[str, str]]:
    """Filter keys of an article; ``stored``: its ``articles`` row (source province, level and
    relevance as the store wrote them, the values ``search_docs`` copies)."""
    analysis, article = enriched.analysis, enriched.article
    source_province = stored.source_province if stored is not None else None
    found: set[tuple[str, str]] = {("theme", t.slug) for t in analysis.themes}
    if stored is not None:
        found.add(("relevant", flag_key(bool(stored.relevant))))
        if stored.level:
            found.add(("level", stored.level))
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


def _digest(values: Mapping[str, str]) -> int:
    """64-bit fingerprint of an article's indexed tokens (the folded syllables its entry holds)
    and keys (signed, to fit a BIGINT)."""
    indexed = f"{values['folded']}\n{values['keys']}".encode()
    return int.from_bytes(hashlib.blake2b(indexed, digest_size=8).digest(), "big", signed=True)


def _fts_values(columns: Sequence[str], keys: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The columns of an article's FTS5 row: its text columns (``_fts_columns``) and its keys."""
    folded, folded2 = columns
    return {
        "folded": folded,
        "folded2": folded2,
        "keys": " ".join(sorted({key_token(kind, value) for kind, value in keys})),
    }


def _fts_delete() -> TextClause:
    """FTS5's command that removes a contentless entry, given the values it was indexed with."""
    return text(
        "INSERT INTO search_fts (search_fts, rowid, folded, folded2, keys) "
        "VALUES ('delete', :rowid, :folded, :folded2, :keys)"
    )


def _stored_keys(conn: Connection, article_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The filter keys ``search_keys`` holds for some articles, by article id."""
    found: dict[int, list[tuple[str, str]]] = {i: [] for i in article_ids}
    k = search_keys.c
    for row in conn.execute(select(k.article_id, k.kind, k.key).where(k.article_id.in_(article_ids))):
        found[int(row.article_id)].append((row.kind, row.key))
    return found


def _stored_text(row: Any) -> str:
    """The indexed text of an ``articles`` row: headline, lead and body."""
    return "\n".join(p for p in (row.title, row.lead, row.body) if p)


def _stored_values(conn: Connection, entries: Sequence[Any]) -> list[dict[str, Any]]:
    """The values some ``search_fts_rowids`` entries were indexed with, as FTS5 rows.

    search_fts is contentless (it would otherwise store four copies of every text): FTS5 removes
    an entry given the values it was indexed with, recomputed here from the stored article, which
    the store still holds unchanged when it unindexes (see the module doc), and from the keys
    ``search_keys`` still holds (``unindex_article`` deletes them after the text). The digest
    proves they are the same; a change made behind the index's back is refused.
    """
    ids = [int(e.article_id) for e in entries]
    a = articles.c
    texts = {
        int(r.id): _stored_text(r)
        for r in conn.execute(select(a.id, a.title, a.lead, a.body).where(a.id.in_(ids)))
    }
    keys = _stored_keys(conn, ids)
    rows = []
    for e in entries:
        article_id = int(e.article_id)
        values = (
            _fts_values(_fts_columns(fold_tokens(tokens(texts[article_id]))), keys[article_id])
            if article_id in texts
            else None
        )
        if values is None or _digest(values) != e.digest:
            raise IndexStateError(
                f"article {article_id} changed without being unindexed first; "
                "rebuild the search index with `lantoa db reindex`"
            )
        rows.append({"rowid": int(e.fts_rowid), **values})
    return rows


def _unindex_text(conn: Connection, article_id: int) -> None:
    if conn.dialect.name != "sqlite":
        conn.execute(delete(search_tsv).where(search_tsv.c.article_id == article_id))
        conn.execute(delete(search_rank).where(search_rank.c.article_id == article_id))
        return
    where = search_fts_rowids.c.article_id == article_id
    entry = conn.execute(select(search_fts_rowids).where(where)).first()
    if entry is None:
        return
    conn.execute(_fts_delete(), _stored_values(conn, [entry]))
    conn.execute(delete(search_fts_rowids).where(where))
    conn.execute(delete(search_terms).where(search_terms.c.fts_rowid == entry.fts_rowid))


def unindex_article(conn: Connection, article_id: int) -> None:
    """Remove an article from the index (no error when it is not there)."""
    _unindex_text(conn, article_id)
    conn.execute(delete(search_keys).where(search_keys.c.article_id == article_id))


def index_article(conn: Connection, article_id: int, enriched: EnrichedArticle) -> None:
    """(Re)index one stored article: full text in both forms and its filter keys."""
    index_many(conn, [(article_id, enriched)], replace=True)


Doc = tuple[int, datetime | None, TextEntry, list[tuple[str, str]]]
"""What one full-text entry is made of: article id, stored published, text entry, filter keys."""


def _text_rows(conn: Connection, docs: list[Doc]) -> None:
    """Write the full-text entries of some articles."""
    if not docs:
        return
    if conn.dialect.name == "sqlite":
        rows = [
            (sort_key(published, i), i, entry, _fts_values(entry.matching, keys))
            for i, published, entry, keys in docs
        ]
        conn.execute(insert(search_fts), [{"rowid": k, **values} for k, _, _, values in rows])
        conn.execute(
            insert(search_fts_rowids),
            [{"article_id": i, "fts_rowid": k, "digest": _digest(v)} for k, i, _, v in rows],
        )
        _rank_rows(conn, [(k, entry) for k, _, entry, _ in rows])
        return
    keys_of = [sort_key(published, i) for i, published, _, _ in docs]
    tsv_rows = [
        {"article_id": i, "sort_key": k, "tsv_text": _with_keys(entry.matching[0], keys)}
        for (i, _, entry, keys), k in zip(docs, keys_of, strict=True)
    ]
    values = {
        "article_id": bindparam("article_id"),
        "sort_key": bindparam("sort_key"),
        "tsv": cast(bindparam("tsv_text"), TSVECTOR),
    }
    partitions.ensure(conn, keys_of)
    conn.execute(insert(search_tsv).values(**values), tsv_rows)
    _rank_rows(conn, [(i, entry) for i, _, entry, _ in docs])


def _rank_rows(conn: Connection, made: list[tuple[int, TextEntry]]) -> None:
    """Write what relevance is scored from, made for some entries (by indexing, or on
    PostgreSQL by ``fill_rank_rows``): SQLite's syllable counts by sort key
    (``lantoa.search.relevance.terms``), PostgreSQL's ranking vectors and phrase sequences by
    article id (``rank_vector_literal``, ``phrase_sequence``)."""
    if conn.dialect.name == "sqlite":
        conn.execute(insert(search_terms), [{"fts_rowid": k, "terms": e.ranking} for k, e in made])
        return
    values = {
        "article_id": bindparam("article_id"),
        "tsv": cast(bindparam("rank_text"), TSVECTOR),
        "seq": bindparam("seq"),
    }
    conn.execute(
        insert(search_rank).values(**values),
        [{"article_id": i, "rank_text": e.ranking, "seq": e.sequence} for i, e in made],
    )


def index_many(
    conn: Connection,
    items: Iterable[tuple[int, EnrichedArticle]],
    *,
    replace: bool = True,
    prepared: Mapping[int, TextEntry] | None = None,
) -> int:
    """Index a batch in a few statements (bulk loads); ``replace=False`` skips the deletes.

    ``prepared``: the ``text_entry`` of some articles for this connection's backend, made
    elsewhere (a bulk loader's worker processes), by article id.
    """
    batch = list(items)
    stored = {
        int(r.id): r
        for r in conn.execute(
            select(
                articles.c.id,
                articles.c.source_province,
                articles.c.published,
                articles.c.level,
                articles.c.relevant,
            ).where(articles.c.id.in_([i for i, _ in batch]))
        )
    }
    docs: list[Doc] = []
    key_rows: list[dict[str, object]] = []
    for article_id, enriched in batch:
        if replace:
            unindex_article(conn, article_id)
        if enriched.article.page_type is PageType.LISTING:
            continue
        row = stored.get(article_id)
        entry = prepared.get(article_id) if prepared else None
        if entry is None:
            entry = text_entry(document_tokens(enriched), conn.dialect.name)
        keys = sorted(_keys(enriched, row))
        docs.append((article_id, row.published if row else None, entry, keys))
        key_rows.extend({"kind": kind, "key": value, "article_id": article_id} for kind, value in keys)
    _text_rows(conn, docs)
    if key_rows:
        conn.execute(insert(search_keys), key_rows)
    return len(docs)


PARALLEL_FROM = 20_000
"""Rebuilding more entries than this (``reindex_text``, ``fill_rank_rows``) makes them in worker
processes: tokenising is the cost, about 1 ms an article."""


def _workers_for(conn: Connection, table: Any, workers: int | None) -> int:
    """``workers`` if given, else one process per CPU when ``table`` holds over ``PARALLEL_FROM`` rows."""
    if workers is not None:
        return workers
    many = conn.execute(select(func.count()).select_from(table)).scalar_one() > PARALLEL_FROM
    return (os.cpu_count() or 1) if many else 1


def reindex_text(conn: Connection, batch: int = 500, workers: int | None = None) -> int:
    """Rebuild every full-text entry from the stored articles (a migration changed the layout).

    Reads headline, lead and body from ``articles`` in id order, batch by batch, and each
    article's filter keys from ``search_keys`` (left as they are). The entries are made in
    ``workers`` processes (default: one per CPU above ``PARALLEL_FROM`` articles) while this
    one writes, and the index is merged into one segment at the end (``merge_segments``).
    Returns the number indexed.
    """
    a = articles.c
    dialect = conn.dialect.name
    done = 0
    last = 0
    executor = make_executor(_workers_for(conn, articles, workers))
    try:
        while True:
            rows = conn.execute(
                select(a.id, a.published, a.title, a.lead, a.body)
                .where(a.id > last, a.page_type != PageType.LISTING.value)
                .order_by(a.id)
                .limit(batch)
            ).all()
            if not rows:
                break
            keys = _stored_keys(conn, [int(r.id) for r in rows])
            entries = executor.map(partial(text_entry_of, dialect=dialect), [_stored_text(r) for r in rows])
            _text_rows(
                conn,
                [(int(r.id), r.published, e, keys[int(r.id)]) for r, e in zip(rows, entries, strict=True)],
            )
            done += len(rows)
            last = int(rows[-1].id)
    finally:
        executor.close()
    merge_segments(conn)
    return done


def merge_segments(conn: Connection) -> None:
    """SQLite: merge the full-text index into one segment (FTS5's ``optimize``), in this
    transaction; nothing on PostgreSQL, whose GIN index keeps one tree.

    FTS5 writes each transaction's entries as a new segment and merges them a few at a time
    (``automerge``), so an index grown article by article or batch by batch holds a few dozen
    segments, and every term of a query is looked up in each. At a million articles, after a
    bulk load of 24 segments, merging took 2 minutes and the search mix's p50 / p95 went from
    24-27 / 36-46 ms to 20-22 / 31-35 (benchmarks/RESULTS.md, search run 13). Run at the end of
    a reindex (``reindex_text``); ``merge_segments_in_steps`` is the one to run beside writers.
    """
    if conn.dialect.name == "sqlite":
        conn.execute(text("INSERT INTO search_fts (search_fts) VALUES ('optimize')"))


MERGE_STEP_PAGES = 2000
"""Index pages merged per transaction by ``merge_segments_in_steps`` (a fraction of a second)."""


def merge_segments_in_steps(engine: Engine, pages: int = MERGE_STEP_PAGES) -> int:
    """SQLite: what ``merge_segments`` does, in short transactions (FTS5's ``merge`` with a
    negative page count: every segment into one, ``pages`` at a time), so a crawl writing
    meanwhile waits a moment between steps instead of the whole merge (2 minutes at a million
    articles, beyond the store's 30 s busy timeout). Returns the number of steps that merged
    something; 0 on PostgreSQL or when the index is one segment already. ``lantoa db optimize``.
    """
    if engine.dialect.name != "sqlite":
        return 0
    steps = 0
    while True:
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            before = raw.total_changes  # type: ignore[union-attr]
            conn.execute(
                text("INSERT INTO search_fts (search_fts, rank) VALUES ('merge', :pages)"), {"pages": -pages}
            )
            if raw.total_changes - before < 2:  # type: ignore[union-attr]  # FTS5: no work was done
                return steps
        steps += 1


def _ranking_entry_of(text: str) -> TextEntry:
    """PostgreSQL's ranking row of a stored text, as a ``TextEntry`` without its matching vector
    (a worker's job: pure and picklable)."""
    exact = tokens(text)
    return TextEntry((), *_ranking_row(exact, fold_tokens(exact)))


def fill_rank_rows(conn: Connection, batch: int = 500, workers: int | None = None) -> int:
    """PostgreSQL: compute the ranking row (vector and phrase sequence) of every indexed
    article from its stored text (migration step 14, ``search_rank``). Returns the number written.

    Above ``PARALLEL_FROM`` entries the vectors are made in ``workers`` processes (default:
    one per CPU). SQLite's counts are written with its entries (``reindex_text``, step 13).
    """
    a, t = articles.c, search_tsv.c
    done = 0
    last = 0
    executor = make_executor(_workers_for(conn, search_tsv, workers))
    try:
        while True:
            rows = conn.execute(
                select(t.article_id, a.title, a.lead, a.body)
                .select_from(search_tsv.join(articles, a.id == t.article_id))
                .where(t.article_id > last)
                .order_by(t.article_id)
                .limit(batch)
            ).all()
            if not rows:
                return done
            made = executor.map(_ranking_entry_of, [_stored_text(r) for r in rows])
            _rank_rows(conn, [(int(r.article_id), m) for r, m in zip(rows, made, strict=True)])
            done += len(rows)
            last = int(rows[-1].article_id)
    finally:
        executor.close()


def rebuild_text(conn: Connection, batch: int = 500, workers: int | None = None) -> int:
    """Drop every full-text entry and index the stored articles again (``lantoa db reindex``;
    ``batch`` and ``workers`` as ``reindex_text``)."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
        conn.execute(delete(search_fts_rowids))
        conn.execute(delete(search_terms))
    else:
        conn.execute(delete(search_tsv))
        conn.execute(delete(search_rank))
    return reindex_text(conn, batch, workers)


__all__ = [
    "day_key_range",
    "fill_rank_rows",
    "flag_key",
    "index_article",
    "index_many",
    "key_token",
    "merge_segments",
    "merge_segments_in_steps",
    "phrase_sequence",
    "rank_vector_literal",
    "rebuild_text",
    "reindex_text",
    "schema",
    "sort_key",
    "text_entry",
    "TextEntry",
    "unindex_article",
]
