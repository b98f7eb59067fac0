"""End to end in Debian's headless chromium (Playwright): log in, search unaccented, open an
article, export, create an alert and see it fire after an ingest. Screenshots of the main pages
go to test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import csv
import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from web_helpers import PASSWORD, enriched

from lantoa.config import Settings
from lantoa.records import DocumentRef, Person, Source, SourceLevel
from lantoa.store.api import Store, open_store
from lantoa.web.app import create_app
from lantoa.web.users import UserService

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """The app served by a real uvicorn on 127.0.0.1, alert loop every second."""
    db = str(tmp_path / "browser.db")
    store = open_store(db)
    UserService(store.engine).add("canbo", PASSWORD, "editor")
    store.upsert_source(Source("Báo Nghệ An", "https://baonghean.vn", SourceLevel.PROVINCE, "Nghệ An"))
    kl57 = DocumentRef("Kết luận", "57", "57-KL/TW", "Bộ Chính trị", None, "Kết luận số 57-KL/TW")
    for n in range(12):
        store.save_article(
            enriched(
                n,
                title=f"Tuyên truyền chủ quyền biển đảo Trường Sa, đợt {n}",
                body=f"Đoàn công tác số {n} thăm quân và dân huyện đảo Trường Sa, quán triệt Kết luận số 57-KL/TW.",
                themes=("bien-dao", "thong-tin-doi-ngoai") if n % 2 else ("bien-dao",),
                documents=(kl57,),
                persons=(Person("Nguyễn Văn Minh", ("Bí thư Tỉnh ủy",)),),
                url=f"https://baonghean.vn/truong-sa-{n}.html",
            )
        )
    app = create_app(Settings(db=db, alert_interval_s=1), store)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(10)
    store.close()


@pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="Debian chromium not installed at /usr/bin/chromium (./scripts/services installs it; never skipped in CI)",
)
def test_officer_journey_in_a_real_browser(live: tuple[str, Store], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, store = live
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        page.goto(f"{base}/")
        expect(page).to_have_url(f"{base}/login?next=/")
        page.screenshot(path=str(SHOTS / "login.png"))
        page.fill("input[name=username]", "canbo")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#total-groups")).to_be_visible()
        page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)

        page.click("nav a[href='/search']")
        page.fill("input[name=q]", "truong sa")  # no accents typed
        page.press("input[name=q]", "Enter")
        expect(page.locator(".hit").first).to_be_visible()
        assert "Trường Sa" in page.locator(".hit mark").first.inner_text()
        page.screenshot(path=str(SHOTS / "search.png"), full_page=True)

        with page.expect_download() as download_info:
            page.click("a.export:text('CSV')")
        path = tmp_path / "export.csv"
        download_info.value.save_as(path)
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert len(rows) == 12

        page.locator(".hit h3 a").first.click()
        expect(page.locator("h1")).to_contain_text("Trường Sa")
        expect(page.locator("a.doc")).to_contain_text("57-KL/TW")
        page.screenshot(path=str(SHOTS / "article.png"), full_page=True)

        page.goto(f"{base}/alerts")
        page.fill("#new-alert input[name=name]", "Cột mốc biên giới")
        page.fill("#new-alert input[name=query]", "cot moc")
        page.click("#new-alert button[type=submit]")
        expect(page.locator("table")).to_contain_text("Cột mốc biên giới")
        store.save_article(
            enriched(
                99,
                title="Hoàn thành cắm cột mốc biên giới Việt - Lào",
                body="Lực lượng biên phòng hoàn thành cắm cột mốc số 99.",
                themes=("bien-gioi",),
            )
        )
        deadline = time.time() + 20
        while time.time() < deadline and page.locator("#unread").count() == 0:
            time.sleep(0.5)
            page.reload()
        expect(page.locator("#unread")).to_have_text("1")
        expect(page.locator(".events")).to_contain_text("Hoàn thành cắm cột mốc biên giới")
        page.screenshot(path=str(SHOTS / "alerts.png"), full_page=True)

        page.goto(f"{base}/sources")
        page.screenshot(path=str(SHOTS / "sources.png"), full_page=True)
        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, storage_state=page.context.storage_state()
        )
        mobile = phone.new_page()
        mobile.goto(f"{base}/")
        mobile.screenshot(path=str(SHOTS / "dashboard-phone.png"), full_page=True)
        browser.close()
    assert not [e for e in errors if "Content Security Policy" in e]
