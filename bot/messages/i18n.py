"""Interface text in Traditional Chinese (default) and English; Simplified via OpenCC.

Only the interface is translated.  Article content stays as written, except that
Simplified-Chinese readers get everything converted to Simplified script with mainland
wording (``localize``, OpenCC tw2sp, once per message).  Chinese templates get full-width
punctuation (``punct.fullwidth``) whoever typed them; English ones may have a ``<key>.one``
form for a count of one.
"""

from __future__ import annotations

from bot.messages.follow_texts import EN_FOLLOW, ZH_FOLLOW
from bot.messages.ondemand_texts import EN_ONDEMAND, ZH_ONDEMAND
from bot.messages.punct import fullwidth
from bot.messages.reading_texts import EN_READING, ZH_READING
from bot.messages.script import to_mainland
from bot.messages.search_texts import EN_SEARCH, ZH_SEARCH
from store.chats import ChatSettings

LANGUAGES = ("zh-TW", "zh-CN", "en")
DEFAULT_LANGUAGE = "zh-TW"

ZH: dict[str, str] = {
    "welcome": (
        "👋 歡迎使用 <b>briefbot</b>！\n"
        "我會把長篇產業與投資分析整理成重點摘要：每天在你選定的時間推送簡報，"
        "也能隨時查詢公司、產業與關鍵字。\n\n請從下方選擇想訂閱的主題（可複選）："
    ),
    "group_intro": (
        "👋 大家好，我是 <b>briefbot</b>。我會把產業與投資分析整理成重點摘要，"
        "每天定時推送到這個群組。\n所有成員都可以用 /brief、/company、/sector、/search 查詢；"
        "管理員可以用 /topics 選擇主題、/time 設定推送時間。輸入 /help 看全部指令。"
    ),
    "help_title": "<b>指令一覽</b>",
    "usage_help": "不認得這個指令，輸入 /help 查看所有指令。",
    "help_admin_note": "（群組中僅管理員可用 ⚙️ 標示的設定指令）",
    "cmd.start": "開始使用並選擇主題",
    "cmd.help": "顯示所有指令",
    "cmd.topics": "選擇訂閱的主題",
    "cmd.subscribe": "訂閱主題，例如 /subscribe 儲能",
    "cmd.unsubscribe": "取消訂閱主題",
    "cmd.mytopics": "查看目前的設定",
    "cmd.time": "設定每日推送時間，例如 /time 08:00",
    "cmd.timezone": "設定時區，例如 /timezone 台北",
    "cmd.brief": "立即取得一份簡報",
    "cmd.company": "查詢公司，例如 /company 台積電",
    "cmd.sector": "查詢產業，例如 /sector 散熱",
    "cmd.search": "全文搜尋，例如 /search 液冷",
    "cmd.article": "閱讀一篇文章的摘要，例如 /article 3",
    "cmd.latest": "最新文章",
    "cmd.pause": "暫停每日推送",
    "cmd.resume": "恢復每日推送",
    "cmd.stop": "刪除此聊天的所有資料",
    "cmd.lang": "介面語言：zh-TW、zh-CN、en",
    "cmd.ingest": "（營運者）匯入網址",
    "cmd.stats": "（營運者）統計資料",
    "topics_prompt": "點選主題即可訂閱或取消（✅ 為已訂閱）：",
    "subscribed": "✅ 已訂閱「{topic}」。",
    "already_subscribed": "你已經訂閱「{topic}」了。",
    "unsubscribed": "已取消訂閱「{topic}」。",
    "not_subscribed": "你沒有訂閱「{topic}」。",
    "toggled_on": "已訂閱 {topic}",
    "toggled_off": "已取消 {topic}",
    "unknown_topic": "找不到主題「{query}」。",
    "unknown_company": "找不到公司「{query}」。",
    "did_you_mean": "你是不是要找：",
    "usage_subscribe": "用法：/subscribe 主題名稱，例如 /subscribe 儲能。也可以用 /topics 直接點選。",
    "usage_unsubscribe": "用法：/unsubscribe 主題名稱，例如 /unsubscribe 儲能。",
    "usage_time": "用法：/time 時間，例如 /time 07:30、/time 7點半、/time 下午3點。",
    "usage_timezone": "用法：/timezone 時區，例如 /timezone 台北、/timezone Asia/Tokyo 或 /timezone UTC+8。",
    "usage_company": "用法：/company 公司名稱或代號，例如 /company 台積電 或 /company 2330。",
    "usage_sector": "用法：/sector 產業，例如 /sector 儲能。",
    "usage_search": "用法：/search 關鍵字，例如 /search 液冷 水冷板。",
    "usage_article": "用法：/article 文章編號，例如 /article 3（編號見 /latest）。",
    "usage_lang": "用法：/lang zh-TW、/lang zh-CN 或 /lang en。",
    "usage_ingest": "用法：/ingest 網址（http 或 https）。",
    "bad_time": "看不懂時間「{value}」。可以寫 07:30、0730、7點半、下午3點 或 9pm。",
    "bad_timezone": "不認得時區「{value}」。可以用城市（台北、東京、紐約）、IANA 名稱（Asia/Taipei）或 UTC+8。",
    "time_set": "⏰ 每日簡報時間已設為{days} {time}，{zone}。下一次推送：{next}。",
    "timezone_set": "🌏 時區已設為 {zone}。下一次推送：{next}。",
    "settings_title": "<b>目前設定</b>",
    "settings_topics": "主題：{topics}",
    "settings_no_topics": "主題：尚未選擇（簡報會涵蓋所有主題）",
    "settings_time": "推送時間：{days} {time}，{zone}",
    "days_every": "每天",
    "days_weekdays_only": "週一到週五",
    "settings_next": "下一次推送：{next}",
    "settings_paused": "狀態：⏸ 已暫停（/resume 恢復）",
    "settings_active": "狀態：▶️ 推送中",
    "settings_not_enrolled": "狀態：尚未開始每日推送（輸入 /start 開始）",
    "settings_group_waiting": "狀態：管理員用 /topics 選好主題後才開始每日推送",
    "settings_language": "語言：{language}",
    "paused": "⏸ 已暫停每日推送，設定都保留著。輸入 /resume 即可恢復。",
    "already_paused": "每日推送本來就是暫停狀態。",
    "resumed": "▶️ 已恢復每日推送。下一次推送：{next}。",
    "already_active": "每日推送本來就是開啟的。",
    "stop_confirm": "確定要刪除這個聊天的所有設定與訂閱嗎？這個動作無法復原。",
    "stop_yes": "確定刪除",
    "stop_no": "取消",
    "stopped": "已刪除這個聊天的所有資料。想再使用時，輸入 /start 即可。",
    "stop_cancelled": "已取消，設定都保留著。",
    "lang_set": "介面語言已設為{name}。",
    "admins_only": "抱歉，這個設定只有群組管理員可以變更。",
    "operators_only": "抱歉，這個指令只開放給營運者。",
    "your_user_id": "你的 Telegram 使用者 ID 是 <code>{id}</code>；營運者把它加進 BRIEFBOT_ADMINS 即可使用。",
    "brief_title": "<b>📰 今日簡報</b>",
    "brief_empty": "目前還沒有符合你主題的新文章。",
    "no_articles": "目前還沒有任何文章。",
    "latest_title": "<b>🆕 最新文章</b>",
    "article_not_found": "找不到編號 {id} 的文章，請用 /latest 查看現有文章。",
    "company_none": "目前還沒有文章提到 {name}。",
    "company_mentions": "共有 {count} 篇文章提到 {name}。",
    "company_topics": "相關主題：{topics}",
    "sector_none": "目前還沒有「{name}」的文章。",
    "sector_companies": "常被提到的公司：{companies}",
    "search_none": "找不到與「{query}」相關的內容。",
    "search_title": "🔎 「{query}」的搜尋結果",
    "keywords": "關鍵字：{keywords}",
    "key_figures": "<b>關鍵數據</b>",
    "lookup_hint": "想查什麼？直接輸入公司、產業或關鍵字（例如 台積電、散熱），或輸入 /help 看所有指令。",
    "lookup_none": "找不到「{query}」相關的公司、產業或文章。輸入 /help 看所有指令。",
    "try_search": "也可以試試全文搜尋：/search {query}",
    "page": "第 {page}/{pages} 頁",
    "expired": "這個按鈕已過期，請重新輸入指令。",
    "error": "抱歉，處理時發生錯誤，請稍後再試。",
    "ingest_started": "開始匯入 {url} …",
    "ingest_done": "匯入完成：{line}",
    "stats": (
        "<b>統計</b>\n文章：{articles}\n聊天：{chats}（啟用中 {active}）\n訂閱：{subscriptions}\n"
        "最近一次匯入：{last_ingest}（{last_status}）\n匯入錯誤累計：{errors}\n"
        "最近一次推送：{last_delivery}\n推送失敗：{delivery_failures}\n"
        "訂閱來源：{feeds}（錯誤中 {failing_feeds}）"
    ),
    "cmd.feeds": "（營運者）訂閱來源：/feeds、/feeds add 網址、/feeds remove 編號",
    "usage_feeds": "用法：/feeds、/feeds add 網址、/feeds remove 編號。",
    "feed_added": "已加入訂閱來源 {url}。",
    "feed_exists": "{url} 已經在訂閱來源中。",
    "feed_removed": "已移除訂閱來源 {url}。",
    "ingest_status.ok": "成功",
    "ingest_status.error": "失敗",
    "feed_bad_url": "只能訂閱 http 或 https 網址，{url} 不是。例如：/feeds add https://example.com/rss",
    "feed_no_url": "請在 /feeds add 後面加上網址，例如：/feeds add https://example.com/rss",
    "feed_no_such": "沒有第 {number} 個訂閱來源（目前共 {count} 個）。輸入 /feeds 看編號。",
    "feed_no_such.none": "目前沒有訂閱來源可移除。用 /feeds add 網址 加入。",
    "no_feeds": "目前沒有訂閱來源。用 /feeds add 網址 加入。",
    "feeds_title": "<b>訂閱來源</b>",
    "feed_ok": "✅ 最近成功：{when}",
    "feed_error": "⚠️ 錯誤：{error}",
    "settings_today_empty": "今天沒有符合主題的新文章，所以沒有推送簡報。",
    "settings_today_sent": "今天的簡報已送出。",
    "never": "尚無",
    "read_more": "閱讀原文",
    "all_topics": "所有主題",
    # Language and input (issue 14): /time alone, zone notes, /unsubscribe buttons.
    "time_current": "⏰ 每日簡報時間：{days} {time}，{zone}。下一次推送：{next}。\n要更改，輸入 /time 07:30 或 /timezone 東京。",
    "timezone_current": "目前時區：{zone}。",
    "lang_current": "目前語言：{name}。",
    "zone_note_abbreviation": "（{given} 視為{zone}，會自動切換夏令時間。）",
    "zone_note_fixed_offset": "（{given} 是固定時差，沒有夏令時間；若當地實施夏令時間，請改用城市名稱，例如 /timezone 紐約。）",
    "zone_note_offset_place": "（{given} 視為{zone}，全年固定，沒有夏令時間。）",
    "zone_ambiguous": "「{given}」可能指好幾個時區，請改用城市名稱：{options}。",
    "zone_suggest": "你是不是要找：{options}",
    "unsubscribe_pick": "點選要取消訂閱的主題：",
    "unsubscribe_none": "目前沒有訂閱任何主題。用 /topics 選擇主題。",
    "topics_readonly": "這個群組訂閱的主題：{topics}。只有群組管理員可以變更（/topics）。",
    "topics_readonly_none": "這個群組還沒有選擇主題。只有群組管理員可以用 /topics 選擇。",
}

