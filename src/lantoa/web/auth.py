"""The single access check of the app: session cookie, role and CSRF token, on every route.

Every page and API route takes ``Depends(viewer)``, ``Depends(editor)`` or ``Depends(admin)``;
only login, health, static files and the OpenAPI schema are open (a test enumerates the routes).
State-changing requests (anything but GET/HEAD/OPTIONS) must carry the session's CSRF token in
the ``csrf`` form field or the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from lantoa.errors import PermissionDenied
from lantoa.web.i18n import LANGS, translator
from lantoa.web.users import Role, Session, User, UserService, check_csrf, csrf_token

COOKIE = "lantoa_session"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class NotAuthenticated(PermissionDenied):
    """No valid session: pages redirect to the login form, the API answers 401."""


class CsrfFailed(PermissionDenied):
    """A state-changing request without the session's CSRF token."""


@dataclass(frozen=True)
class Ctx:
    """What a handler knows about the caller."""

    session: Session
    lang: str
    csrf: str

    @property
    def user(self) -> User:
        return self.session.user

    def t(self, key: str, **values: object) -> str:
        return translator(self.lang)(key, **values)


def request_lang(request: Request, default: str = "vi") -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lantoa_lang") or default
    return lang if lang in LANGS else "vi"


def _require(minimum: Role) -> Callable[[Request], Awaitable[Ctx]]:
    async def dependency(request: Request) -> Ctx:
        users: UserService = request.app.state.users
        session = users.session(request.cookies.get(COOKIE))
        if session is None:
            raise NotAuthenticated("login required")
        if request.method not in SAFE_METHODS:
            supplied = request.headers.get("x-csrf-token")
            if supplied is None and "form" in (request.headers.get("content-type") or ""):
                form = await request.form()
                value = form.get("csrf")
                supplied = value if isinstance(value, str) else None
            if not check_csrf(session, supplied):
                raise CsrfFailed("missing or wrong CSRF token")
        if session.user.role.rank < minimum.rank:
            raise PermissionDenied(f"this needs the {minimum.value} role")
        lang = request.query_params.get("lang") or session.user.lang
        return Ctx(session=session, lang=lang if lang in LANGS else "vi", csrf=csrf_token(session))

    dependency.__name__ = f"require_{minimum.value}"
    return dependency


viewer = _require(Role.VIEWER)
editor = _require(Role.EDITOR)
admin = _require(Role.ADMIN)
