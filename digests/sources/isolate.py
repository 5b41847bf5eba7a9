"""Run a parser on untrusted bytes in a child process with a memory cap and a hard deadline.

A crafted document can decompress to gigabytes (a "zip bomb" in a PDF's Flate stream)
or keep a parser busy for minutes.  In a thread neither can be stopped: Python has no
way to kill a thread, and the memory is the bot's own.  A child process can be both
capped and killed, so the parse runs there:

- the child lowers its own ``RLIMIT_AS`` before touching the input, so an allocation
  past :data:`MEMORY_LIMIT` fails with ``MemoryError`` in the child (or the kernel ends
  it) and the parent's memory never grows;
- the parent waits at most ``timeout`` seconds for the answer, then kills the child;
- arguments and answer are pickled over the child's stdin and stdout.

The child is a fresh interpreter (``python -m digests.sources.isolate``), not a
multiprocessing child: ``spawn`` and ``forkserver`` children re-run the parent's main
script (the ``briefbot`` entry point, a benchmark, a user's script) before the task, and
a plain ``fork`` of the bot's threaded process is unsafe.  ``subprocess`` starts it
without ``preexec_fn``, so it is safe from the bot's worker threads.  The price is the
interpreter's start and the parser's import on every call (measured in the README).

Stdlib only, and free of the bot: callers turn :class:`Exhausted` into their own errors.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

MEMORY_LIMIT = 1 << 30
"""Address space a child may use: 1 GB, far above what a 20 MB report needs to parse
(pdfminer keeps one page's objects at a time) and far below a decompression bomb."""


class Exhausted(Exception):
    """The child ran out of memory (``kind == "memory"``) or time (``kind == "time"``),
    or died without an answer (``kind == "crash"``)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


_ROOT = str(Path(__file__).resolve().parents[2])
"""The folder holding the ``digests`` package, put on the child's path."""


def _cap_memory(memory: int) -> None:
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - no rlimits here
        pass


def _child_main() -> None:
    """The child: read (target, args, memory), cap memory, run, write the outcome:
    ("ok", result), ("error", exception) or ("memory", None)."""
    target, args, memory = pickle.load(sys.stdin.buffer)
    _cap_memory(memory)
    try:
        module, _, name = target.partition(":")
        func = getattr(importlib.import_module(module), name)
        outcome: tuple[str, Any] = ("ok", func(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:  # the caller's own exceptions travel back as they are
        outcome = ("error", exc)
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    except Exception as exc:  # an unpicklable exception: its message is enough
        data = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def run_limited(
    target: str,
    args: tuple[Any, ...],
    *,
    timeout: float,
    memory: int = MEMORY_LIMIT,
) -> Any:
    """``module:function`` called with ``args`` in a child process within ``memory`` bytes
    and ``timeout`` seconds.

    The function is named, not passed, so this process never imports what only the child
    needs (pdfminer); its arguments and result must be picklable.  An exception it
    raises is raised here; running out of memory, out of time or dying without an answer
    raises :class:`Exhausted`.
    """
    payload = pickle.dumps((target, args, memory), protocol=pickle.HIGHEST_PROTOCOL)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (_ROOT, env.get("PYTHONPATH"))))
    process = subprocess.Popen(
        [sys.executable, "-m", "digests.sources.isolate"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the parser's chatter; the outcome says what matters
        env=env,
    )
    try:
        out, _ = process.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Exhausted("time", f"no answer within {timeout:g} s") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    if not out:
        # Killed by the kernel when over the cap (SIGKILL, or SIGSEGV/abort from a failed
        # allocation inside a C library): no answer.
        raise Exhausted("crash", f"exit code {process.returncode}")
    status, value = pickle.loads(out)
    if status == "memory":
        raise Exhausted("memory", f"over {memory >> 20} MB")
    if status == "error":
        raise value
    return value


if __name__ == "__main__":
    _child_main()
