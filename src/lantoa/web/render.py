"""Jinja2 rendering with autoescape always on; scraped text reaches pages only as escaped text.

``hl`` is the one filter that emits markup: the search module returns snippets as (text, hit)
parts, each escaped here, the matched ones wrapped in ``<mark>``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from lantoa.records import VN_TZ
from lantoa.search import SnippetPart
from lantoa.web.i18n import theme_names, translator


def highlight(parts: tuple[SnippetPart, ...]) -> Markup:
    """Escape every part of a snippet; wrap matched parts in ``<mark>``."""
    return Markup("").join(Markup("<mark>%s</mark>") % p.text if p.hit else escape(p.text) for p in parts)


def show_date(value: datetime | date | None, with_time: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(VN_TZ) if value.tzinfo else value
        return local.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def field_link(name: str, value: str) -> str:
    """Link to the search for one field value, e.g. every article citing ``doc:57-KL/TW``."""
    value = value.replace('"', " ").strip()
    return "/search?" + urlencode({"q": f'{name}:"{value}"'})


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("lantoa.web", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["hl"] = highlight
    env.filters["date"] = show_date
    env.globals["field_link"] = field_link
    return env


def render(request: Request, template: str, lang: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """Render a page with the translator, theme names and the current user (if any) in scope."""
    t = translator(lang)
    ctx = values.get("ctx")
    unread = 0
    if ctx is not None:
        from lantoa.web.alerts import unread_count

        owner = None if ctx.user.role.value == "admin" else ctx.user.id
        unread = unread_count(request.app.state.store.engine, ctx.user.id, owner, cached=True)
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            t=t,
            lang=lang,
            themes=theme_names(lang),
            user=ctx.user if ctx else None,
            csrf=ctx.csrf if ctx else "",
            path=request.url.path,
            unread=unread,
            **values,
        )
    )
    return HTMLResponse(html, status_code=status_code)
