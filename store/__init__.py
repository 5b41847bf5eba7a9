"""SQLite persistence through sqlite-utils: schema, migrations and typed queries.

Rows never leave this package as dicts: callers get the dataclasses in
:mod:`store.records`.
"""

from store.db import open_db

__all__ = ["open_db"]
