"""``lantoa duplicates --rebuild``: re-group every stored article in one pass.

Steps (``rebuild_groups``):

1. Read every article in id order (streamed); fingerprints are computed in worker processes
   (``lantoa.dedup.bulk.fingerprint_texts``), shingle sets spilled to a temporary file.
2. Group in id order with the decisions of ingest (``lantoa.dedup.bulk.group_all``). Id order
   is the order ingest stored the articles, so the result is the state one-by-one ingest would
   have left: group id = the group's first stored article, the LSH tables hold exactly the
   articles ingest would have indexed, and later ingest continues as if nothing had happened.
   (Publication order would read better for history, but ingest never sees articles that way:
   an incremental save after a rebuild would then decide against a different index.) The
   canonical article is still the earliest published member, as always.
3. Write back in batches of article ids, one transaction each: ``articles.group_id``,
   ``dup_groups``, ``dedup_signatures`` and ``dedup_buckets``, writing only rows that differ.

Safe to interrupt: the result is a pure function of the articles' texts, page types, text
hashes and dates, which a rebuild never changes; each batch leaves its id range exactly as the
result says, so a re-run after a crash computes the same result and only writes the batches
that were not committed (nothing lost, nothing written twice). Ingest should not run at the
same time: an article saved mid-rebuild is re-grouped by the next rebuild.
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from lantoa.dedup.bulk import FingerprintBatch, ShingleSpill, fingerprint_texts, group_all
from lantoa.dedup.minhash import signature_bytes
from lantoa.executors import Executor, InProcess, ProcessPool
from lantoa.records import PageType
from lantoa.store.api import Store
from lantoa.store.schema import articles, dedup_buckets, dedup_signatures, dup_groups

log = logging.getLogger(__name__)

READ_CHUNK = 2000
"""Articles per fingerprinting task."""
WRITE_BATCH = 20_000
"""Articles per write transaction."""
SQLITE_CACHE_KIB = 262_144
"""SQLite page cache while writing (256 MiB): the bucket table's B-tree pages stay in memory."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNDATED = np.iinfo(np.int64).max


@dataclass
class RebuildReport:
    """What a rebuild found and changed (counts) and how long each step took (seconds)."""

    articles: int = 0
    groups: int = 0
    """Groups of two or more articles."""
    grouped: int = 0
    """Articles in those groups."""
    indexed: int = 0
    """Articles in the LSH tables (the others are exact copies or not articles)."""
    moved: int = 0
    """Articles whose group_id changed."""
    rows_written: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds per step."""
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    """CPU seconds per step, this process and its finished workers together."""
    spill_bytes: int = 0


@dataclass
class _Collected:
    ids: list[npt.NDArray[np.int64]] = field(default_factory=list)
    article: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    hashes: list[npt.NDArray[np.bytes_]] = field(default_factory=list)
    published: list[npt.NDArray[np.int64]] = field(default_factory=list)
    current: list[npt.NDArray[np.int64]] = field(default_factory=list)
    signatures: list[npt.NDArray[np.uint32]] = field(default_factory=list)
    keys: list[npt.NDArray[np.int64]] = field(default_factory=list)


def _micros(dt: datetime | None) -> int:
    return _UNDATED if dt is None else (dt - _EPOCH) // timedelta(microseconds=1)


def _texts(engine: Engine, into: _Collected) -> Iterator[list[tuple[str, str, str]]]:
    """Stream articles in id order: metadata kept in ``into``, texts yielded in chunks."""
    a = articles.c
    query = select(a.id, a.page_type, a.text_hash, a.published, a.group_id, a.title, a.lead, a.body)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=READ_CHUNK).execute(
            query.order_by(a.id)
        )
        for rows in result.partitions():
            into.ids.append(np.array([r.id for r in rows], dtype=np.int64))
            into.article.append(np.array([r.page_type == PageType.ARTICLE.value for r in rows]))
            into.hashes.append(np.array([r.text_hash.encode() for r in rows], dtype=np.bytes_))
            into.published.append(np.array([_micros(r.published) for r in rows], dtype=np.int64))
            into.current.append(
                np.array([-1 if r.group_id is None else r.group_id for r in rows], dtype=np.int64)
            )
            yield [(r.title, r.lead, r.body) for r in rows]


def _executor(workers: int) -> Executor:
    if workers <= 1:
        return InProcess()
    pool = ProcessPool(workers)
    pool.batch_size, pool.window = 1, 2 * workers
    return pool


def _canonical(
    ids: npt.NDArray[np.int64], group: npt.NDArray[np.int64], published: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per group, sorted by group id: id, canonical (earliest published, ties lowest id), size."""
    order = np.lexsort((ids, published, group))
    g = group[order]
    starts = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
    sizes = np.diff(np.concatenate((starts, [g.size])))
    return g[starts], ids[order][starts], sizes


