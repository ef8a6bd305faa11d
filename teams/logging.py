"""Keep calendar feed tokens out of logs.

A feed URL carries its secret in the path (`/shifts/feeds/<token>/me.ics`), and every
request line, "Not Found: ..." warning and access-log entry would otherwise write it
down. `FeedTokenFilter` redacts it from Django's log records (settings.LOGGING puts it
on the one console handler); gunicorn's access log does the same through
`config/gunicorn.py`. Plain Python: no Django needed, so gunicorn's master can use it.
"""

import logging
import re

FEED_TOKEN = re.compile(r"(/feeds/)[^/?#\s\"']+")
REDACTED = r"\1[redacted]"


def redact_feed_tokens(text: str) -> str:
    return FEED_TOKEN.sub(REDACTED, text)


def _redacted(value: object) -> object:
    return redact_feed_tokens(value) if isinstance(value, str) else value


class FeedTokenFilter(logging.Filter):
    """Redact feed tokens in a record's message and arguments (it never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return True
