"""SQLite persistence through sqlite-utils: schema, migrations and typed queries.

Rows never leave this package as dicts: callers get the dataclasses in
:mod:`store.records`.  ``Database`` is re-exported as the store's handle type so that
callers can annotate it without importing sqlite-utils themselves.
"""

from sqlite_utils import Database

from store.db import open_db
from store.maintenance import StoreError

__all__ = ["Database", "StoreError", "open_db"]