def _cpu() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def rebuild_groups(store: Store, workers: int = 1, spill_dir: str | None = None) -> RebuildReport:
    """Re-group every stored article as one-by-one ingest in id order would have (see module doc)."""
    report = RebuildReport()
    t0, c0 = time.perf_counter(), _cpu()
    got = _Collected()
    spill = ShingleSpill(spill_dir)
    executor = _executor(workers)
    try:
        batch: FingerprintBatch
        for batch in executor.map(fingerprint_texts, _texts(store.engine, got)):
            spill.append(batch)
            got.signatures.append(batch.signatures)
            got.keys.append(batch.keys)
    finally:
        executor.close()
    spill.seal()
    report.spill_bytes = spill.bytes_written
    ids = np.concatenate(got.ids) if got.ids else np.zeros(0, dtype=np.int64)
    if ids.size == 0:
        spill.close()
        return report
    hashes = np.concatenate(got.hashes)
    _, first_index, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    first_same = first_index[inverse.ravel()].astype(np.int64)
    del hashes, inverse, first_index
    signatures = np.concatenate(got.signatures)
    keys = np.concatenate(got.keys)
    is_article = np.concatenate(got.article)
    published = np.concatenate(got.published)
    current = np.concatenate(got.current)
    got = _Collected()
    report.seconds["read_fingerprint"] = time.perf_counter() - t0
    report.cpu_seconds["read_fingerprint"] = _cpu() - c0
    log.info("rebuild: %d articles fingerprinted in %.1f s", ids.size, report.seconds["read_fingerprint"])

    t0, c0 = time.perf_counter(), _cpu()
    try:
        group, near = group_all(ids, is_article, first_same, signatures, keys, spill, workers)
    finally:
        spill.close()
    near_lengths = spill.lengths
    gids, canon, sizes = _canonical(ids, group, published)
    report.seconds["group"] = time.perf_counter() - t0
    report.cpu_seconds["group"] = _cpu() - c0
    report.articles = int(ids.size)
    report.groups = int((sizes > 1).sum())
    report.grouped = int(sizes[sizes > 1].sum())
    report.indexed = int(near.sum())
    report.moved = int((group != current).sum())
    log.info("rebuild: grouped in %.1f s, writing", report.seconds["group"])

    t0, c0 = time.perf_counter(), _cpu()
    writer = _Writer(ids, group, current, near, near_lengths, signatures, keys, gids, canon, sizes)
    for start in range(0, ids.size, WRITE_BATCH):
        with store.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            writer.write(conn, start, min(start + WRITE_BATCH, ids.size))
    with store.engine.connect() as conn:  # give pooled SQLite connections their usual cache back
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size = -2000")
    report.rows_written = writer.written
    report.seconds["write"] = time.perf_counter() - t0
    report.cpu_seconds["write"] = _cpu() - c0
    return report


