"""Telegram side and command line: app factory, handlers, rendering, jobs, CLI.

This package never writes SQL; it calls :mod:`store` functions and renders
:mod:`digests` results.
"""
