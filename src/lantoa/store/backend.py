"""Opening a database: SQLite for paths, PostgreSQL (psycopg 3) for ``postgresql://`` URLs.

SQLite is set up for one writer and many readers on one file: WAL journal, foreign keys on,
a 30 s busy timeout, and transactions begun by us (``BEGIN``, or ``BEGIN IMMEDIATE`` on the write
engine) rather than by the Python driver, whose implicit transactions upgrade read locks to write
locks mid-transaction and then fail at once instead of waiting. Each SQLite connection also gets
the SQL functions components registered (``lantoa.store.api.register_sqlite_function``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

from lantoa.errors import StoreError
from lantoa.store.api import Store, registered_sqlite_functions

WRITE_OPTION = "lantoa_write"


def engine_url(url: str) -> str:
    """SQLAlchemy URL for a path, ``sqlite:///...`` or ``postgresql://...`` (psycopg 3 driver)."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("sqlite:"):
        return url
    if "://" in url:
        raise StoreError(f"unsupported database URL {url!r}: give a SQLite file path or postgresql://...")
    path = Path(url).expanduser()
    if path.parent and not path.parent.exists():
        raise StoreError(f"cannot create database {url}: folder {path.parent} does not exist")
    return f"sqlite:///{path}"


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()
        for name, (nargs, function) in registered_sqlite_functions().items():
            dbapi_conn.create_function(name, nargs, function, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """A configured engine for ``url``; raises ``StoreError`` with a one-line reason."""
    full = engine_url(url)
    try:
        if full.startswith("sqlite"):
            engine = create_engine(full)
            _setup_sqlite(engine)
        else:
            engine = create_engine(full, pool_pre_ping=True, pool_size=5, max_overflow=10)
        with engine.connect():
            pass
    except StoreError:
        raise
    except Exception as exc:  # driver errors vary by backend; one line for the user
        raise StoreError(f"cannot open database {url}: {str(exc).splitlines()[0]}") from exc
    return engine


def open_backend(url: str) -> Store:
    """The ``Store`` for ``url`` (one SQLAlchemy Core implementation serves both backends)."""
    from lantoa.store.migrations import discover
    from lantoa.store.sqlstore import SqlStore

    discover()  # components' schema modules register their SQL functions before a connection opens
    return SqlStore(url, make_engine(url))
