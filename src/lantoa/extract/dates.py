"""Vietnamese (and common foreign) date strings -> aware datetimes or dates.

The patterns live in ``data/dates.toml`` so that a new site's odd format is one more line of
data, not code. Rules: a naive time is Vietnamese time (``records.VN_TZ``); a string without a
time gives a ``date``, never a midnight datetime that would pretend to know the hour.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from importlib.resources import files

from lantoa.records import VN_TZ

_VN_OFFSET = timedelta(hours=7)


@dataclass(frozen=True)
class _Pattern:
    name: str
    regex: re.Pattern[str]


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[_Pattern, ...], dict[str, int]]:
    data = tomllib.loads(files("lantoa.extract").joinpath("data/dates.toml").read_text("utf-8"))
    patterns = tuple(
        _Pattern(p["name"], re.compile(p["regex"], re.IGNORECASE | re.UNICODE)) for p in data["pattern"]
    )
    return patterns, {k.lower(): int(v) for k, v in data["months"].items()}


def _zone(raw: str | None) -> tzinfo:
    if not raw:
        return VN_TZ
    if raw.upper() == "Z":
        return UTC
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    offset = sign * timedelta(hours=hours, minutes=minutes)
    return VN_TZ if offset == _VN_OFFSET else timezone(offset)


def _build(groups: dict[str, str | None], months: dict[str, int]) -> datetime | date | None:
    try:
        year = int(groups["year"] or 0)
        if groups.get("monthname"):
            month = months.get((groups["monthname"] or "").lower().rstrip("."), 0)
        else:
            month = int(groups.get("month") or 0)
        day = int(groups["day"] or 0)
        if not 1990 <= year <= 2100:
            return None
        if groups.get("hour") is None:
            return date(year, month, day)
        hour, minute = int(groups["hour"] or 0), int(groups["minute"] or 0)
        second = int(groups.get("second") or 0)
        ampm = (groups.get("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        return datetime(year, month, day, hour, minute, second, tzinfo=_zone(groups.get("tz")))
    except (ValueError, TypeError):
        return None


def parse_date(text: str) -> datetime | date | None:
    """The first date (with its time when shown) found in ``text``, or None.

    >>> parse_date("Thứ hai, 23/10/2023 08:00 (GMT+7)").isoformat()
    '2023-10-23T08:00:00+07:00'
    >>> parse_date("Đăng ngày 11/10/2023")
    datetime.date(2023, 10, 11)
    """
    if not text:
        return None
    text = text[:2000]
    patterns, months = _table()
    # The earliest match in the text wins, the longest at the same place: "23.10.2024 | 16:17 PM
    # - 29.08.2024" is the first date with its time, not the time glued to the second date.
    best: tuple[int, int, datetime | date] | None = None
    for pattern in patterns:
        for found in pattern.regex.finditer(text):
            value = _build(found.groupdict(), months)
            if value is not None:
                key = (found.start(), -(found.end() - found.start()), value)
                if best is None or key[:2] < best[:2]:
                    best = key
                break
    return best[2] if best else None


def same_day(value: datetime | date) -> date:
    """The calendar day of ``value`` in Vietnamese time when it is a datetime."""
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).date() if value.tzinfo else value.date()
    return value
