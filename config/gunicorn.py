"""gunicorn settings: `gunicorn config.wsgi -c config/gunicorn.py` (Procfile, README).

Binds to HOST:PORT (default 127.0.0.1:8000: only this machine; set HOST=0.0.0.0 behind
a proxy or in a container) and writes an access log with feed tokens redacted.
"""

import os
from typing import Any

from gunicorn.glogging import Logger

from teams.logging import redact_feed_tokens

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
accesslog = "-"


class FeedTokenRedactingLogger(Logger):
    """gunicorn's logger, with feed tokens redacted from every access-log field
    (request line, path, raw URI, referrer, ...)."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact_feed_tokens(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = FeedTokenRedactingLogger
