"""Interface text of digests on demand (issue 12): links, documents and pasted text.

Merged into :mod:`bot.messages.i18n`'s tables; zh-CN readers get the Traditional text
converted where it is sent, like every other string.
"""

from __future__ import annotations

ZH_ONDEMAND: dict[str, str] = {
    "cmd.digest": "整理連結、PDF 或長文的重點,例如 /digest 網址",
    "digest_working": "⏳ 處理中…",
    "digest_usage": (
        "用法:/digest 網址;或回覆一則含連結或文件的訊息,輸入 /digest。"
        "私訊中直接傳連結、PDF/HTML/文字檔或貼上長文即可。"
    ),
    "digest_rate_limited": "⚠️ 每人每小時最多整理 {limit} 份,請約 {minutes} 分鐘後再試。",
    "digest_busy": "⚠️ 你的上一份還在處理中,完成後再傳下一份。",
    "digest_too_big": "⚠️ 檔案 {size} MB,超過 20 MB 上限(Telegram 允許機器人下載的大小)。",
    "digest_bad_type": "⚠️ 只能整理 PDF、HTML 或文字檔,「{name}」不是。",
    "digest_timeout": "⚠️ 處理超過 {seconds} 秒,已停止,沒有儲存任何內容。",
    "digest_failed": "⚠️ 無法整理 {source}：{reason}",
    "digest_download_failed": "⚠️ 無法從 Telegram 下載這個檔案:{reason}",
    "digest_private_note": "🔒 只有這個聊天看得到這份摘要:{command}",
    "digest_topics": "主題:{topics}",
    "digest_companies": "提到的公司(點選查看):",
    "digest_share": "📚 加入共用文庫",
    "digest_shared": "📚 已加入共用文庫:{title}",
    "digest_share_gone": "找不到這篇文章,可能已被刪除。",
    "digest_too_many_links": "(一次最多整理 {count} 個連結,其餘請另外傳送。)",
    "digest_reason.private_address": "這個網址指向內部或私人網路位址,基於安全不讀取",
    "digest_reason.redirects": "轉址次數太多",
    "digest_reason.scheme": "只讀取 http 與 https 網址",
    "digest_reason.timeout": "對方網站回應逾時",
    "digest_reason.too_large": "內容超過 20 MB 上限",
    "digest_reason.content_type": "不是網頁、RSS、文字或 PDF",
    "digest_reason.dns": "找不到這個網域",
    "digest_reason.url": "網址格式不正確",
    "digest_reason.pdf_no_text": "這份 PDF 沒有文字層(可能是掃描檔),目前不做文字辨識",
    "digest_reason.pdf_encrypted": "這份 PDF 有密碼保護",
    "digest_reason.pdf_unreadable": "這不是可讀取的 PDF",
    "digest_reason.pdf_too_large": "這份 PDF 解壓縮後過大,超出讀取上限(可能是惡意檔案)",
    "digest_reason.pdf_too_slow": "這份 PDF 太複雜,無法在時間限制內讀完",
    "digest_pasted": "貼上的文字",
    "digest_more_articles": "另外整理了 {count} 篇:{ids}",
}

EN_ONDEMAND: dict[str, str] = {
    "cmd.digest": "digest a link, a PDF or a long text, e.g. /digest URL",
    "digest_working": "⏳ Working…",
    "digest_usage": (
        "Usage: /digest URL, or reply /digest to a message with a link or a document. "
        "In a private chat just send a link, a PDF/HTML/text file or paste a long text."
    ),
    "digest_rate_limited": (
        "⚠️ At most {limit} digests per person per hour; try again in about {minutes} min."
    ),
    "digest_busy": "⚠️ Your previous digest is still running; send the next one when it is done.",
    "digest_too_big": "⚠️ The file is {size} MB, over the 20 MB a bot may download from Telegram.",
    "digest_bad_type": "⚠️ Only PDF, HTML or text files can be digested; “{name}” is not one.",
    "digest_timeout": "⚠️ Stopped after {seconds} seconds; nothing was stored.",
    "digest_failed": "⚠️ Could not digest {source}: {reason}",
    "digest_download_failed": "⚠️ Could not download the file from Telegram: {reason}",
    "digest_private_note": "🔒 Only this chat can see this digest: {command}",
    "digest_topics": "Topics: {topics}",
    "digest_companies": "Companies named (tap to look up):",
    "digest_share": "📚 Add to the shared library",
    "digest_shared": "📚 Added to the shared library: {title}",
    "digest_share_gone": "That article no longer exists.",
    "digest_too_many_links": "(At most {count} links at a time; send the others separately.)",
    "digest_reason.private_address": "the link points to an internal or private address",
    "digest_reason.redirects": "too many redirects",
    "digest_reason.scheme": "only http and https links are read",
    "digest_reason.timeout": "the site took too long to answer",
    "digest_reason.too_large": "over the 20 MB limit",
    "digest_reason.content_type": "not a web page, feed, text or PDF",
    "digest_reason.dns": "no such domain",
    "digest_reason.url": "not a valid link",
    "digest_reason.pdf_no_text": "the PDF has no text layer (a scan?); there is no OCR",
    "digest_reason.pdf_encrypted": "the PDF is password-protected",
    "digest_reason.pdf_unreadable": "not a readable PDF",
    "digest_reason.pdf_too_large": "the PDF is too large once decompressed (a malicious file?)",
    "digest_reason.pdf_too_slow": "the PDF is too complex to read within the time limit",
    "digest_pasted": "pasted text",
    "digest_more_articles": "{count} more digested: {ids}",
}
