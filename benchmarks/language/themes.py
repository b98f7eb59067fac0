"""Themes on themes-dev (102 hand-labelled articles): micro/macro-F1, per-theme F1, relevance.

The set is split in two halves by a hash of the id ("tune" and "check") so that rules tuned on
one half can be judged on the other; figures are given for both halves and for all.

    nice .venv/bin/python benchmarks/language/themes.py [--errors]
"""

from __future__ import annotations

import hashlib
import json
import sys
import time

from common import DATA, need

from lantoa.language import analyze_text
from lantoa.language.theme_rules import SLUGS

PATH = DATA / "themes-dev" / "themes-dev.jsonl"


def half(doc_id: str) -> str:
    return "tune" if hashlib.sha256(doc_id.encode()).digest()[0] % 2 == 0 else "check"


def scores(rows: list[tuple[set[str], set[str], bool, bool]]) -> dict[str, float]:
    out: dict[str, float] = {}
    tp_all = fp_all = fn_all = 0
    f1s = []
    for slug in SLUGS:
        tp = sum(1 for g, p, _, _ in rows if slug in g and slug in p)
        fp = sum(1 for g, p, _, _ in rows if slug not in g and slug in p)
        fn = sum(1 for g, p, _, _ in rows if slug in g and slug not in p)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        out[slug] = f1
        f1s.append(f1)
    out["micro"] = 2 * tp_all / (2 * tp_all + fp_all + fn_all)
    out["macro"] = sum(f1s) / len(f1s)
    out["relevance"] = sum(1 for _, _, gr, pr in rows if gr == pr) / len(rows)
    return out


def main() -> None:
    show_errors = "--errors" in sys.argv
    records = [json.loads(line) for line in need(PATH).open(encoding="utf-8")]
    groups: dict[str, list[tuple[set[str], set[str], bool, bool]]] = {"tune": [], "check": [], "all": []}
    start = time.perf_counter()
    for rec in records:
        analysis = analyze_text(rec["text"])
        gold, pred = set(rec["themes"]), set(analysis.theme_slugs)
        row = (gold, pred, rec["relevant"], analysis.relevant)
        groups[half(rec["id"])].append(row)
        groups["all"].append(row)
        if show_errors and gold != pred:
            print(
                f"{rec['id'][-24:]:24s} missing {sorted(gold - pred)} extra {sorted(pred - gold)}"
                f" | {rec['note'][:70]} | {rec['text'][:60]!r}"
            )
            for hit in analysis.themes:
                if hit.slug in pred - gold:
                    print(f"    {hit.slug} {hit.score}: {hit.evidence[:4]}")
    elapsed = time.perf_counter() - start
    table = {name: scores(rows) for name, rows in groups.items()}
    print(f"| theme | F1 tune ({len(groups['tune'])}) | F1 check ({len(groups['check'])}) | F1 all (102) |")
    print("|---|---|---|---|")
    for key in (*SLUGS, "micro", "macro", "relevance"):
        label = {"micro": "**micro-F1**", "macro": "**macro-F1**", "relevance": "**relevance accuracy**"}.get(
            key, key
        )
        print(f"| {label} | {table['tune'][key]:.3f} | {table['check'][key]:.3f} | {table['all'][key]:.3f} |")
    print(f"({len(records)} articles in {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