EN: dict[str, str] = {
    "welcome": (
        "👋 Welcome to <b>briefbot</b>!\n"
        "I turn long-form industry and investment analysis into short digests: a daily "
        "briefing at the time you choose, plus company, sector and keyword look-ups.\n\n"
        "Pick the topics you want to subscribe to (several are fine):"
    ),
    "group_intro": (
        "👋 Hello, I'm <b>briefbot</b>. I digest industry and investment analysis and post a "
        "daily briefing to this group.\nEveryone can use /brief, /company, /sector and /search; "
        "admins choose topics with /topics and the time with /time. See /help for everything."
    ),
    "help_title": "<b>Commands</b>",
    "usage_help": "I don't know that command; see /help.",
    "help_admin_note": "(in groups, settings marked ⚙️ are for admins only)",
    "cmd.start": "start and pick topics",
    "cmd.help": "list every command",
    "cmd.topics": "choose the topics you subscribe to",
    "cmd.subscribe": "subscribe to a topic, e.g. /subscribe energy storage",
    "cmd.unsubscribe": "unsubscribe from a topic",
    "cmd.mytopics": "show your settings",
    "cmd.time": "daily briefing time, e.g. /time 08:00",
    "cmd.timezone": "time zone, e.g. /timezone Taipei",
    "cmd.brief": "a briefing right now",
    "cmd.company": "look up a company, e.g. /company TSMC",
    "cmd.sector": "look up a sector, e.g. /sector cooling",
    "cmd.search": "full-text search, e.g. /search 液冷",
    "cmd.article": "one article's digest, e.g. /article 3",
    "cmd.latest": "newest articles",
    "cmd.pause": "pause daily briefings",
    "cmd.resume": "resume daily briefings",
    "cmd.stop": "delete everything stored about this chat",
    "cmd.lang": "interface language: zh-TW, zh-CN, en",
    "cmd.ingest": "(operators) ingest a URL",
    "cmd.stats": "(operators) statistics",
    "topics_prompt": "Tap a topic to subscribe or unsubscribe (✅ = subscribed):",
    "subscribed": "✅ Subscribed to “{topic}”.",
    "already_subscribed": "You are already subscribed to “{topic}”.",
    "unsubscribed": "Unsubscribed from “{topic}”.",
    "not_subscribed": "You are not subscribed to “{topic}”.",
    "toggled_on": "Subscribed to {topic}",
    "toggled_off": "Unsubscribed from {topic}",
    "unknown_topic": "No topic called “{query}”.",
    "unknown_company": "No company called “{query}”.",
    "did_you_mean": "Did you mean:",
    "usage_subscribe": "Usage: /subscribe TOPIC, e.g. /subscribe 儲能 — or tap topics in /topics.",
    "usage_unsubscribe": "Usage: /unsubscribe TOPIC, e.g. /unsubscribe 儲能.",
    "usage_time": "Usage: /time TIME, e.g. /time 07:30, /time 7:30am or /time 3pm.",
    "usage_timezone": "Usage: /timezone ZONE, e.g. /timezone Taipei, /timezone Asia/Tokyo or /timezone UTC+8.",
    "usage_company": "Usage: /company NAME or TICKER, e.g. /company TSMC or /company 2330.",
    "usage_sector": "Usage: /sector SECTOR, e.g. /sector energy storage.",
    "usage_search": "Usage: /search WORDS, e.g. /search 液冷.",
    "usage_article": "Usage: /article ID, e.g. /article 3 (ids are in /latest).",
    "usage_lang": "Usage: /lang zh-TW, /lang zh-CN or /lang en.",
    "usage_ingest": "Usage: /ingest URL (http or https).",
    "bad_time": "I can't read “{value}” as a time; try 07:30, 0730, 7:30am or 9pm.",
    "bad_timezone": "Unknown time zone “{value}”. Use a city (Taipei, Tokyo, New York), an IANA name (Asia/Taipei) or UTC+8.",
    "time_set": "⏰ Daily briefing set to {days} at {time}, {zone}. Next delivery: {next}.",
    "timezone_set": "🌏 Time zone set to {zone}. Next delivery: {next}.",
    "settings_title": "<b>Your settings</b>",
    "settings_topics": "Topics: {topics}",
    "settings_no_topics": "Topics: none chosen (briefings cover every topic)",
    "settings_time": "Delivery: {days} at {time}, {zone}",
    "days_every": "every day",
    "days_weekdays_only": "Monday to Friday",
    "settings_next": "Next delivery: {next}",
    "settings_paused": "Status: ⏸ paused (/resume to restart)",
    "settings_active": "Status: ▶️ active",
    "settings_not_enrolled": "Status: no daily briefings yet (/start to begin)",
    "settings_group_waiting": "Status: daily briefings start once an admin picks topics with /topics",
    "settings_language": "Language: {language}",
    "paused": "⏸ Daily briefings paused; your settings are kept. /resume restarts them.",
    "already_paused": "Daily briefings are already paused.",
    "resumed": "▶️ Daily briefings resumed. Next delivery: {next}.",
    "already_active": "Daily briefings are already on.",
    "stop_confirm": "Delete all settings and subscriptions of this chat? This cannot be undone.",
    "stop_yes": "Delete",
    "stop_no": "Cancel",
    "stopped": "Everything stored about this chat is deleted. Send /start to use me again.",
    "stop_cancelled": "Cancelled; your settings are kept.",
    "lang_set": "Interface language set to {name}.",
    "admins_only": "Sorry, only group admins can change this setting.",
    "operators_only": "Sorry, this command is for the bot's operators only.",
    "your_user_id": "Your Telegram user id is <code>{id}</code>; add it to BRIEFBOT_ADMINS to become an operator.",
    "brief_title": "<b>📰 Your briefing</b>",
    "brief_empty": "No new articles on your topics yet.",
    "no_articles": "There are no articles yet.",
    "latest_title": "<b>🆕 Latest articles</b>",
    "article_not_found": "No article with id {id}; see /latest.",
    "company_none": "No article mentions {name} yet.",
    "company_mentions": "{count} articles mention {name}.",
    "company_mentions.one": "1 article mentions {name}.",
    "company_topics": "Topics: {topics}",
    "sector_none": "No articles on “{name}” yet.",
    "sector_companies": "Companies mentioned most: {companies}",
    "search_none": "Nothing found for “{query}”.",
    "search_title": "🔎 Results for “{query}”",
    "keywords": "Keywords: {keywords}",
    "key_figures": "<b>Key figures</b>",
    "lookup_hint": "Type a company, a sector or keywords (e.g. TSMC, cooling) to look them up, or /help for every command.",
    "lookup_none": "Nothing found for “{query}”: no company, sector or article. /help lists every command.",
    "try_search": "You can also try a full-text search: /search {query}",
    "page": "page {page}/{pages}",
    "expired": "This button has expired; please send the command again.",
    "error": "Sorry, something went wrong. Please try again later.",
    "ingest_started": "Ingesting {url} …",
    "ingest_done": "Done: {line}",
    "stats": (
        "<b>Statistics</b>\nArticles: {articles}\nChats: {chats} ({active} active)\n"
        "Subscriptions: {subscriptions}\nLast ingest: {last_ingest} ({last_status})\n"
        "Ingest errors so far: {errors}\nLast delivery: {last_delivery}\n"
        "Failed deliveries: {delivery_failures}\nFeeds: {feeds} ({failing_feeds} failing)"
    ),
    "cmd.feeds": "(operators) feeds: /feeds, /feeds add URL, /feeds remove N",
    "usage_feeds": "Usage: /feeds, /feeds add URL, /feeds remove N.",
    "feed_added": "Feed added: {url}.",
    "feed_exists": "{url} is already polled.",
    "feed_removed": "Feed removed: {url}.",
    "ingest_status.ok": "ok",
    "ingest_status.error": "failed",
    "feed_bad_url": "Only http and https feeds can be polled; {url} is not one. Example: /feeds add https://example.com/rss",
    "feed_no_url": "Add the feed's address after /feeds add, e.g. /feeds add https://example.com/rss",
    "feed_no_such": "There is no feed number {number} ({count} feeds now). Send /feeds to see the numbers.",
    "feed_no_such.one": "There is no feed number {number} (1 feed now). Send /feeds to see the numbers.",
    "feed_no_such.none": "There are no feeds to remove. Add one with /feeds add URL.",
    "no_feeds": "No feeds yet. Add one with /feeds add URL.",
    "feeds_title": "<b>Feeds</b>",
    "feed_ok": "✅ last success: {when}",
    "feed_error": "⚠️ error: {error}",
    "settings_today_empty": "Nothing new on your topics today, so no briefing was sent.",
    "settings_today_sent": "Today's briefing has been sent.",
    "never": "never",
    "read_more": "read",
    "all_topics": "all topics",
    # Language and input (issue 14): /time alone, zone notes, /unsubscribe buttons.
    "time_current": "⏰ Daily briefing: {days} at {time}, {zone}. Next delivery: {next}.\nTo change it: /time 07:30 or /timezone Tokyo.",
    "timezone_current": "Current time zone: {zone}.",
    "lang_current": "Current language: {name}.",
    "zone_note_abbreviation": "({given} is taken as {zone}, which follows daylight saving time.)",
    "zone_note_fixed_offset": "({given} is a fixed offset without daylight saving time; if your place has summer time, use its city instead, e.g. /timezone New York.)",
    "zone_note_offset_place": "({given} is taken as {zone}, the same all year, no daylight saving time.)",
    "zone_ambiguous": "“{given}” can mean several time zones; please name a city: {options}.",
    "zone_suggest": "Did you mean: {options}",
    "unsubscribe_pick": "Tap a topic to unsubscribe from it:",
    "unsubscribe_none": "You are not subscribed to any topic. Pick some with /topics.",
    "topics_readonly": "This group is subscribed to: {topics}. Only group admins can change this (/topics).",
    "topics_readonly_none": "This group has no topics yet. Only group admins can pick them with /topics.",
}

