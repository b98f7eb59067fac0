"""A tiny migration runner: ordered steps per component, versions kept in ``schema_versions``.

Components declare their steps with ``lantoa.store.api.register_migrations(component, steps)``
when their ``lantoa.<component>.schema`` module is imported; ``discover()`` imports those modules
so that ``lantoa db migrate`` brings every part of the schema up to date, not only the ones the
current process happened to import. Each step runs in its own transaction together with the
version bump, so a crash never leaves a step half-recorded.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from lantoa.store.api import Migration, register_migrations, registered_migrations
from lantoa.store.schema import CORE_TABLES, schema_versions

COMPONENT_MODULES = ("collect", "extract", "language", "dedup", "search", "web", "coordinate", "report")


def _core_v1(conn: Connection) -> None:
    """Version 1 of the core schema: every table of ``lantoa.store.schema``."""
    from lantoa.store.schema import metadata

    metadata.create_all(conn, tables=list(CORE_TABLES))


CORE_MIGRATIONS: list[Migration] = [_core_v1]
register_migrations("core", CORE_MIGRATIONS)


def discover() -> None:
    """Import ``lantoa.<component>.schema`` of every stage that has one, to register its steps."""
    for name in COMPONENT_MODULES:
        module = f"lantoa.{name}.schema"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def current_versions(engine: Engine) -> dict[str, int]:
    """Applied version of each component (empty before the first migration)."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, schema_versions.name):
            return {}
        rows = conn.execute(select(schema_versions.c.component, schema_versions.c.version))
        return {row.component: int(row.version) for row in rows}


def migrate(engine: Engine) -> list[str]:
    """Apply pending steps of every registered component, core first; return ``component vN`` list."""
    discover()
    with engine.begin() as conn:
        schema_versions.create(conn, checkfirst=True)
    applied: list[str] = []
    steps_by_component = registered_migrations()
    order = ["core", *sorted(c for c in steps_by_component if c != "core")]
    for component in order:
        steps = steps_by_component.get(component, [])
        for index, step in enumerate(steps, start=1):
            with engine.begin() as conn:
                row = conn.execute(
                    select(schema_versions.c.version)
                    .where(schema_versions.c.component == component)
                    .with_for_update()
                ).first()
                version = int(row.version) if row else 0
                if version >= index:
                    continue
                step(conn)
                now = datetime.now(UTC)
                if row is None:
                    conn.execute(
                        insert(schema_versions).values(component=component, version=index, applied_at=now)
                    )
                else:
                    conn.execute(
                        update(schema_versions)
                        .where(schema_versions.c.component == component)
                        .values(version=index, applied_at=now)
                    )
            applied.append(f"{component} v{index}")
    return applied
