"""The web app's URL fetch: SSRF refusals (literal, resolved, redirected), address pinning, and the caps.

No test touches the network: names resolve through a fake resolver, answers come from httpx.MockTransport or
from a small HTTP server on 127.0.0.1 that this module starts.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address

import httpx
import pytest

from spinscope.config import load_settings
from spinscope.errors import InputError
from spinscope.web.fetch import address_kind, fetch_document, guarded_transport

PUBLIC = "93.184.216.34"
TEXT = "The harbour town voted on a second ferry on Tuesday after a debate that lasted well into the night. " * 4
PAGE = f"<html><head><title>Ferry vote</title></head><body><article><p>{TEXT}</p></article></body></html>".encode()
HTML = {"content-type": "text/html; charset=utf-8"}


def settings(*overrides: str) -> dict:
    return load_settings(overrides=overrides, env={})


def dns(table: dict[str, list[str]], calls: list[str] | None = None) -> Callable[..., list[tuple]]:
    """A getaddrinfo look-alike answering from `table` (unknown names fail); it records each name asked."""

    def resolve(host: str, port: object, *args: object, **kwargs: object) -> list[tuple]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [(family[ip_address(a).version], socket.SOCK_STREAM, 6, "", (a, 0)) for a in table[host]]

    return resolve


def recorder(answer: Callable[[httpx.Request], httpx.Response]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A mock network that answers with `answer` and keeps every request it was sent."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer(request)

    return httpx.MockTransport(handle), sent


def page(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers=HTML, content=PAGE)


def redirect(location: str) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": location}) if request.url.path == "/" else page(request)

    return answer


def refused(url: str, code: str, resolver: Callable[..., list[tuple]]) -> list[httpx.Request]:
    """Fetch `url` expecting the coded refusal; returns the requests that reached the (mock) network."""
    transport, sent = recorder(page)
    with pytest.raises(InputError, match=rf"\[{code}\]"):
        fetch_document(url, settings(), transport=transport, resolver=resolver)
    return sent


# --- what counts as non-public --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.1.1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.170.2", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("100.64.0.1", "CGNAT"),
        ("100.127.255.254", "CGNAT"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.1", "private"),  # documentation range
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "unique-local"),
        ("fd12:3456::1", "unique-local"),
        ("fd00:ec2::254", "cloud metadata"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("::127.0.0.1", "loopback"),  # IPv4-compatible
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("8.8.8.8", None),
        (PUBLIC, None),
        ("2606:4700::1111", None),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::808:808", None),  # NAT64 of a public address stays fetchable
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert address_kind(ip_address(address)) == kind


# --- refusals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "https://10.1.2.3:8443/admin",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.1.1/",
        "http://0.0.0.0:8000/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fd12::1]/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://2130706433/",  # decimal 127.0.0.1
        "http://0x7f.1/",  # hex, short form
        "http://0x7f000001/",
        "http://127.1/",
        "http://0/",
        "http://2852039166/",  # decimal 169.254.169.254
        "http://127.0.0.1./",  # trailing dot
        "http://example.com@127.0.0.1/",  # userinfo: the host is 127.0.0.1
        "http://user:pass@10.0.0.1:80/",
    ],
)
def test_literal_non_public_addresses_are_refused_before_any_request(url: str) -> None:
    calls: list[str] = []
    assert refused(url, "E1002", dns({}, calls)) == []
    assert calls == []  # a literal address is never looked up


@pytest.mark.parametrize(
    "url", ["http://localhost/", "http://LOCALHOST./", "http://app.localhost:3000/", "http://metadata.google.internal/"]
)
def test_local_and_metadata_names_are_refused_without_dns(url: str) -> None:
    calls: list[str] = []
    assert refused(url, "E1003", dns({}, calls)) == []
    assert calls == []


@pytest.mark.parametrize(
    "answers", [["127.0.0.1"], ["10.0.0.7"], ["::1"], ["169.254.169.254"], ["fd00:ec2::254"], [PUBLIC, "10.0.0.1"]]
)
def test_names_resolving_to_non_public_addresses_are_refused(answers: list[str]) -> None:
    resolver = dns({"innocent.example": answers})
    with pytest.raises(InputError, match=r"\[E1001\] .*innocent\.example resolves to"):
        fetch_document("https://innocent.example/story", settings(), transport=recorder(page)[0], resolver=resolver)


@pytest.mark.parametrize(
    ("location", "code"),
    [
        ("http://10.0.0.1/", "E1002"),
        ("http://[::1]:8080/", "E1002"),
        ("http://2130706433/", "E1002"),
        ("http://169.254.169.254/latest/meta-data/", "E1002"),
        ("http://internal.example/", "E1001"),
        ("http://localhost/", "E1003"),
        ("/elsewhere", None),
        ("ftp://news.example/file", "E1004"),
        ("file:///etc/passwd", "E1004"),
    ],
)
def test_redirects_are_vetted_like_the_first_request(location: str, code: str | None) -> None:
    resolver = dns({"news.example": [PUBLIC], "internal.example": ["192.168.1.20"]})
    transport, sent = recorder(redirect(location))
    if code is None:
        doc = fetch_document("http://news.example/", settings(), transport=transport, resolver=resolver)
        assert doc.meta["url"] == "http://news.example/elsewhere"
        return
    with pytest.raises(InputError, match=rf"\[{code}\]"):
        fetch_document("http://news.example/", settings(), transport=transport, resolver=resolver)
    assert [str(r.url) for r in sent] == [f"http://{PUBLIC}/"]  # the refused hop never left


def test_a_non_http_url_is_refused() -> None:
    assert refused("file:///etc/passwd", "E407", dns({})) == []


def test_a_name_that_does_not_resolve_is_a_fetch_failure() -> None:
    with pytest.raises(InputError, match=r"\[E407\] .*cannot resolve nowhere\.example"):
        fetch_document("http://nowhere.example/", settings(), transport=recorder(page)[0], resolver=dns({}))


# --- what is let through, and where it is sent ----------------------------------------------------------


def test_a_public_name_is_fetched_at_the_address_that_was_checked() -> None:
    calls: list[str] = []
    transport, sent = recorder(page)
    doc = fetch_document(
        "https://news.example/ferry", settings(), transport=transport, resolver=dns({"news.example": [PUBLIC]}, calls)
    )
    assert doc.title == "Ferry vote" and "second ferry" in doc.text
    assert doc.id == doc.source == doc.meta["url"] == "https://news.example/ferry"  # the name, not the address
    (request,) = sent
    assert str(request.url) == f"https://{PUBLIC}/ferry"
    assert request.headers["host"] == "news.example"
    assert request.extensions["sni_hostname"] == "news.example"  # TLS verifies the name
    assert calls == ["news.example"]


def test_dns_rebinding_gets_no_second_answer() -> None:
    """A resolver that answers public first and loopback after: the request goes to the first answer."""
    answers = iter([[PUBLIC], ["127.0.0.1"]])
    transport, sent = recorder(page)

    def rebinding(host: str, port: object, *args: object, **kwargs: object) -> list[tuple]:
        return dns({host: next(answers)})(host, port)

    fetch_document("http://rebind.example/", settings(), transport=transport, resolver=rebinding)
    assert [r.url.host for r in sent] == [PUBLIC]
    assert next(answers) == ["127.0.0.1"]  # asked once only


def test_public_ipv6_literal_is_fetched() -> None:
    transport, sent = recorder(page)
    fetch_document("http://[2606:4700::1111]/a", settings(), transport=transport, resolver=dns({}))
    assert sent[0].url.host == "2606:4700::1111"


def test_allow_private_lets_private_addresses_through_but_still_pins() -> None:
    cfg = settings("web.allow_private_urls=true")
    transport, sent = recorder(page)
    fetch_document("http://localhost/a", cfg, transport=transport, resolver=dns({"localhost": ["127.0.0.1"]}))
    fetch_document("http://10.0.0.1/b", cfg, transport=transport, resolver=dns({}))
    assert [str(r.url) for r in sent] == ["http://127.0.0.1/a", "http://10.0.0.1/b"]
    assert sent[0].headers["host"] == "localhost"


def test_guarded_transport_guards_a_plain_client() -> None:
    transport = guarded_transport(settings(), inner=recorder(page)[0], resolver=dns({}))
    with httpx.Client(transport=transport) as client, pytest.raises(InputError, match=r"\[E1002\]"):
        client.get("http://192.168.1.1/")


def test_a_feed_is_not_one_article() -> None:
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    transport, _ = recorder(
        lambda request: httpx.Response(200, headers={"content-type": "application/rss+xml"}, content=rss)
    )
    with pytest.raises(InputError, match=r"\[E408\]"):
        fetch_document(f"http://{PUBLIC}/rss", settings(), transport=transport)


# --- caps -----------------------------------------------------------------------------------------------


def hops(request: httpx.Request) -> httpx.Response:
    """/hop/N redirects to /hop/N-1, and /hop/0 is the page."""
    n = int(request.url.path.rsplit("/", 1)[1])
    return httpx.Response(302, headers={"location": f"/hop/{n - 1}"}) if n else page(request)


@pytest.mark.parametrize(("limit", "chain", "ok"), [(5, 5, True), (5, 6, False), (0, 1, False), (25, 25, True)])
def test_redirects_are_capped(limit: int, chain: int, ok: bool) -> None:
    cfg = settings(f"limits.max_redirects={limit}")
    transport, sent = recorder(hops)
    url = f"http://{PUBLIC}/hop/{chain}"
    if ok:
        assert fetch_document(url, cfg, transport=transport).meta["url"] == f"http://{PUBLIC}/hop/0"
    else:
        with pytest.raises(InputError, match=rf"\[E1005\] .*more than {limit} redirects"):
            fetch_document(url, cfg, transport=transport)
    assert len(sent) == min(chain, limit + 1) + ok


def test_the_body_is_capped() -> None:
    big = PAGE + b" " * 5_000
    transport, _ = recorder(lambda request: httpx.Response(200, headers=HTML, content=big))
    with pytest.raises(InputError, match=r"\[E412\]"):
        fetch_document(f"http://{PUBLIC}/", settings("limits.max_bytes=4000"), transport=transport)


def test_a_redirect_body_is_never_read() -> None:
    read: list[bytes] = []

    def endless() -> Iterator[bytes]:
        while True:
            read.append(b"x" * 65_536)
            yield read[-1]

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/":
            return httpx.Response(302, headers={"location": "/page"}, content=endless())
        return page(request)

    fetch_document(f"http://{PUBLIC}/", settings(), transport=recorder(answer)[0])
    assert read == []


# --- the real transport, against a local server ---------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """/page echoes the Host header into an article; /drip and /drip-headers send a byte every 50 ms."""

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client cut the connection
            getattr(self, "serve_" + self.path.strip("/").replace("-", "_"))()

    def serve_page(self) -> None:
        body = PAGE.replace(b"</p>", f" Host was {self.headers['Host']}.</p>".encode())
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def serve_drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.drip()

    def serve_drip_headers(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        self.drip(b"X-Slow: " + b"a" * 1000)

    def drip(self, data: bytes = PAGE * 10) -> None:
        for i in range(len(data)):  # bounded, so a failing test still ends
            self.wfile.write(data[i : i + 1])
            self.wfile.flush()
            time.sleep(0.05)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(wrap: Callable[[socket.socket], socket.socket] = lambda sock: sock) -> Iterator[str]:
    """Run `Handler` on 127.0.0.1 (its socket wrapped by `wrap`, for TLS) and yield its host:port."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.socket = wrap(httpd.socket)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve() as host:
        yield host


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ssl.SSLContext]]:
    """An HTTPS server with a self-signed certificate for secure.test, and a client context trusting it."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command")
    cert, key = (tmp_path_factory.mktemp("tls") / name for name in ("cert.pem", "key.pem"))
    make = (
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=secure.test -addext subjectAltName=DNS:secure.test"
    )
    subprocess.run([*make.split(), "-keyout", key, "-out", cert], check=True, capture_output=True)
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    with serve(lambda sock: server_side.wrap_socket(sock, server_side=True)) as host:
        yield host, ssl.create_default_context(cafile=cert)


def test_loopback_server_is_refused_by_default(server: str) -> None:
    with pytest.raises(InputError, match=r"\[E1002\] .*127\.0\.0\.1 is a loopback address"):
        fetch_document(f"http://{server}/page", settings())


def test_allow_private_fetches_from_a_real_server_pinned_to_the_checked_address(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    cfg = settings("web.allow_private_urls=true")
    doc = fetch_document(f"http://{server}/page", cfg)
    assert f"Host was {server}." in doc.text
    # a name only the fake resolver knows: reaching the server proves the connection went to the checked
    # address (the system resolver cannot resolve it), and the server saw the name in the Host header
    doc = fetch_document(f"http://pinned.test:{port}/page", cfg, resolver=dns({"pinned.test": ["127.0.0.1"]}))
    assert f"Host was pinned.test:{port}." in doc.text
    assert doc.meta["url"] == f"http://pinned.test:{port}/page"


@pytest.mark.parametrize("path", ["drip", "drip-headers"])
def test_total_time_is_capped_against_a_dripping_server(server: str, path: str) -> None:
    cfg = settings("web.allow_private_urls=true", "web.fetch_total_timeout=0.6", "limits.fetch_timeout=5")
    start = time.monotonic()
    with pytest.raises(InputError, match=r"\[E1006\] .*more than 0.6 s"):
        fetch_document(f"http://{server}/{path}", cfg)
    assert 0.5 < time.monotonic() - start < 2.0  # each read is quick, so only the total cap stops it


@pytest.mark.parametrize(("name", "ok"), [("secure.test", True), ("other.test", False)])
def test_https_to_the_checked_address_verifies_the_certificate_against_the_name(tls, name: str, ok: bool) -> None:
    server, trusted = tls
    port = server.rsplit(":", 1)[1]
    url = f"https://{name}:{port}/page"
    cfg = settings("web.allow_private_urls=true")
    resolver = dns({name: ["127.0.0.1"]})
    fetch = partial(fetch_document, url, cfg, transport=httpx.HTTPTransport(verify=trusted), resolver=resolver)
    if ok:
        assert f"Host was {name}:{port}." in fetch().text
    else:
        with pytest.raises(InputError, match=r"\[E407\] .*CERTIFICATE_VERIFY_FAILED"):
            fetch()
