"""Speed of the whole language stage, in articles per second on one core, on VNTC test articles,
side by side with underthesea's own pipeline (word_tokenize + ner) on the same articles.

    nice .venv/bin/python benchmarks/language/speed.py [N]

Rates are per second of CPU time of this process, pinned to one core (the development machine
is shared, so wall-clock rates are also printed but depend on the load). Every 97th test article is taken (N in all, default 500; underthesea gets the first N/5 of them,
it is slower). Models are loaded before timing (one warm-up article).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from itertools import islice

from common import vntc

import lantoa.language as language
from lantoa.language import analyze_text


def rate(fn, texts: list[str]) -> str:  # type: ignore[no-untyped-def]
    """Articles per second of CPU time (robust to other work on a shared machine) and of wall time."""
    fn(texts[0])
    wall, cpu = time.perf_counter(), time.process_time()
    for t in texts:
        fn(t)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return f"{len(texts) / cpu:.1f} articles/s of CPU time ({len(texts) / wall:.1f} by wall clock)"


def main() -> None:
    logging.disable(logging.CRITICAL)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    texts = [r["text"] for i, r in enumerate(islice(vntc("test"), n * 97)) if i % 97 == 0][:n]
    chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} VNTC test articles, {chars:.0f} characters on average, one core")
    print(f"lantoa analyze (whole stage, entities included): {rate(analyze_text, texts)}")
    keep = language._entities
    language._entities = lambda text, title, notes: None  # type: ignore[assignment]
    print(f"lantoa analyze without entities (language core):  {rate(analyze_text, texts)}")
    language._entities = keep

    from underthesea import ner, word_tokenize

    def underthesea_pipeline(text: str) -> None:
        word_tokenize(text)
        for line in text.splitlines():
            if line.strip():
                ner(line)

    few = texts[: max(20, n // 5)]
    print(f"underthesea word_tokenize + ner ({len(few)} articles): {rate(underthesea_pipeline, few)}")
    print(f"underthesea word_tokenize alone: {rate(word_tokenize, few)}")


if __name__ == "__main__":
    main()
