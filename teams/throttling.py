"""Refuse guessing: who the client is (behind a known number of proxies), and a limit
on failed API token authentications. Failed web logins are counted by django-axes,
which asks `client_ip` for the address so both agree on who the client is."""

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from teams.read_ahead import ReadAhead, ReadAheadMixin


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with REST_FRAMEWORK["NUM_PROXIES"] (the
    TRUSTED_PROXY_COUNT setting) proxies in front, the address the outermost of them
    saw in X-Forwarded-For. A client cannot choose it by sending that header itself."""
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]


class FailedTokenThrottle(SimpleRateThrottle):
    """Counts failed token authentications per client address (the "failed_token" rate)."""

    scope = "failed_token"
    num_requests: int  # set from the rate by SimpleRateThrottle.__init__
    duration: int

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def read(self, request: Request, *, also: Sequence[str] = ()) -> dict[str, Any]:
        """Read this client's failure history, with the cache entries `also` (returned)
        in the same round trip."""
        self.key = self.get_cache_key(request, None)
        found = self.cache.get_many([self.key, *also])
        self.history = found.pop(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return found

    def is_blocked(self) -> bool:
        """Whether this client used up its failures (after `read`), without counting
        another one."""
        return len(self.history) >= self.num_requests


class ThrottledTokenAuthentication(TokenAuthentication):
    """Token authentication that answers 429 to a client after too many bad tokens.

    While a client is blocked every token it sends is refused, a valid one too, so
    guessing learns nothing; the block lifts as its failures age out of the window.
    The token is looked up first, so that the client's history is read in one cache
    round trip with what the view reads for its user (`teams.read_ahead`); a blocked
    client still costs that one indexed query.
    """

    def authenticate(self, request: Request) -> Any:
        if not request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("token "):
            return None  # no token: nothing is being guessed (session auth comes next)
        try:
            authenticated, failure = super().authenticate(request), None
        except AuthenticationFailed as error:
            authenticated, failure = None, error
        view = (request.parser_context or {}).get("view")
        keys: list[str] = []
        if isinstance(view, ReadAheadMixin) and authenticated is not None:
            keys = view.read_ahead_keys(authenticated[0])
        throttle = FailedTokenThrottle()
        found = throttle.read(request, also=keys)
        if throttle.is_blocked():
            raise Throttled(wait=throttle.wait())
        if failure is not None:
            throttle.throttle_success()  # records this failure in the client's history
            raise failure
        if isinstance(view, ReadAheadMixin) and keys:
            view.read_ahead = ReadAhead(keys=frozenset(keys), found=found)
        return authenticated
