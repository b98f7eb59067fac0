"""Field filters of the query language: names, typed values, and the keys the index compares.

Why keys: officers type ``province:nghe an``, ``province:"Nghệ An"`` or ``source:tuoitre``; the
index stores one folded, lower-case key per value so all of them compare equal, on both backends.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any

from lantoa.errors import QuerySyntaxError
from lantoa.search.text import canonical, fold

FIELD_NAMES = frozenset(
    {"theme", "source", "level", "province", "person", "doc", "topic", "date", "after", "before", "relevant"}
)
DateRange = tuple[date | None, date | None]


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return tomllib.loads(files("lantoa.search").joinpath("data/fields.toml").read_text("utf-8"))


def themes() -> tuple[str, ...]:
    return tuple(_data()["themes"])


def key(text: str) -> str:
    """Folded, lower-case, single-spaced form of a name (source, person, topic)."""
    return " ".join(fold(canonical(text)).lower().replace("-", " ").replace("_", " ").split())


def _current_province(name: str) -> str:
    """The current (post-2025) province of an old or new province name, else the name itself."""
    from lantoa.language.entities import resolve_place

    for place in resolve_place(name):
        if place.kind == "province":
            return place.province_now or place.name
    return name


def load_reference_data() -> None:
    """Load what resolving field values reads: the field rules and the index of administrative
    units behind ``province:`` (old and new names). Built on first use otherwise, which made a
    process's first province filter take 150 ms more than the next (benchmarks/RESULTS.md,
    search run 13); a serving process calls this at startup (``lantoa.web.app``)."""
    _data()
    _current_province("Hà Nội")


@lru_cache(maxsize=4096)
def province_key(name: str) -> str:
    """Key of a province, old or new name: "tỉnh Thái Bình" and "Hưng Yên" give "hung yen"."""
    k = key(_current_province(name))
    for prefix in _data()["province"]["prefixes"]:
        if k.startswith(prefix):
            return k[len(prefix) :]
    return k


def doc_key(text: str) -> str:
    """Key of a document symbol: ``57-kl/tw`` and ``57-KL/TW`` compare equal."""
    return "".join(text.split()).upper()


_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_VN_DAY = re.compile(r"^(?:(\d{1,2})/)?(\d{1,2})/(\d{4})$")


def _period(text: str) -> tuple[date, date]:
    """First and last day of ``2024``, ``2024-03``, ``2024-03-05``, ``05/03/2024`` or ``03/2024``."""
    m = _DAY.match(text)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
    else:
        v = _VN_DAY.match(text)
        if not v:
            raise QuerySyntaxError(f"'{text}' is not a date (write 2024-06-30, 30/06/2024, 2024-06 or 2024)")
        day, month, year = v.group(1), v.group(2), v.group(3)
    try:
        y = int(year)
        if month is None:
            return date(y, 1, 1), date(y, 12, 31)
        mo = int(month)
        if day is None:
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        d = date(y, mo, int(day))
        return d, d
    except ValueError as exc:
        raise QuerySyntaxError(f"'{text}' is not a valid date ({exc})") from None


def parse_date_range(value: str) -> DateRange:
    """``a..b`` (either side may be empty) or one period, as inclusive first and last days."""
    if ".." in value:
        lo_text, _, hi_text = value.partition("..")
        lo = _period(lo_text)[0] if lo_text else None
        hi = _period(hi_text)[1] if hi_text else None
        if lo is None and hi is None:
            raise QuerySyntaxError("date:.. needs a start or an end date")
        if lo and hi and lo > hi:
            raise QuerySyntaxError(f"date range {value} ends before it starts")
        return lo, hi
    return _period(value)


def parse_field(name: str, value: str) -> str | bool | DateRange:
    """Validate and type a field value; raise ``QuerySyntaxError`` saying what is accepted."""
    value = value.strip()
    if not value:
        raise QuerySyntaxError(f"'{name}:' needs a value, e.g. {_EXAMPLES[name]}")
    if name == "date":
        return parse_date_range(value)
    if name == "after":
        return _period(value)[1] + timedelta(days=1), None
    if name == "before":
        return None, _period(value)[0] - timedelta(days=1)
    if name == "theme":
        slug = key(value).replace(" ", "-")
        if slug not in themes():
            raise QuerySyntaxError(f"unknown theme '{value}' (themes: {', '.join(themes())})")
        return slug
    if name == "level":
        level = _data()["level_aliases"].get(key(value).replace(" ", "-"))
        if level is None:
            raise QuerySyntaxError(
                f"unknown level '{value}' (levels: central, province, commune, press, foreign, other)"
            )
        return str(level)
    if name == "relevant":
        flag = _data()["bool_aliases"].get(key(value))
        if flag is None:
            raise QuerySyntaxError(f"relevant: takes yes or no, not '{value}'")
        return bool(flag)
    if name == "doc":
        return doc_key(value)
    if name == "province":
        return province_key(value)
    return key(value)  # source, person, topic


_EXAMPLES = {
    "theme": "theme:bien-dao",
    "source": "source:baochinhphu",
    "level": "level:province",
    "province": 'province:"Nghệ An"',
    "person": 'person:"Nguyễn Văn A"',
    "doc": "doc:57-KL/TW",
    "topic": "topic:hoi-nghi",
    "date": "date:2024-01-01..2024-06-30",
    "after": "after:2024-01-01",
    "before": "before:2024-07-01",
    "relevant": "relevant:yes",
}
