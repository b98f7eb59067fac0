"""General topic on the VNTC 10-topic test set: Lantoa's model vs a TF-IDF + LinearSVC baseline.

Both are trained on the train split in the same run. Accuracy and macro-F1 are given on the raw
test set (50,373) and on the test set without the articles whose text also occurs in the train
split (cross-split duplicates), which is the honest figure.

    nice .venv/bin/python benchmarks/language/topic.py [--save] [--keep 150000] [--c 0.5]

--save also writes the trained model into the package (same as scripts/train-topic-model).
"""

from __future__ import annotations

import argparse
import re
import time

from common import VNTC, need
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

from lantoa.language.topic import MODEL_PATH
from lantoa.language.topic_train import fit, read_vntc

_SPACE = re.compile(r"\s+")


def key(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def report(
    name: str, pred: list[str], gold: list[str], mask: list[bool], train_s: float, pred_s: float
) -> None:
    acc = accuracy_score(gold, pred)
    f1 = f1_score(gold, pred, average="macro")
    g2 = [g for g, m in zip(gold, mask, strict=True) if m]
    p2 = [p for p, m in zip(pred, mask, strict=True) if m]
    acc2 = accuracy_score(g2, p2)
    f12 = f1_score(g2, p2, average="macro")
    print(
        f"| {name} | {acc:.4f} | {f1:.4f} | {acc2:.4f} | {f12:.4f} | {train_s:.0f} s | {len(gold) / pred_s:.0f} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--save", action="store_true")
    parser.add_argument("--keep", type=int, default=150_000)
    parser.add_argument("--c", type=float, default=0.5)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    need(VNTC)
    train = read_vntc(VNTC, "train")
    test = read_vntc(VNTC, "test")
    seen = {key(t) for t in train.texts}
    mask = [key(t) not in seen for t in test.texts]
    print(
        f"train {len(train.texts)}, test {len(test.texts)}, test without cross-split duplicates {sum(mask)}"
    )
    print("| model | accuracy | macro-F1 | accuracy (dedup) | macro-F1 (dedup) | training | articles/s |")
    print("|---|---|---|---|---|---|---|")

    start = time.perf_counter()
    model = fit(train.texts, train.labels, keep=args.keep, c=args.c)
    train_s = time.perf_counter() - start
    if args.save:
        model.save(MODEL_PATH)
    start = time.perf_counter()
    pred = []
    for i in range(0, len(test.texts), 2000):
        pred.extend(model.predict(test.texts[i : i + 2000]))
    report(
        f"Lantoa (hashed syllable 1-2-grams, {args.keep} kept, int8)",
        pred,
        test.labels,
        mask,
        train_s,
        time.perf_counter() - start,
    )

    if args.no_baseline:
        return
    start = time.perf_counter()
    vec = TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
    svc = LinearSVC(C=1.0).fit(vec.fit_transform(train.texts), train.labels)
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    pred = list(svc.predict(vec.transform(test.texts)))
    report(
        "baseline TF-IDF (syllables) + LinearSVC",
        pred,
        test.labels,
        mask,
        train_s,
        time.perf_counter() - start,
    )


if __name__ == "__main__":
    main()
