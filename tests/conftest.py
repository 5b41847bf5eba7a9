"""Shared fixtures: paths, a fresh database, the seed corpus, a loopback HTTP server and
the loopback Bot API."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from bot.loopback import LoopbackBotAPI
    from digests.models import Article

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGEDUMPS = ROOT / "bot" / "cli" / "demo_data" / "pagedumps"
"""Sample page dumps (our own text): the demo's articles and the segmentation fixtures."""
CORPUS = ROOT.parent / "shared" / "corpus" / "blog-page-62.txt"


def _keep_test_caches_apart() -> None:
    """Point ``$BRIEFBOT_CACHE_DIR`` (unless set) at a cache folder of the tests' own,
    beside the user's: patterns and names built from test data would otherwise fill the
    user's cache files, which stop taking entries at their bound, and a test that
    clears or damages a cache file would do it to the user's.  Kept between runs, so
    the suite still finds jieba's prepared dictionary ready."""
    if not os.environ.get("BRIEFBOT_CACHE_DIR"):
        from digests.cachedir import cache_dir

        os.environ["BRIEFBOT_CACHE_DIR"] = str(cache_dir().with_name("briefbot-tests"))


_keep_test_caches_apart()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def corpus_path() -> Path:
    if not CORPUS.exists():
        pytest.skip(f"seed corpus not found at {CORPUS} (../shared/corpus is provided in CI)")
    return CORPUS


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the sample page dumps (10 articles) and the reference data, built once."""
    from bot.ingest.orchestrate import ingest_all
    from digests.lexicon import default_lexicon
    from store import open_db
    from store.reference import sync_reference

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    db = open_db(path)
    assert all(r.ok for r in ingest_all(db, sorted(map(str, PAGEDUMPS.glob("*.txt"))), workers=1))
    sync_reference(db, default_lexicon())
    db.close()
    return path


def build_store(path: Path, articles: Iterable[Article]) -> Path:
    """A store at ``path`` with the reference data and ``articles`` digested: the
    reference rows first, since article rows point to topics and companies."""
    from digests.lexicon import default_lexicon
    from digests.summarize import digest_article
    from store import open_db
    from store.articles import save_article
    from store.reference import sync_reference

    lexicon = default_lexicon()
    db = open_db(path)
    try:
        sync_reference(db, lexicon)
        for article in articles:
            save_article(db, digest_article(article, lexicon))
    finally:
        db.close()
    return path


@pytest.fixture
def store_copy(sample_store: Path, tmp_path: Path) -> Path:
    """A private copy of the sample store for one test to change."""
    path = tmp_path / "store.db"
    shutil.copy(sample_store, path)
    return path


@pytest.fixture
def api() -> Iterator[LoopbackBotAPI]:
    """The loopback Bot API emulator, running for one test (see ``bot/loopback``)."""
    from bot.loopback import LoopbackBotAPI

    with LoopbackBotAPI() as emulator:
        yield emulator


Route = (
    tuple[int, dict[str, str], bytes | Callable[[], bytes]]
    | Callable[[dict[str, str]], tuple[int, dict[str, str], bytes]]
)


class LoopbackServer:
    """A tiny HTTP server on 127.0.0.1 serving canned routes, for URL sources."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = server.routes.get(
                    self.path, (404, {"Content-Type": "text/plain"}, b"not found")
                )
                # A callable route sees the request headers (conditional GET tests).
                status, headers, body = route(dict(self.headers)) if callable(route) else route
                payload = body() if callable(body) else body
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers and "X-No-Length" not in headers:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def http_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackServer]:
    """A loopback server; URL fetching may reach it (``BRIEFBOT_ALLOW_PRIVATE_URLS=1``).

    Fetching refuses loopback addresses otherwise; a test of that refusal removes the
    variable again (``monkeypatch.delenv("BRIEFBOT_ALLOW_PRIVATE_URLS")``).
    """
    monkeypatch.setenv("BRIEFBOT_ALLOW_PRIVATE_URLS", "1")
    server = LoopbackServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
