"""Bytes -> text for web pages whose declared charset cannot be trusted.

Why not just the declared charset: Vietnamese portals still serve windows-1258 (and declare
UTF-8, or ISO-8859-1, or nothing), and some UTF-8 pages carry a few broken bytes from a bad
template. The BOM, the HTTP header and ``<meta charset>`` are therefore hints: a strict UTF-8
decode wins when it succeeds (legacy Vietnamese bytes are practically never valid UTF-8); else each
candidate is scored by how Vietnamese (or at least how clean) the decoded text looks.

Python's cp1258 decoder yields decomposed tone marks (e + U+0301), so every result is NFC.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from lantoa.errors import ExtractionError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# Letters only Vietnamese uses (after NFC): a cp1258 page decoded right is full of them.
_VI_LETTERS = frozenset(
    "ăâđêôơưằắẳẵặầấẩẫậềếểễệồốổỗộờớởỡợừứửữựảạẻẽẹỉĩịỏọủũụỷỹỵỳ"
    "ĂÂĐÊÔƠƯẰẮẲẴẶẦẤẨẪẬỀẾỂỄỆỒỐỔỖỘỜỚỞỠỢỪỨỬỮỰẢẠẺẼẸỈĨỊỎỌỦŨỤỶỸỴỲ"
)
_ALIASES = {"utf8": "utf-8", "latin1": "windows-1252", "iso-8859-1": "windows-1252", "ascii": "windows-1252"}
_MAX_BROKEN_UTF8 = 0.02
"""Share of undecodable sequences among non-ASCII characters under which a page is still UTF-8."""


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def meta_charset(content: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (``<meta charset>`` or http-equiv)."""
    found = _META_CHARSET.search(content[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def _score(text: str) -> float:
    """Higher is more plausible: Vietnamese letters count for, leftovers of a wrong guess against."""
    good = bad = 0
    for ch in text:
        if ch < "\x80":
            continue
        if ch in _VI_LETTERS:
            good += 1
        elif "\x80" <= ch <= "\x9f" or ch == "\ufffd" or unicodedata.combining(ch):
            bad += 3
        elif ch in "ÃÌÒÐÞÕÝÂ¢£¤¥¦§¨ª«¬¯°±²³´µ¶·¸¹º»¼½¾¿×÷þðõý":
            bad += 1
    return good - bad


def decode_html(content: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode page bytes; return (NFC text, encoding used).

    Raises ``ExtractionError`` when nothing decodes the bytes into text.
    """
    for bom, enc in _BOMS:
        if content.startswith(bom):
            try:
                return unicodedata.normalize("NFC", content.decode(enc)), enc.replace("-sig", "")
            except UnicodeDecodeError:
                break
    try:
        return unicodedata.normalize("NFC", content.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass

    hints = [c for c in (_codec(declared), _codec(meta_charset(content))) if c and c != "utf-8"]
    replaced = content.decode("utf-8", errors="replace")
    broken = replaced.count("\ufffd")
    non_ascii = sum(1 for ch in replaced if ch >= "\x80")
    if non_ascii and broken / non_ascii <= _MAX_BROKEN_UTF8 and not hints:
        return unicodedata.normalize("NFC", replaced), "utf-8"

    candidates: list[str] = []
    for name in (*hints, "cp1258", "cp1252"):
        if name not in candidates:
            candidates.append(name)
    best: tuple[float, int, str, str] | None = None
    sample = content[:400_000]
    for rank, name in enumerate(candidates):
        try:
            text = unicodedata.normalize("NFC", sample.decode(name))
        except (UnicodeDecodeError, LookupError):
            continue
        # A hint wins ties: a German page decodes the same under cp1252 and cp1258.
        key = (_score(text), -rank, name, text)
        if best is None or key[:2] > best[:2]:
            best = key
    utf8_key = _score(unicodedata.normalize("NFC", replaced[:400_000]))
    if best is None or utf8_key > best[0]:
        if non_ascii and broken / non_ascii <= 0.2:
            return unicodedata.normalize("NFC", replaced), "utf-8"
        if best is None:
            raise ExtractionError("undecodable bytes: not UTF-8 and no legacy charset fits")
    name = best[2]
    return unicodedata.normalize("NFC", content.decode(name, errors="replace")), name
