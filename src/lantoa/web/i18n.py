"""A tiny message catalogue (``messages.json``): Vietnamese first, English available."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources

LANGS = ("vi", "en")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    text = resources.files("lantoa.web").joinpath("messages.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


def translator(lang: str) -> Callable[..., str]:
    """A ``t(key, **values)`` function for one language; unknown keys show as themselves."""
    lang = lang if lang in LANGS else "vi"
    messages = catalogue()

    def t(key: str, **values: object) -> str:
        entry = messages.get(key)
        text = entry.get(lang) or entry["vi"] if entry else key
        return text.format(**values) if values else text

    return t


@cache
def theme_names(lang: str) -> dict[str, str]:
    """Theme slug -> display name in ``lang`` (taxonomy v1)."""
    text = resources.files("lantoa.web").joinpath("themes.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return {slug: names.get(lang) or names["vi"] for slug, names in data.items()}
