"""Alerts: saved searches that fire on every new matching article or on a spike in volume.

A pass (``check_alerts``) turns matches into events and queues one delivery per external channel
in the same transaction (the outbox); unique (alert, article) and (alert, day) constraints make a
second pass, a concurrent pass or a restart unable to create the same event twice. Sending is the
dispatcher's job (``lantoa.web.delivery``).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from lantoa.errors import InputError, NotFound
from lantoa.records import VN_TZ
from lantoa.store.api import Store
from lantoa.web import schema as t
from lantoa.web.query import matches, newest_match_id

log = logging.getLogger(__name__)

CHANNELS = ("app", "email", "webhook")
KINDS = ("new", "spike")
SPIKE_DAYS = 14
SPIKE_MIN = 3


@dataclass(frozen=True)
class Alert:
    id: int
    name: str
    query: str
    kind: str
    channels: tuple[str, ...]
    email_to: str | None
    webhook_url: str | None
    webhook_secret: str | None
    owner_id: int
    active: bool
    last_article_id: int
    spike_factor: float


@dataclass(frozen=True)
class Event:
    id: int
    alert_id: int
    alert_name: str
    article_id: int | None
    day: str | None
    title: str
    url: str | None
    today_count: int | None
    baseline: float | None
    created_at: datetime
    read: bool = False


def _alert(row: object) -> Alert:
    m = row._mapping  # type: ignore[attr-defined]
    return Alert(
        id=m["id"],
        name=m["name"],
        query=m["query"],
        kind=m["kind"],
        channels=tuple(c for c in m["channels"].split(",") if c),
        email_to=m["email_to"],
        webhook_url=m["webhook_url"],
        webhook_secret=m["webhook_secret"],
        owner_id=m["owner_id"],
        active=bool(m["active"]),
        last_article_id=m["last_article_id"],
        spike_factor=m["spike_factor"],
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _validate(
    name: str, query: str, kind: str, channels: Iterable[str], email_to: str | None, webhook_url: str | None
) -> tuple[str, ...]:
    chans = tuple(dict.fromkeys(c for c in channels if c))
    if not name.strip() or len(name) > 200:
        raise InputError("an alert needs a name (at most 200 characters)")
    if not query.strip():
        raise InputError("an alert needs a search query")
    if kind not in KINDS:
        raise InputError(f"unknown alert kind {kind!r}: new or spike")
    if not chans or any(c not in CHANNELS for c in chans):
        raise InputError(f"channels must be among {', '.join(CHANNELS)}")
    if "email" in chans and not (email_to and re.fullmatch(r"[^@\s,]+@[^@\s,]+", email_to)):
        raise InputError("e-mail channel needs one valid address")
    if "webhook" in chans and not (webhook_url and re.match(r"https?://", webhook_url)):
        raise InputError("webhook channel needs an http(s) URL")
    return chans


def create_alert(
    engine: Engine,
    store: Store,
    *,
    name: str,
    query: str,
    owner_id: int,
    kind: str = "new",
    channels: Iterable[str] = ("app",),
    email_to: str | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    spike_factor: float = 3.0,
) -> Alert:
    """Save an alert; it fires only for articles stored after now (existing matches are skipped)."""
    chans = _validate(name, query, kind, channels, email_to, webhook_url)
    secret = (webhook_secret or secrets.token_hex(16)) if "webhook" in chans else None
    with t.writer(engine).begin() as conn:
        new_id = conn.execute(
            t.alerts.insert().values(
                name=name.strip(),
                query=query.strip(),
                kind=kind,
                channels=",".join(chans),
                email_to=email_to or None,
                webhook_url=webhook_url or None,
                webhook_secret=secret,
                owner_id=owner_id,
                active=True,
                last_article_id=newest_match_id(store, query),
                spike_factor=spike_factor,
                created_at=_now(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    return get_alert(engine, int(new_id))


def get_alert(engine: Engine, alert_id: int) -> Alert:
    with engine.connect() as conn:
        row = conn.execute(select(t.alerts).where(t.alerts.c.id == alert_id)).first()
    if row is None:
        raise NotFound(f"no alert {alert_id}")
    return _alert(row)


def list_alerts(engine: Engine, owner_id: int | None = None) -> list[Alert]:
    q = select(t.alerts).order_by(t.alerts.c.id)
    if owner_id is not None:
        q = q.where(t.alerts.c.owner_id == owner_id)
    with engine.connect() as conn:
        return [_alert(r) for r in conn.execute(q)]


def set_active(engine: Engine, alert_id: int, active: bool) -> None:
    with t.writer(engine).begin() as conn:
        conn.execute(t.alerts.update().where(t.alerts.c.id == alert_id).values(active=active))


def delete_alert(engine: Engine, alert_id: int) -> None:
    with t.writer(engine).begin() as conn:
        ev = select(t.alert_events.c.id).where(t.alert_events.c.alert_id == alert_id)
        conn.execute(t.deliveries.delete().where(t.deliveries.c.event_id.in_(ev)))
        conn.execute(t.event_reads.delete().where(t.event_reads.c.event_id.in_(ev)))
        conn.execute(t.alert_events.delete().where(t.alert_events.c.alert_id == alert_id))
        conn.execute(t.alerts.delete().where(t.alerts.c.id == alert_id))


def _queue(conn: Connection, alert: Alert, values: dict[str, object]) -> None:
    """Insert one event and its deliveries in the caller's transaction."""
    event_id = conn.execute(
        t.alert_events.insert().values(alert_id=alert.id, created_at=_now(), **values)
    ).inserted_primary_key[0]  # type: ignore[index]
    for channel in alert.channels:
        if channel != "app":
            conn.execute(
                t.deliveries.insert().values(
                    event_id=event_id, channel=channel, state="pending", attempts=0, next_try_at=_now()
                )
            )