# Follows, alerts, quiet hours and weekday schedules (issue 11) keep their text apart.
ZH.update(ZH_FOLLOW)
EN.update(EN_FOLLOW)
ZH.update(ZH_ONDEMAND)
EN.update(EN_ONDEMAND)
# So do reading's (issue 14): one-tap article links, the briefing's layout, dates.
ZH.update(ZH_READING)
EN.update(EN_READING)
# And search's (issue 14): how many articles matched, the query syntax.
ZH.update(ZH_SEARCH)
EN.update(EN_SEARCH)


def text(language: str, key: str, /, **values: object) -> str:
    """Interface string ``key`` in ``language``, formatted with ``values``.

    ``values`` must already be HTML-escaped by the caller where they are dynamic.  A
    ``count`` of 1 picks the ``<key>.one`` form where the language has one ("1 article").
    zh-CN gets the Traditional text here: ``localize`` converts the finished message
    once, where it is sent (the conversion must not run twice, see messages.script).
    """
    table = EN if language == "en" else ZH
    if values.get("count") == 1 and f"{key}.one" in table:
        key = f"{key}.one"
    template = table.get(key) or ZH[key]
    if template is not EN.get(key):
        template = fullwidth(template)  # Chinese text, whoever typed it: ：，（）
    return template.format(**values) if values else template


