"""Organisations: Party, State, mass organisations, press and foreign bodies, with full names.

Known bodies and their abbreviations come from ``data/orgs.toml`` (HĐND -> Hội đồng nhân dân,
MTTQ -> Mặt trận Tổ quốc Việt Nam, EC -> Ủy ban châu Âu...). Bodies that exist at every level keep
the level and place written after them ("HĐND thị xã", "Thị ủy Cửa Lò"); when the text names one
unit of that level only, the full name completes it ("Hội đồng nhân dân thị xã Cửa Lò"). A body
that is part of another ("Ban Thường vụ" + "Tỉnh ủy") is joined to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lantoa.records import Location, Organization

from ._lexicon import CAP_RUN, SP, bounded, load_toml, word_pattern
from .places import PlaceHit


@dataclass(frozen=True)
class OrgEntry:
    full: str
    kind: str
    local: bool = False
    attach: bool = False
    needs_level: bool = False


@dataclass(frozen=True)
class OrgHit:
    start: int
    end: int
    org: Organization


_GENERIC_HEADS = {
    "Báo": "press",
    "Tạp chí": "press",
    "Đài Phát thanh và Truyền hình": "press",
    "Đài PT-TH": "press",
    "Sở": "state",
    "Cục": "state",
    "Tổng cục": "state",
    "Viện": "state",
    "Học viện": "state",
    "Bệnh viện": "other",
    "Trường Đại học": "other",
    "Đại học": "other",
    "Công ty": "business",
    "Tập đoàn": "business",
    "Ngân hàng": "business",
    "Hội": "mass",
    "Bộ": "state",
}
_LEVEL_WORDS = {"tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu"}
_COMMITTEE_LEVEL = {
    "Tỉnh ủy": "province",
    "Thành ủy": "province",
    "Huyện ủy": "huyện",
    "Thị ủy": "thị xã",
    "Quận ủy": "quận",
}


_SP_RE = re.compile(SP)
_VI_SYLLABLE = re.compile(
    r"(?:ngh|ch|gh|gi|kh|ng|nh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)
"""An unaccented Vietnamese syllable ("kinh"); a brand such as "Viettel" is not one."""
_ONLY_AS_PART = {"Thường trực", "Văn phòng", "Ban Chấp hành", "BCH"}
_TITLE_BAN = re.compile(r"([Tt]rưởng[ \t]+)ban(?=[ \t])")


@cache
def _entries() -> dict[str, OrgEntry]:
    data = load_toml("orgs.toml")
    table: dict[str, OrgEntry] = {}
    for item in data["orgs"]:
        entry = OrgEntry(
            full=item["full"],
            kind=item["kind"],
            local=item.get("local", False),
            attach=item.get("attach", False),
            needs_level=item.get("needs_level", False),
        )
        for form in (item["full"], *item.get("short", [])):
            table.setdefault(form, entry)
    return table


def body_names() -> list[str]:
    """Every name and short form of a known body (for titles such as "Tổng Thư ký Liên hợp quốc")."""
    return list(_entries())


@cache
def _levels() -> tuple[str, ...]:
    return tuple(load_toml("orgs.toml")["levels"])


@cache
def _org_re() -> re.Pattern[str]:
    known = word_pattern(_entries())
    generic = word_pattern(_GENERIC_HEADS)
    level = word_pattern(_levels())
    return re.compile(
        bounded(rf"(?:(?P<known>{known})|(?P<generic>{generic}){SP}(?P<gname>{CAP_RUN}))")
        + rf"(?P<level>{SP}(?:{level})(?![\w]))?"
    )


@cache
def issuer_pattern() -> str:
    """Regex (no groups) of a body that can issue a document: known names, joined ones ("Ban Thường vụ
    Tỉnh ủy"), with level and place, or a plenum ("Hội nghị lần thứ sáu Ban Chấp hành Trung ương")."""
    known = word_pattern([*_entries(), "Thủ tướng Chính phủ", "Thủ tướng", "Đại hội"])
    level = word_pattern(_levels())
    plenum = rf"Hội nghị(?:{SP}lần{SP}thứ{SP}[^\W\d_]+|{SP}Trung ương{SP}\d{{1,2}})?{SP}"
    return rf"(?:{plenum})?(?:{known})(?:{SP}(?:{known}))*(?:{SP}(?:{level}))?(?:{SP}{CAP_RUN})?"


def _unique_places(locations: list[Location]) -> dict[str, str]:
    """Level word -> the one place of that level the text names (levels naming several are left out)."""
    names: dict[str, set[str]] = {}
    for loc in locations:
        if loc.kind == "province":
            names.setdefault("province", set()).add(loc.name)
        else:
            level, _, name = loc.name.partition(" ")
            if level == "thị" or level == "thành" or level == "đặc":
                more, _, name = name.partition(" ")
                level = f"{level} {more}"
            names.setdefault(level, set()).add(name)
    unique = {level: next(iter(found)) for level, found in names.items() if len(found) == 1}
    if "province" in unique:
        for word in ("tỉnh", "TP", "thành phố"):
            unique.setdefault(word, unique["province"])
    return unique


def find_orgs(text: str, places: list[PlaceHit], skip: list[tuple[int, int]] | None = None) -> list[OrgHit]:
    """Organisations in ``text`` (NFC) in order of first mention; ``places`` complete local bodies."""
    entries = _entries()
    place_at = {p.start: p for p in places}
    unique = _unique_places(
        [p.location for p in places if p.location.kind in ("province", "district", "commune")]
    )
    raw: list[tuple[int, int, str, str, OrgEntry]] = []
    # "Trưởng ban Tuyên giáo" names the body "Ban Tuyên giáo" (same length: offsets hold).
    scan = _TITLE_BAN.sub(lambda m: m.group(1) + "Ban", text)
    for m in _org_re().finditer(scan):
        if skip and any(s <= m.start() < e for s, e in skip):
            continue
        if m.group("known"):
            surface = m.group("known")
            entry = entries[surface]
        else:
            head = m.group("generic")
            gname = m.group("gname")
            # "Sở Giao" (thông vận tải), "Hội An" (a town): one capitalised word is not a name,
            # unless it is an acronym ("Công ty FPT"), a newspaper ("Tạp chí Time") or a brand ("Tập đoàn
            # Viettel": no Vietnamese diacritics).
            kind = _GENERIC_HEADS[head]
            brand = (
                kind in ("business", "other")
                and gname.isascii()
                and not _VI_SYLLABLE.fullmatch(gname.lower())
            )
            if " " not in gname and not gname.isupper() and kind != "press" and not brand:
                continue
            surface = f"{head} {m.group('gname')}"
            entry = OrgEntry(full=surface, kind=_GENERIC_HEADS[head], local=head == "Sở")
        end = m.start() + len(m.group(0)) - len(m.group("level") or "")
        full = entry.full
        level = None
        if entry.local and m.group("level"):
            level = m.group("level").strip()
            end = m.end()
            surface += " " + level
            full += " " + level
        elif entry.needs_level:
            continue
        if surface == "Thường trực" and re.search(
            r"(?:Bí thư|Chủ tịch|[Tt]rưởng)[ \t]+$", text[max(0, m.start() - 12) : m.start()]
        ):
            continue
        if entry.local:
            # A place written right after the body ("Thị ủy Cửa Lò", "UBND tỉnh Nghệ An") belongs to it.
            nxt = _SP_RE.match(text, end)
            pos = nxt.end() if nxt else end
            hit = place_at.get(pos)
            if hit is None and m.group("level"):
                raw_level = m.group("level")
                hit = place_at.get(m.start("level") + len(raw_level) - len(raw_level.lstrip()))
            if hit is not None and hit.end > end:
                tail = text[end : hit.end].strip()
                surface, full, end = f"{surface} {tail}", f"{full} {tail}", hit.end
            else:
                lvl = level or _COMMITTEE_LEVEL.get(entry.full)
                if lvl:
                    place = unique.get(lvl)
                    if place:
                        full = f"{full} {place}"
        elif entry.kind == "state":
            # "Bộ Ngoại giao Nhật Bản", "Quốc hội Hàn Quốc": a foreign body.
            country = place_at.get(end + 1)
            if (
                country is not None
                and country.location.kind == "country"
                and country.location.name != "Việt Nam"
            ):
                tail = text[end : country.end].strip()
                surface, full, end = f"{surface} {tail}", f"{full} {tail}", country.end
                entry = OrgEntry(full=full, kind="foreign")
        raw.append((m.start(), end, surface, full, entry))
    hits: list[OrgHit] = []
    i = 0
    while i < len(raw):
        start, end, surface, full, entry = raw[i]
        # "Ban Thường vụ" + "Tỉnh ủy" -> one body.
        while (
            entry.attach
            and i + 1 < len(raw)
            and _SP_RE.fullmatch(text, end, raw[i + 1][0])
            and (surface != "Thường trực" or raw[i + 1][4].local)
        ):
            _, end2, surface2, full2, entry2 = raw[i + 1]
            surface, full, end = f"{surface} {surface2}", f"{full} {full2}", end2
            entry = OrgEntry(full=full, kind=entry2.kind, local=entry2.local, attach=entry2.attach)
            i += 1
        if surface not in _ONLY_AS_PART:
            hits.append(OrgHit(start, end, Organization(name=surface, full_name=full, kind=entry.kind)))
        i += 1
    return hits


def unique_orgs(hits: list[OrgHit]) -> list[Organization]:
    """One record per body (by full name), in order of first mention."""
    seen: dict[str, Organization] = {}
    for hit in hits:
        seen.setdefault(hit.org.full_name.lower(), hit.org)
    return list(seen.values())
