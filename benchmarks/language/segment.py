"""Word segmentation: our dictionary longest match vs underthesea's CRF, speed and agreement.

Agreement is the F1 of word spans (start, end in syllables) taking underthesea's CRF output as
the reference, on the first N VNTC test articles.

    nice .venv/bin/python benchmarks/language/segment.py [N]
"""

from __future__ import annotations

import sys
import time
from itertools import islice

from common import vntc

from lantoa.language.segment import words


def spans(ws: list[str]) -> set[tuple[int, int]]:
    """Words as (start, end) offsets in the text with all spaces removed."""
    out, i = set(), 0
    for w in ws:
        n = len(w.replace(" ", "").replace("_", ""))
        out.add((i, i + n))
        i += n
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    texts = [r["text"] for r in islice(vntc("test"), n)]
    words(texts[0])
    words(texts[0], method="crf")
    results = {}
    for method in ("fast", "crf"):
        start = time.perf_counter()
        results[method] = [words(t, method=method) for t in texts]
        elapsed = time.perf_counter() - start
        print(f"{method:5s} {n / elapsed:8.1f} articles/s")
    tp = fp = fn = 0
    skipped = 0
    for ours, ref in zip(results["fast"], results["crf"], strict=True):
        if "".join(ours).replace(" ", "") != "".join(ref).replace(" ", "").replace("_", ""):
            skipped += 1  # tokenisations of symbols differ; compare only aligned articles
            continue
        a, b = spans(ours), spans(ref)
        tp += len(a & b)
        fp += len(a - b)
        fn += len(b - a)
    p, r = tp / (tp + fp), tp / (tp + fn)
    print(
        f"word-span agreement with underthesea CRF: P={p:.3f} R={r:.3f} F1={2 * p * r / (p + r):.3f}"
        f" on {n - skipped}/{n} articles with the same characters"
    )


if __name__ == "__main__":
    main()
