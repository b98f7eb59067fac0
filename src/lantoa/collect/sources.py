"""Sources files (TOML or YAML) to validated ``Source`` records, and back.

Users edit these files by hand, so every mistake is reported with the file, the line of the
source concerned, its name and the field at fault, and nothing is half-loaded: a file with one
bad source is refused as a whole.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lantoa.errors import ConfigError
from lantoa.records import CrawlSettings, Source, SourceLevel

STARTER_FILE = "sources.toml"
_NAME = re.compile(r"^[\w][\w.-]{0,79}$")
_SOURCE_KEYS = {"name", "home_url", "level", "province", "language", "feeds", "sitemaps", "crawl"}
_CRAWL_FIELDS = {f.name: f for f in dataclasses.fields(CrawlSettings)}
_DEFAULT_CRAWL = CrawlSettings()


def _check_url(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: must be a URL string")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: {value!r} is not an http(s) URL")
    return value.strip()


def _crawl(value: Any, where: str) -> CrawlSettings:
    if value is None:
        return CrawlSettings()
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: crawl must be a table")
    unknown = sorted(set(value) - set(_CRAWL_FIELDS))
    if unknown:
        raise ConfigError(f"{where}: unknown crawl setting(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key, raw in value.items():
        kind = type(getattr(_DEFAULT_CRAWL, key))
        field_where = f"{where}: crawl.{key}"
        if kind is bool:
            if not isinstance(raw, bool):
                raise ConfigError(f"{field_where} must be true or false")
            values[key] = raw
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ConfigError(f"{field_where} must be a number")
        if kind is int and not float(raw).is_integer():
            raise ConfigError(f"{field_where} must be a whole number")
        number = kind(raw)
        if number < 0 or (number == 0 and key not in ("max_depth",)):
            raise ConfigError(f"{field_where} must be positive")
        values[key] = number
    return CrawlSettings(**values)


def parse_source(data: Any, where: str) -> Source:
    """One source table to a ``Source``; ``where`` names it in error messages."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: a source must be a table of fields")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{where}: name must be a short identifier (letters, digits, . _ -), got {name!r}")
    where = f"{where} ({name})"
    unknown = sorted(set(data) - _SOURCE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)}")
    if "home_url" not in data:
        raise ConfigError(f"{where}: home_url is required")
    home = _check_url(data["home_url"], f"{where}: home_url")
    level_raw = data.get("level", "other")
    try:
        level = SourceLevel(str(level_raw).lower())
    except ValueError:
        allowed = ", ".join(v.value for v in SourceLevel)
        raise ConfigError(f"{where}: level {level_raw!r} is not one of {allowed}") from None
    province = data.get("province")
    if province is not None and (not isinstance(province, str) or not province.strip()):
        raise ConfigError(f"{where}: province must be a name such as 'Nghệ An'")
    language = data.get("language", "vi")
    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}", language):
        raise ConfigError(f"{where}: language must be a code such as 'vi' or 'en'")
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("feeds", "sitemaps"):
        raw = data.get(key, [])
        if isinstance(raw, str) or not isinstance(raw, list):
            raise ConfigError(f"{where}: {key} must be a list of URLs")
        lists[key] = tuple(_check_url(u, f"{where}: {key}[{i}]") for i, u in enumerate(raw))
    return Source(
        name=name,
        home_url=home,
        level=level,
        province=province.strip() if isinstance(province, str) else None,
        language=language,
        feeds=lists["feeds"],
        sitemaps=lists["sitemaps"],
        crawl=_crawl(data.get("crawl"), where),
    )


def _line_of(text: str, name: Any) -> int | None:
    if not isinstance(name, str):
        return None
    pattern = re.compile(
        r"""^\s*-?\s*["']?name["']?\s*[=:]\s*["']?""" + re.escape(name) + r"""["']?\s*(#.*)?$"""
    )
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def parse_sources_text(text: str, *, fmt: str, label: str) -> list[Source]:
    """Sources of a TOML or YAML document (``fmt`` ``toml`` or ``yaml``)."""
    if fmt == "toml":
        try:
            doc: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{label}: not valid TOML: {exc}") from exc
    else:
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" at line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{label}: not valid YAML{at}: {getattr(exc, 'problem', exc)}") from exc
    if isinstance(doc, list):
        entries = doc
    elif isinstance(doc, Mapping):
        unknown = sorted(set(doc) - {"source", "sources"})
        if unknown:
            raise ConfigError(f"{label}: unknown top-level key(s) {', '.join(unknown)}; expected [[source]]")
        entries = doc.get("source", doc.get("sources", []))
    elif doc is None:
        entries = []
    else:
        raise ConfigError(f"{label}: expected a list of sources")
    if not isinstance(entries, list):
        raise ConfigError(f"{label}: 'source' must be a list of tables ([[source]])")
    sources: list[Source] = []
    names: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        line = _line_of(text, entry.get("name") if isinstance(entry, Mapping) else None)
        where = f"{label}:{line}: source #{index}" if line else f"{label}: source #{index}"
        source = parse_source(entry, where)
        if source.name in names:
            raise ConfigError(f"{where}: duplicate source name {source.name!r}")
        names.add(source.name)
        sources.append(source)
    return sources


def load_sources(path: str | Path) -> list[Source]:
    """Read a sources file; the format follows the extension (.toml, .yaml/.yml)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):
        raise ConfigError(f"{path}: sources file must end in .toml, .yaml or .yml")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"sources file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from exc
    return parse_sources_text(text, fmt="toml" if suffix == ".toml" else "yaml", label=str(path))


def starter_sources() -> list[Source]:
    """The starter list shipped with Lantoa (real Vietnamese sources)."""
    text = resources.files("lantoa.collect").joinpath(STARTER_FILE).read_text(encoding="utf-8")
    return parse_sources_text(text, fmt="toml", label=f"lantoa/collect/{STARTER_FILE}")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def source_to_toml(source: Source) -> str:
    """A ``[[source]]`` block that ``parse_sources_text`` reads back to the same record."""
    lines = ["[[source]]", f"name = {_toml_value(source.name)}", f"home_url = {_toml_value(source.home_url)}"]
    lines.append(f"level = {_toml_value(source.level.value)}")
    if source.province:
        lines.append(f"province = {_toml_value(source.province)}")
    lines.append(f"language = {_toml_value(source.language)}")
    lines.append(f"feeds = {_toml_value(source.feeds)}")
    lines.append(f"sitemaps = {_toml_value(source.sitemaps)}")
    default = CrawlSettings()
    changed = {
        f: getattr(source.crawl, f) for f in _CRAWL_FIELDS if getattr(source.crawl, f) != getattr(default, f)
    }
    if changed:
        lines.append("[source.crawl]")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in changed.items())
    return "\n".join(lines) + "\n"