def _check_new(engine: Engine, store: Store, alert: Alert) -> int:
    """One event per new duplicate group: forty sites republishing a story alert once."""
    fresh = matches(store, alert.query, after_id=alert.last_article_id)
    if not fresh:
        return 0
    created = 0
    with t.writer(engine).begin() as conn:
        for match in fresh:
            exists = conn.execute(
                select(t.alert_events.c.id).where(
                    t.alert_events.c.alert_id == alert.id,
                    (t.alert_events.c.article_id == match.id) | (t.alert_events.c.group_id == match.group_id),
                )
            ).first()
            if exists:
                continue
            a = store.get_article(match.id).enriched.article
            _queue(
                conn,
                alert,
                {"article_id": match.id, "group_id": match.group_id, "title": a.title, "url": a.url},
            )
            created += 1
        # Compare-and-set: if another pass moved the mark, roll back rather than double-queue.
        moved = conn.execute(
            t.alerts.update()
            .where(t.alerts.c.id == alert.id, t.alerts.c.last_article_id == alert.last_article_id)
            .values(last_article_id=fresh[-1].id)
        )
        if moved.rowcount != 1:
            raise IntegrityError("alert checked concurrently", None, Exception("concurrent pass"))
    return created


def _today() -> date:
    return datetime.now(VN_TZ).date()


def _check_spike(engine: Engine, store: Store, alert: Alert) -> int:
    today = _today()
    since = today - timedelta(days=SPIKE_DAYS)
    per_day: dict[date, set[int]] = {}
    for match in matches(store, alert.query, since=since - timedelta(days=1)):
        if match.published is None:
            continue
        day = match.published.astimezone(VN_TZ).date()
        if since <= day <= today:
            per_day.setdefault(day, set()).add(match.group_id)
    count = len(per_day.get(today, ()))
    baseline = sum(len(v) for d, v in per_day.items() if d != today) / SPIKE_DAYS
    if count < max(SPIKE_MIN, alert.spike_factor * baseline):
        return 0
    with t.writer(engine).begin() as conn:
        exists = conn.execute(
            select(t.alert_events.c.id).where(
                t.alert_events.c.alert_id == alert.id, t.alert_events.c.day == today.isoformat()
            )
        ).first()
        if exists:
            return 0
        _queue(
            conn,
            alert,
            {
                "day": today.isoformat(),
                "title": alert.name,
                "today_count": count,
                "baseline": round(baseline, 2),
            },
        )
    return 1


