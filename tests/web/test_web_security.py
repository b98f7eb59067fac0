"""Access control, CSRF, rate limiting, sessions, escaping of scraped text and security headers."""

from __future__ import annotations

import re
from datetime import timedelta

from starlette.routing import Mount, Route
from web_helpers import PASSWORD, Web, csrf_of, enriched

from lantoa.records import Source, SourceLevel
from lantoa.web.auth import COOKIE

OPEN = {"/login", "/health", "/api/openapi.json", "/static"}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _routes(routes: list[object]) -> list[object]:
    """Every route, through routers included in the app (FastAPI wraps them)."""
    found: list[object] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += _routes(inner.routes) if inner is not None else [route]
    return found


def test_every_route_requires_a_session_except_login_health_static(web: Web) -> None:
    client = web.client()
    checked = 0
    for route in _routes(web.app.routes):  # type: ignore[attr-defined]
        if isinstance(route, Mount):
            assert route.path in OPEN
            continue
        assert isinstance(route, Route), route
        if route.path in OPEN:
            continue
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            r = client.request(method, _concrete(route.path))
            if route.path.startswith("/api/"):
                assert r.status_code == 401, (method, route.path, r.status_code)
            else:
                assert r.status_code == 303 and r.headers["location"].startswith("/login"), (
                    method,
                    route.path,
                )
            checked += 1
    assert checked >= 30


def test_open_routes_answer_without_a_session(web: Web) -> None:
    client = web.client()
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/login").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    assert "/api/search" in client.get("/api/openapi.json").json()["paths"]


def test_wrong_passwords_are_rate_limited_per_user_and_address(web: Web) -> None:
    client = web.client()
    for _ in range(5):
        r = client.post("/login", data={"username": "editor", "password": "wrong-password"})
        assert r.status_code == 401
        assert "Sai tên đăng nhập hoặc mật khẩu" in r.text
    # Even the right password is refused now: the lock is on the user + address.
    r = client.post("/login", data={"username": "editor", "password": PASSWORD})
    assert r.status_code == 429
    assert COOKIE not in r.cookies
    # Another account from the same address is not locked.
    assert client.post("/login", data={"username": "viewer", "password": PASSWORD}).status_code == 303


def test_expired_session_is_refused_and_deleted(web: Web) -> None:
    user = web.users.get("viewer")
    session = web.users.create_session(user, ttl=timedelta(seconds=-1))
    client = web.client()
    client.cookies.set(COOKIE, session.token)
    r = client.get("/")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert client.get("/api/me").status_code == 401
    assert web.users.session(session.token) is None


def test_logout_ends_the_session(web: Web) -> None:
    client = web.client("viewer")
    token = client.cookies.get(COOKIE)
    assert client.post("/logout", data={"csrf": csrf_of(client)}).status_code == 303
    assert web.users.session(token) is None


def test_session_cookie_is_httponly_and_samesite(web: Web) -> None:
    r = web.client().post("/login", data={"username": "viewer", "password": PASSWORD})
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


def test_forged_or_missing_csrf_token_changes_nothing(web: Web) -> None:
    client = web.client("editor")
    form = {"name": "Cổng A", "home_url": "https://a.gov.vn", "level": "province"}
    assert client.post("/sources", data=form).status_code == 403
    assert client.post("/sources", data={**form, "csrf": "0" * 64}).status_code == 403
    other = web.client("admin")
    assert client.post("/sources", data={**form, "csrf": csrf_of(other)}).status_code == 403
    r = client.post(
        "/api/sources",
        json={"name": "Cổng B", "home_url": "https://b.gov.vn"},
        headers={"X-CSRF-Token": "forged"},
    )
    assert r.status_code == 403
    assert web.store.list_sources() == []
    assert client.post("/sources", data={**form, "csrf": csrf_of(client)}).status_code == 303
    assert [s.name for s in web.store.list_sources()] == ["Cổng A"]


def test_viewer_cannot_do_editor_or_admin_actions(web: Web) -> None:
    client = web.client("viewer")
    csrf = csrf_of(client)
    assert client.get("/users").status_code == 403
    assert client.get("/api/users").status_code == 403
    r = client.post(
        "/users", data={"username": "mallory", "password": "x" * 10, "role": "admin", "csrf": csrf}
    )
    assert r.status_code == 403
    r = client.post(
        "/api/users",
        json={"username": "mallory", "password": "x" * 10, "role": "admin"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 403
    r = client.post("/alerts", data={"name": "a", "query": "bien", "csrf": csrf})
    assert r.status_code == 403
    assert "mallory" not in [u.username for u in web.users.list()]
    editor = web.client("editor")
    assert editor.get("/users").status_code == 403
    admin = web.client("admin")
    r = admin.post(
        "/users", data={"username": "newbie", "password": "y" * 10, "role": "viewer", "csrf": csrf_of(admin)}
    )
    assert r.status_code == 303
    assert web.users.get("newbie").role.value == "viewer"


def test_script_in_scraped_page_and_source_name_is_inert(web: Web) -> None:
    evil = "<script>alert('xss')</script>"
    web.store.upsert_source(
        Source(name=f"Cổng {evil}", home_url="javascript:alert(1)", level=SourceLevel.COMMUNE)
    )
    item = enriched(
        1,
        title=f"Tiêu đề {evil}",
        body=f"Đoạn văn {evil} <img src=x onerror=alert(2)>",
        source=f"Cổng {evil}",
    )
    art_id = web.save(item).article_id
    client = web.client("viewer")
    pages = [
        client.get(f"/articles/{art_id}"),
        client.get("/sources"),
        client.get("/search?q=tieu de"),
        client.get("/"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text
        assert 'href="javascript:' not in page.text
    assert "&lt;script&gt;alert(" in pages[0].text
    assert "&lt;script&gt;alert(" in pages[1].text


def test_security_headers_on_pages(web: Web) -> None:
    r = web.client("viewer").get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in r.text  # no inline scripts at all


def test_login_redirect_stays_on_this_site(web: Web) -> None:
    r = web.client().post(
        "/login", data={"username": "viewer", "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert r.headers["location"] == "/"
