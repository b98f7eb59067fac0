"""Near-duplicate detection: precision/recall on VNTC + generated republications, and speed.

Test set (documented, reproducible):

- every VNTC article (../shared/data/vntc/vntc10_full.jsonl.gz, 84,132 texts); the first line is
  taken as the headline, the other lines as body paragraphs. Truth: articles with the same
  normalised text form one group (the corpus's 3,422 exact copies);
- ``--copies`` generated republications of randomly chosen articles (seed ``--seed``), one edit
  each, cycling through: ``headline`` (the headline replaced by another article's headline),
  ``trim`` (the last 10-40 % of the body's words cut), ``byline`` (an agency or author line
  appended), ``lead`` (another article's first sentence put in as the lead), ``combined`` (all four).
  Truth: a copy belongs to its original's group.

The stream of articles is shuffled (same seed), so copies often arrive before their original.
Scores are pairwise: precision = share of predicted same-group pairs that are truly in one
group; recall = share of true pairs predicted. Side by side in the same run: datasketch's
``MinHashLSH`` (threshold 0.5, 128 permutations, same shingles, no verification step), the
usual off-the-shelf way.

Cleaned test set (``--clean``, same run): VNTC itself holds real republications that its truth
does not know, so the strict precision above counts real copies as errors. ``vntc_near.py``
finds them with an independent method (datasketch LSH on 3-syllable shingles, exact Jaccard >= 0.2
or containment >= 0.5 on every candidate pair); the cleaned set leaves out every VNTC article
with such a near-duplicate, then adds the same number of generated republications of the
remaining ones. There, strict precision is meaningful. ``--clean-out FILE`` writes the dropped
VNTC lines (0-based line numbers of the corpus file) for ``bench_rebuild.py score --near-dups``.

Run: ``nice .venv/bin/python benchmarks/dedup/bench_dedup.py --clean`` (``--limit N`` for a quick look).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import vntc_near
from vntc_near import near_duplicates

from lantoa.dedup.memory import Fingerprint, MemoryIndex, fingerprint_article
from lantoa.dedup.minhash import compare
from lantoa.dedup.normalize import text_hash
from lantoa.records import Article

ROOT = Path(__file__).resolve().parents[2]
VNTC = ROOT.parent / "shared" / "data" / "vntc" / "vntc10_full.jsonl.gz"
EDITS = ("headline", "trim", "byline", "lead", "combined")
BYLINES = ("Theo TTXVN", "Hữu Lương – Ngọc Ánh", "PV", "Nguồn: Báo Chính phủ", "Minh Anh (tổng hợp)")


@dataclass
class Doc:
    article: Article
    truth: int
    index: int
    edit: str | None = None
    original: int | None = None
    """Index of the VNTC article a generated copy was made from."""


def load_vntc(limit: int | None) -> list[Article]:
    return [a for _, a in load_vntc_lines(limit)]


def load_vntc_lines(limit: int | None) -> list[tuple[int, Article]]:
    """VNTC articles with their 0-based line in the corpus file (empty texts skipped)."""
    out = []
    with gzip.open(VNTC, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            rec = json.loads(line)
            lines = [x.strip() for x in rec["text"].split("\n") if x.strip()]
            if not lines:
                continue
            out.append(
                (
                    number,
                    Article(url=rec["id"], title=lines[0], paragraphs=tuple(lines[1:]), source=rec["source"]),
                )
            )
            if limit and len(out) >= limit:
                break
    return out


def republish(art: Article, edit: str, rng: random.Random, donor: Article) -> Article:
    """One generated republication of ``art`` (``donor`` lends a foreign headline or lead)."""
    title, lead, paragraphs = art.title, art.lead, list(art.paragraphs)
    if edit in ("headline", "combined"):
        # VNTC's first line runs headline and lead together: replace its first words (the
        # headline's usual length) by the opening words of another article's first line
        words, donor_words = title.split(), donor.title.split()
        cut = min(12, max(3, len(words) // 4))
        title = " ".join(donor_words[:10] + words[cut:])
    if edit in ("trim", "combined"):
        words = " ".join(paragraphs).split()
        keep = max(1, round(len(words) * (1 - rng.uniform(0.10, 0.40))))
        kept, count = [], 0
        for p in paragraphs:
            pw = p.split()
            if count + len(pw) <= keep:
                kept.append(p)
                count += len(pw)
            else:
                kept.append(" ".join(pw[: keep - count]))
                break
        paragraphs = [p for p in kept if p]
    if edit in ("byline", "combined"):
        paragraphs.append(rng.choice(BYLINES))
    if edit in ("lead", "combined"):
        lead = (donor.paragraphs[0] if donor.paragraphs else donor.title).split(". ")[0]
    return Article(url=f"{art.url}#copy-{edit}", title=title, lead=lead, paragraphs=tuple(paragraphs))


def build(arts: list[Article], copies: int, seed: int) -> list[Doc]:
    rng = random.Random(seed)
    truth_of: dict[str, int] = {}
    docs = [Doc(a, truth_of.setdefault(text_hash(a), i), i) for i, a in enumerate(arts)]
    if copies <= len(docs):
        originals = rng.sample(range(len(docs)), copies)
    else:  # scale runs: several republications of the same article
        originals = [rng.randrange(len(docs)) for _ in range(copies)]
    for n, i in enumerate(originals):
        edit = EDITS[n % len(EDITS)]
        donor = arts[rng.randrange(len(arts))]
        docs.append(Doc(republish(arts[i], edit, rng, donor), docs[i].truth, len(docs), edit, i))
    order = list(range(len(docs)))
    rng.shuffle(order)
    return [docs[i] for i in order]


def _fp_chunk(arts: list[Article]) -> tuple[list[Fingerprint], float]:
    start = time.process_time()
    fps = [fingerprint_article(a) for a in arts]
    return fps, time.process_time() - start


def fingerprints(docs: list[Doc], workers: int) -> tuple[list[Fingerprint], float]:
    """Fingerprints in document order, and the CPU seconds they took (all processes)."""
    arts = [d.article for d in docs]
    chunks = [arts[i : i + 512] for i in range(0, len(arts), 512)]
    if workers <= 1:
        results = [_fp_chunk(c) for c in chunks]
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_fp_chunk, chunks))
    return [fp for fps, _ in results for fp in fps], sum(cpu for _, cpu in results)


def pair_scores(pred: list[int], truth: list[int]) -> tuple[float, float, int, int, int]:
    """Pairwise precision, recall, and the counts of predicted, true and shared pairs."""

    def pairs(counts: Iterable[int]) -> int:
        return sum(c * (c - 1) // 2 for c in counts)

    both = pairs(Counter(zip(pred, truth, strict=True)).values())
    p, t = pairs(Counter(pred).values()), pairs(Counter(truth).values())
    return (both / p if p else 1.0), (both / t if t else 1.0), p, t, both


def run_datasketch(fps: list[Fingerprint]) -> tuple[list[int], float]:
    """datasketch's MinHashLSH over the same shingles; returns groups and CPU seconds."""
    from datasketch import MinHash, MinHashLSH

    start = time.process_time()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    group: list[int] = []
    exact: dict[str, int] = {}
    for i, fp in enumerate(fps):
        if fp.exact in exact:
            group.append(group[exact[fp.exact]])
            continue
        exact[fp.exact] = i
        m = MinHash(num_perm=128)
        m.update_batch([int(x).to_bytes(8, "little") for x in fp.shingles])
        hits = lsh.query(m)
        group.append(group[min(hits)] if hits else i)
        lsh.insert(i, m)
    return group, time.process_time() - start


