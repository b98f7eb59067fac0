"""Detect and convert Vietnamese text in legacy encodings, or decoded with the wrong code page.

Older provincial portals and attached documents still carry TCVN3 (ABC fonts: "C«ng t¸c"),
VNI Windows ("Vieät Nam"), VIQR ("Vie^.t Nam"), and mojibake: UTF-8 read as windows-1252
("Viá»‡t"), or as windows-1258, or windows-1258 bytes read as windows-1252. Each converter
is tried on each suspicious line and the result is kept only when it reads as Vietnamese
markedly better (valid syllables, no stray symbols): a converter is never trusted blindly,
because VNI and TCVN3 reuse letters that are also correct Vietnamese in Unicode.
The tables are data (``data/legacy_encodings.json``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files

_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_NUCLEUS = (
    "(?:uyê|uya|uyu|oai|oay|oeo|uây|uôi|ươi|ươu|iêu|yêu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê|"
    "[aăâeêioôơuưy])"
)
_CODA = "(?:ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(f"^{_ONSET}{_NUCLEUS}{_CODA}$")
_TONES = set("\u0300\u0301\u0303\u0309\u0323")
_TOKEN = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]+")
_NEUTRAL = set(" \t\n\r.,;:!?\"'()[]{}-–—…/%&+*=<>@#$“”‘’«»°·•|\\_~`^0123456789")
# Characters a correct Vietnamese Unicode text almost never holds but legacy text does.
_SUSPECT = re.compile(
    r"[\u0080-\u00bf\u00c4-\u00c7\u00cb\u00ce\u00cf\u00d1\u00d6-\u00d8\u00db\u00dc\u00de\u00df"
    r"\u00e4-\u00e7\u00eb\u00ee\u00ef\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff\u0152\u0153"
    r"\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2020-\u2022\u2030\u2039\u203a\u2122]"
    r"|[aeiouyAEIOUY][\(\^\+][`'?~.]?|dd|DD"
)


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    raw = json.loads(files("lantoa.language").joinpath("data/legacy_encodings.json").read_text("utf-8"))
    return {"tcvn3": raw["tcvn3"], "vni": raw["vni"], **{f"viqr_{k}": v for k, v in raw["viqr"].items()}}


@lru_cache(maxsize=100_000)
def _syllable_ok(token: str) -> bool:
    decomposed = unicodedata.normalize("NFD", token.lower())
    tones = sum(1 for c in decomposed if c in _TONES)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return bool(_SYLLABLE.match(base))


def vietnamese_score(text: str) -> float:
    """Share of letter tokens that are valid Vietnamese syllables, minus stray-symbol density."""
    tokens = _LETTERS.findall(text)
    if not tokens:
        return 0.0
    good = sum(1 for t in tokens if _syllable_ok(t))
    stray = sum(1 for c in text if not c.isalpha() and c not in _NEUTRAL and not c.isspace())
    return good / len(tokens) - 3.0 * stray / max(1, len(text))


def _bytes_as_read(text: str, codec: str) -> bytes | None:
    """The bytes that, decoded with ``codec``, gave ``text`` (browsers keep undefined bytes)."""
    out = bytearray()
    for ch in text:
        if ch == "\ufffd":
            out.append(_LOST)
            continue
        try:
            out += ch.encode(codec)
        except UnicodeEncodeError:
            if ord(ch) < 256:
                out.append(ord(ch))
            else:
                return None
    return bytes(out)


_LOST = 0x00
# Bytes cp1252 leaves undefined; a reader that replaced them with U+FFFD lost which one it was.
_UNDEFINED = (0x9D, 0x81, 0x8D, 0x8F, 0x90)


def _decode_token(raw: bytes, real: str) -> str:
    if _LOST not in raw:
        return raw.decode(real, errors="replace")
    best, best_ok = "", -1
    for byte in _UNDEFINED:
        guess = raw.replace(bytes([_LOST]), bytes([byte])).decode(real, errors="replace")
        ok = sum(1 for t in _LETTERS.findall(guess) if _syllable_ok(t)) - guess.count("\ufffd")
        if ok > best_ok:
            best, best_ok = guess, ok
    return best


def _redecode(text: str, read_as: str, real: str) -> str | None:
    """Undo a wrong decode; a lost byte is guessed per word from what makes a valid syllable."""
    raw = _bytes_as_read(text, read_as)
    if raw is None:
        return None
    parts = re.split(rb"(\s+)", raw)
    return unicodedata.normalize("NFC", "".join(_decode_token(p, real) for p in parts))


def _upper_if_caps(match: re.Match[str]) -> str:
    word = match.group(0)
    ascii_letters = [c for c in word if c.isascii()]
    if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters):
        return word.upper()
    return word


def _from_tcvn3(text: str) -> str | None:
    """TCVN3 keeps toned capitals in a separate font: restore them inside all-caps words."""
    table = _tables()["tcvn3"]
    return _LETTERS.sub(_upper_if_caps, "".join(table.get(c, c) for c in text))


@lru_cache(maxsize=1)
def _vni_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    reverse = {seq: letter for letter, seq in _tables()["vni"].items()}
    keys = sorted(reverse, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)), reverse


def _from_vni(text: str) -> str | None:
    pattern, reverse = _vni_pattern()
    return pattern.sub(lambda m: reverse[m.group(0)], text)


_VIQR = re.compile(r"([aeiouyAEIOUY](?:[\(\^\+])?|dd|DD|Dd)([`'?~.](?=[^\W\d_]|\s+[a-zđ])|[`'?~](?=\W|$))?")


def _from_viqr(text: str) -> str | None:
    mods, tones = _tables()["viqr_modifiers"], _tables()["viqr_tones"]

    def repl(m: re.Match[str]) -> str:
        letter, tone = m.group(1), m.group(2) or ""
        base = mods.get(letter, letter)
        return unicodedata.normalize("NFC", base + tones.get(tone, "")) if tone else base

    return _VIQR.sub(repl, text)


_CONVERTERS: dict[str, Callable[[str], str | None]] = {
    "utf-8/cp1252": lambda t: _redecode(t, "cp1252", "utf-8"),
    "utf-8/cp1258": lambda t: _redecode(t, "cp1258", "utf-8"),
    "cp1258/cp1252": lambda t: _redecode(t, "cp1252", "cp1258"),
    "tcvn3": _from_tcvn3,
    "vni": _from_vni,
    "viqr": _from_viqr,
}
"""Name of the encoding the text really was in (``utf-8/cp1252``: UTF-8 read as cp1252)."""

_GAIN = 0.15


def _repair_line(line: str) -> tuple[str, str | None]:
    if not _SUSPECT.search(line):
        return line, None
    before = vietnamese_score(line)
    best, best_name, best_score = line, None, before + _GAIN
    for name, convert in _CONVERTERS.items():
        try:
            candidate = convert(line)
        except (ValueError, LookupError):
            candidate = None
        if candidate is None or candidate == line:
            continue
        score = vietnamese_score(candidate)
        if score > best_score:
            best, best_name, best_score = candidate, name, score
    return best, best_name


def repair_legacy(text: str) -> tuple[str, str | None]:
    """Return (Unicode NFC text, the legacy encoding found or None when the text was fine).

    Lines are repaired one by one, so a page that mixes a TCVN3 paragraph into Unicode text is
    repaired too; when several encodings are found the most frequent is named, "+"-joined.
    """
    found: Counter[str] = Counter()
    lines = text.split("\n")
    out = []
    for line in lines:
        fixed, name = _repair_line(line)
        out.append(fixed)
        if name:
            found[name] += 1
    if not found:
        return unicodedata.normalize("NFC", text), None
    names = "+".join(n for n, _ in found.most_common())
    return unicodedata.normalize("NFC", "\n".join(out)), names


def encode_legacy(text: str, encoding: str) -> str:
    """Write Unicode Vietnamese as it looks in ``tcvn3`` or ``vni`` (for tests and fixtures)."""
    nfc_text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        reverse: dict[str, str] = {}
        for byte, letter in _tables()["tcvn3"].items():
            reverse.setdefault(letter, byte)
        return "".join(reverse.get(c, reverse.get(c.lower(), c)) for c in nfc_text)
    if encoding == "vni":
        table = _tables()["vni"]
        return "".join(table.get(c, c) for c in nfc_text)
    raise ValueError(f"unknown legacy encoding: {encoding}")
