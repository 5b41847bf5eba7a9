"""Documents: a user sends a file, the bot asks ``getFile`` and downloads it, as on Telegram.

Why it works like Telegram: a bot that digests what readers send must pass through the
real three steps -- the ``document`` in the message (``file_id``, ``file_unique_id``,
``file_name``, ``mime_type``, ``file_size``), ``getFile`` answering a ``file_path``, then a
plain ``GET {file_url}/bot<token>/<file_path>`` for the bytes -- and meet the Bot API's
limit: a bot may download files up to 20 MB, and ``getFile`` on a bigger one answers
``400 Bad Request: file is too big``.  The emulator holds each document's bytes in memory
and records every download as a ``downloadFile`` call, so a test can check that the bot
never fetched what it should have refused.
"""

from __future__ import annotations

import copy
import hashlib
from urllib.parse import unquote

from bot.loopback.state import JSON, ApiError, Call, EmulatorState, FakeChat, FakeUser, bad

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
"""What the Bot API lets a bot download (``getFile``): 20 MB."""

FILE_TOO_BIG = "file is too big"
_JSON = "application/json"


class FilesMixin(EmulatorState):
    """Documents users send and the ``getFile`` method plus the file endpoint serving them."""

    def _init_files(self) -> None:
        self._files: dict[str, JSON] = {}
        self._file_paths: dict[str, str] = {}
        self._next_file = 0

    def send_document(
        self,
        chat: FakeChat,
        user: FakeUser,
        data: bytes,
        file_name: str,
        mime_type: str | None = "application/pdf",
        *,
        caption: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """Queue a ``message`` with a ``document``: ``user`` sends ``data`` as ``file_name``.

        The emulator keeps the bytes; the bot gets them with ``getFile`` and the file
        endpoint.  ``mime_type=None`` leaves the field out, as Telegram does for unknown types.
        """
        with self._cond:
            self._register_chat(chat, user)
            self._next_file += 1
            digest = hashlib.sha256(data).hexdigest()
            file_id = f"BQACAgUAAx{self._next_file:06d}{digest[:24]}"
            document: JSON = {
                "file_id": file_id,
                "file_unique_id": f"AgAD{digest[:12]}",
                "file_name": file_name,
                "file_size": len(data),
            }
            if mime_type:
                document["mime_type"] = mime_type
            extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else "bin"
            path = f"documents/file_{self._next_file}.{extension}"
            self._files[file_id] = {**document, "file_path": path, "data": bytes(data)}
            self._file_paths[path] = file_id
            message: JSON = {"from": user.to_dict(), "document": document}
            if caption:
                message["caption"] = caption
            return self._post_user_message(chat.id, message, reply_to_message_id)

    def downloads(self) -> list[str]:
        """``file_path`` of every successful download so far, in order."""
        with self._cond:
            return [
                str(call.params.get("file_path"))
                for call in self._calls
                if call.method == "downloadFile" and call.ok
            ]

    # ---- methods -------------------------------------------------------------------------

    def _get_file(self, params: JSON) -> object:
        file_id = params.get("file_id")
        if not isinstance(file_id, str) or not file_id:
            raise bad("file_id not specified")
        stored = self._files.get(file_id)
        if stored is None:
            raise bad("invalid file_id")
        if stored["file_size"] > MAX_DOWNLOAD_BYTES:
            raise bad(FILE_TOO_BIG)
        return {
            key: copy.deepcopy(stored[key])
            for key in ("file_id", "file_unique_id", "file_size", "file_path")
        }

    def _download(self, token: str, raw_path: str, arrived: float) -> tuple[int, bytes, str]:
        """``GET /file/bot<token>/<file_path>``: the bytes, as Telegram's file server sends them."""
        # PTB percent-encodes the whole path, the token's colon included.
        path, token = unquote(raw_path), unquote(token)
        with self._cond:
            file_id = self._file_paths.get(path) if token == self.token else None
            stored = self._files.get(file_id) if file_id else None
            ok = stored is not None and stored["file_size"] <= MAX_DOWNLOAD_BYTES
            error = None if ok else ApiError(404, "Not Found").to_dict()
            self._calls.append(Call("downloadFile", {"file_path": path}, ok, None, error, arrived))
            self._cond.notify_all()
            if not ok or stored is None:
                return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}', _JSON
            return 200, bytes(stored["data"]), "application/octet-stream"
