"""Language identification: is this text Vietnamese, English, or something else?

Why not a general language-ID model: the pipeline calls this on every article, it must run
offline in microseconds, and the one distinction that matters (Vietnamese or not) is easy to
make from letters that only Vietnamese uses and from its syllable shape. Other languages are
told apart by their stopwords (a data file), and by script for the scripts of Vietnam's
neighbours and partners (Chinese, Japanese, Korean, Thai, Khmer, Lao, Cyrillic, Arabic).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib.resources import files

# Letters with diacritics that (in practice) only Vietnamese text carries: ơ ư đ and the
# tone-marked vowels built on â ă ê ô ơ ư, plus tone marks on plain vowels (à á ả ã ạ...).
_VI_ONLY = set("ăâđêôơưằắẳẵặầấẩẫậềếểễệồốổỗộờớởỡợừứửữựảãạẻẽẹỉĩịỏõọủũụỷỹỵỳ")
_VI_ANY = _VI_ONLY | set("àáèéìíòóùúýõã")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SAMPLE_CHARS = 20_000

# Unicode script ranges -> language code, for non-Latin text.
_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0E00, 0x0E7F, "th"),
    (0x0E80, 0x0EFF, "lo"),
    (0x1780, 0x17FF, "km"),
    (0x3040, 0x30FF, "ja"),
    (0xAC00, 0xD7AF, "ko"),
    (0x1100, 0x11FF, "ko"),
    (0x4E00, 0x9FFF, "zh"),
    (0x0400, 0x04FF, "ru"),
    (0x0600, 0x06FF, "ar"),
    (0x0370, 0x03FF, "el"),
    (0x1000, 0x109F, "my"),
)


@lru_cache(maxsize=1)
def _stopwords() -> dict[str, frozenset[str]]:
    raw = json.loads(files("lantoa.language").joinpath("data/stopwords.json").read_text("utf-8"))
    return {lang: frozenset(words) for lang, words in raw.items()}


_NON_LATIN = re.compile(r"[^\u0000-\u024f\u1e00-\u1eff]")


def _script_language(letters: str) -> str | None:
    if not _NON_LATIN.search(letters):
        return None
    counts: dict[str, int] = {}
    latin = 0
    for ch in letters:
        cp = ord(ch)
        if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF:
            latin += 1
            continue
        for lo, hi, lang in _SCRIPTS:
            if lo <= cp <= hi:
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not counts:
        return None
    lang, n = max(counts.items(), key=lambda kv: kv[1])
    if n <= latin:
        return None
    # Japanese text mixes kana and kanji: any kana means Japanese.
    if lang == "zh" and counts.get("ja", 0) > 0:
        return "ja"
    return lang


def detect_language(text: str) -> str:
    """Return "vi", "en", another ISO 639-1 code, or "und" when the text gives too little to tell.

    Vietnamese wins when a good share of its words carry Vietnamese-only letters (a headline is
    enough); else the stopword list with the most hits decides.
    """
    sample = unicodedata.normalize("NFC", text[:_SAMPLE_CHARS]).lower()
    words = _WORD.findall(sample)
    if not words:
        return "und"
    letters = "".join(words)
    script = _script_language(letters)
    if script:
        return script
    vi_words = sum(1 for w in words if any(c in _VI_ONLY for c in w))
    share = vi_words / len(words)
    if share >= 0.15 or (vi_words >= 2 and share >= 0.08):
        return "vi"
    stop = _stopwords()
    hits = {lang: sum(1 for w in words if w in vocab) for lang, vocab in stop.items()}
    best, score = max(hits.items(), key=lambda kv: kv[1])
    if best == "vi-folded":
        best = "vi"  # Vietnamese typed without diacritics (old portals, SMS-style comments)
    if score >= 2 and score / len(words) >= 0.08:
        return best
    if vi_words >= 1 and share >= 0.05:
        return "vi"
    if len(words) <= 3 and hits.get("vi", 0):
        return "vi"
    return "und"


def is_vietnamese(text: str) -> bool:
    """True when ``detect_language`` says "vi"."""
    return detect_language(text) == "vi"
