"""Documents: sending one, getFile, the file endpoint, the 20 MB limit, entities of links."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.loopback import LoopbackBotAPI
from bot.loopback.files import MAX_DOWNLOAD_BYTES
from tests.loopback.support import _HTTP, PRIVATE, USER, call, error_of


def test_document_message_and_get_file_and_download(api: LoopbackBotAPI) -> None:
    update = api.send_document(PRIVATE, USER, b"%PDF-1.4 hello", "report.pdf", caption="看這份")
    document = update["message"]["document"]
    assert document["file_name"] == "report.pdf"
    assert document["mime_type"] == "application/pdf"
    assert document["file_size"] == len(b"%PDF-1.4 hello")
    assert document["file_unique_id"] and document["file_id"]
    assert update["message"]["caption"] == "看這份"

    answer = call(api, "getFile", file_id=document["file_id"]).json()
    assert answer["ok"] is True
    path = answer["result"]["file_path"]
    assert answer["result"]["file_size"] == document["file_size"]
    response = _HTTP.get(f"{api.base_file_url}{api.token}/{path}")
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 hello"
    assert api.downloads() == [path]


def test_unknown_file_id_and_path(api: LoopbackBotAPI) -> None:
    assert error_of(call(api, "getFile", file_id="nope")) == "Bad Request: invalid file_id"
    assert _HTTP.get(f"{api.base_file_url}{api.token}/documents/x.pdf").status_code == 404
    response = _HTTP.get(f"{api.base_file_url}123:WRONG/documents/x.pdf")
    assert response.status_code == 404
    assert api.downloads() == []


def test_file_over_20_mb_cannot_be_fetched(api: LoopbackBotAPI) -> None:
    data = b"x" * (MAX_DOWNLOAD_BYTES + 1)
    document = api.send_document(PRIVATE, USER, data, "big.txt", "text/plain")["message"][
        "document"
    ]
    assert document["file_size"] == MAX_DOWNLOAD_BYTES + 1
    response = call(api, "getFile", file_id=document["file_id"])
    assert response.status_code == 400
    assert error_of(response) == "Bad Request: file is too big"
    path = api._files[document["file_id"]]["file_path"]
    assert _HTTP.get(f"{api.base_file_url}{api.token}/{path}").status_code == 404


def test_reply_with_document_and_missing_target(api: LoopbackBotAPI) -> None:
    first = api.send_message(PRIVATE, USER, "hello")["message"]
    update = api.send_document(
        PRIVATE, USER, b"text", "a.txt", "text/plain", reply_to_message_id=first["message_id"]
    )
    assert update["message"]["reply_to_message"]["text"] == "hello"
    with pytest.raises(LookupError):
        api.send_document(PRIVATE, USER, b"text", "a.txt", reply_to_message_id=999)


def test_ptb_downloads_through_get_file(api: LoopbackBotAPI) -> None:
    update = api.send_document(PRIVATE, USER, "中文內容".encode(), "筆記.txt", None)
    document = update["message"]["document"]
    assert "mime_type" not in document

    async def fetch() -> bytes:
        async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
            file = await bot.get_file(document["file_id"])
            return bytes(await file.download_as_bytearray())

    assert asyncio.run(fetch()) == "中文內容".encode()


def test_ptb_raises_bad_request_for_big_file(api: LoopbackBotAPI) -> None:
    data = b"x" * (MAX_DOWNLOAD_BYTES + 1)
    document = api.send_document(PRIVATE, USER, data, "big.pdf")["message"]["document"]

    async def fetch() -> None:
        async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
            await bot.get_file(document["file_id"])

    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        asyncio.run(fetch())


def test_links_and_mentions_get_entities(api: LoopbackBotAPI) -> None:
    text = "請看 https://example.com/a?b=1，@briefbot_test_bot 謝謝 /x"
    message = api.send_message(PRIVATE, USER, text)["message"]
    kinds = [
        (e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in message["entities"]
    ]
    assert kinds == [("url", "https://example.com/a?b=1"), ("mention", "@briefbot_test_bot")]
    command = api.send_message(PRIVATE, USER, "/digest https://example.com/x")["message"]
    assert [e["type"] for e in command["entities"]] == ["bot_command", "url"]
