"""A loopback emulator of the Telegram Bot API, for end-to-end tests and ``briefbot demo``.

Why it exists: a bot must be exercised through the real python-telegram-bot stack (request
encoding, ``Updater`` long polling, handler dispatch, error classes) without a network, a
token, or Telegram itself.  Mocking PTB objects would skip exactly the layers where bots break
in production, so instead this package serves the HTTP API on ``127.0.0.1`` and PTB is pointed
at it with ``ApplicationBuilder().base_url(api.base_url)``.  See ``README.md`` next to this
file for how to drive a bot against it.

Why it is strict: a fake that accepts anything hides bugs until they hit Telegram.  The
emulator therefore answers ``400``/``403`` the way Telegram does for the mistakes a bot
actually makes -- malformed HTML, over-long text, oversize callback data, "message is not
modified", unknown chats, answering a callback query twice -- using Telegram's wording, so
the bot's error handling is tested against realistic failures.  Where it is *stricter* than
Telegram it says so (a bare ``&`` in HTML text is rejected; Telegram would keep it literally,
but in a bot it always means a missing ``html.escape``).  Telegram's flood limits for bots
(``429 Too Many Requests: retry after N``) are enforced only on request, with
:meth:`LoopbackBotAPI.enforce_flood_limits`, so tests that do not care are not slowed down.

Everything is stdlib, and nothing of the product is imported: a ``ThreadingHTTPServer`` in a
daemon thread, one ``threading.Condition`` guarding all state (long polls and
:meth:`LoopbackBotAPI.wait_for` sleep on it), and a small HTML scanner that follows TDLib's
``parse_html`` rules.  Modules, one concern each:

- :mod:`~bot.loopback.entities`: Telegram's HTML parse rules and UTF-16 lengths;
- :mod:`~bot.loopback.content`: what a message may contain (text limits, inline keyboards);
- :mod:`~bot.loopback.wire`: request decoding (form, multipart, JSON; typed fields);
- :mod:`~bot.loopback.server`: the HTTP server and request handler;
- :mod:`~bot.loopback.state`: value types and the world kept (chats, users, members,
  messages, the update queue);
- :mod:`~bot.loopback.updates`: injecting updates as users' actions produce them;
- :mod:`~bot.loopback.faults`: injected errors, delays and flood limits;
- :mod:`~bot.loopback.files`: documents users send, ``getFile`` and the file endpoint;
- :mod:`~bot.loopback.webhook`: ``getUpdates`` long polling and webhook delivery;
- :mod:`~bot.loopback.methods`: the other Bot API methods served;
- :mod:`~bot.loopback.api`: :class:`LoopbackBotAPI`, composing the above.
"""

from bot.loopback.api import LoopbackBotAPI
from bot.loopback.entities import HtmlParseError, parse_html, utf16_len
from bot.loopback.state import ANONYMOUS_ADMIN, CHANNEL_BOT, Call, FakeChat, FakeUser

__all__ = [
    "ANONYMOUS_ADMIN",
    "CHANNEL_BOT",
    "Call",
    "FakeChat",
    "FakeUser",
    "HtmlParseError",
    "LoopbackBotAPI",
    "parse_html",
    "utf16_len",
]
