"""The outbox dispatcher: sends queued alert deliveries by e-mail (SMTP) and signed webhook.

Each delivery is claimed by moving its ``next_try_at`` forward (a lease) in a conditional update,
so two dispatchers (the loop in ``lantoa serve`` and a cron ``lantoa alerts run``) never send the
same delivery at once; it is marked sent right after the send. A dispatcher killed mid-send lets
the lease expire and the delivery is retried. Failures back off exponentially, then stay
``failed`` with their last error, visible in the app.
"""

from __future__ import annotations

import email.policy
import hashlib
import hmac
import json
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import httpx
from sqlalchemy import select
from sqlalchemy.engine import Engine

from lantoa.config import Settings
from lantoa.web import schema as t

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Lantoa-Signature"
LEASE = timedelta(minutes=5)


def sign(secret: str, body: bytes) -> str:
    """Header value for a webhook body: ``sha256=<hex HMAC-SHA256 of the raw body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Delivery:
    id: int
    event_id: int
    channel: str
    state: str
    attempts: int
    next_try_at: datetime
    last_error: str | None
    alert_name: str
    title: str


@dataclass
class DispatchSummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _payload(m: dict[str, object]) -> dict[str, object]:
    body: dict[str, object] = {
        "event_id": m["event_id"],
        "alert": {"id": m["alert_id"], "name": m["alert_name"], "query": m["query"], "kind": m["kind"]},
        "created_at": _aware(m["created_at"]).isoformat(),  # type: ignore[arg-type]
    }
    if m["article_id"] is not None:
        body["article"] = {"id": m["article_id"], "title": m["title"], "url": m["url"]}
    else:
        body["spike"] = {"day": m["day"], "today": m["today_count"], "baseline_per_day": m["baseline"]}
    return body


class Dispatcher:
    """Sends due deliveries; ``base_delay_s`` doubles after each failed attempt."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        base_delay_s: float = 30.0,
        max_attempts: int = 6,
        timeout_s: float = 10.0,
        app_url: str = "",
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.base_delay_s = base_delay_s
        self.max_attempts = max_attempts
        self.timeout_s = timeout_s
        self.app_url = app_url

    def _due(self) -> list[dict[str, object]]:
        q = (
            select(
                t.deliveries.c.id,
                t.deliveries.c.event_id,
                t.deliveries.c.channel,
                t.deliveries.c.attempts,
                t.deliveries.c.next_try_at,
                t.alert_events.c.alert_id,
                t.alert_events.c.article_id,
                t.alert_events.c.day,
                t.alert_events.c.title,
                t.alert_events.c.url,
                t.alert_events.c.today_count,
                t.alert_events.c.baseline,
                t.alert_events.c.created_at,
                t.alerts.c.name.label("alert_name"),
                t.alerts.c.query,
                t.alerts.c.kind,
                t.alerts.c.email_to,
                t.alerts.c.webhook_url,
                t.alerts.c.webhook_secret,
            )
            .join(t.alert_events, t.alert_events.c.id == t.deliveries.c.event_id)
            .join(t.alerts, t.alerts.c.id == t.alert_events.c.alert_id)
            .where(t.deliveries.c.state == "pending", t.deliveries.c.next_try_at <= _now())
            .order_by(t.deliveries.c.id)
            .limit(200)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def _claim(self, m: dict[str, object]) -> bool:
        with t.writer(self.engine).begin() as conn:
            done = conn.execute(
                t.deliveries.update()
                .where(
                    t.deliveries.c.id == m["id"],
                    t.deliveries.c.state == "pending",
                    t.deliveries.c.next_try_at == m["next_try_at"],
                )
                .values(next_try_at=_now() + LEASE, attempts=t.deliveries.c.attempts + 1)
            )
        return done.rowcount == 1

    def _send_email(self, m: dict[str, object]) -> None:
        s = self.settings
        if not s.smtp_host:
            raise RuntimeError("e-mail is not configured (setting smtp_host)")
        # No folding: CPython's header folder drops the space between two encoded words
        # ("Kết luận" arrived as "Kếtluận"); one long encoded word stays within RFC 5322's 998.
        msg = EmailMessage(policy=email.policy.SMTP.clone(max_line_length=998))
        msg["Subject"] = f"[Lantoa] {m['alert_name']}: {m['title']}"
        msg["From"] = s.smtp_from
        msg["To"] = str(m["email_to"])
        lines = [f"Cảnh báo / Alert: {m['alert_name']}", f"Truy vấn / Query: {m['query']}", ""]
        if m["article_id"] is not None:
            lines += [str(m["title"]), str(m["url"] or "")]
            if self.app_url:
                lines.append(f"{self.app_url}/articles/{m['article_id']}")
        else:
            lines.append(f"{m['day']}: {m['today_count']} bài / articles (14-day mean {m['baseline']})")
        msg.set_content("\n".join(lines))
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout_s) as smtp:
            if s.smtp_user:
                smtp.starttls()
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(msg)

    def _send_webhook(self, m: dict[str, object]) -> None:
        body = json.dumps(_payload(m), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(str(m["webhook_secret"]), body)}
        response = httpx.post(str(m["webhook_url"]), content=body, headers=headers, timeout=self.timeout_s)
        if response.status_code >= 300:
            raise RuntimeError(f"webhook answered HTTP {response.status_code}")

    def run_once(self) -> DispatchSummary:
        """Send every due delivery once; return what happened."""
        summary = DispatchSummary()
        for m in self._due():
            if not self._claim(m):
                continue
            attempts = int(m["attempts"]) + 1  # type: ignore[call-overload]
            try:
                if m["channel"] == "email":
                    self._send_email(m)
                else:
                    self._send_webhook(m)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
                final = attempts >= self.max_attempts
                delay = timedelta(seconds=self.base_delay_s * 2 ** (attempts - 1))
                with t.writer(self.engine).begin() as conn:
                    conn.execute(
                        t.deliveries.update()
                        .where(t.deliveries.c.id == m["id"])
                        .values(
                            state="failed" if final else "pending",
                            next_try_at=_now() + delay,
                            last_error=error,
                        )
                    )
                summary.errors.append(error)
                if final:
                    summary.failed += 1
                    log.warning("delivery %s failed for good: %s", m["id"], error)
                else:
                    summary.retried += 1
                continue
            with t.writer(self.engine).begin() as conn:
                conn.execute(
                    t.deliveries.update()
                    .where(t.deliveries.c.id == m["id"])
                    .values(state="sent", sent_at=_now(), last_error=None)
                )
            summary.sent += 1
        return summary


def list_deliveries(engine: Engine, limit: int = 100) -> list[Delivery]:
    q = (
        select(
            t.deliveries,
            t.alerts.c.name.label("alert_name"),
            t.alert_events.c.title,
        )
        .join(t.alert_events, t.alert_events.c.id == t.deliveries.c.event_id)
        .join(t.alerts, t.alerts.c.id == t.alert_events.c.alert_id)
        .order_by(t.deliveries.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [
            Delivery(
                id=m["id"],
                event_id=m["event_id"],
                channel=m["channel"],
                state=m["state"],
                attempts=m["attempts"],
                next_try_at=_aware(m["next_try_at"]),
                last_error=m["last_error"],
                alert_name=m["alert_name"],
                title=m["title"],
            )
            for m in (r._mapping for r in conn.execute(q))
        ]
