"""Fetching links safely: addresses, redirects, size, type, on a loopback server only."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from digests.sources import addresses
from digests.sources.errors import SourceError
from digests.sources.fetch import MAX_REDIRECTS, fetch_url

ARTICLE = (
    "<html><body><p>記憶體報價回升，模組廠庫存去化接近尾聲，下半年出貨可望成長。</p></body></html>"
)
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def public_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The address check on (no BRIEFBOT_ALLOW_PRIVATE_URLS), with 127.0.0.1 alone passing
    for a public address, so a redirect from it to any other private address is refused."""
    monkeypatch.delenv(addresses.ALLOW_PRIVATE_ENV, raising=False)
    check = addresses.address_problem
    monkeypatch.setattr(
        addresses,
        "address_problem",
        lambda ip: None if str(ip) == "127.0.0.1" else check(ip),
    )


def test_loopback_allowed_only_with_the_variable(http_server, monkeypatch) -> None:
    http_server.routes["/a"] = (200, HTML, ARTICLE.encode())
    assert b"<p>" in fetch_url(http_server.url("/a")).data  # the fixture sets the variable
    monkeypatch.delenv(addresses.ALLOW_PRIVATE_ENV)
    with pytest.raises(SourceError, match="loopback") as caught:
        fetch_url(http_server.url("/a"))
    assert caught.value.code == "private_address"
    monkeypatch.setenv(addresses.ALLOW_PRIVATE_ENV, "0")
    with pytest.raises(SourceError, match="loopback"):
        fetch_url(http_server.url("/a").replace("127.0.0.1", "localhost"))


def test_refused_before_connecting(monkeypatch) -> None:
    """A private address is refused without a connection being attempted at all."""
    monkeypatch.delenv(addresses.ALLOW_PRIVATE_ENV, raising=False)

    def no_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError("connected to a refused address")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    for url, reason in [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.8:8080/admin", "private"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("https://192.168.1.1/", "private"),
        ("http://2130706433/", "loopback"),  # 127.0.0.1 written as one number
    ]:
        with pytest.raises(SourceError, match=reason):
            fetch_url(url)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.5.4", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd12:3456::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::7f00:1", "loopback"),
        ("2002:c0a8:0101::1", "private"),
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_address_classes(address: str, problem: str | None) -> None:
    assert addresses.address_problem(ipaddress.ip_address(address)) == problem


def test_other_schemes_refused() -> None:
    for url in ("ftp://example.com/report.pdf", "file:///etc/passwd", "gopher://x/"):
        with pytest.raises(SourceError, match="only http and https") as caught:
            fetch_url(url)
        assert caught.value.code == "scheme"


def test_redirect_to_private_address_refused(http_server, public_loopback) -> None:
    http_server.routes["/go"] = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    with pytest.raises(SourceError, match="link-local"):
        fetch_url(http_server.url("/go"))
    port = http_server.httpd.server_address[1]
    http_server.routes["/go2"] = (301, {"Location": f"http://127.0.0.2:{port}/a"}, b"")
    with pytest.raises(SourceError, match="loopback"):
        fetch_url(http_server.url("/go2"))
    http_server.routes["/go3"] = (307, {"Location": "file:///etc/passwd"}, b"")
    with pytest.raises(SourceError, match="only http and https"):
        fetch_url(http_server.url("/go3"))


def test_redirects_followed_up_to_five_each_checked(http_server, public_loopback) -> None:
    for hop in range(MAX_REDIRECTS + 1):
        http_server.routes[f"/r{hop}"] = (302, {"Location": f"/r{hop + 1}"}, b"")
    http_server.routes[f"/r{MAX_REDIRECTS + 1}"] = (200, HTML, ARTICLE.encode())
    raw = fetch_url(http_server.url("/r1"))  # five redirects: followed
    assert raw.url == http_server.url(f"/r{MAX_REDIRECTS + 1}")
    assert raw.name == http_server.url("/r1")
    with pytest.raises(SourceError, match="too many redirects") as caught:
        fetch_url(http_server.url("/r0"))  # six: refused
    assert caught.value.code == "redirects"


