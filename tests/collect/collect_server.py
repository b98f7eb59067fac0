"""A real threaded HTTP server on 127.0.0.1 for crawler tests, with a log of every request.

Routes map a path to one or more ``Reply`` objects (served in order, the last one repeating),
so a test can script "500, then 200" or "429 with Retry-After, then 200". The log records the
monotonic arrival time of each request: politeness is measured on the server's side.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _StampingServer(ThreadingHTTPServer):
    """Stamps each connection when accepted, before a handler thread exists: on a loaded
    machine the thread may start late, which would blur the spacing the tests measure."""

    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accepted: dict[int, float] = {}

    def get_request(self) -> tuple[Any, Any]:
        sock, address = super().get_request()
        self.accepted[id(sock)] = time.monotonic()
        return sock, address


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds before the status line (a slow server)."""
    drip: float = 0.0
    """Seconds between 1 KB chunks of the body (a slow transfer)."""
    etag: str | None = None
    last_modified: str | None = None
    content_length: bool = True


@dataclass(frozen=True)
class Hit:
    at: float
    path: str
    headers: dict[str, str]


class Server:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self._served: dict[str, int] = {}
        self.log: list[Hit] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                owner._handle(self)

        self.httpd = _StampingServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, *replies: Reply) -> str:
        self.routes[path] = list(replies)
        return self.url(path)

    def page(self, path: str, body: str | bytes, **kwargs: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.add(path, Reply(body=data, **kwargs))  # type: ignore[arg-type]

    def hits(self, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self.log if path is None or h.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        with self._lock:
            arrived = self.httpd.accepted.pop(id(req.request), time.monotonic())
            self.log.append(Hit(arrived, req.path, {k.lower(): v for k, v in req.headers.items()}))
            replies = self.routes.get(req.path)
            if replies is None:
                reply = Reply(body=b"not found", status=404, content_type="text/plain")
            else:
                index = self._served.get(req.path, 0)
                self._served[req.path] = index + 1
                reply = replies[min(index, len(replies) - 1)]
        try:
            self._send(req, reply)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, req: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        status = reply.status
        body = reply.body
        if (reply.etag and req.headers.get("If-None-Match") == reply.etag) or (
            reply.last_modified and req.headers.get("If-Modified-Since") == reply.last_modified
        ):
            status, body = 304, b""
        req.send_response(status)
        if reply.content_type and status != 304:
            req.send_header("Content-Type", reply.content_type)
        if reply.etag:
            req.send_header("ETag", reply.etag)
        if reply.last_modified:
            req.send_header("Last-Modified", reply.last_modified)
        for key, value in reply.headers.items():
            req.send_header(key, value)
        if reply.content_length:
            req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        if not reply.drip:
            req.wfile.write(body)
            return
        for start in range(0, len(body), 1024):
            req.wfile.write(body[start : start + 1024])
            req.wfile.flush()
            time.sleep(reply.drip)
