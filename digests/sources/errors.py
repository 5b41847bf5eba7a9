"""The one exception a source reader raises for bad input."""


class SourceError(Exception):
    """A source could not be read or parsed; the message is one line for the user."""
