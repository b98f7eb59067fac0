"""Helpers of the web tests: synthetic articles written for these tests, the app with one user of
each role, logged-in clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from lantoa.config import Settings
from lantoa.records import (
    VN_TZ,
    Analysis,
    Article,
    DocumentRef,
    EnrichedArticle,
    Location,
    Organization,
    Person,
    ThemeHit,
)
from lantoa.store.api import SaveResult, Store
from lantoa.web.app import create_app
from lantoa.web.users import UserService

PASSWORD = "mat-khau-123"


def enriched(
    n: int,
    *,
    title: str | None = None,
    body: str | None = None,
    source: str = "Báo Nghệ An",
    published: datetime | None = None,
    themes: tuple[str, ...] = ("bien-dao",),
    province: str | None = "Nghệ An",
    relevant: bool = True,
    persons: tuple[Person, ...] = (),
    documents: tuple[DocumentRef, ...] = (),
    url: str | None = None,
) -> EnrichedArticle:
    """A synthetic article; ``n`` makes text unique so it is not a duplicate of the others."""
    article = Article(
        url=url or f"https://baotest.vn/tin-{n}.html",
        title=title or f"Tin số {n}: hoạt động tại địa phương",
        source=source,
        published=published or datetime.now(VN_TZ) - timedelta(hours=n % 48),
        authors=("Phóng viên A",),
        lead=f"Bản tin mã {n * 7919} về đời sống.",
        paragraphs=(
            body or f"Nội dung riêng của bài {n}, mã {n * 104729}, mô tả sự kiện số {n}.",
            f"Đoạn thứ hai của bài {n} với chi tiết {n * 31}.",
        ),
        captions=(f"Ảnh minh hoạ {n}",),
    )
    analysis = Analysis(
        themes=tuple(ThemeHit(slug, 0.8, (f"bằng chứng cho {slug}",)) for slug in themes),
        relevant=relevant,
        persons=persons,
        documents=documents,
        organizations=(Organization("UBND", "Ủy ban nhân dân", "state"),),
        locations=(Location("Cửa Lò", "district", None, "Nghệ An"),),
        province=province,
    )
    return EnrichedArticle(article, analysis)


@dataclass
class Web:
    store: Store
    app: object
    users: UserService

    def client(self, username: str | None = None) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)  # type: ignore[arg-type]
        if username:
            r = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/"})
            assert r.status_code == 303, r.text
        return client

    def save(self, item: EnrichedArticle) -> SaveResult:
        result = self.store.save_article(item)
        return result


def csrf_of(client: TestClient) -> str:
    token = client.get("/api/me").json()["csrf_token"]
    assert isinstance(token, str)
    return token


def make_web(store: Store, settings: Settings) -> Web:
    app = create_app(settings, store, run_alerts=False)
    users = UserService(store.engine)
    for name, role in (("admin", "admin"), ("editor", "editor"), ("viewer", "viewer")):
        users.add(name, PASSWORD, role)
    return Web(store, app, users)
