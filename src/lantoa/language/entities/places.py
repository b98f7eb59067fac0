"""Places: countries, seas, islands, regions, and Vietnamese units before and after July 2025.

An administrative unit is named with its level ("tỉnh Thái Bình", "thị xã Cửa Lò", "xã Đông Phương")
or, for provinces, by name alone. Old units resolve to the unit they were (old code) and to the
province they belong to now (``Location.province_now``), from the table that
``scripts/build-admin-units`` derives from ``../shared/data/admin-units``. Sub-province names are only
taken with a level word (many communes share a name) and are disambiguated by the provinces the
text mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lantoa.records import Location

from ._lexicon import (
    CAP_RUN,
    CAP_WORD,
    SP,
    UPPER,
    SpanSet,
    bounded,
    fold,
    load_toml,
    named_after,
    word_pattern,
)
from .admin import SPECIAL_ALIASES, UNIT_WORD, AdminIndex, Unit, admin_index

# Level words as written in text -> the groups of units they may name.
_LEVELS: dict[str, tuple[str, ...]] = {
    "tỉnh": ("province",),
    "thành phố": ("province", "district"),
    "tp": ("province", "district"),
    "tp.": ("province", "district"),
    "huyện": ("district",),
    "quận": ("district",),
    "thị xã": ("district",),
    "xã": ("commune",),
    "phường": ("commune",),
    "thị trấn": ("commune",),
    "đặc khu": ("commune", "district"),
    # Party committees named after their unit: "Thị ủy Cửa Lò" names thị xã Cửa Lò.
    "tỉnh ủy": ("province",),
    "thành ủy": ("province", "district"),
    "huyện ủy": ("district",),
    "thị ủy": ("district",),
    "quận ủy": ("district",),
    "đảng ủy": ("commune",),
    "ubnd": ("province", "district", "commune"),
    "hđnd": ("province", "district", "commune"),
}


@dataclass(frozen=True)
class PlaceHit:
    """A place found in the text with where it was found (for weighting and overlap checks)."""

    start: int
    end: int
    location: Location


@cache
def _named_places() -> tuple[re.Pattern[str], dict[str, Location]]:
    """Countries, seas, islands and regions: alias -> Location, one trie regex over all aliases."""
    data = load_toml("places.toml")
    island_province = data.get("island_province", {})
    table: dict[str, Location] = {}
    for kind in ("country", "sea", "island", "region"):
        for canonical, aliases in data.get(kind, {}).items():
            loc = Location(name=canonical, kind=kind, province_now=island_province.get(canonical))
            # Only the listed aliases: a canonical name such as "Anh" is too ambiguous alone.
            for alias in aliases:
                table[alias] = loc
    return re.compile(bounded(word_pattern(table))), table


@cache
def _qualified_re() -> re.Pattern[str]:
    levels = sorted({w for w in _LEVELS} | {w.capitalize() for w in _LEVELS} | {"TP", "TP.", "Tp.", "Tp"})
    words = [w for w in levels if w.lower() not in ("ubnd", "hđnd")] + ["UBND", "HĐND"]
    return re.compile(
        rf"(?<![\w])(?P<level>{word_pattern(words)})(?:{SP}|(?<=\.))(?P<name>{CAP_RUN}|\d{{1,2}}(?![\w/]))"
    )


_CAP_RUN_RE = re.compile(CAP_RUN)
_NONSPACE = re.compile(r"\S+")


@cache
def _special_re() -> re.Pattern[str]:
    return re.compile(bounded(word_pattern(SPECIAL_ALIASES)))


_PREV_TITLECASE = re.compile(rf"(?:^|[ \t])[{UPPER}][^\W\d_{UPPER}]*[ \t]+$")
_NEXT_CAP = re.compile(rf"[ \t]+({CAP_WORD})")
_HONORIFIC_BEFORE = re.compile(r"(?:ông|bà|anh|chị|em|cô|chú|bác|đồng chí|Ông|Bà|Anh|Chị)[ \t]+$")


def _choose(cands: list[Unit], context: set[str]) -> list[Unit]:
    """Keep the candidates that fit the provinces the text mentions, preferring current units."""
    if len(cands) <= 1:
        return cands
    fitting = [u for u in cands if u.province_now in context or (u.old_province or "") in context]
    if fitting:
        cands = fitting
    if len({u.province_now for u in cands}) > 1:
        return []
    new = [u for u in cands if u.period == "new"]
    return [new[0]] if new else [cands[0]]


def _address_hints(text: str, following: list[re.Match[str]], end: int) -> list[str]:
    """Folded names of the units written right after a place: "xã Đông Phương, huyện Đông Hưng"."""
    hints = []
    for nxt in following:
        if nxt.start() - end > 60 or "\n" in text[end : nxt.start()]:
            break
        hints.append(fold(nxt.group("name")))
        end = nxt.end()
    return hints


def _narrow(cands: list[Unit], hints: list[str]) -> list[Unit]:
    """The candidates whose district or province is one the address names, if any."""

    def fits(unit: Unit) -> bool:
        parents = [p for p in (unit.district, unit.old_province, unit.province_now) if p]
        return any(h == fold(p) or h.startswith(fold(p) + " ") for h in hints for p in parents)

    narrowed = [u for u in cands if fits(u)]
    return narrowed or cands


def _province_context(text: str, index: AdminIndex) -> set[str]:
    """Province names (old and current) written anywhere in the text, used to disambiguate communes."""
    names: set[str] = set()
    for m in _CAP_RUN_RE.finditer(text):
        words = m.group(0).split()
        for i in range(len(words)):
            for j in range(min(len(words), i + 4), i, -1):
                key = fold(" ".join(words[i:j]))
                if key in index.province_keys:
                    for unit in index.by_key.get(("province", key), ()):
                        names.add(unit.province_now)
                        names.add(unit.name)
    return names


def find_places(text: str, person_spans: list[tuple[int, int]] | None = None) -> list[PlaceHit]:
    """Every place mention in ``text`` (already NFC), in order; sub-province units need a level word."""
    index = admin_index()
    hits: list[PlaceHit] = []
    taken = SpanSet(person_spans or ())

    def free(start: int, end: int) -> bool:
        return not taken.overlaps(start, end)

    context = _province_context(text, index)
    qualified = list(_qualified_re().finditer(text))
    for k, m in enumerate(qualified):
        level = m.group("level").lower()
        groups = _LEVELS.get(level) or _LEVELS.get(level.rstrip("."), ("province", "district"))
        words = m.group("name").split()
        for n in range(min(len(words), 5), 0, -1):
            name = " ".join(words[:n])
            cands = index.lookup(name, groups)
            if not cands:
                continue
            end = m.start("name") + len(name)
            start = m.start("name") if level in ("ubnd", "hđnd") or level.endswith("ủy") else m.start()
            # "phường Đồng Tâm" is not "xã Đồng Tâm": keep the units of the type written, if any.
            typed = [u for u in cands if UNIT_WORD.get(u.type) == level]
            cands = typed or cands
            if len(cands) > 1:
                cands = _narrow(cands, _address_hints(text, qualified[k + 1 : k + 3], end))
            # A province is a province whichever of "tỉnh"/"thành phố" names it.
            provinces = [u for u in cands if u.group == "province"]
            chosen = _choose(provinces or cands, context)
            if chosen:
                loc = chosen[0].location()
            else:
                first = cands[0]
                loc = Location(name=f"{m.group('level').lower()} {name}", kind=first.group)
            if free(start, end):
                hits.append(PlaceHit(start, end, loc))
                taken.add(start, end)
            break
    pattern, table = _named_places()
    for m in pattern.finditer(text):
        start, end = m.span()
        if not free(start, end) or _HONORIFIC_BEFORE.search(text, max(0, start - 12), start):
            continue
        if _PREV_TITLECASE.search(text, max(0, start - 30), start) and not text[start].islower():
            continue
        nxt = _NEXT_CAP.match(text, end)
        if nxt and fold(f"{m.group(0)} {nxt.group(1)}") in index.all_names:
            continue
        hits.append(PlaceHit(start, end, table[m.group(0)]))
        taken.add(start, end)
    leads = set(load_toml("places.toml")["lead_words"])
    leads = set(load_toml("places.toml")["lead_words"])
    for m in _CAP_RUN_RE.finditer(text):
        words = m.group(0).split()
        offsets = [m.start() + off.start() for off in _NONSPACE.finditer(m.group(0))]
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + 4), i, -1):
                key = fold(" ".join(words[i:j]))
                if key not in index.province_keys:
                    continue
                start = offsets[i]
                end = offsets[j - 1] + len(words[j - 1])
                if any(w not in leads for w in words[:i]):
                    break  # "Nguyễn Thái Bình": inside a longer name
                if j < len(words) and fold(" ".join(words[i : j + 1])) in index.all_names:
                    break
                if not free(start, end) or _HONORIFIC_BEFORE.search(text, max(0, start - 12), start):
                    break
                if named_after(text, start):
                    break
                chosen = _choose(index.by_key.get(("province", key), []), context)
                if not chosen:
                    break
                hits.append(PlaceHit(start, end, chosen[0].location()))
                taken.add(start, end)
                i = j - 1
                break
            i += 1
    for m in _special_re().finditer(text):
        if free(*m.span()):
            units = index.by_key.get(("province", fold(m.group(0))), [])
            if units:
                hits.append(PlaceHit(m.start(), m.end(), units[-1].location()))
                taken.add(*m.span())
    hits.sort(key=lambda h: h.start)
    return hits


@cache
def place_names() -> frozenset[str]:
    """Folded names that denote a place: every unit, country, sea, island and region alias."""
    _, table = _named_places()
    return frozenset(admin_index().all_names | {fold(alias) for alias in table})


@cache
def major_place_names() -> frozenset[str]:
    """Folded province, country, sea and island names (not communes: "Lê Thanh" is also a person)."""
    _, table = _named_places()
    return frozenset(admin_index().province_keys | {fold(alias) for alias in table})


def resolve_place(name: str) -> list[Location]:
    """Every unit an old or current name may denote, each followed by the current unit(s) it became.

    "tỉnh Thái Bình" -> [Thái Bình (old code 34, province_now Hưng Yên), Hưng Yên (current)];
    a name without level word is looked up at every level; countries, seas and islands too.
    Unknown names give an empty list.
    """
    from lantoa.language.entities._lexicon import prepare

    text = prepare(name).strip()
    if not text:
        return []
    index = admin_index()
    m = re.match(rf"(?i)({word_pattern(sorted(_LEVELS, key=len, reverse=True))})\.?\s+(.+)$", text)
    if m and m.group(1).lower() in _LEVELS:
        groups = _LEVELS[m.group(1).lower()]
        bare = m.group(2)
    else:
        groups = ("province", "district", "commune")
        bare = text
    out: list[Location] = []
    if text in SPECIAL_ALIASES:  # "TP.HCM", "Sài Gòn", "Thừa Thiên Huế"
        bare, groups = text, ("province",)
    for unit in index.lookup(bare, groups):
        out.append(unit.location())
        if unit.period == "old":
            if unit.group == "province":
                for now in index.lookup(unit.province_now, ("province",)):
                    if now.period == "new":
                        out.append(now.location())
            for code in unit.successors:
                succ = index.new_communes.get(code)
                if succ is not None:
                    out.append(succ.location())
    _, table = _named_places()
    if bare in table:
        out.append(table[bare])
    seen: set[Location] = set()
    return [loc for loc in out if not (loc in seen or seen.add(loc))]  # type: ignore[func-returns-value]
