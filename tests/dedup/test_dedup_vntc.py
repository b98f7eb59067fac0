"""On real VNTC articles: edited copies are found, and the in-memory index decides like the store."""

from __future__ import annotations

import gzip
import json
import random
from itertools import islice
from pathlib import Path

from lantoa.dedup.memory import MemoryIndex, fingerprint_article
from lantoa.records import Analysis, Article, EnrichedArticle
from lantoa.store.api import open_store


def _articles(shared_data: Path, n: int) -> list[Article]:
    out = []
    with gzip.open(shared_data / "vntc" / "vntc10_full.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in islice(fh, n):
            rec = json.loads(line)
            lines = [x.strip() for x in rec["text"].split("\n") if x.strip()]
            out.append(Article(url=rec["id"], title=lines[0], paragraphs=tuple(lines[1:])))
    return out


def _republish(art: Article, rng: random.Random) -> Article:
    """Trimmed by a quarter, with a lead and a byline of its own."""
    words = " ".join(art.paragraphs).split()
    kept = " ".join(words[: max(1, len(words) * 3 // 4)])
    return Article(
        url=f"{art.url}#copy",
        title=art.title,
        lead="Theo thông tin từ cơ quan chức năng, sự việc đang được làm rõ.",
        paragraphs=(kept, rng.choice(("Theo TTXVN", "PV", "Minh Anh"))),
    )


def test_copies_found_and_both_indexes_agree(shared_data: Path, tmp_path: Path) -> None:
    rng = random.Random(7)
    originals = _articles(shared_data, 150)
    chosen = rng.sample(range(len(originals)), 25)
    stream = originals + [_republish(originals[i], rng) for i in chosen]
    rng.shuffle(stream)

    memory = MemoryIndex()
    mem_group = {a.url: memory.add(i, fingerprint_article(a)) for i, a in enumerate(stream)}
    store = open_store(str(tmp_path / "vntc.db"))
    try:
        db_group = {a.url: store.save_article(EnrichedArticle(a, Analysis())).group_id for a in stream}
    finally:
        store.close()

    for i in chosen:
        url = originals[i].url
        assert mem_group[f"{url}#copy"] == mem_group[url], url
        assert db_group[f"{url}#copy"] == db_group[url], url

    def partition(groups: dict[str | None, int]) -> set[frozenset[str | None]]:
        by: dict[int, set[str | None]] = {}
        for url, g in groups.items():
            by.setdefault(g, set()).add(url)
        return {frozenset(v) for v in by.values()}

    assert partition(mem_group) == partition(db_group)
