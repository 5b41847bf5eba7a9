"""Daily briefings out to Telegram: the JobQueue schedule, the exactly-once delivery
ledger and sender, broadcast pacing under Telegram's flood limits, and feed polling.
"""
