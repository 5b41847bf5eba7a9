"""Deploy and operate: webhook mode, /healthz, doctor, backup, log redaction, shutdown."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from bot.cli.runner import serve
from bot.core.config import Settings
from bot.core.logs import configure_logging
from bot.loopback import FakeChat, FakeUser, LoopbackBotAPI
from tests.conftest import ROOT
from tests.delivery_harness import loopback_settings

USER = FakeUser(id=4242, first_name="Wen", language_code="zh-hant")
CHAT = FakeChat(id=4242)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def db_path(store_copy: Path) -> Path:
    return store_copy


class Served:
    """`serve()` running in a background event loop, as `briefbot run` runs it."""

    def __init__(self, settings: Settings, **options: object) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready = asyncio.Event()
        self.stop = asyncio.Event()
        self.settings, self.options = settings, options
        self.result: list[int] = []
        self.thread = threading.Thread(target=self._main, daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        code = self.loop.run_until_complete(
            serve(self.settings, ready=self.ready, stop=self.stop, **self.options)  # type: ignore[arg-type]
        )
        self.result.append(code)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.ready.is_set():
            assert time.monotonic() < deadline, "the bot did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)


def test_webhook_mode_end_to_end(db_path: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    with LoopbackBotAPI() as api:
        settings = loopback_settings(api, db_path, BRIEFBOT_WEBHOOK_SECRET="s3cret_token-1")
        with Served(settings, webhook_url=url, listen="127.0.0.1", port=port) as served:
            [set_hook] = api.calls_of("setWebhook")
            assert set_hook.params["url"] == url
            assert set_hook.params["secret_token"] == "s3cret_token-1"
            # Telegram (the emulator) pushes the update with the secret: processed.
            api.send_message(CHAT, USER, "/help")
            [reply] = api.wait_for("sendMessage", chat_id=CHAT.id, timeout=15)
            assert reply.ok and "指令" in reply.params["text"]
            assert not api.calls_of("getUpdates")
            # Anyone else posting without the secret, or with a wrong one, is refused.
            update = {
                "update_id": 999,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": CHAT.id, "type": "private"},
                    "from": {"id": USER.id, "is_bot": False, "first_name": "Mallory"},
                    "text": "/help",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                },
            }
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                answer = httpx.post(url, json=update, headers=headers, timeout=5)
                assert answer.status_code == 403
            time.sleep(0.5)
            assert len(api.calls_of("sendMessage", chat_id=CHAT.id)) == 1  # not processed
            health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            assert health.status_code == 200
            status = health.json()
            assert status["ok"] and status["database"] and status["scheduler"]
            assert "last_delivery" in status
        assert served.result == [0]


def test_generated_webhook_secret_is_persisted(db_path: Path) -> None:
    from store import open_db
    from store.meta import webhook_secret

    port = _free_port()
    with LoopbackBotAPI() as api:
        url = f"http://127.0.0.1:{port}/hook"
        with Served(
            loopback_settings(api, db_path), webhook_url=url, listen="127.0.0.1", port=port
        ):
            first = api.calls_of("setWebhook")[0].params["secret_token"]
    db = open_db(db_path)
    assert webhook_secret(db) == first and len(first) >= 32
    db.close()


def test_polling_mode_health_port(db_path: Path) -> None:
    port = _free_port()
    with (
        LoopbackBotAPI() as api,
        Served(loopback_settings(api, db_path), health_port=port, listen="127.0.0.1"),
    ):
        api.send_message(CHAT, USER, "/help")
        api.wait_for("sendMessage", chat_id=CHAT.id, timeout=15)
        status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert status["ok"] and status["jobs"] == 0  # a question enrols nobody
        api.send_message(CHAT, USER, "/start")
        api.wait_for("sendMessage", chat_id=CHAT.id, timeout=15, count=2)
        status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert status["ok"] and status["jobs"] == 1


def _start_bot(env: dict[str, str]) -> subprocess.Popen[str]:
    """`briefbot run` as its own process, as systemd or Docker would start it."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_graceful_shutdown_on_sigterm(db_path: Path) -> None:
    with LoopbackBotAPI() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.base_url,
            "BRIEFBOT_DB": str(db_path),
        }
        process = _start_bot(env)
        try:
            api.wait_for("getUpdates", timeout=60)
            api.send_message(CHAT, USER, "/help")
            api.wait_for("sendMessage", chat_id=CHAT.id, timeout=15)
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 0
        assert "stopped" in err
        assert api.token not in err
        assert "Traceback" not in err


