"""Where prepared data is kept between runs (the segmenter's dictionary, compiled patterns,
the company directory): one place, so every cache follows ``$BRIEFBOT_CACHE_DIR``."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def cache_dir() -> Path:
    """Where prepared data is kept between runs: ``$BRIEFBOT_CACHE_DIR`` (the Docker image
    builds it in), else the user's cache folder (``$XDG_CACHE_HOME/briefbot``)."""
    configured = os.environ.get("BRIEFBOT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory (a bare service account)
            base = tempfile.gettempdir()
    return Path(base) / "briefbot"


def can_write(folder: Path) -> bool:
    """Whether cache files can be written in ``folder`` (made if missing): where not (a
    read-only image), a cache that costs time to encode is not encoded at all."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


STALE_AFTER_SECONDS = 7 * 86400
"""A cache file of another version, unread this long, is removed by the next write."""


def write_cache_file(path: Path, data: bytes, family: str) -> bool:
    """Write ``data`` to ``path`` atomically, then remove the other files of ``family``
    (a glob such as ``regex-*.marshal``) unread for a week.

    A reader sees the old file or the new one, never half of one; concurrent writers each
    replace the whole file.  Each cache names its file by everything it is built from, so
    an upgrade or a changed word list writes a new name: the old ones go once unused
    (two checkouts in use each keep theirs).  A read-only or missing folder only costs
    the next process the rebuild: False.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        week_ago = time.time() - STALE_AFTER_SECONDS
        for stale in path.parent.glob(family):
            if stale != path and stale.stat().st_atime < week_ago:
                stale.unlink(missing_ok=True)
    except OSError:
        return False
    return True
