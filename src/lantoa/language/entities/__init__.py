"""Entities of a Vietnamese article: people with titles, organisations, places, documents cited.

``find_entities(text, title=...)`` is what the language stage's ``analyze()`` calls; it is pure
rules and lexicons (no model load, a few milliseconds an article). ``resolve_place(name)`` maps an
old or current place name to the unit it was and the unit it is now, for search and dashboards.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from lantoa.records import DocumentRef, Location, Organization, Person

from ._lexicon import prepare
from .documents import find_documents
from .orgs import find_orgs, unique_orgs
from .persons import find_persons
from .places import PlaceHit, find_places, resolve_place

__all__ = ["Entities", "find_entities", "looks_vietnamese", "resolve_place"]

_TITLE_WEIGHT = 3
_ADMIN_KINDS = ("province", "district", "commune")
_VI_LETTERS = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Entities:
    """What ``find_entities`` found, each list in order of first mention."""

    persons: tuple[Person, ...] = ()
    organizations: tuple[Organization, ...] = ()
    locations: tuple[Location, ...] = ()
    documents: tuple[DocumentRef, ...] = ()
    province: str | None = None
    """The current (post July 2025) province the article is mainly about, if any."""


def looks_vietnamese(text: str, sample: int = 20_000) -> bool:
    """True when the text is written in Vietnamese (enough letters carry Vietnamese diacritics).

    Vietnamese prose has a diacritic on roughly every third letter; English or French text has
    almost none, and must not get Vietnamese entities invented from capitalised words.
    """
    head = text[:sample]
    letters = len(_LETTERS.findall(head))
    if letters < 20:
        return bool(_VI_LETTERS.search(head))
    return len(_VI_LETTERS.findall(head)) / letters >= 0.08


def _main_province(hits: list[PlaceHit], title_end: int) -> str | None:
    votes: Counter[str] = Counter()
    first: dict[str, int] = {}
    for hit in hits:
        loc = hit.location
        if loc.kind in _ADMIN_KINDS and loc.province_now:
            votes[loc.province_now] += _TITLE_WEIGHT if hit.start < title_end else 1
            first.setdefault(loc.province_now, hit.start)
    if not votes:
        return None
    return max(votes, key=lambda name: (votes[name], -first[name]))


def find_entities(text: str, *, title: str = "") -> Entities:
    """People, organisations, places and documents of an article; its headline weighs more.

    Never raises on text: empty or non-Vietnamese text gives empty ``Entities``.
    """
    title = prepare(title or "").strip()
    body = prepare(text or "")
    if title and body.lstrip().startswith(title):
        # Callers may pass the full text (headline first) as well as the headline: count it once.
        body = body.lstrip()[len(title) :]
    full = f"{title}\n{body}" if title else body
    if not full.strip() or not looks_vietnamese(full):
        return Entities()
    title_end = len(title) + 1 if title else 0
    places = find_places(full)
    org_hits = find_orgs(full, places)
    blocked = [(p.start, p.end) for p in places] + [(o.start, o.end) for o in org_hits]
    persons, person_hits = find_persons(full, blocked=blocked, orgs=[(o.start, o.end) for o in org_hits])
    locations = list(dict.fromkeys(hit.location for hit in places))
    return Entities(
        persons=tuple(persons),
        organizations=tuple(unique_orgs(org_hits)),
        locations=tuple(locations),
        documents=tuple(find_documents(full)),
        province=_main_province(places, title_end),
    )
