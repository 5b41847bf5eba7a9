"""The briefing's follow section for one chat, composed from caches shared by all chats.

A chat's follows are looked up in a window of recent articles (the newest
``FOLLOW_WINDOW`` shared ones) that is read once per library version; keyword hits
are memoised per keyword, so 100,000 chats with five follows each cost a few
dictionary look-ups apiece.  Each entry is rendered once per language for every chat
showing it; a chat's section is joined from those, and split like every reply.
"""

from __future__ import annotations

from functools import lru_cache
from weakref import WeakKeyDictionary

from bot.messages import follow_views
from bot.messages.i18n import localize, text
from bot.messages.render import split_html, visible_length
from bot.messages.views import BRIEF_PIECE_LIMIT
from digests.briefing import FollowItem, compose_follows
from digests.follows import FollowWindow
from store import Database, alerts, follows
from store.chats import ChatSettings

FOLLOW_WINDOW = 300
"""Recent articles a follow section looks at: older ones were news long ago."""


class _Caches:
    """What every composer on one database connection shares: the window and renderings.

    The scheduler's daily jobs run one pass per chat, and a window built once per library
    version serves them all.
    """

    def __init__(self) -> None:
        self.window: FollowWindow | None = None
        self.version: int | None = None
        self.blocks: dict[tuple, tuple[str, int]] = {}


_CACHES: WeakKeyDictionary[Database, _Caches] = WeakKeyDictionary()


class FollowComposer:
    def __init__(self, db: Database, limit: int) -> None:
        self.db = db
        self.limit = limit
        self._caches = _CACHES.setdefault(db, _Caches())
        self.last_length = 0
        """Visible length of the last piece :meth:`pieces` returned."""

    def window(self, version: int) -> FollowWindow:
        caches = self._caches
        if caches.window is None or caches.version != version:
            caches.window = FollowWindow(follows.recent_articles(self.db, FOLLOW_WINDOW))
            caches.version = version
            caches.blocks.clear()
        return caches.window

    def items(self, chat: ChatSettings, received: set[int], version: int) -> list[FollowItem]:
        """New articles on the chat's follows; those it had as alerts are marked."""
        keys = follows.chat_follow_keys(self.db, chat.id)
        if not keys:
            return []
        # A chat that never turned alerts on has none to mark.
        alerted = alerts.alerted_article_ids(self.db, chat.id) if chat.alerts else set()
        return compose_follows(self.window(version), keys, received, alerted, self.limit)

    def _block(self, part: FollowItem | None, lang: str) -> tuple[str, int]:
        """One rendered, localised paragraph (the title, or an item) and its visible length.

        Items are memoised on the window, so the same entry is the same object: its id is
        a cheap key (hashing the dataclass field by field is not)."""
        key = (id(part), lang)
        block = self._caches.blocks.get(key)
        if block is None:
            if part is None:
                markup = text(lang, "brief_follows_title")
            else:
                markup = follow_views.follow_item(part, lang)
            markup = localize(markup, lang)
            block = (markup, visible_length(markup))
            self._caches.blocks[key] = block
        return block

    def pieces(self, items: list[FollowItem], lang: str) -> list[str]:
        """The section's messages, joined from paragraphs rendered once for every chat.

        Whole sections are not kept: with five follows a chat nearly always has a section
        of its own, and 100,000 of them would hold hundreds of megabytes."""
        blocks = [self._block(None, lang), *(self._block(i, lang) for i in items)]
        markup = "\n\n".join(b for b, _ in blocks)
        length = sum(n for _, n in blocks) + 2 * (len(blocks) - 1)
        if length <= BRIEF_PIECE_LIMIT:
            self.last_length = length
            return [markup]
        pieces = split_html(markup, BRIEF_PIECE_LIMIT)
        self.last_length = visible_length(pieces[-1])
        return pieces


@lru_cache(maxsize=20_000)
def _topic_length(piece: str) -> int:
    """Topic pieces come from the composition cache, shared by many chats: measured once."""
    return visible_length(piece)


def join_pieces(first: list[str], then: list[str], first_length: int | None = None) -> list[str]:
    """The follow section's pieces, then the topics'; the two meet in one message when
    they fit a briefing piece together (``first_length``: the last follow piece's visible
    length, when the caller knows it)."""
    if not first or not then:
        return [*first, *then]
    if first_length is None:
        first_length = visible_length(first[-1])
    if first_length + 2 + _topic_length(then[0]) <= BRIEF_PIECE_LIMIT:
        return [*first[:-1], f"{first[-1]}\n\n{then[0]}", *then[1:]]
    return [*first, *then]
