"""Text normalisation for duplicate detection: what counts as "the same text".

NFC (so that decomposed and precomposed Vietnamese letters compare equal), lower case,
punctuation and symbols folded to spaces, runs of whitespace folded to one space. Diacritics
are kept: "Đảng" and "đang" are different words and must not make two stories look alike.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from lantoa.records import Article

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The normalised words (syllables) of a text: runs of letters and digits, NFC, lower case."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def normalize_text(text: str) -> str:
    """NFC, lower case, punctuation and whitespace folded: ``"Hà Nội,  2024!"`` -> ``"hà nội 2024"``."""
    return " ".join(words(text))


def hash_words(tokens: list[str]) -> str:
    """sha256 of normalised words, as ``text_hash`` computes it."""
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()


def text_hash(article: Article) -> str:
    """sha256 of the normalised headline, lead and body: equal hashes mean exact duplicates."""
    return hash_words(words(article.full_text))


def dedup_text(article: Article) -> str:
    """The text near-duplicate detection compares: headline, lead and body.

    The headline is kept: a rewritten headline changes a dozen shingles out of hundreds, while
    leaving it out would leave nothing to compare for the many pages whose headline and lead
    come run together (VNTC's first lines) or whose body is a single short paragraph.
    """
    return article.full_text
