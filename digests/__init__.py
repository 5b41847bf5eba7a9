"""Pure text pipeline: sources -> articles -> sections -> digests.

Nothing in this package talks to Telegram or to the database; it turns bytes into
typed objects so the store and the bot can stay thin.
"""
