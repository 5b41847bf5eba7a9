"""SQLite persistence through sqlite-utils: schema, migrations and typed queries.

Rows never leave this package as dicts: callers get the dataclasses in
:mod:`store.records`.  ``Database`` is re-exported as the store's handle type so that
callers can annotate it without importing sqlite-utils themselves.
"""

import sys


def _import_sqlite_utils() -> None:
    """Import sqlite-utils without numpy: it imports numpy, when installed, only to map
    numpy scalar types to column types, which this store never writes.  That is about
    50 ms, a sixth of what a one-shot command (``briefbot topics``) may take."""
    if "sqlite_utils" not in sys.modules and "numpy" not in sys.modules:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # its import fails, as if absent
        try:
            import sqlite_utils.plugins
        finally:
            del sys.modules["numpy"]
    import sqlite_utils.plugins

    # Plugins installed for the sqlite-utils command line are not loaded into the store's
    # connections (scanning every installed package's entry points for them costs 25 ms
    # per process, and nothing here uses them).
    if hasattr(sqlite_utils.plugins, "_plugins_loaded"):
        sqlite_utils.plugins._plugins_loaded = True


_import_sqlite_utils()

from sqlite_utils import Database  # noqa: E402

from store.db import open_db  # noqa: E402
from store.maintenance import StoreError  # noqa: E402

__all__ = ["Database", "StoreError", "open_db"]
