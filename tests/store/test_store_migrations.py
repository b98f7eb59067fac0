"""Migrations apply once, in order, per component, and re-running them changes nothing."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, inspect, select

from lantoa.store.api import open_store, register_migrations, registered_migrations
from lantoa.store.migrations import current_versions
from lantoa.store.schema import CORE_TABLES, schema_versions


def test_migrate_is_idempotent_and_records_versions(db_url: str) -> None:
    store = open_store(db_url, migrate=False)
    try:
        assert current_versions(store.engine) == {}
        first = store.migrate()
        assert "core v1" in first
        assert store.migrate() == []
        versions = current_versions(store.engine)
        assert versions["core"] == len(registered_migrations()["core"])
        tables = set(inspect(store.engine).get_table_names())
        assert {t.name for t in CORE_TABLES} <= tables
    finally:
        store.close()


def test_a_component_series_evolves_on_its_own(db_url: str) -> None:
    meta = MetaData()
    extra = Table("zz_test_extra", meta, Column("id", Integer, primary_key=True))

    def v1(conn) -> None:  # type: ignore[no-untyped-def]
        meta.create_all(conn, tables=[extra])

    def v2(conn) -> None:  # type: ignore[no-untyped-def]
        conn.execute(extra.insert().values(id=7))

    register_migrations("zz_test", [v1])
    try:
        store = open_store(db_url)
        assert current_versions(store.engine)["zz_test"] == 1
        register_migrations("zz_test", [v1, v2])
        assert store.migrate() == ["zz_test v2"]
        assert store.migrate() == []
        with store.engine.connect() as conn:
            assert conn.execute(select(extra.c.id)).scalars().all() == [7]
            rows = conn.execute(select(schema_versions.c.component)).scalars().all()
            assert "core" in rows and "zz_test" in rows
        store.close()
    finally:
        from lantoa.store import api

        api._MIGRATIONS.pop("zz_test", None)
