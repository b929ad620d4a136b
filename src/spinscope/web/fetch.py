"""One article from a URL for the web app, refusing the addresses a server must not reach for a visitor (SSRF).

`GuardedTransport` vets every request, redirects included: the scheme, then the host (a literal address in
any form `inet_aton` reads, or every address its name resolves to) against loopback, private, link-local,
multicast, reserved, unspecified, CGNAT, unique-local and cloud-metadata addresses, an IPv4 address carried
inside an IPv6 one judged as that IPv4 address. It then sends the request to the very address it vetted (the
Host header and the TLS name stay the name), so a second DNS answer (rebinding) is never used.

`FetchBudget` caps one fetch as a whole: its redirects (limits.max_redirects, each redirect body dropped unread)
and its wall-clock time (web.fetch_total_timeout), on top of the readers' per-read timeout and byte cap
(limits.fetch_timeout, limits.max_bytes). Name resolution itself is bounded only by the system resolver.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx

from ..data import Document
from ..errors import Errors, InputError
from ..readers.textio import limit
from ..readers.url import fetch, make_client, page_document, without_body

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple[Any, ...]]]  # socket.getaddrinfo's signature

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data.ec2.internal"})
_FLAGS = (
    ("loopback", "is_loopback"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("unspecified", "is_unspecified"),
    ("reserved", "is_reserved"),
)
_RANGES = tuple(
    (kind, ipaddress.ip_network(net))
    for kind, net in (("CGNAT", "100.64.0.0/10"), ("unique-local", "fc00::/7"), ("site-local", "fec0::/10"))
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible IPv6 (::a.b.c.d)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, -compatible, NAT64 or 6to4), else None."""
    if address.version == 4:
        return None
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):  # not :: or ::1
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_kind(address: IPAddress) -> str | None:
    """Why a fetch from `address` is refused ('loopback', 'cloud metadata', ...); None for a public address."""
    address = embedded_ipv4(address) or address
    checks = (
        ("cloud metadata", address in METADATA_ADDRESSES),
        *((kind, getattr(address, flag)) for kind, flag in _FLAGS),
        *((kind, address in network) for kind, network in _RANGES),
        ("private", address.is_private),
        ("non-public", not address.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def name_kind(host: str) -> str | None:
    """'loopback' or 'cloud metadata' for a name that is one of those whatever DNS says; else None."""
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    return "cloud metadata" if host in METADATA_NAMES else None


def literal_address(host: str) -> IPAddress | None:
    """`host` as an IP address, legacy IPv4 forms included ('2130706433', '0x7f.1', '127.1'); else None."""
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host)
    with contextlib.suppress(OSError):
        return ipaddress.IPv4Address(socket.inet_aton(host))
    return None


def derive(request: httpx.Request, *, url: httpx.URL | None = None, **extensions: Any) -> httpx.Request:
    """`request` (same method, headers, Host included, and body) sent to `url`, with `extensions` added."""
    return httpx.Request(
        request.method,
        url or request.url,
        headers=request.headers,
        stream=request.stream,
        extensions={**request.extensions, **extensions},
    )


class GuardedTransport(httpx.BaseTransport):
    """Sends each request to an address it resolved and vetted; refuses non-public ones unless `allow_private`."""

    def __init__(
        self, inner: httpx.BaseTransport, resolver: Resolver = socket.getaddrinfo, *, allow_private: bool = False
    ) -> None:
        self.inner = inner
        self.resolver = resolver
        self.allow_private = allow_private

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise InputError(Errors.E1004(source=url, scheme=url.scheme))
        host = url.raw_host.decode("ascii").lower().rstrip(".")
        literal = literal_address(host)
        if literal is not None:
            self._vet(literal, Errors.E1002, source=url)
            return self.inner.handle_request(derive(request, url=url.copy_with(host=str(literal))))
        address = self._resolve(request, host)
        pinned = derive(request, url=url.copy_with(host=str(address)), sni_hostname=host)  # TLS checks the name
        return self.inner.handle_request(pinned)

    def close(self) -> None:
        self.inner.close()

    def _resolve(self, request: httpx.Request, host: str) -> IPAddress:
        """The first address `host` resolves to, once every one of them is vetted (httpx.ConnectError: none)."""
        kind = name_kind(host)
        if kind and not self.allow_private:
            raise InputError(Errors.E1003(source=request.url, host=host, kind=kind))
        try:
            answers = self.resolver(host, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpx.ConnectError(f"cannot resolve {host}: {exc}", request=request) from exc
        addresses = [ipaddress.ip_address(answer[4][0]) for answer in answers]
        if not addresses:
            raise httpx.ConnectError(f"{host} resolves to no address", request=request)
        for address in addresses:
            self._vet(address, Errors.E1001, source=request.url, host=host)
        return addresses[0]

    def _vet(self, address: IPAddress, template: Errors, **fields: object) -> None:
        kind = address_kind(address)
        if kind and not self.allow_private:
            raise InputError(template(address=address, kind=kind, **fields))


class FetchBudget(httpx.BaseTransport):
    """One fetch's caps over all its requests: `max_redirects` redirects and `seconds` of wall-clock time.

    The clock starts here. At the deadline the sockets opened for this fetch are shut down, so a blocked read,
    or a server dripping its headers or body, stops at once (E1006). Closing the budget stops the clock and
    leaves `inner` open: its owner closes it.
    """

    def __init__(self, inner: httpx.BaseTransport, *, max_redirects: int, seconds: float) -> None:
        self.inner = inner
        self.max_redirects = max_redirects
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.redirects = 0
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        source = str(request.url)
        left = self.check(source)
        timeouts = {
            key: left if value is None else min(value, left)
            for key, value in request.extensions.get("timeout", {}).items()
        }
        with self.timed(source):
            response = self.inner.handle_request(derive(request, timeout=timeouts, trace=self._trace))
        if response.has_redirect_location:
            response = without_body(response)
            self.redirects += 1
            if self.redirects > self.max_redirects:
                raise InputError(Errors.E1005(source=source, limit=self.max_redirects))
            return response
        stream = _TimedStream(response.stream, self, source)
        return httpx.Response(
            response.status_code, headers=response.headers, stream=stream, extensions=response.extensions
        )

    def close(self) -> None:
        self._timer.cancel()

    def check(self, source: str) -> float:
        """The seconds left; E1006 when none are."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise InputError(Errors.E1006(source=source, limit=self.seconds))
        return left

    @contextlib.contextmanager
    def timed(self, source: str) -> Iterator[None]:
        """Reports a transport error after the deadline (the connection was cut) as E1006."""
        try:
            yield
        except httpx.TransportError:  # chained as the context of E1006
            self.check(source)
            raise

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: keeps each socket this fetch opens, to cut it at the deadline."""
        if event.endswith(("connect_tcp.complete", "start_tls.complete")):
            self._sockets.append(info["return_value"].get_extra_info("socket"))
            if time.monotonic() >= self.deadline:  # opened as the timer fired
                self._cut()

    def _cut(self) -> None:
        for sock in list(self._sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _TimedStream(httpx.SyncByteStream):
    """A response body that stops with E1006 when its fetch runs out of time."""

    def __init__(self, stream: httpx.SyncByteStream, budget: FetchBudget, source: str) -> None:
        self.stream = stream
        self.budget = budget
        self.source = source

    def __iter__(self) -> Iterator[bytes]:
        with self.budget.timed(self.source):
            for chunk in self.stream:
                self.budget.check(self.source)
                yield chunk
            self.budget.check(self.source)  # a body read until the connection closes ends when it is cut

    def close(self) -> None:
        self.stream.close()


def _direct_transport() -> httpx.HTTPTransport:
    """A real connection per request, never kept alive: a connection made (and TLS-checked) for one name is
    keyed by its address alone, so reusing it could serve another name on the same address."""
    return httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))


def guarded_transport(
    settings: Mapping[str, Any], *, resolver: Resolver | None = None, inner: httpx.BaseTransport | None = None
) -> httpx.BaseTransport:
    """The SSRF guard over `inner` (default: direct connections), resolving with `resolver` (default:
    socket.getaddrinfo); it refuses non-public addresses unless web.allow_private_urls, and pins either way."""
    return GuardedTransport(
        _direct_transport() if inner is None else inner,
        socket.getaddrinfo if resolver is None else resolver,
        allow_private=settings["web"]["allow_private_urls"],
    )


def fetch_document(
    url: str,
    settings: Mapping[str, Any],
    *,
    transport: httpx.BaseTransport | None = None,
    resolver: Resolver | None = None,
) -> Document:
    """The article at `url` (its id and source), fetched through the SSRF guard over `transport` (default: direct
    connections) within the web caps. HTML and plain text are read; anything else, a feed included, is E408."""
    web = settings["web"]
    with _direct_transport() if transport is None else contextlib.nullcontext(transport) as inner:
        guarded = guarded_transport(settings, resolver=resolver, inner=inner)  # owns nothing but `inner`
        redirects, seconds = limit(settings, "max_redirects"), web["fetch_total_timeout"]
        budget = FetchBudget(guarded, max_redirects=redirects, seconds=seconds)
        with make_client(settings, budget) as client:
            fetched = fetch(url, client, settings)
    return page_document(fetched, doc_id=url, source=url, settings=settings)
