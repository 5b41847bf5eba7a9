"""What every wing of the bot stands on: settings from the environment, logging with
secrets redacted, time-of-day and time-zone rules, and the per-Application services.

Nothing here imports the Telegram handlers, delivery or the command line, so each of
them can use it without an import running back up.
"""
