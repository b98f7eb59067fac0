"""``lantoa duplicates --rebuild``: the one-pass re-grouping leaves the store as ingest would have.

A store is filled by normal ingest (real VNTC articles, edited republications, exact copies, a
listing page, undated copies), its four duplicate tables are saved, wrecked, and rebuilt: the
rebuilt tables must equal the ingested ones row for row, on both backends.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update

from lantoa.cli import cli
from lantoa.dedup import bulk
from lantoa.dedup import rebuild as rebuild_module
from lantoa.dedup.rebuild import rebuild_groups
from lantoa.records import VN_TZ, Analysis, Article, EnrichedArticle, PageType
from lantoa.store.api import Store, open_store
from lantoa.store.schema import articles, dedup_buckets, dedup_signatures, dup_groups

T0 = datetime(2024, 9, 12, 9, 0, tzinfo=VN_TZ)


def _vntc(shared_data: Path, n: int) -> list[Article]:
    out = []
    with gzip.open(shared_data / "vntc" / "vntc10_full.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in islice(fh, n):
            lines = [x.strip() for x in json.loads(line)["text"].split("\n") if x.strip()]
            out.append(Article(url=json.loads(line)["id"], title=lines[0], paragraphs=tuple(lines[1:])))
    return out


def _copy(art: Article, k: int, rng: random.Random) -> Article:
    """A republication: body trimmed by a fifth, a lead and a byline of its own."""
    words = " ".join(art.paragraphs).split()
    return Article(
        url=f"{art.url}#copy{k}",
        title=art.title,
        lead="Theo thông tin từ cơ quan chức năng, sự việc đang được làm rõ.",
        paragraphs=(" ".join(words[: max(1, len(words) * 4 // 5)]), rng.choice(("TTXVN", "PV", "Minh Anh"))),
    )


def _stream(shared_data: Path) -> list[Article]:
    """Originals, two generations of copies, exact copies under new URLs, a listing, undated ones."""
    rng = random.Random(11)
    originals = _vntc(shared_data, 60)
    copies = [_copy(originals[i], 1, rng) for i in rng.sample(range(60), 15)]
    copies += [_copy(originals[i], 2, rng) for i in rng.sample(range(60), 10)]
    exact = [replace(originals[i], url=f"{originals[i].url}#same") for i in rng.sample(range(60), 5)]
    listing = replace(originals[3], url="listing", page_type=PageType.LISTING)
    stream = originals + copies + exact + [listing]
    rng.shuffle(stream)
    dated = []
    for k, art in enumerate(stream):
        when = None if k % 7 == 0 else T0 + timedelta(hours=rng.randrange(500))
        dated.append(replace(art, published=when))
    return dated


def _ingest(store: Store, stream: list[Article]) -> None:
    for art in stream:
        store.save_article(EnrichedArticle(art, Analysis()))


def _tables(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        return {
            "articles": sorted(conn.execute(select(articles.c.id, articles.c.group_id))),
            "dup_groups": sorted(
                conn.execute(select(dup_groups.c.id, dup_groups.c.canonical_id, dup_groups.c.size))
            ),
            "signatures": sorted(
                (int(a), bytes(s), int(n)) for a, s, n in conn.execute(select(dedup_signatures))
            ),
            "buckets": sorted(conn.execute(select(dedup_buckets.c.bucket, dedup_buckets.c.article_id))),
        }


def _wreck(store: Store) -> None:
    """Leave the duplicate tables as a bulk import would: no index, every article on its own."""
    with store.engine.begin() as conn:
        conn.execute(delete(dedup_buckets))
        conn.execute(delete(dedup_signatures))
        conn.execute(delete(dup_groups).where(dup_groups.c.size > 1))
        conn.execute(update(articles).values(group_id=articles.c.id + 1000))


@pytest.fixture
def ingested(store: Store, shared_data: Path) -> tuple[Store, dict[str, Any]]:
    _ingest(store, _stream(shared_data))
    return store, _tables(store)


def test_rebuild_gives_the_groups_and_index_of_ingest(ingested: tuple[Store, dict[str, Any]]) -> None:
    store, before = ingested
    assert len({g for _, g in before["articles"]}) < len(before["articles"]) - 20  # copies grouped
    _wreck(store)
    assert _tables(store) != before
    report = rebuild_groups(store)
    assert _tables(store) == before
    assert report.articles == len(before["articles"])
    assert report.indexed == len(before["signatures"])
    again = rebuild_groups(store)  # nothing left to change: nothing written
    assert sum(again.rows_written.values()) == 0 and again.moved == 0


def test_ingest_after_rebuild_still_finds_copies(
    ingested: tuple[Store, dict[str, Any]], shared_data: Path
) -> None:
    store, before = ingested
    _wreck(store)
    rebuild_groups(store)
    original = _vntc(shared_data, 60)[5]
    group = dict(before["articles"])
    stored_id = next(i for i, url in _urls(store) if url == original.url)
    copy = store.save_article(EnrichedArticle(_copy(original, 9, random.Random(1)), Analysis()))
    assert copy.status.value == "new" and copy.duplicate_of is not None
    assert copy.group_id == group[stored_id]
    unrelated = _vntc(shared_data, 70)[65]
    alone = store.save_article(EnrichedArticle(unrelated, Analysis()))
    assert alone.group_id == alone.article_id and alone.duplicate_of is None


def _urls(store: Store) -> list[tuple[int, str]]:
    with store.engine.connect() as conn:
        return [(int(i), u) for i, u in conn.execute(select(articles.c.id, articles.c.url))]


def test_interrupted_rebuild_completes_on_rerun(
    ingested: tuple[Store, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, before = ingested
    _wreck(store)
    monkeypatch.setattr(rebuild_module, "WRITE_BATCH", 10)
    real_write = rebuild_module._Writer.write
    calls = []

    def crash_after_three(self: Any, conn: Any, start: int, stop: int) -> None:
        calls.append(start)
        if len(calls) > 3:
            raise KeyboardInterrupt  # like Ctrl-C between two batch transactions
        real_write(self, conn, start, stop)

    monkeypatch.setattr(rebuild_module._Writer, "write", crash_after_three)
    with pytest.raises(KeyboardInterrupt):
        rebuild_groups(store)
    half = _tables(store)
    assert half != before and half["articles"][:30] == before["articles"][:30]
    monkeypatch.setattr(rebuild_module._Writer, "write", real_write)
    report = rebuild_groups(store)
    assert _tables(store) == before
    assert report.rows_written["articles"] < len(before["articles"])  # committed batches not redone


def test_worker_processes_and_command(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 0)  # match in worker processes even for a few articles
    db = str(tmp_path / "cli.db")
    store = open_store(db)
    try:
        _ingest(store, _stream(shared_data))
        before = _tables(store)
        _wreck(store)
    finally:
        store.close()
    out = CliRunner().invoke(cli, ["duplicates", "--db", db, "--rebuild", "--workers", "2"])
    assert out.exit_code == 0, out.output
    assert "nhóm trùng" in out.output and "dedup_buckets" in out.output
    store = open_store(db)
    try:
        assert _tables(store) == before
    finally:
        store.close()
