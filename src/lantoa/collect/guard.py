"""Where the crawler may connect: public addresses only, unless a source allows private ones.

Scraped pages and feeds are untrusted; a link or redirect to ``http://10.0.0.1/`` or to a name
that resolves to the loopback must not turn the crawler into a probe of the intranet.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from lantoa.errors import FetchError


def public_addresses(host: str, port: int | None) -> list[str]:
    """Addresses of ``host``, all public, or ``FetchError``.

    Every address of the host is checked: a name with one public and one private address is
    refused, since the connection may use either.
    """
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host}: {exc}") from exc
    found: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%")[0]
        address = ipaddress.ip_address(text)
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
            or address.is_multicast
            or address.is_unspecified
        ):
            raise FetchError(f"refused private or loopback address {address} of {host}")
        if text not in found:
            found.append(text)
    return found


def check_address(host: str, port: int | None, *, allow_private: bool) -> None:
    """Refuse hosts resolving to private, loopback, link-local or reserved addresses."""
    if not allow_private:
        public_addresses(host, port)


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to vetted public addresses, resolved and checked at connect time.

    Checking a name and then letting the HTTP library resolve it again leaves a window for
    DNS rebinding (public answer first, intranet answer second); here the address checked is
    the address connected to.
    """

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in public_addresses(host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last


def make_client(user_agent: str, *, guarded: bool) -> httpx.Client:
    transport = httpx.HTTPTransport()
    if guarded:
        # httpx has no public hook for the network backend of its connection pool.
        transport._pool._network_backend = GuardedBackend()
    return httpx.Client(
        transport=transport,
        follow_redirects=False,
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        trust_env=False,
    )
