"""Saved searches: a query kept under a name, so officers rerun it (and the web app alerts on it).

The query is checked by the parser before it is saved, so a saved search always runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from lantoa.errors import InputError, NotFound
from lantoa.search.query import parse
from lantoa.search.schema import saved_searches
from lantoa.store.api import Store

MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    created_at: datetime
    owner: str | None = None


def _name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InputError("a saved search needs a name")
    if len(cleaned) > MAX_NAME_CHARS:
        raise InputError(f"saved search name too long ({len(cleaned)} characters, at most {MAX_NAME_CHARS})")
    return cleaned


def save_search(
    store: Store, name: str, query: str, *, owner: str | None = None, replace: bool = False
) -> SavedSearch:
    """Save ``query`` under ``name``; an existing name is an error unless ``replace``."""
    name = _name(name)
    parse(query)  # raises QuerySyntaxError: never save a query that cannot run
    saved = SavedSearch(name, query, datetime.now(UTC), owner)
    with store.engine.begin() as conn:
        if replace:
            conn.execute(delete(saved_searches).where(saved_searches.c.name == name))
        try:
            conn.execute(
                insert(saved_searches).values(
                    name=saved.name, query=saved.query, created_at=saved.created_at, owner=saved.owner
                )
            )
        except IntegrityError:
            raise InputError(f"a saved search named '{name}' already exists") from None
    return saved


def _row(row: object) -> SavedSearch:
    return SavedSearch(row.name, row.query, row.created_at, row.owner)  # type: ignore[attr-defined]


def list_searches(store: Store, *, owner: str | None = None) -> list[SavedSearch]:
    """Saved searches by name; only ``owner``'s (and shared ones, owner NULL) when given."""
    query = select(saved_searches).order_by(saved_searches.c.name)
    if owner is not None:
        query = query.where((saved_searches.c.owner == owner) | saved_searches.c.owner.is_(None))
    with store.engine.connect() as conn:
        return [_row(r) for r in conn.execute(query)]


def get_search(store: Store, name: str) -> SavedSearch:
    """Raise ``NotFound`` when there is no search of that name."""
    with store.engine.connect() as conn:
        row = conn.execute(select(saved_searches).where(saved_searches.c.name == _name(name))).first()
    if row is None:
        raise NotFound(f"no saved search named '{name}'")
    return _row(row)


def delete_search(store: Store, name: str) -> None:
    """Raise ``NotFound`` when there is no search of that name."""
    with store.engine.begin() as conn:
        deleted = conn.execute(delete(saved_searches).where(saved_searches.c.name == _name(name))).rowcount
    if not deleted:
        raise NotFound(f"no saved search named '{name}'")
