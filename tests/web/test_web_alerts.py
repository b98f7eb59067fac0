"""Alerts end to end on real parts: a webhook receiver on 127.0.0.1 that fails then succeeds,
an SMTP server (aiosmtpd), restarts that must neither lose nor repeat a delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from web_helpers import Web, csrf_of, enriched

from lantoa.config import Settings
from lantoa.records import VN_TZ
from lantoa.web.alerts import check_alerts, create_alert, list_events, unread_count
from lantoa.web.delivery import SIGNATURE_HEADER, Dispatcher, list_deliveries


@dataclass
class Receiver:
    """A real HTTP endpoint; answers 500 to the first ``fail_first`` requests."""

    fail_first: int = 0
    bodies: list[tuple[bytes, str]] = field(default_factory=list)
    calls: int = 0
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.calls += 1
            if state.calls <= state.fail_first:
                self.send_response(500)
                self.end_headers()
                return
            state.bodies.append((body, self.headers.get(SIGNATURE_HEADER, "")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _verify(body: bytes, header: str, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_new_article_alert_fires_once_and_survives_a_restart(web_any: Web, receiver: Receiver) -> None:
    web = web_any
    web.save(enriched(1, body="Tàu cá ngư dân neo đậu tại Trường Sa trước bão."))
    client = web.client("editor")
    r = client.post(
        "/api/alerts",
        json={
            "name": "Trường Sa",
            "query": "truong sa",
            "channels": ["app", "webhook"],
            "webhook_url": receiver.url,
            "webhook_secret": "bi-mat",
        },
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    assert r.status_code == 201, r.text
    engine, store = web.store.engine, web.store
    assert check_alerts(engine, store) == 0  # the article that existed before the alert is not news
    new = web.save(enriched(2, body="Hải quân tuần tra quần đảo Trường Sa, thăm hỏi quân dân."))
    web.save(enriched(3, body="Hội chợ nông sản tại Nghệ An thu hút khách."))  # does not match
    assert check_alerts(engine, store) == 1
    assert check_alerts(engine, store) == 0  # a second pass finds nothing new
    summary = Dispatcher(engine, web.app.state.settings).run_once()  # type: ignore[attr-defined]
    assert (summary.sent, summary.failed) == (1, 0)
    # "Restart": a new dispatcher and a new pass over the same database send nothing again.
    restarted = Dispatcher(engine, Settings(db=store.url))
    assert check_alerts(engine, store) == 0
    assert restarted.run_once().sent == 0
    assert len(receiver.bodies) == 1
    body, signature = receiver.bodies[0]
    assert _verify(body, signature, "bi-mat")
    payload = json.loads(body)
    assert payload["article"]["id"] == new.article_id
    assert payload["alert"]["name"] == "Trường Sa"
    events = list_events(engine, web.users.get("editor").id, None)
    assert [e.article_id for e in events] == [new.article_id]


def test_duplicate_copies_alert_once(web: Web) -> None:
    editor = web.users.get("editor")
    create_alert(web.store.engine, web.store, name="IUU", query="khai thac IUU", owner_id=editor.id)
    text = "Các tỉnh ven biển quyết liệt chống khai thác IUU để gỡ thẻ vàng của EC trong năm nay."
    first = web.save(enriched(10, title="Chống khai thác IUU", body=text))
    copy = web.save(
        enriched(10, title="Chống khai thác IUU", body=text, source="Báo Hà Tĩnh", url="https://ht.vn/iuu")
    )
    assert copy.group_id == first.group_id and copy.article_id != first.article_id
    assert check_alerts(web.store.engine, web.store) == 1


def test_webhook_down_is_retried_with_backoff_then_sent(web: Web, receiver: Receiver) -> None:
    receiver.fail_first = 2
    editor = web.users.get("editor")
    create_alert(
        web.store.engine,
        web.store,
        name="Biên giới",
        query="cot moc",
        owner_id=editor.id,
        channels=["webhook"],
        webhook_url=receiver.url,
    )
    web.save(enriched(4, body="Hoàn thành cắm cột mốc biên giới trên tuyến Việt - Lào."))
    assert check_alerts(web.store.engine, web.store) == 1
    dispatcher = Dispatcher(web.store.engine, Settings(db=web.store.url), base_delay_s=0.5)
    delays = []  # (lower, upper) bound of each back-off: the failure happened inside run_once
    for _ in range(2):
        started = datetime.now(VN_TZ)
        summary = dispatcher.run_once()
        finished = datetime.now(VN_TZ)
        assert summary.retried == 1 and summary.sent == 0
        (delivery,) = list_deliveries(web.store.engine)
        delays.append(
            (
                (delivery.next_try_at - finished).total_seconds(),
                (delivery.next_try_at - started).total_seconds(),
            )
        )
        assert dispatcher.run_once().retried == 0  # not due yet: no hammering of a down receiver
        time.sleep(max(delays[-1][1], 0) + 0.05)
    assert delays[0][1] >= 0.5 > delays[0][0] - 0.001 and delays[1][1] >= 1.0  # 0.5 s, then 1 s
    assert delays[1][0] > delays[0][1] - 0.25  # the second wait is the longer one (doubling)
    assert dispatcher.run_once().sent == 1
    (delivery,) = list_deliveries(web.store.engine)
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("sent", 3, None)
    assert receiver.calls == 3 and len(receiver.bodies) == 1


def test_webhook_never_up_is_marked_failed_and_visible(web: Web) -> None:
    dead = f"http://127.0.0.1:{_free_port()}/hook"
    editor = web.users.get("editor")
    create_alert(
        web.store.engine,
        web.store,
        name="Đối ngoại",
        query="dai su",
        owner_id=editor.id,
        channels=["app", "webhook"],
        webhook_url=dead,
    )
    web.save(enriched(5, body="Đại sứ chào từ biệt lãnh đạo tỉnh."))
    check_alerts(web.store.engine, web.store)
    dispatcher = Dispatcher(
        web.store.engine, Settings(db=web.store.url), base_delay_s=0.0, max_attempts=3, timeout_s=2
    )
    results = [dispatcher.run_once() for _ in range(4)]
    assert [r.retried for r in results] == [1, 1, 0, 0]
    assert [r.failed for r in results] == [0, 0, 1, 0]
    (delivery,) = list_deliveries(web.store.engine)
    assert delivery.state == "failed" and delivery.attempts == 3
    assert "ConnectError" in (delivery.last_error or "")
    page = web.client("editor").get("/alerts")
    assert "Gửi lỗi" in page.text and "ConnectError" in page.text


def test_email_is_delivered_to_a_real_smtp_server(web: Web) -> None:
    from aiosmtpd.controller import Controller

    received: list[tuple[list[str], bytes]] = []

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            received.append((list(envelope.rcpt_tos), envelope.content))  # type: ignore[attr-defined]
            return "250 OK"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        editor = web.users.get("editor")
        create_alert(
            web.store.engine,
            web.store,
            name="Kết luận 57",
            query='"57-KL/TW"',
            owner_id=editor.id,
            channels=["email"],
            email_to="truong.ban@example.gov.vn",
        )
        web.save(enriched(6, title="Quán triệt Kết luận 57-KL/TW", body="Học tập Kết luận số 57-KL/TW."))
        assert check_alerts(web.store.engine, web.store) == 1
        settings = Settings(db=web.store.url, smtp_host="127.0.0.1", smtp_port=port)
        assert Dispatcher(web.store.engine, settings).run_once().sent == 1
    finally:
        controller.stop()
    assert len(received) == 1
    rcpt, content = received[0]
    assert rcpt == ["truong.ban@example.gov.vn"]
    from email import message_from_bytes, policy

    message = message_from_bytes(content, policy=policy.default)
    assert "Quán triệt Kết luận 57-KL/TW" in str(message["Subject"])
    assert (
        "/articles/" in message.get_body().get_content() or "baotest.vn" in message.get_body().get_content()
    )


def test_spike_fires_once_per_day(web: Web) -> None:
    editor = web.users.get("editor")
    now = datetime.now(VN_TZ)
    create_alert(
        web.store.engine, web.store, name="Biển Đông", query="bien dong", owner_id=editor.id, kind="spike"
    )
    web.save(enriched(20, body="Biển Đông lặng sóng ngày thường.", published=now - timedelta(days=5)))
    assert check_alerts(web.store.engine, web.store) == 0
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for n in range(21, 25):  # all published today in Vietnam, even just after midnight there
        published = max(now - timedelta(minutes=n), midnight)
        web.save(enriched(n, body=f"Diễn biến mới ở Biển Đông, tin {n}.", published=published))
    assert check_alerts(web.store.engine, web.store) == 1
    assert check_alerts(web.store.engine, web.store) == 0
    (event,) = list_events(web.store.engine, editor.id, None)
    assert event.today_count == 4 and event.baseline == pytest.approx(1 / 14, abs=0.01)


def test_bell_counts_unread_until_read(web: Web) -> None:
    editor = web.users.get("editor")
    create_alert(web.store.engine, web.store, name="Trường Sa", query="truong sa", owner_id=editor.id)
    web.save(enriched(30, body="Chuyến tàu thăm Trường Sa khởi hành."))
    check_alerts(web.store.engine, web.store)
    client = web.client("editor")
    assert 'id="unread">1<' in client.get("/").text
    assert unread_count(web.store.engine, editor.id, editor.id) == 1
    assert client.post("/alerts/read", data={"csrf": csrf_of(client)}).status_code == 303
    assert 'id="unread"' not in client.get("/").text
    # The viewer does not see the editor's alerts.
    assert unread_count(web.store.engine, web.users.get("viewer").id, web.users.get("viewer").id) == 0


def test_delivery_claimed_by_a_dispatcher_that_died_is_sent_after_its_lease(
    web: Web, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lantoa.web import delivery

    monkeypatch.setattr(delivery, "LEASE", timedelta(seconds=0.3))
    editor = web.users.get("editor")
    create_alert(
        web.store.engine,
        web.store,
        name="Biển",
        query="hoang sa",
        owner_id=editor.id,
        channels=["webhook"],
        webhook_url=receiver.url,
    )
    web.save(enriched(40, body="Tư liệu về chủ quyền Hoàng Sa được trưng bày."))
    check_alerts(web.store.engine, web.store)
    dying = Dispatcher(web.store.engine, Settings(db=web.store.url))
    (due,) = dying._due()
    assert dying._claim(due)  # claimed, then the process "dies" before sending
    survivor = Dispatcher(web.store.engine, Settings(db=web.store.url))
    assert survivor.run_once().sent == 0  # still leased to the dead dispatcher: not sent twice
    time.sleep(0.4)
    assert survivor.run_once().sent == 1
    assert survivor.run_once().sent == 0
    assert len(receiver.bodies) == 1