def check_alerts(engine: Engine, store: Store) -> int:
    """One pass over the active alerts; return how many events were created."""
    created = 0
    for alert in list_alerts(engine):
        if not alert.active:
            continue
        try:
            created += (_check_new if alert.kind == "new" else _check_spike)(engine, store, alert)
        except IntegrityError:
            log.info("alert %s was checked by another pass; skipped", alert.id)
    return created


# --- events in the app ------------------------------------------------------------------------


def _event_query(user_id: int, owner_id: int | None):  # type: ignore[no-untyped-def]
    read = select(t.event_reads.c.event_id).where(
        t.event_reads.c.user_id == user_id, t.event_reads.c.event_id == t.alert_events.c.id
    )
    q = select(t.alert_events, t.alerts.c.name.label("alert_name"), read.exists().label("read")).join(
        t.alerts, t.alerts.c.id == t.alert_events.c.alert_id
    )
    if owner_id is not None:
        q = q.where(t.alerts.c.owner_id == owner_id)
    return q


def list_events(engine: Engine, user_id: int, owner_id: int | None, limit: int = 50) -> list[Event]:
    q = _event_query(user_id, owner_id).order_by(t.alert_events.c.id.desc()).limit(limit)
    out = []
    with engine.connect() as conn:
        for row in conn.execute(q):
            m = row._mapping
            created = m["created_at"] if m["created_at"].tzinfo else m["created_at"].replace(tzinfo=UTC)
            out.append(
                Event(
                    id=m["id"],
                    alert_id=m["alert_id"],
                    alert_name=m["alert_name"],
                    article_id=m["article_id"],
                    day=m["day"],
                    title=m["title"],
                    url=m["url"],
                    today_count=m["today_count"],
                    baseline=m["baseline"],
                    created_at=created,
                    read=bool(m["read"]),
                )
            )
    return out


_UNREAD_CACHE_S = 3.0
_unread_cache: dict[tuple[str, int, int | None], tuple[float, int]] = {}


def unread_count(engine: Engine, user_id: int, owner_id: int | None, *, cached: bool = False) -> int:
    """Unread events for the bell; ``cached`` allows a value up to 3 s old (every page shows it)."""
    key = (str(engine.url), user_id, owner_id)
    hit = _unread_cache.get(key)
    if cached and hit and time.monotonic() - hit[0] < _UNREAD_CACHE_S:
        return hit[1]
    count = _unread(engine, user_id, owner_id)
    if len(_unread_cache) > 10_000:
        _unread_cache.clear()
    _unread_cache[key] = (time.monotonic(), count)
    return count


def _unread(engine: Engine, user_id: int, owner_id: int | None) -> int:
    read = select(t.event_reads.c.event_id).where(
        t.event_reads.c.user_id == user_id, t.event_reads.c.event_id == t.alert_events.c.id
    )
    q = (
        select(func.count())
        .select_from(t.alert_events.join(t.alerts, t.alerts.c.id == t.alert_events.c.alert_id))
        .where(~read.exists())
    )
    if owner_id is not None:
        q = q.where(t.alerts.c.owner_id == owner_id)
    with engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def mark_read(engine: Engine, user_id: int, owner_id: int | None) -> None:
    """Mark every event the user can see as read."""
    _unread_cache.pop((str(engine.url), user_id, owner_id), None)
    unread = [e.id for e in list_events(engine, user_id, owner_id, limit=10_000) if not e.read]
    with t.writer(engine).begin() as conn:
        for event_id in unread:
            exists = conn.execute(
                select(t.event_reads).where(
                    and_(t.event_reads.c.event_id == event_id, t.event_reads.c.user_id == user_id)
                )
            ).first()
            if not exists:
                conn.execute(t.event_reads.insert().values(event_id=event_id, user_id=user_id))
