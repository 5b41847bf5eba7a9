"""Turning data into messages: interface text (i18n), HTML rendering and splitting,
views of answers and briefings, inline keyboards.

It sits below both the Telegram handlers and delivery, which share it; it never
imports either of them.
"""
