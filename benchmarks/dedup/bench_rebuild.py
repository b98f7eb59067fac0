"""Score ``lantoa duplicates --rebuild`` on a search benchmark database against its corpus truth.

The search benchmark (``benchmarks/search/bench.py``) writes ``articles.group_id`` straight from
its generator (``benchmarks/search/corpus.py``): article ``i`` (id ``i + 1``) is VNTC original
``i`` up to 84,132, beyond that a lightly edited republication whose group is its original. The
rebuild overwrites ``group_id``, so the truth is saved first. Steps, on a *copy* of the database:

    python benchmarks/dedup/bench_rebuild.py truth --db COPY.db      # COPY.db.truth.npy
    /usr/bin/time -v lantoa duplicates --rebuild --db COPY.db --workers 2
    python benchmarks/dedup/bench_rebuild.py score --db COPY.db [--near-dups near.json]
    python benchmarks/dedup/bench_rebuild.py reset --db COPY.db      # truth back, for another run

Scores are pairwise (as in ``bench_dedup.py``): strict against the generator's groups; "exact
copies merged" where VNTC originals with the same normalised text (the corpus's own exact
copies, which the generator keeps apart) count as one group; and with ``--near-dups`` (the
VNTC near-duplicate list written by ``bench_dedup.py --clean-out``), restricted to articles whose
original is not a near-duplicate of another VNTC text.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy import create_engine, text

Ints = npt.NDArray[np.int64]


def _engine(db: str):  # type: ignore[no-untyped-def]
    return create_engine(db if "://" in db else f"sqlite:///{db}")


def save_truth(db: str) -> Path:
    out = Path(f"{db}.truth.npy")
    if out.exists():  # a re-run after the rebuild must not take the rebuilt groups as truth
        print(f"truth already saved: {out}")
        return out
    with _engine(db).connect() as conn:
        rows = conn.execute(text("SELECT id, group_id FROM articles ORDER BY id")).all()
    np.save(out, np.array(rows, dtype=np.int64))
    print(f"truth of {len(rows)} articles saved to {out}")
    return out


def reset(db: str) -> None:
    """Put the saved truth back and empty the duplicate tables, as ``make_store.py`` left them."""
    saved = np.load(f"{db}.truth.npy")
    with _engine(db).begin() as conn:
        for table in ("dedup_buckets", "dedup_signatures", "dup_groups"):
            conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (fixed table names)
        current = np.array(conn.execute(text("SELECT group_id FROM articles ORDER BY id")).scalars().all())
        moved = np.flatnonzero(current != saved[:, 1])
        conn.execute(
            text("UPDATE articles SET group_id = :g WHERE id = :i"),
            [{"g": int(saved[k, 1]), "i": int(saved[k, 0])} for k in moved],
        )
    print(f"reset: {moved.size} group ids put back, duplicate tables emptied")


def pair_scores(pred: Ints, truth: Ints) -> tuple[float, float, int, int, int]:
    """Pairwise precision, recall and counts of predicted, true and shared pairs."""

    def pairs(labels: Ints) -> int:
        _, counts = np.unique(labels, return_counts=True, axis=0)
        return int((counts * (counts - 1) // 2).sum())

    both = pairs(np.stack([pred, truth], axis=1))
    p, t = pairs(pred), pairs(truth)
    return (both / p if p else 1.0), (both / t if t else 1.0), p, t, both


def score(db: str, near_dups: str | None) -> None:
    saved = np.load(f"{db}.truth.npy")
    with _engine(db).connect() as conn:
        rows = conn.execute(text("SELECT id, group_id, text_hash FROM articles ORDER BY id")).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    pred = np.array([r[1] for r in rows], dtype=np.int64)
    assert np.array_equal(ids, saved[:, 0]), "articles changed since the truth was saved"
    truth = saved[:, 1]
    # generator group g (1-based) is original id g; merge originals with the same text
    first_with_text: dict[str, int] = {}
    merged_of: dict[int, int] = {}
    for (aid, _, h), g in zip(rows, truth.tolist(), strict=True):
        if aid == g:
            merged_of[g] = first_with_text.setdefault(h, g)
    merged = np.array([merged_of.get(g, g) for g in truth.tolist()], dtype=np.int64)
    print(
        f"articles: {ids.size}, predicted groups: {np.unique(pred).size}, true groups: {np.unique(truth).size}"
    )
    for name, t in (("strict", truth), ("exact copies merged", merged)):
        prec, rec, p, tp, both = pair_scores(pred, t)
        print(
            f"{name}: precision {prec:.4f} recall {rec:.4f} (pairs predicted {p}, true {tp}, shared {both})"
        )
    if near_dups:
        dropped = {i + 1 for i in json.loads(Path(near_dups).read_text())["dropped"]}  # 0-based -> id
        keep = np.array([g not in dropped for g in truth.tolist()])
        prec, rec, p, tp, both = pair_scores(pred[keep], merged[keep])
        print(
            f"cleaned ({int(keep.sum())} articles, originals with a VNTC near-duplicate left out): "
            f"precision {prec:.4f} recall {rec:.4f} (pairs predicted {p}, true {tp}, shared {both})"
        )
    sizes = Counter(Counter(pred.tolist()).values())
    print("largest predicted groups:", sorted(sizes.items())[-3:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("step", choices=["truth", "score", "reset"])
    ap.add_argument("--db", required=True, help="copy of a benchmark database (SQLite path or URL)")
    ap.add_argument("--near-dups", help="JSON from bench_dedup.py --clean-out")
    args = ap.parse_args()
    if args.step == "truth":
        save_truth(args.db)
    elif args.step == "reset":
        reset(args.db)
    else:
        score(args.db, args.near_dups)


if __name__ == "__main__":
    main()
