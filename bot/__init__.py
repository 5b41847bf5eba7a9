"""The application around the pipeline: Telegram face, delivery, command line, emulator.

Sub-packages, top to bottom (an import only ever runs downwards; see the import-linter
contracts in ``pyproject.toml``):

- :mod:`bot.cli`: the ``briefbot`` entry point, answer printers, ``run``, ``demo``,
  ``doctor`` and ``backup``;
- :mod:`bot.telegram_app`: the python-telegram-bot Application, handlers, webhook server;
- :mod:`bot.delivery`: daily jobs, the delivery ledger and sender, pacing, feed polling;
- :mod:`bot.ingest`: sources through :mod:`digests` into :mod:`store`;
- :mod:`bot.messages`: interface text, rendering, views, keyboards;
- :mod:`bot.core`: settings, logging, time rules, per-Application services;
- :mod:`bot.loopback`: the loopback Bot API emulator (imports nothing of the product).

This package never writes SQL; it calls :mod:`store` functions and renders
:mod:`digests` results.
"""
