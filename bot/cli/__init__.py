"""The command line: ``briefbot`` and its subcommands, the top of the application.

``main`` parses the arguments and dispatches to the ingest pipeline, the store's
answers, the Telegram application (``run``, ``demo``) or the operations commands.
"""

from bot.cli.main import main

__all__ = ["main"]
