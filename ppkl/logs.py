"""Log lines cannot be forged: control characters in a message (newlines above all, also bidi
controls that reorder what a reader sees) are written escaped, whatever the handler.

Done in the log record itself rather than in one formatter, so it holds for every handler
gunicorn, the CLI or a test attaches. Tracebacks, which are ours, keep their lines.
"""

import logging
import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class SafeLogRecord(logging.LogRecord):
    def getMessage(self) -> str:
        return escape_controls(super().getMessage())


def install() -> None:
    """Idempotent: create_app() runs once per app, tests make many apps."""
    current = logging.getLogRecordFactory()
    if getattr(current, "escapes_controls", False):
        return

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        if type(record) is logging.LogRecord:
            record.__class__ = SafeLogRecord
        return record

    factory.escapes_controls = True
    logging.setLogRecordFactory(factory)
