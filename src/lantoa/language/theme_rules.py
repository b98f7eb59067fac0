"""Theme rules: load and validate the editable TOML file that decides the themes of taxonomy.md.

Why a data file: officers and analysts change what counts as "about the land border" more often
than programmers change code; the rules file (``data/themes.toml``, or a copy named by the
``themes_file`` setting / ``LANTOA_THEMES_FILE``) is read at start and checked line by line, so
a typo gives one clear ``ConfigError`` instead of silently wrong themes. No retraining needed.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from lantoa.errors import ConfigError
from lantoa.language.normalize import canonical
from lantoa.records import Theme

DEFAULT_RULES = Path(str(files("lantoa.language").joinpath("data/themes.toml")))
SLUGS = tuple(theme.value for theme in Theme)
_THEME_KEYS = {
    "slug",
    "name",
    "relevant",
    "threshold",
    "phrases",
    "cased",
    "negative",
    "scope",
    "topics",
    "paragraph_min",
    "countries_in_headline",
}


@dataclass(frozen=True)
class Weights:
    """How much a phrase counts by where it stands, and how often one phrase may count."""

    headline: float = 3.0
    lead: float = 1.5
    body: float = 1.0
    max_count: int = 3
    threshold: float = 4.0
    paragraph_min: float = 2.0
    """A theme also needs its headline, or one paragraph scoring this much, to be "substantial"."""
    max_chars: int = 100_000


@dataclass(frozen=True)
class ThemeRule:
    slug: str
    name: str
    relevant: bool
    threshold: float
    paragraph_min: float
    phrases: dict[str, float]
    """Canonical lower-case phrase -> weight (matched on lower-cased text)."""
    cased: dict[str, float]
    """Phrase -> weight, matched with its case (ASEAN, EC, Nghị quyết)."""
    negative: dict[str, float]
    """Phrase -> weight subtracted (storm words for "Biển Đông" as a weather location)."""
    scope: str
    """"any", or "vietnam": only when the text speaks of Vietnam (``vietnam_cues``)."""
    topics: dict[str, float]
    countries_in_headline: float
    """Score added when the headline names two or more countries (relations between states)."""
    """General-topic slug -> score added (or subtracted) when the article has that topic."""
    pattern: re.Pattern[str] | None
    cased_pattern: re.Pattern[str] | None
    negative_pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class ThemeRules:
    weights: Weights
    themes: tuple[ThemeRule, ...]
    vietnam_cues: re.Pattern[str]
    foreign_after: re.Pattern[str] | None
    """A foreign country right after a phrase ("Quốc hội Singapore", "Thủ tướng Nhật"): the
    phrase does not count for themes with scope "vietnam"."""
    foreign_any: re.Pattern[str] | None
    source: str


def _alternation(phrases: list[str], flags: int = 0) -> re.Pattern[str] | None:
    if not phrases:
        return None
    body = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)


def _weights_table(value: Any, where: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of phrase = weight")
    out: dict[str, float] = {}
    for phrase, weight in value.items():
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            raise ConfigError(f"{where}: weight of {phrase!r} must be a number, got {weight!r}")
        if not phrase.strip():
            raise ConfigError(f"{where}: empty phrase")
        out[phrase] = float(weight)
    return out


def _theme(raw: Any, weights: Weights, where: str) -> ThemeRule:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(raw) - _THEME_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    slug = raw.get("slug")
    if slug not in SLUGS:
        raise ConfigError(f"{where}: slug {slug!r} is not one of taxonomy.md's themes")
    where = f"{where} ({slug})"
    phrases = {
        canonical(p).lower(): w for p, w in _weights_table(raw.get("phrases", {}), f"{where}.phrases").items()
    }
    cased = {canonical(p): w for p, w in _weights_table(raw.get("cased", {}), f"{where}.cased").items()}
    negative = {
        canonical(p).lower(): w
        for p, w in _weights_table(raw.get("negative", {}), f"{where}.negative").items()
    }
    topics = _weights_table(raw.get("topics", {}), f"{where}.topics")
    countries = raw.get("countries_in_headline", 0.0)
    if not isinstance(countries, int | float) or isinstance(countries, bool) or countries < 0:
        raise ConfigError(f"{where}: countries_in_headline must be a number >= 0, got {countries!r}")
    if not phrases and not cased:
        raise ConfigError(f"{where}: no phrases")
    scope = raw.get("scope", "any")
    if scope not in ("any", "vietnam"):
        raise ConfigError(f"{where}: scope must be 'any' or 'vietnam', got {scope!r}")
    relevant = raw.get("relevant", False)
    if not isinstance(relevant, bool):
        raise ConfigError(f"{where}: relevant must be true or false")
    threshold = raw.get("threshold", weights.threshold)
    paragraph_min = raw.get("paragraph_min", weights.paragraph_min)
    for name, value in (("threshold", threshold), ("paragraph_min", paragraph_min)):
        if not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{where}: {name} must be a positive number, got {value!r}")
    return ThemeRule(
        slug=slug,
        name=str(raw.get("name", slug)),
        relevant=relevant,
        threshold=float(threshold),
        paragraph_min=float(paragraph_min),
        phrases=phrases,
        cased=cased,
        negative=negative,
        scope=scope,
        topics=topics,
        countries_in_headline=float(countries),
        pattern=_alternation(list(phrases)),
        cased_pattern=_alternation(list(cased)),
        negative_pattern=_alternation(list(negative)),
    )


def parse_rules(data: dict[str, Any], source: str) -> ThemeRules:
    """Validate a parsed rules file."""
    unknown = sorted(set(data) - {"weights", "themes", "vietnam_cues", "foreign_names", "version"})
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}")
    raw_weights = data.get("weights", {})
    try:
        weights = Weights(**raw_weights)
    except TypeError as exc:
        raise ConfigError(f"{source}: [weights] {exc}") from exc
    for name, value in vars(weights).items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"{source}: [weights] {name} must be a positive number, got {value!r}")
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise ConfigError(f"{source}: needs at least one [[themes]] table")
    themes = tuple(_theme(t, weights, f"{source}: themes[{i}]") for i, t in enumerate(raw_themes))
    seen = [t.slug for t in themes]
    duplicates = sorted({s for s in seen if seen.count(s) > 1})
    if duplicates:
        raise ConfigError(f"{source}: theme(s) defined twice: {', '.join(duplicates)}")
    cues = data.get("vietnam_cues", [])
    if not isinstance(cues, list) or not all(isinstance(c, str) for c in cues) or not cues:
        raise ConfigError(f"{source}: vietnam_cues must be a non-empty list of phrases")
    pattern = _alternation([canonical(c) for c in cues])
    assert pattern is not None
    names = data.get("foreign_names", [])
    if not isinstance(names, list) or not all(isinstance(c, str) and c.strip() for c in names):
        raise ConfigError(f"{source}: foreign_names must be a list of country names")
    foreign = foreign_any = None
    if names:
        body = "|".join(re.escape(canonical(n)) for n in sorted(names, key=len, reverse=True))
        foreign = re.compile(rf"\s*(?:nước\s+|của\s+|tại\s+)?(?:{body})(?!\w)")
        foreign_any = re.compile(rf"(?<!\w)(?:{body})(?!\w)")
    return ThemeRules(
        weights=weights,
        themes=themes,
        vietnam_cues=pattern,
        foreign_after=foreign,
        foreign_any=foreign_any,
        source=source,
    )


def load_rules(path: str | Path | None = None) -> ThemeRules:
    """Read and validate a rules file (default: the file shipped in the package)."""
    path = Path(path) if path else DEFAULT_RULES
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"theme rules file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"theme rules file {path} is not valid TOML: {exc}") from exc
    return parse_rules(data, str(path))


_lock = threading.Lock()
_current: ThemeRules | None = None


def current_rules() -> ThemeRules:
    """The rules in use: set by ``use_rules``, else ``LANTOA_THEMES_FILE`` or the ``themes_file``
    setting, else the shipped file."""
    global _current
    with _lock:
        if _current is None:
            _current = load_rules(os.environ.get("LANTOA_THEMES_FILE") or _settings_rules_path())
        return _current


def use_rules(path: str | Path | None) -> ThemeRules:
    """Switch the rules used by ``analyze`` (None: back to the default); returns them.

    The path is also put in ``LANTOA_THEMES_FILE`` so that worker processes started afterwards
    (``ingest`` with several workers, a Dask cluster on this machine) use the same rules.
    """
    global _current
    if path:
        rules = load_rules(path)
        os.environ["LANTOA_THEMES_FILE"] = str(Path(path).resolve())
    else:
        os.environ.pop("LANTOA_THEMES_FILE", None)
        rules = load_rules(None)
    with _lock:
        _current = rules
    return rules


def _settings_rules_path() -> str | None:
    """The ``themes_file`` setting (environment or lantoa.toml), read once per process."""
    from lantoa.config import Settings

    try:
        return Settings.load().themes_file or None
    except ConfigError:
        return None
