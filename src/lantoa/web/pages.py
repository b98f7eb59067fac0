"""Pages officers read: login, dashboard, search (with export) and the article page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from lantoa.errors import InputError, PermissionDenied, QuerySyntaxError
from lantoa.records import VN_TZ
from lantoa.store.api import ArticleFilter, Store
from lantoa.web.auth import COOKIE, Ctx, request_lang, viewer
from lantoa.web.charts import bar_chart, line_chart
from lantoa.web.dashboard import LEVELS, THEMES, latest_day, provinces
from lantoa.web.exports import FORMATS, export_stream
from lantoa.web.i18n import theme_names, translator
from lantoa.web.query import Sort, build_query, iter_results, search_page
from lantoa.web.render import render
from lantoa.web.users import TooManyAttempts, UserService

router = APIRouter(include_in_schema=False)
PERIODS = (7, 30, 90, 365)
PER_PAGE = 20


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def filters_from(request: Request, default_days: int | None = 30) -> ArticleFilter:
    """ArticleFilter from query parameters (days or since/until, theme, level, province, source)."""
    p = request.query_params
    try:
        until = date.fromisoformat(p["until"]) if p.get("until") else None
        since = date.fromisoformat(p["since"]) if p.get("since") else None
        days = int(p["days"]) if p.get("days") else default_days
    except ValueError as exc:
        raise InputError(f"bad date or period: {exc}") from exc
    if since is None and days:
        if until is None:
            # The latest `days` with coverage: an archive whose newest article is older than the
            # period still shows its figures (the page states the dates it covers).
            today = datetime.now(VN_TZ).date()
            until = min(today, latest_day(_store(request), today) or today)
        since = until - timedelta(days=days - 1)
    return ArticleFilter(
        source=p.get("source") or None,
        level=p.get("level") or None,
        province=p.get("province") or None,
        theme=p.get("theme") or None,
        since=since,
        until=until,
    )


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", request_lang(request), next=_safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    users: UserService = request.app.state.users
    ip = request.client.host if request.client else "?"
    lang = request_lang(request)
    try:
        user = users.authenticate(username.strip(), password, ip)
    except TooManyAttempts:
        return render(request, "login.html", lang, 429, next=_safe_next(next), error="too_many")
    except PermissionDenied:
        return render(request, "login.html", lang, 401, next=_safe_next(next), error="wrong_login")
    session = users.create_session(user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=int((session.expires_at - datetime.now(session.expires_at.tzinfo)).total_seconds()),
    )
    response.set_cookie("lantoa_lang", user.lang, samesite="lax")
    return response


@router.post("/logout")
def logout(request: Request, ctx: Annotated[Ctx, Depends(viewer)]) -> Response:
    request.app.state.users.end_session(ctx.session.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, ctx: Annotated[Ctx, Depends(viewer)]) -> Response:
    filters = filters_from(request)
    board = request.app.state.dashboards.get(filters)
    t = translator(ctx.lang)
    names = theme_names(ctx.lang)
    levels = bar_chart([(t(f"level_{lv}"), n) for lv, n in board.by_level])
    short = [(name.removeprefix("Thành phố ").removeprefix("Tỉnh "), n) for name, n in board.by_province]
    return render(
        request,
        "dashboard.html",
        ctx.lang,
        ctx=ctx,
        board=board,
        filters=filters,
        days=request.query_params.get("days", "30"),
        periods=PERIODS,
        timeline=line_chart(board.days, board.by_theme_day, names),
        levels=levels,
        provinces_chart=bar_chart(short, width=360, label_width=120, row=16),
        all_themes=THEMES,
        all_levels=LEVELS,
        all_provinces=[name for _, name in provinces()],
    )


def _search_args(request: Request) -> tuple[str, Sort, int]:
    """Query text (with any filter parameters written in as field terms), sort and page."""
    p = request.query_params
    try:
        sort = Sort(p.get("sort") or "relevance")
        page = max(1, int(p.get("page") or 1))
    except ValueError as exc:
        raise InputError(f"bad sort or page: {exc}") from exc
    return build_query(p.get("q") or "", filters_from(request, default_days=None)), sort, page


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, ctx: Annotated[Ctx, Depends(viewer)]) -> Response:
    q, sort, page = _search_args(request)
    result, error = None, None
    if q:
        try:
            result = search_page(
                _store(request), q, sort, page, PER_PAGE, request.app.state.settings.search_window
            )
        except QuerySyntaxError as exc:
            error = str(exc)
    base = {"q": q, "sort": sort.value}
    pages = (result.total + PER_PAGE - 1) // PER_PAGE if result else 0
    return render(
        request,
        "search.html",
        ctx.lang,
        ctx=ctx,
        q=q,
        sort=sort.value,
        page=page,
        pages=pages,
        result=result,
        error=error,
        qs=lambda **extra: urlencode({**base, **extra}),
        refine=lambda name, value: urlencode({**base, "q": build_query(q, ArticleFilter(**{name: value}))}),
        status_code=400 if error else 200,
    )


@router.get("/export/{fmt}")
def export(request: Request, fmt: str, ctx: Annotated[Ctx, Depends(viewer)]) -> Response:
    """The whole result set of a search, copies included, streamed (no cap)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: csv, jsonl or xlsx")
    q, _, _ = _search_args(request)
    return export_response(_store(request), q, fmt)


def export_response(store: Store, q: str, fmt: str) -> Response:
    if not q:
        raise InputError("an export needs a search query")
    search_api_check(store, q)
    stamp = datetime.now(VN_TZ).strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        export_stream(iter_results(store, q, Sort.DATE), fmt),
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="lantoa-{stamp}.{fmt}"'},
    )


def search_api_check(store: Store, q: str) -> None:
    """Parse the query before the stream starts, so a bad query is a 400, not a broken download."""
    from lantoa.search.query import parse

    parse(q)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: int, ctx: Annotated[Ctx, Depends(viewer)]) -> Response:
    store = _store(request)
    stored = store.get_article(article_id)
    duplicates = []
    for other in store.duplicate_group(stored.group_id)[:50]:
        if other != stored.id:
            a = store.get_article(other)
            duplicates.append(a)
    return render(
        request,
        "article.html",
        ctx.lang,
        ctx=ctx,
        a=stored,
        duplicates=duplicates,
        search_link=lambda q: "/search?" + urlencode({"q": q}),
    )
