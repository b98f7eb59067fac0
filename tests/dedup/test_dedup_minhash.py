"""Normalisation, shingles, signatures and the verification rule."""

from __future__ import annotations

import numpy as np

from lantoa.dedup import minhash
from lantoa.dedup.minhash import band_keys, compare, estimate_jaccard, shingles, signature
from lantoa.dedup.normalize import normalize_text, text_hash
from lantoa.records import Article


def test_normalisation_folds_case_punctuation_space_and_unicode_forms() -> None:
    decomposed = "Ho\u0300a Bi\u0300nh"  # combining grave accents
    assert normalize_text(decomposed) == normalize_text("Hòa Bình") == "hòa bình"
    assert normalize_text("  Hà Nội,\t2024 -- “Đảng”!  ") == "hà nội 2024 đảng"
    assert normalize_text("Đảng") != normalize_text("đang")  # diacritics are kept


def test_text_hash_ignores_layout_but_not_words() -> None:
    a = Article(url=None, title="Tin A", paragraphs=("Một, hai;  ba.",))
    b = Article(url=None, title="tin a", paragraphs=("một hai ba",))
    c = Article(url=None, title="Tin A", paragraphs=("Một hai bốn.",))
    assert text_hash(a) == text_hash(b) != text_hash(c)


def test_shingles_are_stable_sorted_and_unique(story) -> None:
    text = " ".join(story)
    sh = shingles(text)
    assert sh.dtype == np.uint64 and np.all(np.diff(sh.astype(np.float64)) >= 0)
    assert np.array_equal(sh, shingles(text.upper()))
    assert shingles("").size == 0 and shingles("hai từ").size == 1
    # stable across processes: hashes do not depend on PYTHONHASHSEED
    assert int(shingles("một hai ba bốn năm")[0]) == int(minhash.shingles("Một, hai, ba, bốn, năm.")[0])


def test_signature_estimates_jaccard_and_bands_collide_for_copies(story, other_story) -> None:
    a = shingles(" ".join(story))
    b = shingles(" ".join(story[:-2]))
    c = shingles(" ".join(other_story))
    sa, sb, sc = signature(a), signature(b), signature(c)
    exact = compare(a, b).jaccard
    assert abs(estimate_jaccard(sa, sb) - exact) < 0.2
    assert estimate_jaccard(sa, sc) < 0.1
    assert set(band_keys(sa)) & set(band_keys(sb))
    assert not set(band_keys(sa)) & set(band_keys(sc))
    assert len(set(band_keys(sa))) == minhash.BANDS


def test_verification_rule(story, other_story) -> None:
    full = shingles(" ".join(story))
    trimmed = shingles(" ".join(story[:6]))
    sim = compare(full, trimmed)
    assert sim.containment == 1.0 and sim.jaccard < 0.75 and sim.duplicate
    assert not compare(full, shingles(" ".join(other_story))).duplicate
    tiny = compare(shingles("bão số 4 đổ bộ vào Quảng Bình chiều nay"), full)
    assert tiny.containment < 0.8 and not tiny.duplicate
