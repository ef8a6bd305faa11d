"""Calendar feed plumbing shared by every app that publishes a feed.

- Tokens: the value in a URL is derived from a stored salt (see `FeedToken`).
- Links: apps above this one register a function listing the feeds a user can
  subscribe to (`register_feed_lister`, from their AppConfig.ready); the profile page
  and `GET /api/v1/me/` show them all without importing those apps.
- Responses: `calendar_response` answers a conditional GET with 304 from a validator
  computed from the data's last change, and builds the calendar only when needed.
"""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

FEED_TOKEN_BYTES = 32  # 256 bits


def feed_salt_new() -> str:
    return secrets.token_hex(FEED_TOKEN_BYTES)


def feed_token_value(salt: str) -> str:
    """The URL token for a salt: HMAC-SHA256 keyed with SECRET_KEY, base64url."""
    digest = hmac.new(settings.SECRET_KEY.encode(), salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feed_token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class FeedLink:
    title: str
    path: str  # absolute path on this site, token included
    personal: bool = False  # the user's own feed: listed first

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.path}"

    @property
    def webcal_url(self) -> str:
        return "webcal://" + self.url.split("://", 1)[1]


FeedLister = Callable[[User, str], list[FeedLink]]
_feed_listers: list[FeedLister] = []


def register_feed_lister(lister: FeedLister) -> FeedLister:
    if lister not in _feed_listers:
        _feed_listers.append(lister)
    return lister


def feed_links(*, user: User, token: str) -> list[FeedLink]:
    links = [link for lister in _feed_listers for link in lister(user, token)]
    return sorted(links, key=lambda link: (not link.personal, link.title))


@dataclass(frozen=True)
class FeedVersion:
    """What a feed's content depends on: it changes whenever the feed would."""

    last_modified: datetime
    etag: str


def feed_version(*, last_modified: datetime, parts: tuple[object, ...]) -> FeedVersion:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return FeedVersion(last_modified=last_modified, etag=quote_etag(digest))


def calendar_response(
    request: HttpRequest, *, version: FeedVersion, build: Callable[[], bytes], filename: str
) -> HttpResponse:
    """200 with the calendar, or 304 (without calling `build`) if the client has it."""
    last_modified = int(version.last_modified.timestamp())
    not_modified = get_conditional_response(request, etag=version.etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(build(), content_type="text/calendar; charset=utf-8")
    response["ETag"] = version.etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
