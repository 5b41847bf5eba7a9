"""The import-linter contracts hold, and they really fail when a layer is broken."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(
    not LINT_IMPORTS.exists(), reason="import-linter is not installed (./test.sh installs it)"
)


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "data", "demo_data")
    for package in ("bot", "digests", "store"):
        shutil.copytree(ROOT / package, project / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def test_contracts_are_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "contract"),
    [
        ("digests/figures.py", "import store.db", "digests is the pure text pipeline"),
        ("store/meta.py", "import telegram", "store knows nothing of the bot"),
        ("bot/messages/render.py", "import bot.delivery.pacing", "imports only run downwards"),
        ("bot/telegram_app/handlers/common.py", "import sqlite_utils", "SQL stays in store"),
        ("bot/loopback/__init__.py", "import digests.models", "emulator imports nothing"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tmp_path: Path, module: str, wrong_import: str, contract: str
) -> None:
    project = _copy_project(tmp_path)
    target = project / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{wrong_import}\n", encoding="utf-8")
    result = _lint(project)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken
