"""Sentence splitting and word segmentation of Vietnamese text.

Why our own segmenter by default: underthesea's CRF ``word_tokenize`` runs at ~50 articles/s on
one core, which alone would eat the whole stage's budget (benchmarks/language/segment.py has
the figures). Forward longest matching over a 39k-word dictionary (underthesea's Viet39K list,
Apache-2.0, read from the installed package) plus joining runs of capitalised syllables (proper
names) agrees with the CRF on most word boundaries at a fraction of the cost. ``method="crf"``
calls underthesea's model when exact agreement with it matters more than speed.

Sentences end at . ! ? … (and line breaks) followed by a capital, an opening quote or a digit,
except after the abbreviations listed in ``data/abbreviations.json`` (TP., Th.S, PGS., ...).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

_TOKEN = re.compile(
    r"\d+(?:[.,/:-]\d+)*(?:-[A-ZĐ]+(?:/[A-ZĐ]+)*)?"  # numbers, dates, document symbols 57-KL/TW
    r"|[^\W\d_]+(?:[.-][^\W\d_]+)*(?:/[^\W\d_]+)*"  # syllables, abbreviations (Th.S, KL/TW)
    r"|\S",
)
_END = re.compile(r"([.!?…]+[\"”’»)]*)(\s+)(?=[\"“‘«(]?[A-ZĐÀ-Ỹ0-9])")
_MAX_WORD = 4


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    raw = json.loads(files("lantoa.language").joinpath("data/abbreviations.json").read_text("utf-8"))
    return frozenset(a.lower() for a in raw["abbreviations"])


def sentences(text: str) -> list[str]:
    """Split text into sentences; every line break also ends a sentence."""
    out: list[str] = []
    abbreviations = _abbreviations()
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in _END.finditer(line):
            before = line[start : match.start(1)]
            last = before.rsplit(maxsplit=1)[-1] if before.strip() else ""
            if match.group(1) == "." and (last.lower() + "." in abbreviations or _is_initial(last)):
                continue
            out.append(line[start : match.end(1)].strip())
            start = match.end()
        tail = line[start:].strip()
        if tail:
            out.append(tail)
    return out


def _is_initial(word: str) -> bool:
    """A single capital letter before a dot is a name initial (Nguyễn Văn A. is rare; H. Clinton)."""
    return len(word) == 1 and word.isupper()


def tokens(text: str) -> list[str]:
    """Syllables, numbers, symbols and punctuation, in order."""
    return _TOKEN.findall(text)


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    try:
        import underthesea
    except ImportError:  # pragma: no cover - underthesea is a dependency
        return frozenset()
    path = Path(underthesea.__file__).parent / "corpus" / "data" / "Viet39K.txt"
    if not path.is_file():  # pragma: no cover
        return frozenset()
    words = path.read_text("utf-8").splitlines()
    return frozenset(w.strip().lower() for w in words if " " in w.strip())


def _capitalised(token: str) -> bool:
    return token[:1].isupper() and token[:1].isalpha()


def _longest_match(syllables: list[str]) -> list[str]:
    dictionary = _dictionary()
    out: list[str] = []
    i = 0
    lowered = [s.lower() for s in syllables]
    while i < len(syllables):
        if not syllables[i][:1].isalpha():
            out.append(syllables[i])
            i += 1
            continue
        size = 1
        for n in range(min(_MAX_WORD, len(syllables) - i), 1, -1):
            if " ".join(lowered[i : i + n]) in dictionary:
                size = n
                break
        out.append(" ".join(syllables[i : i + size]))
        i += size
    return out


def _fast_words(text: str) -> list[str]:
    toks = tokens(text)
    out: list[str] = []
    pending: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if _capitalised(tok) and "." not in tok:
            j = i
            while j + 1 < len(toks) and _capitalised(toks[j + 1]) and "." not in toks[j + 1]:
                j += 1
            if j > i and not all(t.isupper() for t in toks[i : j + 1]):
                out.extend(_longest_match(pending))
                pending = []
                out.append(" ".join(toks[i : j + 1]))
                i = j + 1
                continue
        pending.append(tok)
        i += 1
    out.extend(_longest_match(pending))
    return out


def words(text: str, *, method: str = "fast") -> list[str]:
    """Words of ``text`` (multi-syllable words joined by spaces: "thông tin", "đối ngoại").

    ``method``: "fast" (dictionary longest match, default) or "crf" (underthesea's model).
    """
    if method == "crf":
        from underthesea import word_tokenize

        return list(word_tokenize(text))
    if method != "fast":
        raise ValueError(f"unknown segmentation method: {method}")
    return _fast_words(text)
