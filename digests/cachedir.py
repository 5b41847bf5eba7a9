"""Where prepared data is kept between runs (the segmenter's dictionary, compiled patterns,
the company directory): one place, so every cache follows ``$BRIEFBOT_CACHE_DIR``."""

from __future__ import annotations

import os
import tempfile
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
