"""The Telegram face: the python-telegram-bot ``Application`` factory, the command and
button handlers, and the webhook / health server.
"""
