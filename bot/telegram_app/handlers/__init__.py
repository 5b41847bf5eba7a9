"""Handler registration: which update goes to which function."""

from __future__ import annotations

from telegram import MessageEntity, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.messages.digest_view import SHARE
from bot.messages.i18n import text
from bot.messages.keyboards import (
    COMPANY,
    MORE,
    PAGE,
    SECTOR,
    STOP,
    SUBSCRIBE,
    TOGGLE,
    UNSUBSCRIBE,
)
from bot.telegram_app.handlers import follow, ondemand, reading, schedule, settings, system
from bot.telegram_app.handlers.common import ensure_registered, language, reply

COMMAND_FUNCTIONS = {
    "start": system.start,
    "help": system.help_command,
    "brief": reading.brief,
    "company": reading.company,
    "sector": reading.sector,
    "search": reading.search,
    "article": reading.article,
    "latest": reading.latest,
    "topics": settings.topics,
    "subscribe": settings.subscribe,
    "unsubscribe": settings.unsubscribe,
    "mytopics": settings.mytopics,
    "time": schedule.set_time,
    "timezone": schedule.set_timezone,
    "pause": settings.pause,
    "resume": settings.resume,
    "stop": settings.stop,
    "lang": settings.set_language,
    **follow.COMMANDS,
    "digest": ondemand.digest_command,
    "ingest": system.ingest,
    "stats": system.stats,
    "feeds": system.feeds,
}


async def unknown_command(update: Update, context) -> None:  # type: ignore[no-untyped-def]
    lang = language(update, context)
    await reply(update, context, text(lang, "usage_help"))


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, ensure_registered), group=-1)
    for name, function in COMMAND_FUNCTIONS.items():
        app.add_handler(CommandHandler(name, function))
    app.add_handler(CallbackQueryHandler(settings.toggle_button, pattern=f"^{TOGGLE}"))
    app.add_handler(CallbackQueryHandler(settings.subscribe_button, pattern=f"^{SUBSCRIBE}"))
    app.add_handler(CallbackQueryHandler(settings.stop_button, pattern=f"^{STOP}"))
    app.add_handler(CallbackQueryHandler(settings.unsubscribe_button, pattern=f"^{UNSUBSCRIBE}"))
    app.add_handler(CallbackQueryHandler(reading.company_button, pattern=f"^{COMPANY}"))
    app.add_handler(CallbackQueryHandler(reading.sector_button, pattern=f"^{SECTOR}"))
    app.add_handler(CallbackQueryHandler(reading.page_button, pattern=f"^{PAGE}"))
    app.add_handler(CallbackQueryHandler(reading.more_button, pattern=f"^{MORE}"))
    app.add_handler(CallbackQueryHandler(ondemand.share_button, pattern=f"^{SHARE}"))
    for prefix, callback in follow.CALLBACKS:
        app.add_handler(CallbackQueryHandler(callback, pattern=f"^{prefix}"))
    app.add_handler(ChatMemberHandler(system.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    # /a12 (one tap on an article in any list), in private chats and groups alike; before
    # the unknown-command reply, which would otherwise take it.
    app.add_handler(
        MessageHandler(
            filters.Regex(reading.ARTICLE_LINK) & ~filters.UpdateType.EDITED, reading.article_link
        )
    )
    app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command))
    # Digest on demand: private links, documents and long texts; in groups a mention
    # of the bot with a link (/digest is a command above).  Short private text is a lookup.
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & fresh
            & ~filters.COMMAND
            & (filters.Document.ALL | (filters.TEXT & ondemand.DIGEST_INPUT)),
            ondemand.private_message,
        )
    )
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS
            & fresh
            & filters.TEXT
            & ~filters.COMMAND
            & filters.Entity(MessageEntity.MENTION),
            ondemand.group_mention,
        )
    )
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED,
            reading.lookup,
        )
    )
    app.add_error_handler(system.on_error)
