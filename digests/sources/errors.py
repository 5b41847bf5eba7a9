"""The one exception a source reader raises for bad input."""

from __future__ import annotations

from digests.sanitize import clean_line


class SourceError(Exception):
    """A source could not be read or parsed; the message is one line for the user.

    Messages often quote the source (a parser's complaint, a root element's name), so
    they are reduced to one clean line here: no control or bidi character reaches a
    terminal or a chat through an error.
    """

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(clean_line(message))
        self.code = code
        """A stable key for the kind of refusal (``"private_address"``, ``"too_large"``,
        ``"pdf_no_text"``…), so the bot can say it in the reader's language; None when
        the message alone is all there is (a parser's complaint)."""
