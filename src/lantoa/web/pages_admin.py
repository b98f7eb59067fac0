"""Pages that change things: sources (editor), alerts (editor), users (admin), language choice."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lantoa.errors import InputError
from lantoa.records import Source, SourceLevel
from lantoa.store.api import Store
from lantoa.web import alerts as al
from lantoa.web.auth import Ctx, admin, editor, viewer
from lantoa.web.crawl import crawl_in_background
from lantoa.web.delivery import list_deliveries
from lantoa.web.render import render
from lantoa.web.users import Role, UserService

router = APIRouter(include_in_schema=False)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


# --- sources ----------------------------------------------------------------------------------


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, ctx: Annotated[Ctx, Depends(viewer)], edit: str | None = None) -> Response:
    store = _store(request)
    health = {h.name: h for h in store.source_health()}
    listed = store.list_sources()
    editing = next((s for s in listed if s.name == edit), None)
    return render(
        request,
        "sources.html",
        ctx.lang,
        ctx=ctx,
        sources=listed,
        health=health,
        editing=editing,
        levels=[lv.value for lv in SourceLevel],
        message=request.query_params.get("msg"),
    )


def _source_from_form(
    name: str, home_url: str, level: str, province: str, feeds: str, old: Source | None
) -> Source:
    if not name.strip() or len(name) > 200:
        raise InputError("a source needs a name (at most 200 characters)")
    if not home_url.startswith(("http://", "https://")):
        raise InputError("the home page must be an http(s) URL")
    try:
        lv = SourceLevel(level)
    except ValueError as exc:
        raise InputError(f"unknown level {level!r}") from exc
    feed_list = tuple(f.strip() for f in feeds.splitlines() if f.strip())
    if any(not f.startswith(("http://", "https://")) for f in feed_list):
        raise InputError("feeds must be http(s) URLs")
    base = old or Source(name=name.strip(), home_url=home_url)
    return dataclasses.replace(
        base,
        name=name.strip(),
        home_url=home_url.strip(),
        level=lv,
        province=province.strip() or None,
        feeds=feed_list,
    )


@router.post("/sources")
def save_source(
    request: Request,
    ctx: Annotated[Ctx, Depends(editor)],
    name: Annotated[str, Form()],
    home_url: Annotated[str, Form()],
    level: Annotated[str, Form()] = "other",
    province: Annotated[str, Form()] = "",
    feeds: Annotated[str, Form()] = "",
    original: Annotated[str, Form()] = "",
) -> Response:
    store = _store(request)
    old = next((s for s in store.list_sources() if s.name == (original or name)), None)
    source = _source_from_form(name, home_url, level, province, feeds, old)
    if original and original != source.name:
        store.delete_source(original)
    store.upsert_source(source)
    return _back("/sources")


@router.post("/sources/{name}/pause")
def pause_source(request: Request, name: str, ctx: Annotated[Ctx, Depends(editor)]) -> Response:
    return _set_paused(request, name, True)


@router.post("/sources/{name}/resume")
def resume_source(request: Request, name: str, ctx: Annotated[Ctx, Depends(editor)]) -> Response:
    return _set_paused(request, name, False)


def _set_paused(request: Request, name: str, paused: bool) -> Response:
    store = _store(request)
    source = store.get_source(name)
    store.upsert_source(dataclasses.replace(source, crawl=dataclasses.replace(source.crawl, paused=paused)))
    return _back("/sources")


@router.post("/sources/{name}/crawl")
def crawl_now(
    request: Request, name: str, background: BackgroundTasks, ctx: Annotated[Ctx, Depends(editor)]
) -> Response:
    source = _store(request).get_source(name)
    background.add_task(crawl_in_background, request.app.state.settings, _store(request), source)
    return _back("/sources?msg=crawl_started")


# --- alerts -----------------------------------------------------------------------------------


def _owner(ctx: Ctx) -> int | None:
    return None if ctx.user.role is Role.ADMIN else ctx.user.id


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, ctx: Annotated[Ctx, Depends(viewer)]) -> Response:
    engine = _store(request).engine
    owner = _owner(ctx)
    return render(
        request,
        "alerts.html",
        ctx.lang,
        ctx=ctx,
        alerts=al.list_alerts(engine, owner),
        events=al.list_events(engine, ctx.user.id, owner),
        deliveries=list_deliveries(engine) if owner is None or ctx.user.role is Role.EDITOR else [],
        q=request.query_params.get("q", ""),
    )


@router.post("/alerts")
def create_alert(
    request: Request,
    ctx: Annotated[Ctx, Depends(editor)],
    name: Annotated[str, Form()],
    query: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "new",
    channels: Annotated[list[str] | None, Form()] = None,
    email_to: Annotated[str, Form()] = "",
    webhook_url: Annotated[str, Form()] = "",
    webhook_secret: Annotated[str, Form()] = "",
) -> Response:
    store = _store(request)
    al.create_alert(
        store.engine,
        store,
        name=name,
        query=query,
        owner_id=ctx.user.id,
        kind=kind,
        channels=channels or ["app"],
        email_to=email_to or None,
        webhook_url=webhook_url or None,
        webhook_secret=webhook_secret or None,
    )
    return _back("/alerts")


def _own_alert(request: Request, ctx: Ctx, alert_id: int) -> al.Alert:
    alert = al.get_alert(_store(request).engine, alert_id)
    owner = _owner(ctx)
    if owner is not None and alert.owner_id != owner:
        raise al.NotFound(f"no alert {alert_id}")
    return alert


@router.post("/alerts/{alert_id}/toggle")
def toggle_alert(request: Request, alert_id: int, ctx: Annotated[Ctx, Depends(editor)]) -> Response:
    alert = _own_alert(request, ctx, alert_id)
    al.set_active(_store(request).engine, alert.id, not alert.active)
    return _back("/alerts")


@router.post("/alerts/{alert_id}/delete")
def delete_alert(request: Request, alert_id: int, ctx: Annotated[Ctx, Depends(editor)]) -> Response:
    alert = _own_alert(request, ctx, alert_id)
    al.delete_alert(_store(request).engine, alert.id)
    return _back("/alerts")


@router.post("/alerts/read")
def read_events(request: Request, ctx: Annotated[Ctx, Depends(viewer)]) -> Response:
    al.mark_read(_store(request).engine, ctx.user.id, _owner(ctx))
    return _back("/alerts")


# --- users and language -----------------------------------------------------------------------


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, ctx: Annotated[Ctx, Depends(admin)]) -> Response:
    users: UserService = request.app.state.users
    return render(request, "users.html", ctx.lang, ctx=ctx, users=users.list(), roles=[r.value for r in Role])


@router.post("/users")
def add_user(
    request: Request,
    ctx: Annotated[Ctx, Depends(admin)],
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()] = "viewer",
) -> Response:
    users: UserService = request.app.state.users
    try:
        users.add(username.strip(), password, Role(role))
    except ValueError as exc:
        raise InputError(f"unknown role {role!r}") from exc
    return _back("/users")


@router.post("/lang")
def set_lang(
    request: Request,
    ctx: Annotated[Ctx, Depends(viewer)],
    lang: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    request.app.state.users.set_lang(ctx.user.id, lang)
    response = _back(next if next.startswith("/") and not next.startswith("//") else "/")
    response.set_cookie("lantoa_lang", lang, samesite="lax")
    return response
