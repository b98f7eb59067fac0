"""The HTTP API under /api/ (JSON; schema at /api/openapi.json), same access rules as the pages.

State-changing calls need the ``X-CSRF-Token`` header (``GET /api/me`` returns it for the session).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from lantoa.errors import InputError
from lantoa.records import Source, SourceLevel
from lantoa.store.api import Store, StoredArticle
from lantoa.web import alerts as al
from lantoa.web.auth import Ctx, admin, editor, viewer
from lantoa.web.crawl import crawl_in_background
from lantoa.web.delivery import list_deliveries
from lantoa.web.exports import FORMATS
from lantoa.web.pages import _search_args, export_response, filters_from
from lantoa.web.query import Sort, search_page
from lantoa.web.users import Role, UserService

router = APIRouter(prefix="/api", tags=["api"])


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@dataclass(frozen=True)
class ArticleOut:
    id: int
    url: str | None
    title: str
    source: str | None
    level: str | None
    published: datetime | str | None
    themes: list[str]
    relevant: bool
    group_id: int
    duplicates: int
    snippet: str | None = None


def _out(a: StoredArticle, snippet: str | None = None) -> ArticleOut:
    art, an = a.enriched.article, a.enriched.analysis
    published = art.published.isoformat() if art.published else None
    return ArticleOut(
        a.id,
        art.url,
        art.title,
        art.source,
        a.source_level,
        published,
        list(an.theme_slugs),
        an.relevant,
        a.group_id,
        a.duplicates,
        snippet,
    )


@router.get("/me")
def me(ctx: Annotated[Ctx, Depends(viewer)]) -> dict[str, Any]:
    """The caller, with the CSRF token to send as ``X-CSRF-Token`` on state-changing calls."""
    u = ctx.user
    return {"username": u.username, "role": u.role.value, "lang": u.lang, "csrf_token": ctx.csrf}


@router.get("/dashboard")
def dashboard(request: Request, ctx: Annotated[Ctx, Depends(viewer)]) -> dict[str, Any]:
    """Dashboard figures for the period and filters (days, since, until, theme, level, province, source)."""
    board = request.app.state.dashboards.get(filters_from(request))
    out = dataclasses.asdict(board)
    out["days"] = [d.isoformat() for d in board.days]
    out["since"], out["until"] = board.since.isoformat(), board.until.isoformat()
    return out


@router.get("/search")
def search(
    request: Request,
    ctx: Annotated[Ctx, Depends(viewer)],
    q: str = "",
    page: int = 1,
    sort: Sort = Sort.RELEVANCE,
) -> dict[str, Any]:
    """One page (20) of hits, one per duplicate group; snippets as (text, is_match) parts.

    Filters: the query language (``theme:iuu level:province date:2025-01..``) or the parameters
    theme, level, source, province, since, until.
    """
    query, sort_, page = _search_args(request)
    result = search_page(_store(request), query, sort_, page, 20, request.app.state.settings.search_window)
    return {
        "query": query,
        "total": result.total,
        "total_exact": result.total_exact,
        "page": page,
        "hits": [dataclasses.asdict(h) for h in result.hits],
        "facets": {k: [list(x) for x in v] for k, v in result.facets.items()},
    }


@router.get("/articles/{article_id}")
def article(request: Request, article_id: int, ctx: Annotated[Ctx, Depends(viewer)]) -> dict[str, Any]:
    """The stored article with its analysis and duplicate group."""
    store = _store(request)
    a = store.get_article(article_id)
    body = dataclasses.asdict(a.enriched)
    body.update(id=a.id, group_id=a.group_id, duplicate_ids=store.duplicate_group(a.group_id))
    return body


@router.get("/export")
def export(request: Request, ctx: Annotated[Ctx, Depends(viewer)], format: str = "csv") -> Response:
    """Every article matching ``q`` and filters, streamed as csv, jsonl or xlsx (no cap)."""
    if format not in FORMATS:
        raise InputError(f"unknown export format {format!r}: csv, jsonl or xlsx")
    q, _, _ = _search_args(request)
    return export_response(_store(request), q, format)


@router.get("/sources")
def sources(request: Request, ctx: Annotated[Ctx, Depends(viewer)]) -> list[dict[str, Any]]:
    """Sources with their health (last fetch, error rate, articles per day, last error)."""
    store = _store(request)
    health = {h.name: h for h in store.source_health()}
    out = []
    for s in store.list_sources():
        row = dataclasses.asdict(s)
        h = health.get(s.name)
        row["health"] = dataclasses.asdict(h) | {"error_rate": h.error_rate} if h else None
        out.append(row)
    return out


class SourceIn(BaseModel):
    name: str
    home_url: str
    level: SourceLevel = SourceLevel.OTHER
    province: str | None = None
    feeds: list[str] = []
    paused: bool = False


@router.post("/sources", status_code=201)
def add_source(request: Request, body: SourceIn, ctx: Annotated[Ctx, Depends(editor)]) -> dict[str, str]:
    """Add or replace a source (editor)."""
    if not body.home_url.startswith(("http://", "https://")):
        raise InputError("the home page must be an http(s) URL")
    source = Source(
        name=body.name.strip(),
        home_url=body.home_url,
        level=body.level,
        province=body.province,
        feeds=tuple(body.feeds),
    )
    source = dataclasses.replace(source, crawl=dataclasses.replace(source.crawl, paused=body.paused))
    _store(request).upsert_source(source)
    return {"name": source.name}


@router.post("/sources/{name}/crawl", status_code=202)
def crawl(
    request: Request, name: str, background: BackgroundTasks, ctx: Annotated[Ctx, Depends(editor)]
) -> dict[str, str]:
    """Start one crawl of the source after the response (editor)."""
    source = _store(request).get_source(name)
    background.add_task(crawl_in_background, request.app.state.settings, _store(request), source)
    return {"status": "started"}


class AlertIn(BaseModel):
    name: str
    query: str
    kind: str = "new"
    channels: list[str] = ["app"]
    email_to: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    spike_factor: float = 3.0


def _owner(ctx: Ctx) -> int | None:
    return None if ctx.user.role is Role.ADMIN else ctx.user.id


@router.get("/alerts")
def alerts(request: Request, ctx: Annotated[Ctx, Depends(viewer)]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(a) for a in al.list_alerts(_store(request).engine, _owner(ctx))]


@router.post("/alerts", status_code=201)
def create_alert(request: Request, body: AlertIn, ctx: Annotated[Ctx, Depends(editor)]) -> dict[str, Any]:
    """Turn a search into an alert (editor); it fires for articles stored from now on."""
    store = _store(request)
    alert = al.create_alert(store.engine, store, owner_id=ctx.user.id, **body.model_dump())
    return dataclasses.asdict(alert)


@router.delete("/alerts/{alert_id}", status_code=204)
def delete_alert(request: Request, alert_id: int, ctx: Annotated[Ctx, Depends(editor)]) -> Response:
    engine = _store(request).engine
    alert = al.get_alert(engine, alert_id)
    owner = _owner(ctx)
    if owner is not None and alert.owner_id != owner:
        raise al.NotFound(f"no alert {alert_id}")
    al.delete_alert(engine, alert_id)
    return Response(status_code=204)


@router.get("/events")
def events(request: Request, ctx: Annotated[Ctx, Depends(viewer)]) -> dict[str, Any]:
    """Alert events the caller can see, newest first, with the unread count (the bell)."""
    engine = _store(request).engine
    owner = _owner(ctx)
    return {
        "unread": al.unread_count(engine, ctx.user.id, owner),
        "events": [dataclasses.asdict(e) for e in al.list_events(engine, ctx.user.id, owner)],
    }


@router.get("/deliveries")
def deliveries(request: Request, ctx: Annotated[Ctx, Depends(editor)]) -> list[dict[str, Any]]:
    """The outbox: each e-mail and webhook delivery with its state, attempts and last error."""
    return [dataclasses.asdict(d) for d in list_deliveries(_store(request).engine)]


class UserIn(BaseModel):
    username: str
    password: str
    role: Role = Role.VIEWER


@router.get("/users")
def users(request: Request, ctx: Annotated[Ctx, Depends(admin)]) -> list[dict[str, Any]]:
    service: UserService = request.app.state.users
    return [dataclasses.asdict(u) for u in service.list()]


@router.post("/users", status_code=201)
def add_user(request: Request, body: UserIn, ctx: Annotated[Ctx, Depends(admin)]) -> dict[str, Any]:
    """Create a user (admin)."""
    service: UserService = request.app.state.users
    return dataclasses.asdict(service.add(body.username, body.password, body.role))
