"""SQLite persistence through sqlite-utils: schema, migrations and typed queries.

Rows never leave this package as dicts: callers get the dataclasses in
:mod:`store.records`.  ``Database`` is re-exported as the store's handle type so that
callers can annotate it without importing sqlite-utils themselves.
"""

import sys


def _defer_import(name: str) -> None:
    """Register ``name`` (a submodule) to be executed on first attribute access only.

    sqlite-utils imports ``dateutil.parser`` at start-up (10 ms of a one-shot command)
    for its date-parsing recipes, which the store never calls: with
    :class:`importlib.util.LazyLoader` the import binds a module object that loads
    itself, unchanged, the first time anything (``digests.dates``' last-resort parse)
    reads from it.  A module already imported, or missing, is left alone.
    """
    if name in sys.modules:
        return
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)


def _import_sqlite_utils() -> None:
    """Import sqlite-utils without numpy: it imports numpy, when installed, only to map
    numpy scalar types to column types, which this store never writes.  That is about
    50 ms, a sixth of what a one-shot command (``briefbot topics``) may take.  Its import
    of ``dateutil.parser`` is deferred to first use (10 ms of every process that opens a
    store)."""
    if "sqlite_utils" not in sys.modules:
        _defer_import("dateutil.parser")
        from store.sqlite_patterns import prime

        prime()  # its slowest pattern, from the kept code (store/sqlite_patterns.py)
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
