"""Shared helpers of the entity finder: data loading, matching keys and compiled word patterns.

Everything here is computed once per process (``functools.cache``) so that finding entities in an
article costs a few regex scans and dictionary look-ups, never a model load.
"""

from __future__ import annotations

import bisect
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

# Vietnamese capital letters (NFC), so that "capitalised syllable" works without \p{Lu}.
UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
CAP_WORD = rf"[{UPPER}][^\W\d_]*"
"""One capitalised syllable ("Nghĩa", "ĐCSVN")."""
SP = r"[ \t]+"
"""Spaces inside one line: a name never runs over a line break."""
CAP_RUN = rf"{CAP_WORD}(?:{SP}{CAP_WORD})*"
NAME_WORD = rf"[{UPPER}][^\W\d_{UPPER}]*(?![^\W\d_])"
"""One syllable of a person's name: capital then small letters ("NộiĐT", glued text, is not one)."""

_TONES = {"\u0300": "2", "\u0301": "1", "\u0309": "3", "\u0303": "4", "\u0323": "5"}


def prepare(text: str) -> str:
    """NFC and plain spaces, keeping offsets meaningful for the rest of the scan."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ").replace("\u200b", " ")


@cache
def fold(name: str) -> str:
    """Matching key of a name: lower case, tone mark moved to the end of each syllable.

    "Hoà Bình" and "Hòa Bình" (old and new tone placement), "Thuỵ"/"Thụy" get the same key, while
    tones still distinguish names ("Hà Nam" vs "Hạ Nam").
    """
    out = []
    for syllable in name.lower().replace("-", " ").split():
        decomposed = unicodedata.normalize("NFD", syllable)
        tone = ""
        kept = []
        for ch in decomposed:
            if ch in _TONES:
                tone = _TONES[ch]
            else:
                kept.append(ch)
        out.append(unicodedata.normalize("NFC", "".join(kept)) + tone)
    return " ".join(out)


def word_pattern(words: Iterable[str]) -> str:
    """One regex alternative for a set of literal phrases, as a trie so that matching stays linear.

    Longest phrases win because a trie branch that can continue is tried before it ends.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return emit(trie)


def bounded(pattern: str) -> str:
    """A pattern that only matches whole words (Vietnamese letters count as word characters)."""
    return rf"(?<![\w]){pattern}(?![\w])"


def _data(name: str) -> Any:
    return resources.files("lantoa.language.entities").joinpath("data").joinpath(name)


@cache
def load_toml(name: str) -> dict[str, Any]:
    with _data(name).open("rb") as fh:
        return tomllib.load(fh)


@cache
def load_lines(name: str) -> tuple[str, ...]:
    text = _data(name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def data_bytes(name: str) -> bytes:
    return bytes(_data(name).read_bytes())


class SpanSet:
    """Non-overlapping spans kept sorted, so that overlap checks stay logarithmic on 5 MB texts."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)
        # The span starting before ``end`` with the largest start is the only one that can overlap,
        # unless spans were merged; check the previous one too for safety.
        for j in (i - 1, i - 2):
            if 0 <= j < len(self._starts) and self._starts[j] < end and start < self._ends[j]:
                return True
        return False

    def contains(self, pos: int) -> bool:
        return self.overlaps(pos, pos + 1)

    def add(self, start: int, end: int) -> None:
        """Add a span; a span overlapping existing ones is merged with them."""
        i = bisect.bisect_left(self._starts, start)
        while i > 0 and self._ends[i - 1] > start:
            i -= 1
        while i < len(self._starts) and self._starts[i] < end:
            start = min(start, self._starts[i])
            end = max(end, self._ends[i])
            del self._starts[i]
            del self._ends[i]
        self._starts.insert(i, start)
        self._ends.insert(i, end)


@cache
def named_after_re() -> re.Pattern[str]:
    """Matches at the end of the text before a name that is a street, river, school... ("đường ")."""
    words = load_toml("titles.toml")["named_after"]
    return re.compile(rf"(?<![\w])(?:{word_pattern(words)})[ \t]+(?:\d+[ \t]+)?$")


def named_after(text: str, start: int) -> bool:
    """True when the name at ``start`` names a street, river, school... rather than a person/province."""
    return named_after_re().search(text, max(0, start - 24), start) is not None
