"""Foreign leaders and officials named after their title: "Tổng thống Mỹ Joe Biden".

Vietnamese names are found by their family name; foreign names are not, so they are taken only
where a position head announces them, optionally followed by the country or body they serve
("Chủ tịch Trung Quốc Tập Cận Bình", "Tổng Thư ký Liên hợp quốc António Guterres",
"Đại sứ Hoa Kỳ tại Việt Nam Marc Knapper"). One word is enough for a Latin-script surname
("Tổng thống Putin"), never for a Vietnamese-looking syllable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ._lexicon import SP, UPPER, SpanSet, load_toml, word_pattern
from .orgs import body_names

_WORD = (
    rf"(?:[{UPPER}]\.(?=[ \t]+[{UPPER}])"
    rf"|[{UPPER}][^\W\d_{UPPER}]*(?:-[{UPPER}]?[^\W\d_{UPPER}]+)?(?![^\W\d_.])"
    r"|[IVX]{1,4}(?![\w]))"
)
"""A capitalised word of a foreign name, an initial followed by more name ("George W. Bush") or a
regnal number ("Elizabeth II")."""
_ROMAN = re.compile(r"[IVX]{1,4}")
_VI_SYLLABLE = re.compile(
    r"(?:ngh|ch|gh|gi|kh|ng|nh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


@dataclass(frozen=True)
class ForeignHit:
    start: int
    end: int
    name: str
    title: str
    title_start: int


@cache
def _pattern() -> re.Pattern[str]:
    titles = load_toml("titles.toml")
    places = load_toml("places.toml")
    # After a title even a short country name is unambiguous: "Nữ hoàng Anh", "Thủ tướng Bỉ".
    countries = word_pattern([n for name, aliases in places["country"].items() for n in (name, *aliases)])
    heads = word_pattern(titles["foreign_heads"])
    bodies = word_pattern([o for o in body_names() if " " in o or o.isupper()])
    return re.compile(
        rf"(?<![\w])(?P<title>(?P<head>{heads})(?:{SP}(?:{bodies}))?(?:{SP}(?:{countries}))?"
        rf"(?:{SP}tại{SP}(?:{countries}))?)"
        rf"{SP}(?P<name>{_WORD}(?:{SP}{_WORD}){{0,3}})"
    )


_INTRODUCED = re.compile(
    rf"(?<![\w])(?:ông|bà|Ông|Bà|ngài|Ngài)[ \t]+(?P<name>{_WORD}(?:{SP}{_WORD}){{1,3}})"
)
"""A foreign name introduced by "ông"/"bà" rather than a title: "ông Jan Egeland"."""


@cache
def _body_re() -> re.Pattern[str]:
    return re.compile(word_pattern(body_names()) + r"(?![\w])")


def _starts_body(text: str, start: int, name: str) -> bool:
    return bool(_body_re().match(text, start)) or name.split()[0] in _body_starts()


@cache
def _body_starts() -> frozenset[str]:
    return frozenset(load_toml("titles.toml")["body_starts"])


def announces_name(text: str, pos: int) -> bool:
    """True when a title at ``pos`` is followed by the foreign name it belongs to."""
    m = _pattern().match(text, pos)
    if m is None or _starts_body(text, m.start("name"), m.group("name")):
        return False
    first = m.group("name").split()[0]
    return len(m.group("name").split()) > 1 or (first.isascii() and m.group("head") in _single_word_heads())


@cache
def _single_word_heads() -> frozenset[str]:
    return frozenset(load_toml("titles.toml")["foreign_single_word_heads"])


def find_foreign(text: str, taken: SpanSet, surnames: re.Pattern[str]) -> list[ForeignHit]:
    """Foreign names announced by a title, outside ``taken`` spans and not starting with a Vietnamese surname."""
    hits: list[ForeignHit] = []
    for m in _pattern().finditer(text):
        name = m.group("name")
        start = m.start("name")
        if (
            taken.overlaps(start, start + len(name))
            or surnames.match(text, start)
            or _starts_body(text, start, name)
        ):
            continue
        words = name.split()
        # VNTC runs headline and lead together: "Thủ tướng Villepin Cuộc biểu tình..." - a Latin name
        # does not end with a Vietnamese syllable.
        while len(words) > 1 and words[0].isascii() and not words[-1].isascii():
            words.pop()
        name = " ".join(words)
        if len(words) == 1 and (
            not name.isascii()
            or _VI_SYLLABLE.fullmatch(name.lower())
            or len(name) < 4
            or m.group("head") not in _single_word_heads()
        ):
            continue
        if _ROMAN.fullmatch(words[0]):
            continue
        if any(w.isupper() and len(w) > 1 and not _ROMAN.fullmatch(w) and w[-1] != "." for w in words):
            continue  # an acronym: a body, not a person
        hits.append(ForeignHit(start, start + len(name), name, m.group("title"), m.start()))
    for m in _INTRODUCED.finditer(text):
        start = m.start("name")
        words = m.group("name").split()
        while len(words) > 1 and words[0].isascii() and not words[-1].isascii():
            words.pop()
        name = " ".join(words)
        latin = [w for w in words if w.isascii() and not _VI_SYLLABLE.fullmatch(w.lower().rstrip("."))]
        if (
            len(words) < 2
            or not latin
            or surnames.match(text, start)
            or taken.overlaps(start, start + len(name))
        ):
            continue
        if any(w.isupper() and len(w) > 1 and w[-1] != "." for w in words):
            continue
        hits.append(ForeignHit(start, start + len(name), name, "", start))
    return hits
