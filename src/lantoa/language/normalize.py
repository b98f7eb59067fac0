"""Unicode normalisation of Vietnamese text: NFC, one tone-mark placement, diacritic folding.

Why three forms: the display keeps the text as written; ``canonical`` makes "hoà" and "hòa",
"thuỷ" and "thủy" (both placements are in daily use, often in the same newspaper) one string for
matching and indexing; ``fold`` drops every diacritic (đ -> d) so that a query typed without
accents still finds the article. Both run on every indexed article and every query, so they
are table-driven and cached per syllable.

Canonical placement is the "old style" used by most of the press: on the vowel carrying a
diacritic (â ă ê ô ơ ư; ơ in ươ); else on the last vowel of a closed syllable (hoàn, thuyết);
else on the first vowel of an open two-vowel syllable (hòa, thủy, mùa) or the middle one of a
three-vowel syllable (khuỷu -> khuỷu, ngoài). "qu" and "gi" before a vowel count as consonants.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lantoa.language.legacy import encode_legacy, repair_legacy, vietnamese_score

__all__ = [
    "canonical",
    "encode_legacy",
    "fold",
    "fold_spellings",
    "marked_characters",
    "match_key",
    "nfc",
    "repair_legacy",
    "vietnamese_score",
]

TONES = "\u0300\u0301\u0303\u0309\u0323"
"""Combining grave (huyền), acute (sắc), tilde (ngã), hook (hỏi), dot below (nặng)."""

_VOWELS = set("aăâeêioôơuưy")
_MARKED = set("ăâêôơư")
_WORD = re.compile(r"[^\W\d_]+")
_ALL_VOWELS = "".join(
    sorted(
        {
            c
            for c in (
                unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" for t in ("", *TONES)
            )
        }
    )
)
_CANDIDATE = re.compile(rf"[^\W\d_]*[{_ALL_VOWELS}]{{2}}[^\W\d_]*")
"""Only syllables with two or more vowels can have their tone mark in two places."""


def nfc(text: str) -> str:
    """Unicode NFC: one code point per letter, as every other function here expects."""
    return unicodedata.normalize("NFC", text)


def _split_tone(syllable: str) -> tuple[str, str]:
    """(syllable without its tone mark, in NFC; the tone mark or "")."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = ""
    kept = []
    for ch in decomposed:
        if ch in TONES:
            tone = ch
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _tone_index(base: str) -> int | None:
    """Index in ``base`` (lowercase, toneless, NFC) of the vowel that carries the tone."""
    start = 0
    while start < len(base) and base[start] not in _VOWELS:
        start += 1
    if start == len(base):
        return None
    glide = start and (base[start - 1 : start + 1] in ("qu", "gi"))
    if glide and start + 1 < len(base) and base[start + 1] in _VOWELS:
        start += 1  # "qu" and "gi" before a vowel are consonants: quý, già
    end = start
    while end < len(base) and base[end] in _VOWELS:
        end += 1
    cluster = range(start, end)
    if not cluster:
        return None
    marked = [i for i in cluster if base[i] in _MARKED]
    if marked:
        return marked[-1]
    if end < len(base):
        return end - 1
    size = end - start
    if size == 1:
        return start
    if size == 2:
        return start
    return start + 1


@lru_cache(maxsize=65536)
def _canonical_syllable(word: str) -> str:
    base, tone = _split_tone(word)
    if not tone:
        return base
    lower = base.lower()
    if len(lower) != len(base):
        return nfc(word)
    index = _tone_index(lower)
    if index is None:
        return nfc(word)
    return nfc(base[: index + 1] + tone + base[index + 1 :])


def _canonical_match(match: re.Match[str]) -> str:
    return _canonical_syllable(match.group(0))


def canonical(text: str) -> str:
    """NFC text with every tone mark in one canonical position ("hoà" -> "hòa", "thuỷ" -> "thủy").

    Meant for matching and indexing; show the original text to people.
    """
    return _CANDIDATE.sub(_canonical_match, nfc(text))


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in range(0x00C0, 0x1F00):
        ch = chr(cp)
        decomposed = unicodedata.normalize("NFD", ch)
        if len(decomposed) > 1 and decomposed[0].isascii():
            table[cp] = decomposed[0]
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    table[ord("Ð")] = "D"  # Icelandic eth, often typed for Đ (same glyph)
    table[ord("ð")] = "d"
    for cp in range(0x0300, 0x0370):
        table[cp] = None
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Remove every diacritic, đ/Đ -> d/D: "Đồng chí Nguyễn" -> "Dong chi Nguyen". Case is kept."""
    return text.translate(_FOLD)


@lru_cache(maxsize=1)
def fold_spellings() -> dict[str, str]:
    """For each character that ``fold(ch).lower()`` makes of several, all of them in
    U+0020-U+2FFF (``d`` -> ``DdÐðĐđ``).

    Why: a regular expression spelled with these finds in the original text what its folded
    form finds in the folded text, and the text is not folded: ``str.translate`` looks each
    character up in a dict, which costs more than searching (``lantoa.search.snippet``).
    """
    found: dict[str, list[str]] = {}
    for cp in range(0x20, 0x3000):
        ch = chr(cp)
        key = fold(ch).lower()
        if len(key) == 1:
            found.setdefault(key, []).append(ch)
    return {k: "".join(v) for k, v in found.items() if len(v) > 1}


def marked_characters() -> str:
    """Every character ``fold`` changes or removes: a token holding none of them is its own
    folding. For telling the two apart in SQL (a bracket expression of these in a regular
    expression), which costs a thirtieth of SQL's ``translate`` with the whole table."""
    return "".join(chr(cp) for cp in _FOLD)


def match_key(text: str) -> str:
    """Lower-case canonical form: the key two spellings of one Vietnamese phrase share."""
    return canonical(text).lower()
