"""The README's tables render on GitHub and stay in step with the code they describe."""

from __future__ import annotations

import re
import tomllib

from bot.cli.main import build_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _tables() -> list[list[str]]:
    """Runs of lines starting with ``|``: a blank or other line ends a table."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in README.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def test_tables_have_a_delimiter_row_and_even_columns() -> None:
    """A blank line or an unescaped | inside a row would break the table on GitHub."""
    tables = _tables()
    assert len(tables) >= 3
    for table in tables:
        assert re.fullmatch(r"\|( ?:?-+:? ?\|)+", table[1]), table[:2]
        widths = {_cells(row) for row in table}
        assert len(widths) == 1, [row[:60] for row in table if _cells(row) != _cells(table[0])]


def test_command_table_lists_every_command() -> None:
    command_table = next(t for t in _tables() if t[0].startswith("| command | what it does"))
    listed = {m.group(1) for row in command_table if (m := re.match(r"\| `briefbot (\w+)", row))}
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) <= listed  # type: ignore[union-attr]
    search = next(row for row in command_table if row.startswith("| `briefbot search"))
    assert "--limit N" in search and "--offset N" in search


def test_every_topic_id_is_listed_for_deep_links() -> None:
    topics = tomllib.loads((ROOT / "digests" / "data" / "topics.toml").read_text("utf-8"))
    ids = [t["id"] for t in topics["topic"]]
    deep_links = README[README.index("Topic ids for deep links") :].split("\n\n", 1)[0]
    missing = [i for i in ids if f"`{i}`" not in deep_links]
    assert not missing, f"README deep-link list lacks {missing}"
