"""General topic of an article: one of the ten VNTC topics (Chính trị Xã hội, Thế giới, ...).

The model (``data/topic_model.npz``, written by ``scripts/train-topic-model``, see
``topic_train``) is a linear SVM over hashed syllable 1-2-grams; it is loaded lazily, once per
process, and scoring an article is one sparse dot product. Topic names are slugs of the VNTC
labels (``data/topics.json`` gives their Vietnamese names for display).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
from scipy import sparse

from lantoa.errors import ConfigError
from lantoa.language.normalize import canonical

N_FEATURES = 2**20
MODEL_PATH = Path(str(files("lantoa.language").joinpath("data/topic_model.npz")))
_MAX_CHARS = 20_000
"""Only the first characters of a text are scored: the topic is clear long before 20k."""


@lru_cache(maxsize=1)
def _vectorizer():  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=N_FEATURES,
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b\w+\b",
        lowercase=True,
        alternate_sign=False,
        norm=None,
        preprocessor=lambda t: canonical(t[:_MAX_CHARS]).lower(),
        dtype=np.float32,
    )


def features(texts: list[str]) -> sparse.csr_matrix:
    """Counts of hashed syllable unigrams and bigrams (canonical tone marks, lower case)."""
    matrix: sparse.csr_matrix = _vectorizer().transform(texts).tocsr()
    return matrix


@dataclass(frozen=True)
class TopicModel:
    """A linear model over the kept hash buckets, int8 weights with one scale per topic."""

    classes: tuple[str, ...]
    columns: np.ndarray
    idf: np.ndarray
    weights: np.ndarray
    scale: np.ndarray
    intercept: np.ndarray

    @staticmethod
    def weigh(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
        """Sublinear TF times IDF, rows L2-normalised (computed on the CSR arrays directly)."""
        x = sparse.csr_matrix(counts, dtype=np.float32, copy=True)
        x.sum_duplicates()
        x.data = (1.0 + np.log(x.data)) * idf.astype(np.float32)[x.indices]
        lengths = np.diff(x.indptr)
        squares = np.zeros(x.shape[0], dtype=np.float32)
        nonempty = lengths > 0
        squares[nonempty] = np.add.reduceat(x.data * x.data, x.indptr[:-1][nonempty])
        norms = np.sqrt(squares)
        norms[norms == 0] = 1.0
        x.data /= np.repeat(norms, lengths)
        return x

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            classes=np.array(self.classes),
            columns=self.columns,
            idf=self.idf,
            weights=self.weights,
            scale=self.scale,
            intercept=self.intercept,
        )

    @classmethod
    def load(cls, path: Path) -> TopicModel:
        try:
            with np.load(path, allow_pickle=False) as z:
                return cls(
                    classes=tuple(str(c) for c in z["classes"]),
                    columns=z["columns"],
                    idf=z["idf"],
                    weights=z["weights"],
                    scale=z["scale"],
                    intercept=z["intercept"],
                )
        except (OSError, KeyError, ValueError) as exc:
            raise ConfigError(
                f"topic model {path} cannot be read ({exc}); run scripts/train-topic-model"
            ) from exc

    @property
    def _remap(self) -> np.ndarray:
        remap = self.__dict__.get("_remap_cache")
        if remap is None:
            remap = np.full(N_FEATURES, -1, dtype=np.int32)
            remap[self.columns] = np.arange(len(self.columns), dtype=np.int32)
            object.__setattr__(self, "_remap_cache", remap)
        return remap

    def decision(self, texts: list[str]) -> np.ndarray:
        """Scores (texts x topics)."""
        counts = features(texts)
        cols = self._remap[counts.indices]
        keep = cols >= 0
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))[keep]
        reduced = sparse.csr_matrix(
            (counts.data[keep], (rows, cols[keep])), shape=(counts.shape[0], len(self.columns))
        )
        x = self.weigh(reduced, self.idf)
        return np.asarray(x @ self._dense_t) + self.intercept[None, :]

    @property
    def _dense_t(self) -> np.ndarray:
        """De-quantised weights, features x topics, computed once (6 MB for 150k features)."""
        dense = self.__dict__.get("_dense_cache")
        if dense is None:
            dense = np.ascontiguousarray((self.weights.astype(np.float32) * self.scale[:, None]).T)
            object.__setattr__(self, "_dense_cache", dense)
        return dense

    def predict(self, texts: list[str]) -> list[str]:
        """The VNTC label of each text."""
        if not texts:
            return []
        scores = self.decision(texts)
        return [self.classes[i] for i in scores.argmax(axis=1)]


_lock = threading.Lock()
_model: TopicModel | None = None


def model() -> TopicModel:
    """The shipped model, loaded on first use."""
    global _model
    with _lock:
        if _model is None:
            _model = TopicModel.load(MODEL_PATH)
        return _model


@lru_cache(maxsize=1)
def _topics() -> dict[str, dict[str, str]]:
    raw: dict[str, dict[str, str]] = json.loads(
        files("lantoa.language").joinpath("data/topics.json").read_text("utf-8")
    )["topics"]
    return raw


def slug(label: str) -> str:
    """VNTC label ("Chinh tri Xa hoi") -> topic slug ("chinh-tri-xa-hoi")."""
    return _topics().get(label, {}).get("slug", label.lower().replace(" ", "-"))


def topic_name(topic_slug: str) -> str:
    """Vietnamese display name of a topic slug."""
    for entry in _topics().values():
        if entry["slug"] == topic_slug:
            return entry["name"]
    return topic_slug


def classify_topic(text: str) -> str | None:
    """Topic slug of ``text``, or None when the text has no words."""
    if not any(ch.isalpha() for ch in text[:_MAX_CHARS]):
        return None
    return slug(model().predict([text])[0])
