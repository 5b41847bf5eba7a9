"""Runs sources through the digest pipeline into the store.

Shared by the command line (``briefbot ingest``), feed polling and the operators'
``/ingest``; it knows nothing of Telegram.
"""
