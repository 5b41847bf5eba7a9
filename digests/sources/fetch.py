"""Read a source's bytes from a file or an http(s) URL, safely: size, time, type and address.

URLs come from strangers (links sent to the bot), so fetching is guarded against
server-side request forgery and resource exhaustion:

- only ``http`` and ``https``, on every hop;
- the host is resolved once and every address checked *before* connecting
  (``digests.sources.addresses``); the connection then goes to that checked address,
  with the original host name kept in the ``Host`` header and in TLS (SNI and the
  certificate check), so a DNS answer that changes in between cannot reach a private
  address (DNS rebinding); env proxies are not used, since a proxy would connect for us;
- redirects are followed by hand, at most ``MAX_REDIRECTS``, each target checked again;
- the content type must be something a source reader reads (HTML, XML feeds, text,
  PDF); an unlabelled or ``octet-stream`` body is let through only when its first bytes
  are a PDF or text, for servers that label every download that way;
- the body is streamed and abandoned at ``max_bytes``, and the whole fetch (redirects
  included) has one deadline, so a server that trickles bytes cannot hold a worker.

``BRIEFBOT_ALLOW_PRIVATE_URLS=1`` lifts the address check (tests on loopback, an
intranet deployment); every other guard stays.  Every refusal is a SourceError whose
message is one line naming the reason, and whose ``code`` names its kind.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digests.sources.addresses import private_urls_allowed, resolve_public
from digests.sources.errors import SourceError

if TYPE_CHECKING:
    import httpx

MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 15.0
MAX_REDIRECTS = 5
USER_AGENT = "briefbot/0.1 (+https://github.com/briefbot/briefbot)"

_TEXT_TYPES = frozenset(
    {
        "application/xhtml+xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/pdf",
        "application/x-pdf",
    }
)
_UNLABELLED_TYPES = frozenset(
    {"", "application/octet-stream", "binary/octet-stream", "application/x-download",
     "application/download", "application/force-download"}
)  # fmt: skip
_SNIFF_BYTES = 1024


@dataclass(frozen=True)
class RawSource:
    name: str
    data: bytes
    url: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    """A conditional GET answered 304: nothing new since the validators given."""

    @property
    def charset(self) -> str | None:
        if not self.content_type:
            return None
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"' ")
        return None


def headers_get(headers: dict[str, str] | None, name: str) -> str | None:
    return (headers or {}).get(name)


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def http_timeout() -> float:
    try:
        return float(os.environ.get("BRIEFBOT_HTTP_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def read_file(path: Path, max_bytes: int = MAX_BYTES) -> RawSource:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(f"too large: {size:,} bytes (limit {max_bytes:,})", code="too_large")
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("no such file or directory") from None
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    return RawSource(str(path), data)


def fetch_url(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    timeout: float | None = None,
    headers: dict[str, str] | None = None,
) -> RawSource:
    """GET ``url`` within the guards above; raise SourceError naming the refusal.

    ``timeout`` (default ``BRIEFBOT_HTTP_TIMEOUT``, 15 s) bounds the whole fetch,
    redirects and body included, as well as each network wait.  ``headers`` are sent
    on every hop (a feed's conditional GET: a 304 gives ``not_modified``).
    """
    import httpx  # lazily: only URL sources need it

    timeout = http_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    request_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    transport = _PinnedTransport(check=not private_urls_allowed())
    http = httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)
    try:
        current = _checked_url(url)
        for hop in range(MAX_REDIRECTS + 1):
            left = deadline - time.monotonic()  # each hop waits only for what is left
            if left <= 0:
                raise SourceError(f"timed out after {timeout:g} s", code="timeout")
            with http.stream("GET", current, headers=request_headers, timeout=left) as response:
                if response.has_redirect_location:
                    if hop == MAX_REDIRECTS:
                        raise SourceError(
                            f"refused: too many redirects (more than {MAX_REDIRECTS})",
                            code="redirects",
                        )
                    current = _checked_url(str(response.url.join(response.headers["location"])))
                    continue
                return _read_response(response, url, headers, max_bytes, deadline, timeout)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
    except httpx.TimeoutException:
        raise SourceError(f"timed out after {timeout:g} s", code="timeout") from None
    except httpx.InvalidURL as exc:
        raise SourceError(f"invalid URL: {exc}", code="url") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot fetch: {exc}") from None
    finally:
        http.close()


def _checked_url(url: str) -> httpx.URL:
    """``url`` parsed, when it is http(s) with a host; else a SourceError naming why."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise SourceError(f"invalid URL: {exc}", code="url") from None
    if parsed.scheme not in ("http", "https"):
        scheme = parsed.scheme or "no scheme"
        raise SourceError(
            f"refused: {scheme} URLs are not fetched (only http and https)", code="scheme"
        )
    if not parsed.host:
        raise SourceError("invalid URL: no host", code="url")
    return parsed


def _read_response(
    response: httpx.Response,
    url: str,
    headers: dict[str, str] | None,
    max_bytes: int,
    deadline: float,
    timeout: float,
) -> RawSource:
    if response.status_code == 304:
        return RawSource(
            url,
            b"",
            url=str(response.url),
            etag=response.headers.get("etag") or headers_get(headers, "If-None-Match"),
            last_modified=response.headers.get("last-modified")
            or headers_get(headers, "If-Modified-Since"),
            not_modified=True,
        )
    if response.status_code >= 400:
        raise SourceError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
    if response.status_code >= 300:
        raise SourceError(f"HTTP {response.status_code} without a redirect target")
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(
            f"too large: {int(declared):,} bytes (limit {max_bytes:,})", code="too_large"
        )
    content_type = response.headers.get("content-type")
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        if not chunks and media_type not in _TEXT_TYPES and not media_type.startswith("text/"):
            _check_type(media_type, chunk)
        total += len(chunk)
        if total > max_bytes:
            raise SourceError(f"too large: over {max_bytes:,} bytes", code="too_large")
        if time.monotonic() > deadline:
            raise SourceError(f"timed out after {timeout:g} s", code="timeout")
        chunks.append(chunk)
    if not chunks and media_type not in _TEXT_TYPES and not media_type.startswith("text/"):
        _check_type(media_type, b"")
    return RawSource(
        url,
        b"".join(chunks),
        url=str(response.url),
        content_type=content_type,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


def _check_type(media_type: str, head: bytes) -> None:
    """Refuse a body that is not HTML, XML, text or PDF, by its label or first bytes.

    An unlabelled (or ``octet-stream``) body passes when it opens like a PDF or has no
    NUL byte in its first kilobyte (text; UTF-16 opens with a BOM): the source reader
    still sniffs the whole of it.
    """
    if media_type in _UNLABELLED_TYPES:
        head = head[:_SNIFF_BYTES]
        if (
            head.lstrip().startswith(b"%PDF-")
            or head.startswith((b"\xff\xfe", b"\xfe\xff"))
            or b"\x00" not in head
        ):
            return
        label = media_type or "unlabelled content"
        raise SourceError(f"refused: {label} that is not text or a PDF", code="content_type")
    raise SourceError(
        f"refused: content type {media_type} (only web pages, feeds, text and PDF)",
        code="content_type",
    )


class _PinnedTransport:  # duck-typed httpx.BaseTransport: httpx stays a lazy import
    """An httpx transport that connects only to the address it has checked.

    Each request's host is resolved and checked (``resolve_public``), then the request
    goes to that IP literal, with the ``Host`` header (set by httpx from the original
    URL) and the TLS server name (``sni_hostname``) still the host's name, so virtual
    hosting and certificate checks work as usual.  Connections are not kept alive:
    two names on one address must not share a TLS session.
    """

    def __init__(self, *, check: bool) -> None:
        import httpx

        self._check = check
        self._inner = httpx.HTTPTransport(
            trust_env=False, limits=httpx.Limits(max_keepalive_connections=0)
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        import httpx

        if not self._check:
            return self._inner.handle_request(request)
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        address = resolve_public(host, port)
        if address == host:
            return self._inner.handle_request(request)
        extensions = dict(request.extensions)
        if request.url.scheme == "https":
            extensions["sni_hostname"] = host
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=address),
            headers=request.headers,
            stream=request.stream,
            extensions=extensions,
        )
        return self._inner.handle_request(pinned)

    def close(self) -> None:
        self._inner.close()

    def __enter__(self) -> _PinnedTransport:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()
