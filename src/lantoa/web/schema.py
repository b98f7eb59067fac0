"""Tables of the web app (users, sessions, alerts, delivery outbox), registered as the "web" series.

They live beside the core tables but evolve on their own: ``register_migrations("web", ...)``.
Every user belongs to an agency (central / province / commune) so that the coordination work can
scope rights by place in the hierarchy without changing the user model.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Connection, Engine

from lantoa.store.api import register_migrations
from lantoa.store.backend import WRITE_OPTION
from lantoa.store.schema import UTCDateTime

metadata = MetaData()

agencies = Table(
    "web_agencies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("level", String(20), nullable=False),
    Column("parent_id", Integer, ForeignKey("web_agencies.id"), nullable=True),
)

users = Table(
    "web_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(20), nullable=False),
    Column("agency_id", Integer, ForeignKey("web_agencies.id"), nullable=True),
    Column("lang", String(5), nullable=False, default="vi"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)

sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("web_users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_secret", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

login_attempts = Table(
    "web_login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Index("ix_web_login_attempts_user_ip_at", "username", "ip", "at"),
)

settings_kv = Table(
    "web_settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

alerts = Table(
    "web_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("query", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("channels", String(100), nullable=False),
    Column("email_to", String(300), nullable=True),
    Column("webhook_url", String(1000), nullable=True),
    Column("webhook_secret", String(200), nullable=True),
    Column("owner_id", Integer, ForeignKey("web_users.id"), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("last_article_id", Integer, nullable=False, default=0),
    Column("spike_factor", Float, nullable=False, default=3.0),
    Column("created_at", UTCDateTime, nullable=False),
)

alert_events = Table(
    "web_alert_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("web_alerts.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", Integer, nullable=True),
    Column("group_id", Integer, nullable=True),
    Column("day", String(10), nullable=True),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=True),
    Column("today_count", Integer, nullable=True),
    Column("baseline", Float, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("alert_id", "article_id", name="uq_web_alert_events_article"),
    UniqueConstraint("alert_id", "day", name="uq_web_alert_events_day"),
)

event_reads = Table(
    "web_event_reads",
    metadata,
    Column("event_id", Integer, ForeignKey("web_alert_events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True),
)

deliveries = Table(
    "web_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, ForeignKey("web_alert_events.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("state", String(10), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_try_at", UTCDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    UniqueConstraint("event_id", "channel", name="uq_web_deliveries_event_channel"),
    Index("ix_web_deliveries_state_next", "state", "next_try_at"),
)


def writer(engine: Engine) -> Engine:
    """The engine for write transactions (``BEGIN IMMEDIATE`` on SQLite, so writers queue
    instead of failing when a read lock would have to be upgraded)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def _v1(conn: Connection) -> None:
    """First schema: agencies, users, sessions, login attempts, settings, alerts and the outbox."""
    metadata.create_all(conn, checkfirst=True)


MIGRATIONS = [_v1]
register_migrations("web", MIGRATIONS)
