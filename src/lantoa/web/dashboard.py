"""Dashboard aggregates: volume by theme over time, coverage by level and province, top stories,
documents, people and the latest relevant articles; duplicate groups are counted once.

Aggregate SQL on the core tables computes everything; the result is cached for a minute per
filter set, because officers reload the same morning view many times and the figures do not
need to be fresher than the alert loop.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import ColumnElement, distinct, func, select

from lantoa.records import VN_TZ, Theme
from lantoa.search.fields import province_key as search_province_key
from lantoa.store import schema as core
from lantoa.store.api import ArticleFilter, Store

CACHE_TTL_S = 60.0
THEMES = tuple(theme.value for theme in Theme)
LEVELS = ("central", "province", "commune", "press", "foreign", "other")


@cache
def provinces() -> tuple[tuple[str, str], ...]:
    """(code, official name) of the 34 provinces and cities since 1 July 2025."""
    text = resources.files("lantoa.web").joinpath("provinces.json").read_text(encoding="utf-8")
    return tuple((p["code"], p["name"]) for p in json.loads(text))


def province_key(name: str) -> str:
    """Compare province names whatever their form or age: 'Tỉnh Thái Bình' counts for Hưng Yên."""
    return search_province_key(name)


@dataclass(frozen=True)
class Story:
    article_id: int
    title: str
    source: str | None
    copies: int


@dataclass(frozen=True)
class Latest:
    article_id: int
    title: str
    source: str | None
    published: str


@dataclass(frozen=True)
class Dashboard:
    since: date
    until: date
    days: tuple[date, ...]
    by_theme_day: dict[str, tuple[int, ...]]
    """Theme slug -> groups per day (aligned with ``days``)."""
    total_groups: int
    by_level: tuple[tuple[str, int], ...]
    by_province: tuple[tuple[str, int], ...]
    """All 34 provinces, in official order, with their group counts (zeros included)."""
    top_stories: tuple[Story, ...]
    top_documents: tuple[tuple[str, int], ...]
    top_people: tuple[tuple[str, int], ...]
    latest: tuple[Latest, ...]
    computed_in_s: float


def _where(filters: ArticleFilter, since: date, until: date) -> list[ColumnElement[bool]]:
    a = core.articles
    conds: list[ColumnElement[bool]] = [
        a.c.published_date >= since,
        a.c.published_date <= until,
        a.c.page_type == "article",
    ]
    if filters.source:
        conds.append(a.c.source == filters.source)
    if filters.level:
        conds.append(a.c.level == filters.level)
    if filters.province:
        conds.append(a.c.province == filters.province)
    if filters.relevant is not None:
        conds.append(a.c.relevant.is_(filters.relevant))
    if filters.theme:
        th = core.article_themes.alias("theme_filter")
        conds.append(
            select(th.c.article_id).where(th.c.article_id == a.c.id, th.c.slug == filters.theme).exists()
        )
    return conds


def _groups() -> Any:
    return func.count(distinct(core.articles.c.group_id))


def latest_day(store: Store, today: date) -> date | None:
    """The newest publication day up to ``today`` (one index lookup), to anchor default periods."""
    day = core.articles.c.published_date
    with store.engine.connect() as conn:
        value = conn.execute(select(func.max(day)).where(day <= today)).scalar()
    return value if isinstance(value, date) else None


def compute(store: Store, filters: ArticleFilter) -> Dashboard:
    """Aggregate queries on the core tables (``COUNT(DISTINCT group_id)`` counts stories once)."""
    started = time.perf_counter()
    until = filters.until or datetime.now(VN_TZ).date()
    since = filters.since or until - timedelta(days=29)
    days = tuple(since + timedelta(days=i) for i in range((until - since).days + 1))
    index = {d: i for i, d in enumerate(days)}
    a, th = core.articles, core.article_themes
    where = _where(filters, since, until)
    theme_days: dict[str, list[int]] = {}
    with store.engine.connect() as conn:
        # A story counts once, on the day of its earliest copy in the period (copies published
        # either side of midnight must not count it twice).
        first = (
            select(th.c.slug, a.c.group_id, func.min(a.c.published_date).label("day"))
            .join(th, th.c.article_id == a.c.id)
            .where(*where)
            .group_by(th.c.slug, a.c.group_id)
            .subquery()
        )
        q = select(first.c.slug, first.c.day, func.count()).group_by(first.c.slug, first.c.day)
        for slug, day, n in conn.execute(q):
            if isinstance(day, str):
                day = date.fromisoformat(day)
            if day in index:
                theme_days.setdefault(slug, [0] * len(days))[index[day]] = int(n)
        total = int(conn.execute(select(_groups()).where(*where)).scalar_one())
        level: dict[str, int] = dict(
            conn.execute(
                select(func.coalesce(a.c.level, "other"), _groups()).where(*where).group_by(a.c.level)
            ).all()
        )
        place = func.coalesce(a.c.province, a.c.source_province)
        province: Counter[str] = Counter()
        for name, n in conn.execute(
            select(place, _groups()).where(*where, place.is_not(None)).group_by(place)
        ):
            province[province_key(name)] += int(n)
        size = func.count(a.c.id)
        stories = conn.execute(
            select(a.c.group_id, size)
            .where(*where)
            .group_by(a.c.group_id)
            .order_by(size.desc(), a.c.group_id)
            .limit(10)
        ).all()
        titles = {
            r.id: r
            for r in conn.execute(
                select(a.c.id, a.c.title, a.c.source).where(a.c.id.in_([g for g, _ in stories]))
            )
        }
        d = core.article_documents
        label = func.coalesce(d.c.symbol, d.c.doc_key)
        documents = conn.execute(
            select(label, _groups())
            .join(d, d.c.article_id == a.c.id)
            .where(*where)
            .group_by(label)
            .order_by(_groups().desc(), label)
            .limit(10)
        ).all()
        p = core.article_persons
        people = conn.execute(
            select(p.c.name, _groups())
            .join(p, p.c.article_id == a.c.id)
            .where(*where)
            .group_by(p.c.name)
            .order_by(_groups().desc(), p.c.name)
            .limit(10)
        ).all()
        latest = conn.execute(
            select(a.c.id, a.c.title, a.c.source, a.c.published)
            .where(*where, a.c.relevant.is_(True), a.c.id == a.c.group_id)
            .order_by(a.c.published.desc(), a.c.id.desc())
            .limit(10)
        ).all()
    return Dashboard(
        since=since,
        until=until,
        days=days,
        by_theme_day={k: tuple(theme_days[k]) for k in THEMES if k in theme_days},
        total_groups=total,
        by_level=tuple((lv, int(level.get(lv, 0))) for lv in LEVELS),
        by_province=tuple((name, province.get(province_key(name), 0)) for _, name in provinces()),
        top_stories=tuple(
            Story(g, titles[g].title, titles[g].source, int(n)) for g, n in stories if g in titles
        ),
        top_documents=tuple((str(k), int(n)) for k, n in documents),
        top_people=tuple((str(k), int(n)) for k, n in people),
        latest=tuple(
            Latest(
                r.id,
                r.title,
                r.source,
                r.published.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if r.published else "",
            )
            for r in latest
        ),
        computed_in_s=time.perf_counter() - started,
    )


class DashboardCache:
    """Per-filter cache: fresh for ``ttl_s``; after that the old figures are served while one
    background thread recomputes them, so only the very first view of a filter set waits."""

    def __init__(self, store: Store, ttl_s: float = CACHE_TTL_S) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._entries: dict[ArticleFilter, tuple[float, Dashboard]] = {}
        self._refreshing: set[ArticleFilter] = set()
        self._compute_locks: dict[ArticleFilter, threading.Lock] = {}

    def _store_entry(self, filters: ArticleFilter, board: Dashboard) -> None:
        with self._lock:
            if len(self._entries) > 200:
                self._entries.clear()
                self._compute_locks.clear()
            self._entries[filters] = (time.monotonic(), board)
            self._refreshing.discard(filters)

    def _refresh(self, filters: ArticleFilter) -> None:
        try:
            self._store_entry(filters, compute(self.store, filters))
        finally:
            with self._lock:
                self._refreshing.discard(filters)

    def get(self, filters: ArticleFilter) -> Dashboard:
        with self._lock:
            entry = self._entries.get(filters)
            if entry is not None:
                if time.monotonic() - entry[0] >= self.ttl_s and filters not in self._refreshing:
                    self._refreshing.add(filters)
                    threading.Thread(target=self._refresh, args=(filters,), daemon=True).start()
                return entry[1]
            compute_lock = self._compute_locks.setdefault(filters, threading.Lock())
        with compute_lock:  # concurrent first views of one filter set wait for one computation
            with self._lock:
                entry = self._entries.get(filters)
            if entry is not None:
                return entry[1]
            board = compute(self.store, filters)
            self._store_entry(filters, board)
            return board

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
