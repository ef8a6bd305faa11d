"""Calendar feed plumbing shared by every app that publishes a feed.

- Links: apps above this one register a function listing the feeds a user can
  subscribe to (`register_feed_lister`, from their AppConfig.ready); the profile page
  and `GET /api/v1/me/` show them all without importing those apps.
- Feeds: `CalendarFeed` is the one feed view, declared the way
  `django.contrib.syndication.Feed` declares an RSS feed: an app says how to find the
  feed's object from the URL, its title, its events in a window and the parts its
  version depends on. The view answers a conditional GET with 304 from that version,
  and builds the calendar only when needed, once per version: the bytes are cached
  (shared cache, `CACHE_URL`) under the feed, its object and its version, so a
  repeated full request costs about what a 304 costs. `TeamCalendarFeed` finds a team
  from the token's user, who must be an active member.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from teams.ical import FeedEvent, feed_calendar_bytes
from teams.models import Team
from teams.selectors import feed_user_for_token, memberships_for_user


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

    last_modified: dt.datetime
    etag: str


def feed_version(*, last_modified: dt.datetime, parts: tuple[object, ...]) -> FeedVersion:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return FeedVersion(last_modified=last_modified, etag=quote_etag(digest))


def feed_host() -> str:
    """The host part of every event UID."""
    return urlsplit(settings.SITE_URL).hostname or "shiftdesk"


def feed_url_by_pk(viewname: str, **kwargs: str) -> Callable[[int], str]:
    """The absolute URL of `viewname` for any `pk` (its last part), from one reverse():
    a feed links a thousand events, and reversing each cost a tenth of its build."""
    marker = "987654321"
    before, _, after = reverse(viewname, kwargs={**kwargs, "pk": marker}).rpartition(marker)
    prefix = f"{settings.SITE_URL}{before}"
    return lambda pk: f"{prefix}{pk}{after}"


def feed_window_start(*, now: dt.datetime | None = None) -> dt.datetime:
    """The start of every feed: FEEDS_PAST_DAYS before today (UTC midnight), so the
    window moves once a day."""
    today = (now or timezone.now()).astimezone(dt.UTC).date()
    day = today - dt.timedelta(days=settings.FEEDS_PAST_DAYS)
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def feed_version_in_window(
    *, start: dt.datetime, parts: tuple[object, ...], changes: list[dt.datetime]
) -> FeedVersion:
    """Last-Modified is the latest change, but not before the window last moved."""
    today = dt.datetime.combine(timezone.now().astimezone(dt.UTC).date(), dt.time(0), dt.UTC)
    return feed_version(last_modified=max([today, *changes]), parts=(start.date(), *parts))


def feed_team_for_token(*, token: str, slug: str) -> tuple[User, Team]:
    """The token's user and the team, if that user is an active member; else 404."""
    user = feed_user_for_token(token=token)
    if user is None:
        raise Http404("No such feed.")
    membership = memberships_for_user(user=user).filter(team__slug=slug).first()
    if membership is None:
        raise Http404("No such feed.")
    return user, membership.team


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


FeedObject = TypeVar("FeedObject")
VersionParts = tuple[tuple[object, ...], list[dt.datetime]]


class CalendarFeed(Generic[FeedObject]):
    """An .ics feed behind a secret token: an instance is the view (`path(..., Feed())`).

    Subclasses give `get_object` (404 for a bad token), `title`, `description`,
    `filename`, `events` (in the window from `start`) and `version_parts` (what the
    events depend on, from cheap aggregate queries, and the times they last changed).
    """

    login_required = False  # the token in the URL is the credential (LoginRequiredMiddleware)

    def get_object(self, request: HttpRequest, **kwargs: Any) -> FeedObject:
        raise Http404("No such feed.")

    def title(self, obj: FeedObject) -> str:
        return "Shiftdesk"

    def description(self, obj: FeedObject) -> str:
        return self.title(obj)

    def filename(self, obj: FeedObject) -> str:
        return "shiftdesk.ics"

    def events(self, obj: FeedObject, start: dt.datetime) -> list[FeedEvent]:
        return []

    def version_parts(self, obj: FeedObject, start: dt.datetime) -> VersionParts:
        return (), []

    def cache_key(self, obj: FeedObject) -> str:
        """Who the feed's bytes are for; with the version it keys the cached bytes."""
        return str(getattr(obj, "pk", obj))

    def __call__(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        obj = self.get_object(request, **kwargs)
        start = feed_window_start()
        parts, changes = self.version_parts(obj, start)
        version = feed_version_in_window(start=start, parts=parts, changes=changes)

        def build() -> bytes:
            # The version covers everything the events depend on, so bytes cached under
            # it are never stale: a change makes a new key (old ones expire).
            key = f"feed:{type(self).__name__}:{self.cache_key(obj)}:{version.etag}"
            body: bytes | None = cache.get(key)
            if body is None:
                body = feed_calendar_bytes(
                    name=self.title(obj),
                    description=self.description(obj),
                    events=self.events(obj, start),
                    stamp=timezone.now(),
                )
                cache.set(key, body, settings.FEEDS_CACHE_SECONDS)
            return body

        return calendar_response(request, version=version, build=build, filename=self.filename(obj))


class TeamCalendarFeed(CalendarFeed[Team]):
    """A team's feed at `<token>/<slug>.ics`: the token's user must be a member."""

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Team:
        return feed_team_for_token(token=kwargs["token"], slug=kwargs["slug"])[1]
