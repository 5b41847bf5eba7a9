"""Read a source's bytes from a file or an http(s) URL, within a size cap and a timeout."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digests.sources.errors import SourceError

if TYPE_CHECKING:
    import httpx

MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 15.0
USER_AGENT = "briefbot/0.1 (+https://github.com/briefbot/briefbot)"


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
            raise SourceError(f"too large: {size:,} bytes (limit {max_bytes:,})")
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
    client: httpx.Client | None = None,
) -> RawSource:
    """GET ``url``; stop reading once the body passes ``max_bytes``."""
    import httpx  # lazily: only URL sources need it

    timeout = http_timeout() if timeout is None else timeout
    request_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    own_client = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=True)
    try:
        with http.stream("GET", url, headers=request_headers) as response:
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
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(f"too large: {int(declared):,} bytes (limit {max_bytes:,})")
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise SourceError(f"too large: over {max_bytes:,} bytes")
                chunks.append(chunk)
            return RawSource(
                url,
                b"".join(chunks),
                url=str(response.url),
                content_type=response.headers.get("content-type"),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
    except httpx.TimeoutException:
        raise SourceError(f"timed out after {timeout:g} s") from None
    except httpx.InvalidURL as exc:
        raise SourceError(f"invalid URL: {exc}") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot fetch: {exc}") from None
    finally:
        if own_client:
            http.close()
