"""Operations: ``briefbot doctor`` (is everything in order?) and ``briefbot backup``."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core.config import ConfigError, Settings
from digests import regexcache
from store import StoreError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def cmd_doctor(args: argparse.Namespace) -> int:
    checks: list[Check] = []
    try:
        settings = Settings.from_env(db_path=getattr(args, "db", None))
    except ConfigError as exc:
        checks.append(Check("settings", False, str(exc)))
        settings = None
    else:
        checks.append(Check("settings", True, "environment variables valid"))
    if settings is not None:
        checks.append(
            _guard("Bot API", lambda: _bot_api(settings), lambda e: _bot_api_advice(e, settings))
        )
        db_checks = _database(settings.db_path)
        checks.extend(db_checks)
        if all(c.ok for c in db_checks):
            checks.append(_guard("scheduled jobs", lambda: _jobs(settings.db_path)))
            checks.extend(_feeds(settings))
    secrets = [s for s in (settings.token, settings.webhook_secret) if s] if settings else []
    for check in checks:
        line = check.line()
        for secret in secrets:
            line = line.replace(secret, "<redacted>")  # PTB quotes a rejected token
        print(line)
    failed = sum(not c.ok for c in checks)
    print(f"{len(checks) - failed} ok, {failed} failed")
    return EXIT_OK if failed == 0 else EXIT_FAILED


def _guard(
    name: str, run: Callable[[], str], advise: Callable[[Exception], str] | None = None
) -> Check:
    """Any exception becomes a failed check saying what to do, never a traceback.

    Operators read these lines at 3 a.m.: what is wrong and the next step, not an
    exception class name.
    """
    try:
        return Check(name, True, run())
    except Exception as exc:
        return Check(name, False, (advise or _reason)(exc)[:300])


def _reason(exc: BaseException) -> str:
    """The first line of what an exception says (its class only when it says nothing)."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return _CLASS_PREFIX.sub("", line)  # httpx.ConnectError: All connection attempts failed


_CLASS_PREFIX = regexcache.compile(r"^(?:[A-Za-z_]\w*\.)+[A-Z]\w*:\s*")


class _NoToken(Exception):
    pass


def _bot_api_advice(exc: Exception, settings: Settings) -> str:
    from telegram.error import Forbidden, InvalidToken, NetworkError, TimedOut

    api = settings.api_url or "https://api.telegram.org/bot"
    if isinstance(exc, _NoToken):
        return (
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather (/newbot) and put "
            "its token in the environment (see deploy/env.example)"
        )
    if isinstance(exc, InvalidToken | Forbidden):
        return (
            "Telegram rejected TELEGRAM_BOT_TOKEN: copy the token again from @BotFather "
            "(/mybots → API Token); a revoked token must be replaced"
        )
    if isinstance(exc, TimedOut):
        return f"the Bot API at {api} did not answer in time: check the network or proxy"
    if isinstance(exc, NetworkError):
        return (
            f"cannot reach the Bot API at {api} ({_reason(exc)}): check the network, a "
            "firewall or TELEGRAM_API_URL"
        )
    return f"the Bot API call failed ({_reason(exc)}): check TELEGRAM_API_URL and the token"


def _bot_api(settings: Settings) -> str:
    if not settings.token:
        raise _NoToken

    async def get_me() -> str:
        from telegram import Bot

        bot = Bot(settings.token or "", base_url=settings.api_url or "https://api.telegram.org/bot")
        async with bot:
            me = await bot.get_me(read_timeout=10, connect_timeout=10)
            return f"reachable, the bot is @{me.username}"

    return asyncio.run(get_me())


