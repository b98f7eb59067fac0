"""Cost and quality of the entity finder (lantoa.language.entities), side by side with underthesea.

    nice .venv/bin/python benchmarks/language/entities.py [N]

1. Speed: milliseconds of CPU time per article of ``find_entities`` on N VNTC test articles (every
   97th, default 500), pinned to one core, with the share of each step; and underthesea's
   ``ner`` (its offline CRF pipeline: word segmentation, POS, chunking, NER) on the first N/5.
2. The two seeds: people found by ``find_entities`` and by underthesea's ``ner`` (B-PER/I-PER
   spans), against the people an attentive reader lists (the same lists as the tests), and what
   underthesea makes of the title chain "Bí thư Trung ương Đảng".
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from itertools import islice

from common import DATA, need, vntc

from lantoa.language.entities import find_entities
from lantoa.language.entities._lexicon import prepare
from lantoa.language.entities.documents import find_documents
from lantoa.language.entities.orgs import find_orgs
from lantoa.language.entities.persons import find_persons
from lantoa.language.entities.places import find_places

# The people of the seeds, as tests/language/entities/test_entities_seeds.py lists them.
SEED_PERSONS = {
    "000_51169f9f1104d907.txt": {
        "Nguyễn Trọng Nghĩa",
        "Phạm Đồng Thụy",
        "Nguyễn Phú Trọng",
        "Trần Thanh Mẫn",
        "Trương Tấn Sang",
        "Hồ Chí Minh",
        "Trần Cẩm Tú",
    },
    "003_eb43709f10d06637.txt": {"Lê Thanh Long"},
}


def cpu_ms(fn: Callable[[str], object], texts: list[str]) -> float:
    fn(texts[0])
    start = time.process_time()
    for text in texts:
        fn(text)
    return (time.process_time() - start) / len(texts) * 1000


def split(text: str) -> tuple[str, str]:
    title, _, body = text.partition("\n")
    return title, body


def whole(text: str) -> object:
    title, body = split(text)
    return find_entities(body, title=title)


def steps(texts: list[str]) -> dict[str, float]:
    """CPU milliseconds per article of each step, run in the order find_entities runs them."""
    totals = dict.fromkeys(("places", "organisations", "persons", "documents"), 0.0)
    for raw in texts:
        text = prepare(raw)
        t0 = time.process_time()
        places = find_places(text)
        t1 = time.process_time()
        orgs = find_orgs(text, places)
        t2 = time.process_time()
        blocked = [(p.start, p.end) for p in places] + [(o.start, o.end) for o in orgs]
        find_persons(text, blocked=blocked, orgs=[(o.start, o.end) for o in orgs])
        t3 = time.process_time()
        find_documents(text)
        t4 = time.process_time()
        for key, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            totals[key] += dt
    return {k: v / len(texts) * 1000 for k, v in totals.items()}


def underthesea_persons(text: str) -> set[str]:
    from underthesea import ner

    found: set[str] = set()
    for line in text.splitlines():
        current: list[str] = []
        for token, _pos, _chunk, tag in ner(line) if line.strip() else []:
            if tag == "B-PER":
                if current:
                    found.add(" ".join(current))
                current = [token]
            elif tag == "I-PER" and current:
                current.append(token)
            else:
                if current:
                    found.add(" ".join(current))
                current = []
        if current:
            found.add(" ".join(current))
    return found


def main() -> None:
    logging.disable(logging.CRITICAL)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    texts = [r["text"] for i, r in enumerate(islice(vntc("test"), n * 97)) if i % 97 == 0][:n]
    print(
        f"VNTC test articles: {len(texts)} (every 97th), {sum(map(len, texts)) / len(texts):.0f} characters on average"
    )
    ms = cpu_ms(whole, texts)
    print(f"find_entities: {ms:.2f} ms of CPU time per article ({1000 / ms:.0f} articles/s on one core)")
    print("  steps (ms/article): " + ", ".join(f"{k} {v:.2f}" for k, v in steps(texts).items()))
    from underthesea import ner

    few = texts[: max(1, n // 5)]
    uts = cpu_ms(lambda t: [ner(line) for line in t.splitlines() if line.strip()], few)
    print(
        f"underthesea ner (offline CRF, per line) on {len(few)} of them: {uts:.1f} ms per article "
        f"({1000 / uts:.1f} articles/s), {uts / cpu_ms(whole, few):.0f}x the cost of find_entities"
    )

    print("\nPeople of the two seeds (expected = an attentive reader's list):")
    for name, expected in SEED_PERSONS.items():
        text = need(DATA / "seeds" / name).read_text(encoding="utf-8")
        title, body = split(text)
        ours = {p.name for p in find_entities(body, title=title).persons}
        theirs = underthesea_persons(text)
        for label, found in (("find_entities", ours), ("underthesea ner", theirs)):
            hit = len(found & expected)
            print(
                f"  {name} {label}: {hit}/{len(expected)} found, {len(found - expected)} extra"
                + (f" ({', '.join(sorted(found - expected))})" if found - expected else "")
            )
    chain = (
        "Đồng chí Nguyễn Trọng Nghĩa, Bí thư Trung ương Đảng, Trưởng ban Tuyên giáo Trung ương dự hội nghị."
    )
    tags = [(tok, tag) for tok, _p, _c, tag in ner(chain) if tag != "O"]
    print(f"\nunderthesea ner on the title chain: {tags}")
    ours = find_entities(chain).persons
    print(f"find_entities on the title chain: {[(p.name, p.titles) for p in ours]}")


if __name__ == "__main__":
    main()
