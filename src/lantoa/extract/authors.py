"""Bylines -> author names: "NHẬT XUÂN - NGHI VŨ", "Theo TTXVN", "Hữu Lương – Ngọc Ánh".

Rules: several authors split on "-", "–", ",", ";", "/", "và", "and"; "Theo X" is a source
attribution (kept as X: the agency or paper the text comes from, what an officer asks "who
wrote this" about); names in capitals are title-cased; a publisher's name (meta author of many
sites: "baochinhphu.vn", "TUOI TRE ONLINE") is not an author.
"""

from __future__ import annotations

import re

from lantoa.extract.lexicon import lexicon

_SPLIT = re.compile(r"\s*(?:[;,/&|]|\s[-–—]\s?|\s?[-–—]\s|\bvà\b|\band\b|\bund\b|\bet\b)\s*")
_TIGHT_DASH = re.compile(r"(?<=[^\W\d_])[-–—](?=[^\W\d_])")
_URL = re.compile(r"https?://|www\.|\.(?:vn|com|net|org)\b", re.IGNORECASE)
_MAX_WORDS = 5


def _strip_prefix(text: str) -> str:
    lowered = text.lower()
    for prefix in lexicon().byline_prefixes:
        if lowered.startswith(prefix) and (len(text) == len(prefix) or not text[len(prefix)].isalnum()):
            return text[len(prefix) :].strip(" :.-–")
    return text


def _name_word(word: str) -> bool:
    return word[0].isalpha() and all(c.isalpha() or c in "-'’." for c in word)


def looks_like_name(text: str) -> bool:
    """A person's (or agency's) name: 1-5 capitalised words, no digits, no sentence punctuation."""
    words = text.split()
    if not 1 <= len(words) <= _MAX_WORDS or len(text) > 60:
        return False
    if text.lower() in lexicon().agencies:
        return True
    return all(_name_word(w) and (w[0].isupper() or w in ("de", "van", "von", "der")) for w in words)


def is_publisher(name: str, site_names: tuple[str, ...] = ()) -> bool:
    lowered = name.lower()
    if _URL.search(name) or any(lowered == s.lower() for s in site_names if s):
        return True
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", lowered) for w in lexicon().publisher_words)


def _tidy(name: str) -> str:
    name = name.strip(" .:-–—()[]\"'“”")
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and name.lower() not in lexicon().agencies:
        name = " ".join("-".join(p.capitalize() for p in w.split("-")) for w in name.split())
    return name


def split_byline(text: str, site_names: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Names in one byline string, in order, without prefixes, publishers or duplicates."""
    text = re.sub(r"\s+", " ", text or "").strip()
    text = re.sub(r"\s*\(.*?\)\s*", " ", text).strip()
    if not text or len(text) > 200:
        return ()
    text = _strip_prefix(text)
    names: list[str] = []
    pieces: list[str] = []
    for piece in _SPLIT.split(text):
        # "NHẬT XUÂN-NGHI VŨ" is two people, "Dan Jervis-Bardy" one: split an unspaced dash only
        # when every side is a full name of two words or more.
        parts = _TIGHT_DASH.split(piece)
        if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
            pieces += parts
        else:
            pieces.append(piece)
    for piece in pieces:
        piece = _tidy(_strip_prefix(piece.strip()))
        if not piece or not looks_like_name(piece) or is_publisher(piece, site_names):
            if piece and piece.lower() in lexicon().agencies and piece not in names:
                names.append(piece)
            continue
        if piece not in names:
            names.append(piece)
    return tuple(names)


def trailing_byline(paragraphs: list[str], site_names: tuple[str, ...] = ()) -> tuple[tuple[str, ...], int]:
    """Authors on the last lines of a body (and how many lines they take), else ((), 0)."""
    found: list[str] = []
    used = 0
    for line in reversed(paragraphs[-2:]):
        stripped = line.strip()
        if len(stripped) > 80 or stripped.endswith((".", "?", "!", ":")) and not stripped.endswith("."):
            break
        body = stripped.rstrip(".")
        lowered = body.lower()
        if lowered.startswith("theo ") and len(body.split()) <= 6:
            names = split_byline(body, site_names) or (body[5:].strip(),)
        elif any(ch.isdigit() for ch in body) or body.endswith("."):
            break
        else:
            names = split_byline(body, site_names)
            if not names or sum(len(n.split()) for n in names) < len(body.split()) - 2:
                break
        found = [*names, *found]
        used += 1
    return tuple(dict.fromkeys(found)), used
