"""Feed tokens: the value in a URL is derived from a stored salt (see `FeedToken`), so
the database alone reveals no feed URL, yet a user's URLs can still be shown."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

FEED_TOKEN_BYTES = 32  # 256 bits


def feed_salt_new() -> str:
    return secrets.token_hex(FEED_TOKEN_BYTES)


def feed_token_value(salt: str) -> str:
    """The URL token for a salt: HMAC-SHA256 keyed with SECRET_KEY, base64url."""
    digest = hmac.new(settings.SECRET_KEY.encode(), salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feed_token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
