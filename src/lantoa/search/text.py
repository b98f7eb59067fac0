"""Vietnamese text as the search index sees it: canonical syllables, folded twins, tokens.

Why two forms of every word: officers type with or without diacritics. The index keeps the
*exact* form (NFC, one tone-mark placement, lower case) and the *folded* form (no diacritics,
đ -> d), so "hoi nghi" finds "hội nghị" while "Đảng" typed with its marks ranks the exact
"đảng" above "đang". Index and query go through the same functions, so they always agree.

Tokens are runs of letters and digits (underscore excluded): a Vietnamese syllable is one token,
and a phrase is syllables in order. Tokens never contain quotes, operators or spaces, which is
what makes it safe to hand them to FTS5 or PostgreSQL as quoted lexemes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from lantoa.language.normalize import canonical, fold

__all__ = ["canonical", "fold", "fold_token", "fold_tokens", "has_marks", "token_spans", "tokens"]

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TOKEN_CHARS = 64
"""Longer runs (base64 blobs, URLs glued together) are cut: they are never searched for."""


def tokens(text: str) -> list[str]:
    """Exact tokens of ``text``: canonical, lower case, letters and digits only."""
    found = TOKEN.findall(canonical(text).lower())
    if any(len(t) > MAX_TOKEN_CHARS for t in found):
        found = [t[:MAX_TOKEN_CHARS] for t in found]
    return found


def fold_tokens(exact: list[str]) -> list[str]:
    """Folded twins of exact tokens, in one pass (folding keeps the token boundaries)."""
    return fold(" ".join(exact)).split(" ") if exact else []


def fold_token(token: str) -> str:
    return fold(token).lower()


def has_marks(token: str) -> bool:
    """True when folding changes the token: it was typed with diacritics (or đ)."""
    return fold_token(token) != token


def token_spans(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, exact, folded) of every token in the original ``text``, for highlighting.

    Offsets refer to ``text`` in NFC (callers normalise first; canonicalisation keeps lengths).
    """
    for match in TOKEN.finditer(unicodedata.normalize("NFC", text)):
        exact = canonical(match.group(0)).lower()
        yield match.start(), match.end(), exact, fold_token(exact)