LANGUAGE_NAMES = {"zh-TW": "繁體中文", "zh-CN": "简体中文", "en": "English"}


def localize(markup: str, language: str) -> str:
    """Simplified-Chinese readers get everything, content too, in Simplified script with
    mainland wording (OpenCC tw2sp).  Call it once, on what is about to be sent."""
    return to_mainland(markup) if language == "zh-CN" else markup


def language_from_telegram(code: str | None) -> str:
    """Telegram's ``language_code`` -> our reply language."""
    code = (code or "").lower()
    if code.startswith("zh"):
        if any(tag in code for tag in ("cn", "hans", "sg", "my")):
            return "zh-CN"
        return "zh-TW"
    if code.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def chat_language(chat: ChatSettings | None, language_code: str | None, group: bool = False) -> str:
    """The chat's chosen ``/lang``; else, in a private chat, the sender's Telegram language.

    A group speaks one language whoever writes: the one its admins chose with /lang, or
    the default.  Following each sender would switch languages mid-conversation.
    """
    if chat is not None and chat.language:
        return chat.language
    return DEFAULT_LANGUAGE if group else language_from_telegram(language_code)


def normalize_language(value: str) -> str | None:
    """What /lang accepts: zh-TW, zh-CN, en (any case, a few synonyms)."""
    folded = value.strip().lower().replace("_", "-")
    synonyms = {
        "zh-tw": "zh-TW",
        "zh-hant": "zh-TW",
        "繁體": "zh-TW",
        "繁中": "zh-TW",
        "tw": "zh-TW",
        "zh-cn": "zh-CN",
        "zh-hans": "zh-CN",
        "简体": "zh-CN",
        "簡體": "zh-CN",
        "cn": "zh-CN",
        "en": "en",
        "english": "en",
        "英文": "en",
    }
    return synonyms.get(folded)