# --- doctor and backup -----------------------------------------------------------


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_doctor_healthy(db_path: Path) -> None:
    with LoopbackBotAPI() as api:
        done = _cli(
            "--db",
            str(db_path),
            "doctor",
            env={"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.base_url},
        )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert all(line.startswith("ok") for line in lines[:-1])
    assert "@briefbot_test_bot" in done.stdout
    assert "integrity_check: ok" in done.stdout
    assert lines[-1].endswith("0 failed")


def test_doctor_broken(tmp_path: Path) -> None:
    with LoopbackBotAPI() as api:
        done = _cli(
            "--db",
            str(tmp_path / "missing.db"),
            "doctor",
            env={"TELEGRAM_BOT_TOKEN": "999:wrong", "TELEGRAM_API_URL": api.base_url},
        )
    assert done.returncode == 1
    assert "FAIL  Bot API" in done.stdout
    assert "FAIL  database" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert "999:wrong" not in done.stdout + done.stderr
    # What to do, not exception class names.
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in done.stdout and "@BotFather" in done.stdout
    assert "run `briefbot ingest` first" in done.stdout
    assert not re.search(r"\b\w+(Error|Exception|Token): ", done.stdout), done.stdout


def test_doctor_says_what_to_do(tmp_path: Path, db_path: Path) -> None:
    """No token, an unreachable Bot API, a file that is no database: one next step each."""
    from store import open_db

    open_db(db_path).close()
    no_token = _cli("--db", str(db_path), "doctor", env={"TELEGRAM_BOT_TOKEN": ""})
    assert "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather" in no_token.stdout
    unreachable = _cli(
        "--db",
        str(db_path),
        "doctor",
        env={"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": "http://127.0.0.1:9/bot"},
    )
    assert "cannot reach the Bot API at http://127.0.0.1:9/bot" in unreachable.stdout
    assert "TELEGRAM_API_URL" in unreachable.stdout
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all")
    broken = _cli("--db", str(junk), "doctor", env={"TELEGRAM_BOT_TOKEN": ""})
    assert "restore the latest backup" in broken.stdout
    for done in (no_token, unreachable, broken):
        assert done.returncode == 1
        assert "Traceback" not in done.stdout + done.stderr
        assert not re.search(r"\b\w+(Error|Exception): ", done.stdout), done.stdout


def test_backup_while_writing(db_path: Path, tmp_path: Path) -> None:
    """An online copy taken while another connection keeps writing opens and is intact."""
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        conn = sqlite3.connect(db_path, timeout=30)
        while not stop.is_set():
            with conn:
                conn.execute(
                    "INSERT INTO ingestions (source, status, started_at) VALUES (?, 'ok', ?)",
                    [f"load-{written[0]}", "2025-01-01T00:00:00+00:00"],
                )
            written[0] += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.2)
        target = tmp_path / "copy.db"
        done = _cli("--db", str(db_path), "backup", str(target), env={})
    finally:
        stop.set()
        thread.join()
    assert done.returncode == 0, done.stderr
    assert "integrity ok" in done.stdout
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 10
    copy.close()
    assert written[0] > 0
    refused = _cli("--db", str(db_path), "backup", str(target), env={})
    assert refused.returncode == 1 and "exists" in refused.stderr


def test_backup_paths_people_type(db_path: Path, tmp_path: Path) -> None:
    """A folder receives the file, the live database is refused, a missing folder is named."""
    folder = tmp_path / "backups"
    folder.mkdir()
    into_folder = _cli("--db", str(db_path), "backup", str(folder), "--force", env={})
    assert into_folder.returncode == 0, into_folder.stderr
    assert (folder / db_path.name).exists()
    assert "10 articles" in into_folder.stdout and " MB" in into_folder.stdout
    assert not list(folder.glob("*.partial"))
    onto_live = _cli("--db", str(db_path), "backup", str(db_path), "--force", env={})
    assert onto_live.returncode == 1 and "live database" in onto_live.stderr
    missing = tmp_path / "nowhere" / "copy.db"
    no_folder = _cli("--db", str(db_path), "backup", str(missing), env={})
    assert (
        no_folder.returncode == 1 and f"folder {missing.parent} does not exist" in no_folder.stderr
    )
    for result in (into_folder, onto_live, no_folder):
        assert "Traceback" not in result.stderr


# --- logs ------------------------------------------------------------------------


def test_logs_are_one_line_and_never_show_secrets() -> None:
    stream = io.StringIO()
    token, secret = "123456:SECRET-token-value", "webhook-secret-xyz"
    handler = configure_logging(token, secret, stream=stream)
    try:
        log = logging.getLogger("briefbot.test")
        logging.getLogger("httpx").warning(
            'HTTP Request: POST https://api.telegram.org/bot%s/getMe "HTTP/1.1 200 OK"', token
        )
        log.error("header was %s", secret)
        try:
            raise RuntimeError(f"failed calling /bot{token}/sendMessage\nsecond line")
        except RuntimeError:
            log.exception("send failed")
    finally:
        logging.getLogger().removeHandler(handler)
    output = stream.getvalue()
    assert token not in output and secret not in output
    assert output.count("<redacted>") >= 3
    assert len(output.strip().splitlines()) == 3  # one line per event, tracebacks folded


