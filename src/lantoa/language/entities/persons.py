"""People and the official titles attributed to them.

A name is a run of capitalised syllables that starts with a Vietnamese family name
(``data/surnames.txt``). Titles are read after the name, split at the commas of a chain
("Nguyễn Trọng Nghĩa, Bí thư Trung ương Đảng, Trưởng ban Tuyên giáo Trung ương, ..."), after a dash
("Lê Thanh Long – Phó Bí thư Thường trực Thị ủy, Chủ tịch HĐND thị xã"), after a verb of appointment
("được bầu làm Chủ tịch Quốc hội") and before the name ("Bộ trưởng Ngoại giao Bùi Thanh Sơn").
A title starts with a position head of ``data/titles.toml`` and ends at the next comma, punctuation
or verb. Later references ("ông Nghĩa", "đồng chí Trưởng ban", "Thủ tướng") count as mentions of
the one person they can denote. Bylines and "Theo ..." source lines are not people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from lantoa.records import Person

from ._lexicon import (
    CAP_RUN,
    CAP_WORD,
    NAME_WORD,
    SP,
    SpanSet,
    bounded,
    fold,
    load_lines,
    load_toml,
    named_after,
    word_pattern,
)
from .foreign import announces_name, find_foreign
from .places import major_place_names, place_names

_MAX_TITLE_WORDS = 14
_PUNCT = re.compile(r"[,.;:!?()\"“”–—]")
_TRAILING_COMMA = re.compile(r",[ \t]*$")
_NEXT_CAP = re.compile(rf"{SP}{CAP_WORD}")
_SPACES = re.compile(SP)
_NEXT_NAME = re.compile(r"[ \t]+")
_SYLLABLE = re.compile(rf"(?<=[ \t]){CAP_WORD}")


@dataclass
class _Found:
    name: str
    titles: list[str] = field(default_factory=list)
    mentions: int = 0
    first: int = 0


@dataclass(frozen=True)
class PersonHit:
    start: int
    end: int
    name: str


@cache
def _not_persons() -> frozenset[str]:
    return frozenset(fold(n) for n in load_toml("titles.toml")["not_persons"])


def _head_variants(heads: list[str]) -> set[str]:
    """Heads as listed, and as often written: "Phó bí thư thường trực", "phó chủ tịch"."""
    out = set(heads)
    for head in heads:
        first, _, rest = head.partition(" ")
        out.add(f"{first} {rest.lower()}".strip())
        out.add(head.lower())
    return out


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    data = load_toml("titles.toml")
    surnames = word_pattern(load_lines("surnames.txt"))
    heads = word_pattern(_head_variants(data["heads"]))
    mods = word_pattern(data["modifiers"])
    hon = word_pattern(data["honorifics"])
    stops = word_pattern(data["stops"])
    appointed = word_pattern(data["appointed_by"])
    alone = word_pattern(data["alone"])
    return {
        "name": re.compile(bounded(rf"(?:{surnames})(?:{SP}{NAME_WORD}){{1,3}}")),
        "surname": re.compile(rf"(?:{surnames}){SP}"),
        "head": re.compile(rf"(?:(?:{mods}){SP})?(?:{heads})(?![\w])"),
        "stop": re.compile(bounded(rf"(?:{stops})")),
        "sep": re.compile(rf"[ \t]*(?:,|[–—-]|\(){SP}?"),
        "appointed": re.compile(rf"{SP}(?:{appointed}){SP}"),
        "hon_before": re.compile(rf"(?:{hon}){SP}$"),
        "ref_name": re.compile(bounded(rf"(?:{hon}){SP}(?P<given>{CAP_WORD})(?!{SP}{CAP_WORD})")),
        "ref_title": re.compile(bounded(rf"(?:{hon}){SP}(?P<title>(?:{heads})(?:{SP}[\w]+)*)")),
        "alone": re.compile(bounded(rf"(?P<title>{alone})(?!{SP}{CAP_WORD})")),
        "byline": re.compile(
            rf"^[ \t]*(?:{CAP_RUN})(?:[ \t]*(?:[-–—,&/]|và)[ \t]*(?:{CAP_RUN}))*[ \t]*$", re.M
        ),
        "theo": re.compile(r"^[ \t]*(?:Theo|Nguồn)[ \t][^\n]*$", re.M),
    }


_WORD = re.compile(r"[ \t]+([^\s,.;:!?()\"“”–—]+)")


def _read_title(text: str, pos: int, orgs: dict[int, int]) -> tuple[str, int] | None:
    """A title starting exactly at ``pos`` (a head), up to its end; None when no head is there.

    The title ends at punctuation, a verb or conjunction (``stops``), a number, or after
    ``_MAX_TITLE_WORDS`` words; an organisation name inside it is taken whole even when it holds a
    comma or "và" ("Bộ trưởng Bộ Kế hoạch và Đầu tư").
    """
    pats = _patterns()
    head = pats["head"].match(text, pos)
    if head is None:
        return None
    end = head.end()
    words = 0
    after_org = False
    for org_start in range(pos, end):
        if org_start in orgs and orgs[org_start] > end:
            end = orgs[org_start]
            after_org = True
    while words < _MAX_TITLE_WORDS:
        word = _WORD.match(text, end)
        if word is None:
            break
        if word.start(1) in orgs:
            end = orgs[word.start(1)]
            words += 1
            after_org = True
            continue
        token = word.group(1)
        if after_org and not token[0].isupper():
            break  # "Chủ tịch Hội Liên hiệp Phụ nữ VN tâm sự": the body ended, a verb follows
        if pats["stop"].match(text, word.start(1)) or any(c.isdigit() for c in token) or token == "-":
            break
        if token[0].isupper() and pats["head"].match(text, word.start(1)):
            break  # the next title of an unpunctuated chain
        if token[0].isupper() and pats["name"].match(text, word.start(1)):
            break  # "Chủ tịch UBND tỉnh Nghệ An Nguyễn Đức Trung": the name is not part of the title
        end = word.end(1)
        words += 1
    return text[pos:end].strip(), end


def _titles_after(text: str, pos: int, orgs: dict[int, int]) -> tuple[list[str], int]:
    """Titles in the chain after a name, and where the chain ends."""
    pats = _patterns()
    titles: list[str] = []
    appointed = pats["appointed"].match(text, pos)
    if appointed:
        found = _read_title(text, appointed.end(), orgs)
        return ([found[0]], found[1]) if found else ([], pos)
    while True:
        sep = pats["sep"].match(text, pos)
        if sep is None:
            # No punctuation at all: "Nguyễn Trọng Nghĩa Bí thư Trung ương Đảng".
            sep = _SPACES.match(text, pos)
            if sep is None or not pats["head"].match(text, sep.end()):
                break
        found = _read_title(text, sep.end(), orgs)
        if found is None:
            break
        gap = _NEXT_NAME.match(text, found[1])
        if gap is not None and pats["name"].match(text, gap.end()) or announces_name(text, sep.end()):
            break  # "A, Chủ tịch X Nguyễn Văn B": that title is B's
        titles.append(found[0])
        pos = found[1]
    return titles, pos


def _titles_before(text: str, start: int) -> tuple[list[str], int]:
    """Titles written right before a name ("Tổng Bí thư Nguyễn Phú Trọng"), and where they start."""
    pats = _patterns()
    line_start = text.rfind("\n", 0, start) + 1
    window_start = max(line_start, start - 160)
    window = text[window_start:start]
    hon = pats["hon_before"].search(window)
    if hon:
        window = window[: hon.start()]
    titles: list[str] = []
    limit = len(window)
    chain_start = start
    while True:
        best = None
        for m in pats["head"].finditer(window, 0, limit):
            gap = window[m.end() : limit]
            if _PUNCT.search(gap) or len(gap.split()) > 4 or pats["stop"].search(gap):
                continue
            if window[m.start() - 1 : m.start()].isalpha():
                continue
            best = m
            break
        if best is None:
            break
        titles.insert(0, window[best.start() : limit].strip())
        chain_start = window_start + best.start()
        before = window[: best.start()]
        sep = _TRAILING_COMMA.search(before)
        if not sep:
            break
        limit = sep.start()
    return titles, chain_start


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    pats = _patterns()
    spans = [m.span() for m in pats["theo"].finditer(text)]
    spans += [m.span() for m in pats["byline"].finditer(text) if len(m.group(0).split()) <= 8]
    return spans


def find_persons(
    text: str,
    blocked: list[tuple[int, int]] | None = None,
    orgs: list[tuple[int, int]] | None = None,
) -> tuple[list[Person], list[PersonHit]]:
    """People in ``text`` (NFC) with their titles, and where each full name was written.

    ``blocked`` spans (places, organisations) cannot hold a name: "Hà Nội", "Bộ Công Thương";
    ``orgs`` spans are taken whole inside titles.
    """
    org_ends = dict(orgs or ())
    places = place_names()
    not_persons = _not_persons()
    major = major_place_names()
    pats = _patterns()
    skip = SpanSet([*_excluded_spans(text), *(blocked or ())])
    people: dict[str, _Found] = {}
    hits: list[PersonHit] = []
    chains: list[tuple[int, int]] = []
    for m in pats["name"].finditer(text):
        start, end = m.span()
        # Without punctuation a title may follow the name directly: "Nguyễn Trọng Nghĩa Bí thư ...".
        for syllable in _SYLLABLE.finditer(text, start + 1, end):
            if pats["head"].match(text, syllable.start()):
                end = syllable.start() - 1
                break
        name = text[start:end].rstrip()
        end = start + len(name)
        if skip.overlaps(start, end) or pats["head"].match(text, start) or " " not in name:
            continue
        if named_after(text, start) or fold(name) in not_persons:
            continue
        after, chain_end = _titles_after(text, end, org_ends)
        before, chain_start = _titles_before(text, start)
        head_key = fold(" ".join(name.split()[:2]))
        if (
            not (before or after)
            and (fold(name) in places or head_key in major)
            and not pats["hon_before"].search(text, max(0, start - 12), start)
        ):
            continue  # "Hà Nội", "Kim Mã", "Trần Phú" (a ward): a place unless a title or "ông" says otherwise
        key = fold(name)
        found = people.setdefault(key, _Found(name=name, first=start))
        found.mentions += 1
        for title in [*before, *after]:
            if fold(title) not in {fold(t) for t in found.titles}:
                found.titles.append(title)
        hits.append(PersonHit(start, end, name))
        chains.append((min(start, chain_start), chain_end))
    taken = SpanSet([*chains, *(blocked or ())])
    for hit in find_foreign(text, taken, pats["surname"]):
        found = _known_by_part(people, hit.name) or people.setdefault(
            fold(hit.name), _Found(name=hit.name, first=hit.title_start)
        )
        found.mentions += 1
        after, chain_end = _titles_after(text, hit.end, org_ends)
        for title in [hit.title, *after]:
            if title and fold(title) not in {fold(t) for t in found.titles}:
                found.titles.append(title)
        hits.append(PersonHit(hit.start, hit.end, hit.name))
        chains.append((hit.title_start, chain_end))
    _merge_surnames_only(people)
    _link_references(text, people, SpanSet(chains), org_ends)
    persons = [
        Person(name=f.name, titles=_longest_titles(f.titles), mentions=f.mentions)
        for f in sorted(people.values(), key=lambda f: f.first)
    ]
    return persons, hits


def _merge_surnames_only(people: dict[str, _Found]) -> None:
    """ "Thủ tướng Thaksin" then "Thaksin Shinawatra": one person when the full name is unique."""
    for key, found in list(people.items()):
        if " " in found.name:
            continue
        full = [
            f
            for f in people.values()
            if " " in f.name and key in {fold(w) for w in f.name.split()[:: len(f.name.split()) - 1]}
        ]
        if len(full) == 1:
            target = full[0]
            target.mentions += found.mentions
            target.first = min(target.first, found.first)
            target.titles.extend(t for t in found.titles if fold(t) not in {fold(x) for x in target.titles})
            del people[key]


def _known_by_part(people: dict[str, _Found], name: str) -> _Found | None:
    """The one person whose first or last name this single word is ("Biden", "Tập"), if unique."""
    if " " in name:
        return None
    key = fold(name)
    cands = [f for f in people.values() if key in (fold(f.name.split()[0]), fold(f.name.split()[-1]))]
    return cands[0] if len(cands) == 1 else None


def _longest_titles(titles: list[str]) -> tuple[str, ...]:
    """Drop a title that only repeats the start of a fuller one ("Chủ tịch" beside "Chủ tịch Quốc hội")."""
    keys = [fold(t) for t in titles]
    return tuple(
        t
        for t, k in zip(titles, keys, strict=True)
        if not any(o != k and o.startswith(k + " ") for o in keys)
    )


def _link_references(text: str, people: dict[str, _Found], names: SpanSet, orgs: dict[int, int]) -> None:
    """Count "ông Nghĩa", "đồng chí Trưởng ban ...", "Thủ tướng" as mentions of the one person meant."""
    if not people:
        return
    pats = _patterns()
    by_given: dict[str, list[_Found]] = {}
    for person in people.values():
        by_given.setdefault(fold(person.name.split()[-1]), []).append(person)
    counted = SpanSet()
    for m in pats["ref_name"].finditer(text):
        cands = by_given.get(fold(m.group("given")), [])
        if len(cands) == 1 and not names.contains(m.start("given")):
            cands[0].mentions += 1
            counted.add(*m.span())

    def holder(title: str) -> _Found | None:
        """The one person holding this title (exactly, else as the start of a longer title)."""
        key = fold(title)
        exact = [f for f in people.values() if any(fold(t) == key for t in f.titles)]
        if exact:
            return exact[0] if len(exact) == 1 else None
        longer = [f for f in people.values() if any(fold(t).startswith(key) for t in f.titles)]
        return longer[0] if len(longer) == 1 else None

    for m in pats["ref_title"].finditer(text):
        title = m.group("title")
        read = _read_title(text, m.start("title"), orgs)
        if read:
            title = read[0]
        after = text[m.start("title") + len(title) : m.start("title") + len(title) + 3]
        if _NEXT_CAP.match(after) and names.contains(m.start("title") + len(title) + 1):
            continue
        held = holder(title)
        if held is not None:
            held.mentions += 1
            counted.add(m.start(), m.start("title") + len(title))
    for m in pats["alone"].finditer(text):
        if counted.contains(m.start()) or names.contains(m.start()):
            continue
        nxt = text[m.end() : m.end() + 40]
        if _NEXT_CAP.match(nxt):
            continue
        held = holder(m.group("title"))
        if held is not None:
            held.mentions += 1
