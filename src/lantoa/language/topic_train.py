"""Train the general-topic model (the 10 VNTC topics) reproducibly, and write it small.

Why this design: syllable unigrams and bigrams (bigrams stand in for two-syllable words, so no
slow segmentation is needed) hashed into 2^20 buckets, sublinear TF-IDF, and a linear SVM.
To ship a model of about a megabyte, the buckets are ranked by the norm of their weights, the
top ``keep`` are kept, the SVM is refitted on them, and weights are stored as int8 with one
scale per topic in a compressed ``.npz`` (no pickle: loading runs no code).

    scripts/train-topic-model [--data ../shared/data/vntc/vntc10_full.jsonl.gz] [--out PATH]
"""

from __future__ import annotations

import gzip
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from lantoa.errors import InputError
from lantoa.language.topic import (
    MODEL_PATH,
    TopicModel,
    features,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Corpus:
    texts: list[str]
    labels: list[str]


def read_vntc(path: Path, split: str) -> Corpus:
    """Texts and labels of one split of ``vntc10_full.jsonl.gz``."""
    if not path.is_file():
        raise InputError(f"VNTC file not found: {path}")
    texts, labels = [], []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["split"] == split:
                texts.append(row["text"])
                labels.append(row["label"])
    return Corpus(texts, labels)


def idf_of(counts: sparse.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency of each hash bucket."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    n = counts.shape[0]
    return (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)


def fit(
    texts: Iterable[str],
    labels: list[str],
    *,
    keep: int = 150_000,
    c: float = 0.5,
) -> TopicModel:
    """Fit a ``TopicModel`` on texts and their VNTC labels."""
    from sklearn.svm import LinearSVC

    start = time.perf_counter()
    counts = features(list(texts))
    idf = idf_of(counts)
    x = TopicModel.weigh(counts, idf)
    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels])
    full = LinearSVC(C=c, dual=True, max_iter=2000, random_state=0).fit(x, y)
    strength = np.linalg.norm(full.coef_, axis=0)
    kept = np.sort(np.argsort(-strength, kind="stable")[:keep]).astype(np.int32)
    x_kept = TopicModel.weigh(counts[:, kept], idf[kept])
    small = LinearSVC(C=c, dual=True, max_iter=2000, random_state=0).fit(x_kept, y)
    coef = small.coef_.astype(np.float32)
    intercept = small.intercept_.astype(np.float32)
    if len(classes) == 2:  # liblinear gives one row for two classes: score both explicitly
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    scale = np.abs(coef).max(axis=1) / 127.0
    quantised = np.round(coef / scale[:, None]).astype(np.int8)
    log.info("trained topic model in %.1fs", time.perf_counter() - start)
    return TopicModel(
        classes=tuple(classes),
        columns=kept,
        idf=idf[kept].astype(np.float16),
        weights=quantised,
        scale=scale.astype(np.float32),
        intercept=intercept,
    )


def train(data: Path, out: Path = MODEL_PATH, *, keep: int = 150_000, c: float = 0.5) -> TopicModel:
    """Train on the VNTC train split and write the model to ``out``."""
    corpus = read_vntc(data, "train")
    model = fit(corpus.texts, corpus.labels, keep=keep, c=c)
    model.save(out)
    return model