# --- deploy files ----------------------------------------------------------------


DEPLOY = ROOT / "deploy"


def test_compose_file_parses() -> None:
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    service = compose["services"]["briefbot"]
    assert service["volumes"] and "briefbot-data" in compose["volumes"]
    assert service["env_file"]


def test_dockerfile_essentials() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert text.count("FROM ") >= 2 and " AS build" in text  # multi-stage
    assert "\nUSER briefbot" in text and "HEALTHCHECK" in text and "VOLUME" in text
    if shutil.which("hadolint"):
        lint = subprocess.run(
            ["hadolint", str(DEPLOY / "Dockerfile")], capture_output=True, text=True
        )
        assert lint.returncode == 0, lint.stdout


def test_systemd_unit_verifies() -> None:
    unit = (DEPLOY / "briefbot.service").read_text()
    for option in (
        "EnvironmentFile=",
        "Restart=on-failure",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "ReadWritePaths=",
    ):
        assert option in unit
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze not available")
    check = subprocess.run(
        ["systemd-analyze", "verify", str(DEPLOY / "briefbot.service")],
        capture_output=True,
        text=True,
    )
    problems = [
        line
        for line in (check.stdout + check.stderr).splitlines()
        if line.strip() and "is not executable" not in line and "No such file" not in line
    ]
    assert not problems, problems


def test_env_example_lists_every_variable() -> None:
    listed = {
        line.split("=", 1)[0].lstrip("#")
        for line in (DEPLOY / "env.example").read_text().splitlines()
        if "=" in line and not line.startswith("# ")
    }
    used: set[str] = set()
    for path in (
        list((ROOT / "bot").rglob("*.py"))
        + list((ROOT / "digests").rglob("*.py"))
        + list((ROOT / "store").rglob("*.py"))
    ):
        text = path.read_text(encoding="utf-8")
        for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL"):
            if name in text:
                used.add(name)

        used.update(re.findall(r"\b(BRIEFBOT_[A-Z_]+)\b", text))
    assert used <= listed, used - listed
    json.dumps(sorted(listed))


def test_sigterm_during_a_broadcast_loses_and_doubles_nothing(db_path: Path) -> None:
    """SIGTERM mid-broadcast: exit 0 at once; the next pass finishes without doubles."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from store import chats, open_db

    # A zone where it is not just after midnight, so "20 minutes ago" is still today.
    zone = next(
        z
        for z in ("Asia/Taipei", "Europe/London", "America/New_York")
        if 1 <= datetime.now(UTC).astimezone(ZoneInfo(z)).hour <= 22
    )
    local = datetime.now(UTC).astimezone(ZoneInfo(zone)) - timedelta(minutes=20)
    db = open_db(db_path)
    with db.atomic():
        for i in range(40):
            chats.register_chat(db, 9100 + i, "private", None)
            chats.enrol(db, 9100 + i)
            chats.set_brief_time(db, 9100 + i, local.strftime("%H:%M"))
            chats.set_timezone(db, 9100 + i, zone)
    db.close()
    with LoopbackBotAPI() as api:
        for i in range(40):
            api.add_chat(FakeChat(id=9100 + i), FakeUser(id=9100 + i))
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.base_url,
            "BRIEFBOT_DB": str(db_path),
            "BRIEFBOT_SEND_RATE": "8",
            "BRIEFBOT_GRACE_HOURS": "2",
        }
        process = _start_bot(env)
        try:
            api.wait_for("sendMessage", count=8, timeout=60)  # the catch-up broadcast is running
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 0
        sent_before = len([c for c in api.calls_of("sendMessage") if c.ok])
        assert sent_before < 40
        finish = _cli(
            "deliver",
            env={
                k: env[k]
                for k in (
                    "TELEGRAM_BOT_TOKEN",
                    "TELEGRAM_API_URL",
                    "BRIEFBOT_DB",
                    "BRIEFBOT_SEND_RATE",
                )
            },
        )
        assert finish.returncode == 0, finish.stderr
        received: dict[int, int] = {}
        for call in api.calls_of("sendMessage"):
            if call.ok:
                received[call.chat_id] = received.get(call.chat_id, 0) + 1
        assert set(received) == {9100 + i for i in range(40)}
        assert max(received.values()) == 1  # graceful: nothing doubled