class _Writer:
    """Brings one id range of the four tables to the computed state, writing only differences."""

    def __init__(
        self,
        ids: npt.NDArray[np.int64],
        group: npt.NDArray[np.int64],
        current: npt.NDArray[np.int64],
        near: npt.NDArray[np.bool_],
        lengths: npt.NDArray[np.int64],
        signatures: npt.NDArray[np.uint32],
        keys: npt.NDArray[np.int64],
        gids: npt.NDArray[np.int64],
        canon: npt.NDArray[np.int64],
        sizes: npt.NDArray[np.int64],
    ) -> None:
        self.ids, self.group, self.current, self.near = ids, group, current, near
        self.lengths, self.signatures, self.keys = lengths, signatures, keys
        self.gids, self.canon, self.sizes = gids, canon, sizes
        self.written = {"articles": 0, "dup_groups": 0, "dedup_signatures": 0, "dedup_buckets": 0}

    def write(self, conn: Connection, start: int, stop: int) -> None:
        """Articles ``start:stop`` (positions); the id range of the first and last batch is open
        at its outer end, so rows left by deleted articles are cleared too."""
        lo = int(self.ids[start]) if start > 0 else None
        hi = int(self.ids[stop]) if stop < self.ids.size else None
        self._articles(conn, start, stop)
        self._groups(conn, _between(dup_groups.c.id, lo, hi), lo, hi)
        self._signatures(conn, _between(dedup_signatures.c.article_id, lo, hi), start, stop)

    def _articles(self, conn: Connection, start: int, stop: int) -> None:
        changed = np.flatnonzero(self.group[start:stop] != self.current[start:stop]) + start
        if changed.size:
            conn.execute(
                update(articles)
                .where(articles.c.id == bindparam("b_id"))
                .values(group_id=bindparam("b_gid")),
                [{"b_id": int(self.ids[i]), "b_gid": int(self.group[i])} for i in changed],
            )
            self.written["articles"] += int(changed.size)

    def _groups(
        self, conn: Connection, conds: list[ColumnElement[bool]], lo: int | None, hi: int | None
    ) -> None:
        first = 0 if lo is None else int(np.searchsorted(self.gids, lo, "left"))
        last = self.gids.size if hi is None else int(np.searchsorted(self.gids, hi, "left"))
        want = {
            int(g): (int(c), int(s))
            for g, c, s in zip(
                self.gids[first:last], self.canon[first:last], self.sizes[first:last], strict=True
            )
        }
        have = {
            int(r.id): (int(r.canonical_id), int(r.size))
            for r in conn.execute(
                select(dup_groups.c.id, dup_groups.c.canonical_id, dup_groups.c.size).where(*conds)
            )
        }
        stale = [g for g, v in have.items() if want.get(g) != v]
        fresh = [g for g, v in want.items() if have.get(g) != v]
        for part in _chunks(stale):
            conn.execute(delete(dup_groups).where(dup_groups.c.id.in_(part)))
        if fresh:
            now = datetime.now(UTC)
            conn.execute(
                insert(dup_groups),
                [{"id": g, "canonical_id": want[g][0], "size": want[g][1], "updated_at": now} for g in fresh],
            )
        self.written["dup_groups"] += len(stale) + len(fresh)

    def _signatures(self, conn: Connection, conds: list[ColumnElement[bool]], start: int, stop: int) -> None:
        want = {
            int(self.ids[i]): (signature_bytes(self.signatures[i]), int(self.lengths[i]), i)
            for i in (np.flatnonzero(self.near[start:stop]) + start).tolist()
        }
        s = dedup_signatures.c
        have = {
            int(r.article_id): (bytes(r.signature), int(r.shingles))
            for r in conn.execute(select(s.article_id, s.signature, s.shingles).where(*conds))
        }
        stale = [a for a, v in have.items() if a not in want or want[a][:2] != v]
        fresh = [a for a, v in want.items() if have.get(a) != v[:2]]
        for part in _chunks(stale):
            conn.execute(delete(dedup_buckets).where(dedup_buckets.c.article_id.in_(part)))
            conn.execute(delete(dedup_signatures).where(s.article_id.in_(part)))
        if not fresh:
            return
        _insert_many(conn, dedup_signatures, [(a, *want[a][:2]) for a in fresh])
        rows = np.array([want[a][2] for a in fresh if want[a][1] > 0], dtype=np.int64)
        if rows.size:
            # one row per distinct (bucket, article), sorted by bucket: neighbouring B-tree pages
            pairs = np.stack([self.keys[rows].ravel(), np.repeat(self.ids[rows], self.keys.shape[1])], axis=1)
            pairs = np.unique(pairs, axis=0)
            _insert_many(conn, dedup_buckets, list(map(tuple, pairs.tolist())))
            self.written["dedup_buckets"] += len(pairs)
        self.written["dedup_signatures"] += len(stale) + len(fresh)


def _insert_many(conn: Connection, table: Table, rows: list[Any]) -> None:
    """Plain DBAPI ``executemany`` of tuples (all columns, in order): millions of rows without
    SQLAlchemy's per-row dict handling. Names come from the schema; values are parameters."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(c.name for c in table.columns)
    marks = ", ".join([mark] * len(table.columns))
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _between(col: ColumnElement[int], lo: int | None, hi: int | None) -> list[ColumnElement[bool]]:
    conds = []
    if lo is not None:
        conds.append(col >= lo)
    if hi is not None:
        conds.append(col < hi)
    return conds


def _chunks(items: list[int], size: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