def _members(pred: list[int]) -> dict[int, list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(pred):
        members[g].append(i)
    return members


def evaluate(name: str, docs: list[Doc], args: argparse.Namespace) -> None:
    """Run Lantoa (and datasketch) over one shuffled stream and print scores and timings."""
    n = len(docs)
    t0, c0 = time.perf_counter(), time.process_time()
    fps, cpu_fp = fingerprints(docs, args.workers)
    t_fp = time.perf_counter() - t0
    if args.workers > 1:
        cpu_fp += time.process_time() - c0  # the parent's share: sending texts, receiving results
    index = MemoryIndex()
    t0, c0 = time.perf_counter(), time.process_time()
    pred = [index.add(i, fp) for i, fp in enumerate(fps)]
    t_add, cpu_add = time.perf_counter() - t0, time.process_time() - c0
    truth = [d.truth for d in docs]
    prec, rec, p_pairs, t_pairs, both = pair_scores(pred, truth)

    by_edit: dict[str, list[bool]] = defaultdict(list)
    position = {d.index: i for i, d in enumerate(docs)}
    for i, d in enumerate(docs):
        if d.original is not None:
            by_edit[d.edit or ""].append(pred[i] == pred[position[d.original]])
    total_s = t_fp + t_add
    made = sum(d.original is not None for d in docs)
    print(f"== {name}: {n} documents ({n - made} VNTC + {made} generated)")
    print(
        f"lantoa: precision {prec:.4f} recall {rec:.4f} (pairs predicted {p_pairs}, true {t_pairs}, shared {both})"
    )
    for edit in EDITS:
        hits = by_edit.get(edit, [])
        if hits:
            print(f"  copies found, {edit}: {sum(hits)}/{len(hits)} = {sum(hits) / len(hits):.4f}")
    print(
        f"lantoa wall time: fingerprints {t_fp:.1f} s ({args.workers} processes), grouping {t_add:.1f} s, "
        f"total {total_s:.1f} s = {n / total_s:.0f} articles/s"
    )
    # On an idle 2-core machine fingerprints run on both cores, grouping on one.
    ideal = cpu_fp / 2 + cpu_add
    print(
        f"lantoa CPU time: fingerprints {cpu_fp:.1f} s ({cpu_fp / n * 1000:.3f} ms/article), grouping "
        f"{cpu_add:.1f} s ({cpu_add / n * 1000:.3f} ms/article); on 2 idle cores {n / ideal:.0f} articles/s "
        f"-> 1M in {1e6 / (n / ideal) / 60:.1f} min"
    )
    disputed = [
        (a, b)
        for group in _members(pred).values()
        if len(group) > 1
        for x, a in enumerate(group)
        for b in group[x + 1 :]
        if truth[a] != truth[b]
    ]
    kinds = Counter(
        "VNTC-VNTC" if docs[a].original is None and docs[b].original is None else "with a generated copy"
        for a, b in disputed
    )
    print(f"  predicted pairs not in the truth: {len(disputed)} {dict(kinds)}")
    for a, b in random.Random(args.seed).sample(disputed, min(args.review, len(disputed))):
        sim = compare(fps[a].shingles, fps[b].shingles)
        print(f"  review J={sim.jaccard:.2f} C={sim.containment:.2f}")
        for d in (docs[a], docs[b]):
            text = " / ".join((d.article.title, d.article.lead, *d.article.paragraphs))
            print(f"    {d.article.url}: {text[:400]}")
    if not args.no_datasketch:
        ds_pred, ds_time = run_datasketch(fps)
        dp, dr, dpp, _, dboth = pair_scores(ds_pred, truth)
        print(
            f"datasketch MinHashLSH(0.5, 128): precision {dp:.4f} recall {dr:.4f} "
            f"(pairs predicted {dpp}, shared {dboth}); MinHash + LSH {ds_time:.1f} s CPU "
            f"({ds_time / n * 1000:.3f} ms/article, shingling not counted)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="VNTC articles read (default: all)")
    ap.add_argument("--copies", type=int, default=10_000, help="generated republications")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--workers", type=int, default=2, help="processes computing fingerprints")
    ap.add_argument("--no-datasketch", action="store_true")
    ap.add_argument("--review", type=int, default=0, help="random disputed pairs printed for review")
    ap.add_argument("--clean", action="store_true", help="also score the cleaned test set (vntc_near.py)")
    ap.add_argument("--no-full", action="store_true", help="skip the full (uncleaned) test set")
    ap.add_argument("--clean-out", help="write the VNTC lines left out of the cleaned set (JSON)")
    args = ap.parse_args()

    numbered = load_vntc_lines(args.limit)
    arts = [a for _, a in numbered]
    if not args.no_full:
        evaluate("full test set (strict truth: exact copies only)", build(arts, args.copies, args.seed), args)
    if args.clean or args.clean_out:
        hashes = [text_hash(a) for a in arts]
        dropped, stats = near_duplicates(arts, hashes)
        print(f"VNTC near-duplicates (vntc_near.py): {stats}")
        if args.clean_out:
            record = {
                "rule": vntc_near.__doc__,
                "stats": stats,
                "dropped": sorted(numbered[i][0] for i in dropped),
            }
            Path(args.clean_out).write_text(json.dumps(record, ensure_ascii=False))
        if args.clean:
            kept = [a for i, a in enumerate(arts) if i not in dropped]
            evaluate(
                f"cleaned test set ({len(dropped)} VNTC articles left out)",
                build(kept, args.copies, args.seed),
                args,
            )


if __name__ == "__main__":
    main()