def _database(path: str) -> list[Check]:
    from store.maintenance import integrity_check, schema_state

    if not Path(path).exists():
        return [Check("database", False, f"{path} does not exist (run `briefbot ingest` first)")]
    checks = []
    try:
        result = integrity_check(path)
        detail = f"integrity_check: {result}"
        if result != "ok":
            detail += "; stop the bot and restore the latest backup (README: Backups)"
        checks.append(Check("database integrity", result == "ok", detail))
    except StoreError as exc:
        return [
            Check(
                "database",
                False,
                f"cannot read {path} ({_reason(exc)}): check --db or BRIEFBOT_DB, or restore "
                "the latest backup (README: Backups)",
            )
        ]
    state = schema_state(path)
    pending = state.pending
    checks.append(
        Check(
            "database schema",
            not pending,
            f"{len(state.applied)} migrations applied"
            + (
                f", {len(pending)} pending: {', '.join(pending)}; take a backup, then start "
                "the bot (or run any briefbot command) to apply them"
                if pending
                else ", up to date"
            ),
        )
    )
    checks.append(
        _guard("database write access", lambda: _writable(path), lambda e: _write_advice(e, path))
    )
    return checks


def _writable(path: str) -> str:
    if not os.access(path, os.W_OK) or not os.access(Path(path).parent, os.W_OK):
        raise PermissionError(f"{path} or its folder is not writable")
    from store.maintenance import take_write_lock

    take_write_lock(path)
    return "can take the write lock"


def _write_advice(exc: Exception, path: str) -> str:
    if isinstance(exc, PermissionError):
        return (
            f"{_reason(exc)}: run doctor as the bot's user, or give that user write access "
            f"to the file and its folder (chown)"
        )
    if "locked" in str(exc).lower() or "busy" in str(exc).lower():
        return (
            f"another process has held {path}'s write lock for over 5 s: is a second bot or "
            "a long ingest running? Try again when it is done"
        )
    return f"cannot write {path} ({_reason(exc)}): check the disk (space, read-only mount)"


def _jobs(path: str) -> str:
    from store import open_db
    from store.deliveries import deliverable_chats

    db = open_db(path)
    try:
        count = len(deliverable_chats(db))
    finally:
        db.close()
    return f"{count} daily briefing jobs would be scheduled"


def _feeds(settings: Settings) -> list[Check]:
    from digests.sources.fetch import fetch_url
    from store import open_db
    from store.feeds import list_feeds

    db = open_db(settings.db_path)
    try:
        urls = {f.url for f in list_feeds(db)} | set(settings.feeds)
    finally:
        db.close()
    if not urls:
        return [Check("feeds", True, "none configured")]
    return [
        _guard(f"feed {url}", lambda url=url: _fetch(fetch_url, url), _feed_advice)
        for url in sorted(urls)
    ]


def _feed_advice(exc: Exception) -> str:
    return (
        f"{_reason(exc)}; check the address in a browser, or drop it (/feeds remove N, or "
        "BRIEFBOT_FEEDS); the other feeds are polled anyway"
    )


def _fetch(fetch: Callable, url: str) -> str:  # type: ignore[type-arg]
    raw = fetch(url, timeout=10.0)
    return f"reachable ({len(raw.data):,} bytes)"


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent online copy with SQLite's backup API, safe while the bot writes."""
    from store.db import resolve_db_path
    from store.maintenance import backup

    source = resolve_db_path(getattr(args, "db", None))
    target = Path(args.path)
    if not Path(source).exists():
        print(f"error: database {source} does not exist", file=sys.stderr)
        return EXIT_FAILED
    if target.is_dir():
        target = target / Path(source).name  # like cp: a folder receives the file
    if not target.parent.is_dir():
        print(f"error: folder {target.parent} does not exist", file=sys.stderr)
        return EXIT_FAILED
    if target.exists() and target.resolve() == Path(source).resolve():
        print(f"error: {target} is the live database itself; choose another path", file=sys.stderr)
        return EXIT_FAILED
    if target.exists() and not args.force:
        print(f"error: {target} exists (use --force to replace it)", file=sys.stderr)
        return EXIT_FAILED
    partial = target.with_name(target.name + ".partial")
    try:
        result = backup(source, partial)
    except (StoreError, OSError) as exc:
        partial.unlink(missing_ok=True)
        print(f"error: backup failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if result.integrity != "ok":
        partial.unlink(missing_ok=True)
        print(f"error: the copy failed its integrity check: {result.integrity}", file=sys.stderr)
        return EXIT_FAILED
    try:
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        print(f"error: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    size = target.stat().st_size / 1_000_000
    print(
        f"backed up {source} to {target}: {size:.1f} MB, {result.articles:,} articles, integrity ok"
    )
    return EXIT_OK
