"""The application object: ``create_app(settings)`` wires the store, users, routes and the alert loop.

Library errors are translated once here into HTTP statuses (JSON under /api/, a page elsewhere);
every response carries the security headers (CSP without inline scripts, no framing, no sniffing).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from lantoa.config import Settings
from lantoa.errors import InputError, LantoaError, NotFound, PermissionDenied
from lantoa.records import VN_TZ
from lantoa.search.fields import load_reference_data
from lantoa.store.api import ArticleFilter, Store, open_store
from lantoa.web import schema as _schema  # noqa: F401 - registers the "web" migrations
from lantoa.web.alerts import check_alerts
from lantoa.web.auth import CsrfFailed, NotAuthenticated, request_lang
from lantoa.web.dashboard import DashboardCache
from lantoa.web.delivery import Dispatcher
from lantoa.web.render import render
from lantoa.web.users import TooManyAttempts, UserService

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def alert_pass(store: Store, dispatcher: Dispatcher) -> tuple[int, int]:
    """One dispatcher round: new events from alerts, then due deliveries; (events, sent)."""
    events = check_alerts(store.engine, store)
    summary = dispatcher.run_once()
    return events, summary.sent


def alert_thread(store: Store, settings: Settings) -> threading.Thread:
    """The alert loop of ``lantoa serve --workers N`` (N > 1), in the parent process: one loop,
    however many workers serve pages. Passes are safe to overlap with a cron ``lantoa alerts
    run`` (deliveries are claimed, events unique), but N loops would check N times for nothing."""

    def loop() -> None:
        dispatcher = Dispatcher(store.engine, settings)
        while True:
            try:
                alert_pass(store, dispatcher)
            except Exception:
                log.exception("alert pass failed")
            time.sleep(settings.alert_interval_s)

    thread = threading.Thread(target=loop, name="lantoa-alerts", daemon=True)
    thread.start()
    return thread


async def _alert_loop(app: FastAPI, interval_s: float) -> None:
    while True:
        try:
            await asyncio.to_thread(alert_pass, app.state.store, app.state.dispatcher)
        except Exception:
            log.exception("alert pass failed")
        await asyncio.sleep(interval_s)


def _warm_dashboard(app: FastAPI) -> None:
    """Compute the default dashboard (last 30 days, no filter) before the first officer asks."""
    today = datetime.now(VN_TZ).date()
    try:
        app.state.dashboards.get(ArticleFilter(since=today - timedelta(days=29)))
    except LantoaError:
        log.exception("could not pre-compute the dashboard")


def _status(exc: LantoaError) -> int:
    if isinstance(exc, NotAuthenticated):
        return 401
    if isinstance(exc, TooManyAttempts):
        return 429
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InputError):
        return 400
    return 500


WORKER_SETTINGS_ENV = "LANTOA_SERVE_SETTINGS"
"""Where ``lantoa serve --workers N`` hands its resolved settings to the worker processes."""


def worker_app() -> FastAPI:
    """The app of one worker process of ``lantoa serve --workers N`` (uvicorn's factory).

    The parent resolved the settings (config file, environment, ``--db``) and passes them as
    JSON, so every worker serves the same database; it has migrated the database already (N
    workers migrating at once would race) and runs the alert loop itself (``alert_thread``).
    """
    settings = Settings(**json.loads(os.environ[WORKER_SETTINGS_ENV]))
    web = create_app(settings, open_store(settings.db, migrate=False), run_alerts=False, migrate=False)
    freeze_startup_objects()
    return web


def freeze_startup_objects() -> None:
    """Load what a first request would otherwise load (``search.fields.load_reference_data``),
    then leave what startup made (modules, the app, SQLAlchemy's tables, that data) out of
    garbage collection.

    Why: a full collection walks every object the process holds, about 130,000 after startup,
    and lands on whichever request allocated last: 8 of them over 250 searches took 50-70 ms
    each (benchmarks/RESULTS.md, search run 9). Frozen, the same run's longest was 17 ms. Only
    for a serving process: objects frozen are never collected, so a process that builds many
    apps (the tests) must not.
    """
    load_reference_data()
    gc.collect()
    gc.freeze()


def worker_settings_json(settings: Settings) -> str:
    return json.dumps(asdict(settings))


def create_app(
    settings: Settings, store: Store | None = None, *, run_alerts: bool = True, migrate: bool = True
) -> FastAPI:
    """Build the app on ``store`` (opened from ``settings.db`` when not given)."""
    store = store or open_store(settings.db, migrate=migrate)
    if migrate:
        store.migrate()
    dispatcher = Dispatcher(store.engine, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=_warm_dashboard, args=(app,), daemon=True).start()
        task = None
        if run_alerts and settings.alert_interval_s > 0:
            task = asyncio.create_task(_alert_loop(app, settings.alert_interval_s))
        yield
        if task:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="Lantoa",
        description="Vietnamese external-information monitoring: search, dashboards, alerts.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.users = UserService(store.engine)
    app.state.dashboards = DashboardCache(store)
    app.state.dispatcher = dispatcher

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path != "/health" and not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(LantoaError)
    async def lantoa_error(request: Request, exc: LantoaError) -> Response:
        status = _status(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=status)
        if isinstance(exc, NotAuthenticated):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        key = {403: "forbidden", 404: "not_found"}.get(status, "bad_request")
        if isinstance(exc, CsrfFailed):
            key = "csrf"
        lang = request_lang(request)
        return render(request, "error.html", lang, status_code=status, key=key, detail=str(exc))

    from lantoa.web import api, pages, pages_admin

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(pages_admin.router)
    static = resources.files("lantoa.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
