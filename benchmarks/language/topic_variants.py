"""Variants tried for the general-topic model, on the full VNTC train/test split (raw test set).

    nice .venv/bin/python benchmarks/language/topic_variants.py   # about 30 min on 2 loaded cores

Prints the accuracy of LinearSVC on hashed syllable 1-2-grams at several C, with and without
keeping only the strongest buckets, of 1-3-grams, and of naive Bayes (an n-gram-LM-like model).
"""

from __future__ import annotations

import time

import numpy as np
from common import VNTC, need
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.metrics import accuracy_score
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.svm import LinearSVC

from lantoa.language.normalize import canonical
from lantoa.language.topic import TopicModel, features
from lantoa.language.topic_train import idf_of, read_vntc


def trigram_features(texts: list[str]):  # type: ignore[no-untyped-def]
    vec = HashingVectorizer(
        n_features=2**22,
        ngram_range=(1, 3),
        token_pattern=r"(?u)\b\w+\b",
        alternate_sign=False,
        norm=None,
        preprocessor=lambda t: canonical(t[:20000]).lower(),
    )
    return vec.transform(texts).tocsr()


def main() -> None:
    train, test = read_vntc(need(VNTC), "train"), read_vntc(VNTC, "test")
    classes = sorted(set(train.labels))
    ytr = np.array([classes.index(x) for x in train.labels])
    yte = np.array([classes.index(x) for x in test.labels])

    xtr, xte = features(train.texts), features(test.texts)
    idf = idf_of(xtr)
    a, b = TopicModel.weigh(xtr, idf), TopicModel.weigh(xte, idf)
    for c in (0.3, 0.5, 1.0):
        start = time.perf_counter()
        svm = LinearSVC(C=c, random_state=0).fit(a, ytr)
        acc = accuracy_score(yte, svm.predict(b))
        print(
            f"LinearSVC 1-2-grams, all 2^20 buckets, C={c}: {acc:.4f} ({time.perf_counter() - start:.0f} s)"
        )
        if c == 0.5:
            strength = np.linalg.norm(svm.coef_, axis=0)
            for keep in (150_000, 300_000):
                kept = np.sort(np.argsort(-strength, kind="stable")[:keep])
                small = LinearSVC(C=c, random_state=0).fit(TopicModel.weigh(xtr[:, kept], idf[kept]), ytr)
                acc = accuracy_score(yte, small.predict(TopicModel.weigh(xte[:, kept], idf[kept])))
                print(f"  kept {keep} strongest buckets, refitted: {acc:.4f}")
    cnb = ComplementNB(alpha=0.3).fit(a, ytr)
    print(f"ComplementNB on the same TF-IDF: {accuracy_score(yte, cnb.predict(b)):.4f}")

    xtr3, xte3 = trigram_features(train.texts), trigram_features(test.texts)
    for alpha in (0.01, 0.03, 0.1):
        for model in (MultinomialNB(alpha=alpha), ComplementNB(alpha=alpha)):
            acc = accuracy_score(yte, model.fit(xtr3, ytr).predict(xte3))
            print(f"{type(model).__name__} on 1-3-gram counts, alpha={alpha}: {acc:.4f}")
    idf3 = idf_of(xtr3)
    svm3 = LinearSVC(C=0.5, random_state=0).fit(TopicModel.weigh(xtr3, idf3), ytr)
    print(
        f"LinearSVC 1-3-grams, 2^22 buckets, C=0.5: {accuracy_score(yte, svm3.predict(TopicModel.weigh(xte3, idf3))):.4f}"
    )


if __name__ == "__main__":
    main()