def test_connects_to_the_checked_address_keeping_the_host_name(
    http_server, public_loopback, monkeypatch
) -> None:
    """The name is resolved once, checked, and the connection goes to that address
    (a second, rebinding answer is never asked for); the Host header keeps the name."""
    seen: dict[str, str] = {}

    def page(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        seen["host"] = headers.get("Host", "")
        return 200, HTML, ARTICLE.encode()

    http_server.routes["/a"] = page
    real = socket.getaddrinfo
    lookups: list[str] = []

    def resolve(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "reports.example":
            lookups.append(host)
            host = "127.0.0.1" if len(lookups) == 1 else "10.0.0.1"  # rebinds afterwards
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    port = http_server.httpd.server_address[1]
    raw = fetch_url(f"http://reports.example:{port}/a")
    assert b"<p>" in raw.data
    assert seen["host"] == f"reports.example:{port}"
    assert lookups == ["reports.example"]
    assert raw.url == f"http://reports.example:{port}/a"


def test_oversize_refused(http_server) -> None:
    http_server.routes["/declared"] = (200, {"Content-Type": "text/plain"}, b"x" * 5000)
    with pytest.raises(SourceError, match="too large") as caught:
        fetch_url(http_server.url("/declared"), max_bytes=1000)
    assert caught.value.code == "too_large"
    http_server.routes["/streamed"] = (
        200,
        {"Content-Type": "text/plain", "X-No-Length": "1"},
        b"y" * 5000,
    )
    with pytest.raises(SourceError, match="too large"):
        fetch_url(http_server.url("/streamed"), max_bytes=1000)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
        ("video/mp4", bytes(64)),
        ("application/zip", b"PK\x03\x04" + bytes(64)),
        ("application/json", b'{"a": 1}'),
        ("application/octet-stream", b"\x00\x01\x02\x03" * 64),
    ],
)
def test_wrong_content_type_refused(http_server, content_type: str, body: bytes) -> None:
    http_server.routes["/x"] = (200, {"Content-Type": content_type}, body)
    with pytest.raises(SourceError, match="refused") as caught:
        fetch_url(http_server.url("/x"))
    assert caught.value.code == "content_type"
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html; charset=big5", ARTICLE.encode("big5")),
        ("application/rss+xml", b"<?xml version='1.0'?><rss/>"),
        ("application/atom+xml", b"<feed/>"),
        ("text/plain", "純文字的文章。".encode()),
        ("application/pdf", b"%PDF-1.7\n"),
        ("application/octet-stream", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        ("binary/octet-stream", "未標示型別的純文字。".encode()),
    ],
)
def test_readable_content_types_pass(http_server, content_type: str, body: bytes) -> None:
    http_server.routes["/x"] = (200, {"Content-Type": content_type}, body)
    assert fetch_url(http_server.url("/x")).data == body


def test_unlabelled_text_passes(http_server) -> None:
    http_server.routes["/bare"] = (200, {}, "沒有型別標頭的頁面。".encode())
    assert fetch_url(http_server.url("/bare")).data.decode() == "沒有型別標頭的頁面。"


def test_whole_fetch_has_one_deadline(monkeypatch) -> None:
    """A server that trickles bytes, each well within the read timeout, is cut off when
    the fetch as a whole passes its time limit."""
    import threading
    import time

    monkeypatch.setenv(addresses.ALLOW_PRIVATE_ENV, "1")
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
            while not stop.is_set():
                try:
                    conn.sendall(b"x" * 64)
                except OSError:
                    return
                time.sleep(0.05)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(SourceError, match="timed out") as caught:
            fetch_url(f"http://127.0.0.1:{server.getsockname()[1]}/", timeout=0.6)
        assert caught.value.code == "timeout"
        assert time.monotonic() - started < 3
    finally:
        stop.set()
        server.close()


def test_https_to_the_checked_address_keeps_sni_and_certificate_check(
    public_loopback, monkeypatch, tmp_path
) -> None:
    """Pinned to the checked IP, TLS still names the host (SNI) and the certificate is
    still checked against the host name, not the address."""
    import datetime
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    httpx = pytest.importorskip("httpx")
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "reports.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("reports.example")]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    seen: dict[str, str | None] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen["host"] = self.headers["Host"]
            body = ARTICLE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.sni_callback = lambda sock, server_name, ctx: seen.__setitem__("sni", server_name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    init = httpx.HTTPTransport.__init__

    def trusting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["verify"] = ssl.create_default_context(cafile=str(cert_file))
        init(self, *args, **kwargs)

    monkeypatch.setattr(httpx.HTTPTransport, "__init__", trusting)
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        return real("127.0.0.1" if host.endswith(".example") else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    try:
        raw = fetch_url(f"https://reports.example:{port}/a")
        assert b"<p>" in raw.data
        assert seen == {"sni": "reports.example", "host": f"reports.example:{port}"}
        with pytest.raises(SourceError, match="certificate"):
            fetch_url(f"https://other.example:{port}/a")  # same address, wrong name
    finally:
        server.shutdown()
        server.server_close()
