"""Loads the extractor's data files once (site profiles and lexicons)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any


@dataclass(frozen=True)
class Profile:
    """CSS selectors for the parts of an article on one site (or the shared generic ones)."""

    name: str
    hosts: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    caption: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    cutoff_markers: frozenset[str]
    junk_lines: frozenset[str]
    boilerplate_re: re.Pattern[str]
    """Matches one class/id token that names a non-article block (``related-news``, ``share``)."""
    content_re: re.Pattern[str]
    """Matches class/id strings that may hold the article even when boilerplate_re matches a token."""
    publisher_words: tuple[str, ...]
    agencies: frozenset[str]
    byline_prefixes: tuple[str, ...]
    title_separators: tuple[str, ...]


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(files("lantoa.extract").joinpath(f"data/{name}").read_text("utf-8"))


def _profile(name: str, raw: dict[str, Any]) -> Profile:
    return Profile(
        name=name,
        **{k: tuple(raw.get(k, ())) for k in ("hosts", "body", "lead", "author", "date", "caption", "drop")},
    )


@lru_cache(maxsize=1)
def profiles() -> tuple[Profile, tuple[Profile, ...]]:
    """(generic profile, site profiles)."""
    data = _read("profiles.toml")
    sites = tuple(_profile(s["name"], s) for s in data.get("site", ()))
    return _profile("generic", data["generic"]), sites


def site_profile(host: str | None) -> Profile | None:
    if not host:
        return None
    host = host.lower().split(":")[0]
    for site in profiles()[1]:
        if any(host == h or host.endswith("." + h) for h in site.hosts):
            return site
    return None


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = _read("boilerplate.toml")
    words = "|".join(re.escape(w) for w in sorted(data["boilerplate_classes"], key=len, reverse=True))
    return Lexicon(
        cutoff_markers=frozenset(data["cutoff_markers"]),
        junk_lines=frozenset(data["junk_lines"]),
        boilerplate_re=re.compile(rf"^(?:{words})(?:[-_]|$)|[-_](?:{words})$", re.IGNORECASE),
        content_re=re.compile("|".join(data["content_classes"]), re.IGNORECASE),
        publisher_words=tuple(data["publisher_words"]),
        agencies=frozenset(data["agencies"]),
        byline_prefixes=tuple(sorted(data["byline_prefixes"], key=len, reverse=True)),
        title_separators=tuple(data["title_separators"]),
    )
