"""The one way Shiftdesk talks to GitHub: PyGithub's requester, configured once.

- `base_url` is `settings.GITHUB_API_URL`, so GitHub Enterprise (`https://HOST/api/v3`)
  works; auth is a token (`GITHUB_TOKEN`) or a GitHub App installation
  (`GITHUB_APP_ID` + `GITHUB_APP_PRIVATE_KEY` + `GITHUB_APP_INSTALLATION_ID`).
- PyGithub's own retry (which can sleep for minutes on a rate limit) is off and
  requests time out after `GITHUB_TIMEOUT_SECONDS`: the caller decides what to do with
  the three kinds of failure below, and Celery re-queues with a countdown.
- Every call goes through `_request`, which counts requests, keeps the rate-limit
  headers, refuses to run inside a database transaction and turns every failure into
  `RateLimited` (403/429 rate limits: `retry_after` seconds), `Unavailable` (5xx,
  timeouts, dropped connections: the outcome of a write is unknown) or `Rejected`
  (any other 4xx: retrying will not help). Their messages carry no secret.
"""

import base64
import binascii
import datetime as dt
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings
from django.db import connection
from github import Auth, Github, GithubException

logger = logging.getLogger(__name__)

PER_PAGE = 100
MAX_LIST_PAGES = 50  # 5,000 changed issues in one poll; the rest comes next time
TEMPLATE_DIR = ".github/ISSUE_TEMPLATE"
LINK_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class GitHubError(Exception):
    """A GitHub call that did not give what was asked. `str()` is safe to show."""


class RateLimited(GitHubError):
    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(GitHubError):
    """5xx, a timeout or a dropped connection: a write may or may not have happened."""


class Rejected(GitHubError):
    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def secrets() -> list[str]:
    """The configured secrets, longest first (so a key is redacted before its parts)."""
    values = [
        settings.GITHUB_TOKEN,
        settings.GITHUB_APP_PRIVATE_KEY,
        settings.GITHUB_WEBHOOK_SECRET,
    ]
    return sorted({v for v in values if v and len(v) >= 4}, key=len, reverse=True)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """`text` with every secret (and each line of a private key) replaced."""
    for secret in [*secrets(), *extra]:
        if not secret:
            continue
        text = text.replace(secret, "[redacted]")
        for line in secret.splitlines():
            if len(line) >= 16:
                text = text.replace(line, "[redacted]")
    # Anything that looks like a credential in an echoed header.
    return re.sub(r"(?i)\b(token|bearer)\s+[A-Za-z0-9_.\-]{8,}", r"\1 [redacted]", text)


def parse_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class RemoteIssue:
    """An issue as GitHub sent it (REST answer or webhook payload), reduced to what we keep."""

    repository: str
    number: int
    title: str
    body: str
    state: str
    state_reason: str
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    html_url: str
    comments: int
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_by: str
    is_pull_request: bool

    @classmethod
    def from_json(cls, data: dict[str, Any], *, repository: str = "") -> "RemoteIssue":
        repo_url = str(data.get("repository_url") or "")
        if repo_url.count("/") >= 2:
            repository = "/".join(repo_url.rstrip("/").split("/")[-2:])
        closed_by = data.get("closed_by") or {}
        return cls(
            repository=repository,
            number=int(data["number"]),
            title=str(data.get("title") or "")[:500],
            body=str(data.get("body") or ""),
            state="closed" if data.get("state") == "closed" else "open",
            state_reason=str(data.get("state_reason") or ""),
            labels=tuple(
                str(label.get("name") if isinstance(label, dict) else label)
                for label in data.get("labels") or []
            ),
            assignees=tuple(
                str(person.get("login")) for person in data.get("assignees") or [] if person
            ),
            html_url=str(data.get("html_url") or ""),
            comments=int(data.get("comments") or 0),
            created_at=parse_time(data.get("created_at")),
            updated_at=parse_time(data.get("updated_at")),
            closed_at=parse_time(data.get("closed_at")),
            closed_by=str(closed_by.get("login") or "") if isinstance(closed_by, dict) else "",
            is_pull_request="pull_request" in data,
        )


@dataclass
class Listing:
    """One conditional listing: `not_modified` (a 304) or the issues (PRs left out)."""

    not_modified: bool
    etag: str
    issues: list[RemoteIssue] = field(default_factory=list)
    pull_requests_skipped: int = 0
    truncated: bool = False


@dataclass(frozen=True)
class IssueTemplate:
    """A `.github/ISSUE_TEMPLATE/*.md` file: its front matter and its body."""

    filename: str
    name: str
    about: str
    title: str
    labels: tuple[str, ...]
    body: str


@dataclass
class RateLimit:
    limit: int | None = None
    remaining: int | None = None
    reset_at: dt.datetime | None = None


def build_auth() -> Auth.Auth | None:
    """App installation auth when the App is configured, else the token, else none."""
    if settings.GITHUB_APP_ID and settings.GITHUB_APP_PRIVATE_KEY:
        if not settings.GITHUB_APP_INSTALLATION_ID:
            raise GitHubError("GITHUB_APP_INSTALLATION_ID is not set.")
        app = Auth.AppAuth(settings.GITHUB_APP_ID, settings.GITHUB_APP_PRIVATE_KEY)
        return app.get_installation_auth(int(settings.GITHUB_APP_INSTALLATION_ID))
    if settings.GITHUB_TOKEN:
        return Auth.Token(settings.GITHUB_TOKEN)
    return None


class GitHubClient:
    """A GitHub session for one task or request; not shared between threads."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        auth: Auth.Auth | None = None,
        timeout: int | None = None,
    ) -> None:
        self.base_url = (base_url or settings.GITHUB_API_URL).rstrip("/")
        self._github = Github(
            base_url=self.base_url,
            auth=auth,
            timeout=int(timeout or settings.GITHUB_TIMEOUT_SECONDS),
            retry=None,  # no hidden sleeping: rate limits and 5xx come back to us
            per_page=PER_PAGE,
            seconds_between_requests=None,
            seconds_between_writes=None,
            user_agent="Shiftdesk",
        )
        self.requests_made = 0
        self.rate = RateLimit()

    @classmethod
    def from_settings(cls) -> "GitHubClient":
        return cls(auth=build_auth())

    # --- the one request path ---------------------------------------------------------

    def _request(
        self,
        verb: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> tuple[int, dict[str, Any], Any]:
        if connection.in_atomic_block:
            raise RuntimeError("A GitHub call inside a database transaction.")
        what = f"GitHub {verb} {url.split('?')[0]}"
        self.requests_made += 1
        try:
            status, response_headers, text = self._github.requester.requestJson(
                verb, url, parameters=params, headers=headers, input=body
            )
        except requests.Timeout as error:
            raise Unavailable(f"{what}: no answer within the timeout.") from error
        except requests.ConnectionError as error:
            raise Unavailable(f"{what}: the connection failed or was dropped.") from error
        except GithubException as error:  # App installation token request failed
            raise self._failure(what, error.status, error.headers or {}, error.data) from error
        except (AssertionError, RuntimeError) as error:  # PyGithub refusing a URL/redirect
            raise Rejected(f"{what}: {redact(str(error))}", status=0) from error
        self._note_rate(response_headers)
        data: Any = None
        if text:
            try:
                data = json.loads(text)
            except ValueError:
                data = text
        if status >= 400:
            raise self._failure(what, status, response_headers, data)
        return status, response_headers, data

    def _note_rate(self, headers: dict[str, Any]) -> None:
        def number(name: str) -> int | None:
            try:
                return int(float(headers[name]))
            except (KeyError, ValueError):
                return None

        remaining, limit, reset = (
            number("x-ratelimit-remaining"),
            number("x-ratelimit-limit"),
            number("x-ratelimit-reset"),
        )
        if remaining is not None:
            self.rate.remaining = remaining
        if limit is not None:
            self.rate.limit = limit
        if reset is not None:
            self.rate.reset_at = dt.datetime.fromtimestamp(reset, tz=dt.UTC)

    def _failure(self, what: str, status: int, headers: dict[str, Any], data: Any) -> GitHubError:
        headers = {str(k).lower(): v for k, v in headers.items()}
        message = data.get("message", "") if isinstance(data, dict) else ""
        message = redact(str(message))[:200]
        text = f"{what}: {status}" + (f" {message}" if message else "")
        limited = status == 429 or (
            status == 403
            and (
                "retry-after" in headers
                or headers.get("x-ratelimit-remaining") == "0"
                or "rate limit" in message.lower()
            )
        )
        if limited:
            return RateLimited(text, retry_after=self._retry_after(headers))
        if status >= 500:
            return Unavailable(text)
        return Rejected(text, status=status)

    @staticmethod
    def _retry_after(headers: dict[str, Any]) -> int:
        try:
            return max(int(float(headers["retry-after"])), 1)
        except (KeyError, ValueError):
            pass
        try:
            return max(int(float(headers["x-ratelimit-reset"]) - time.time()) + 1, 1)
        except (KeyError, ValueError):
            return 60  # GitHub's advice for a secondary limit without a header

    # --- issues -----------------------------------------------------------------------

    def create_issue(
        self,
        repository: str,
        *,
        title: str,
        body: str,
        labels: Iterable[str] = (),
        assignees: Iterable[str] = (),
    ) -> RemoteIssue:
        """One POST. Never call it twice for one item without `find_issue_with_marker`."""
        payload: dict[str, Any] = {"title": title, "body": body}
        if labels:
            payload["labels"] = list(labels)
        if assignees:
            payload["assignees"] = list(assignees)
        _, _, data = self._request("POST", f"/repos/{repository}/issues", body=payload)
        return RemoteIssue.from_json(data, repository=repository)

    def get_issue(self, repository: str, number: int) -> RemoteIssue:
        _, _, data = self._request("GET", f"/repos/{repository}/issues/{int(number)}")
        return RemoteIssue.from_json(data, repository=repository)

    def find_issue_with_marker(
        self, repository: str, *, marker: str, since: dt.datetime, max_pages: int = 5
    ) -> RemoteIssue | None:
        """The issue whose body carries `marker`, created at or after `since`, if any.

        The listing (not the search API, whose index lags) is consistent right after a
        create: issues updated since `since`, newest created first, until older ones.
        """
        url: str | None = f"/repos/{repository}/issues"
        params: dict[str, Any] | None = {
            "state": "all",
            "sort": "created",
            "direction": "desc",
            "since": format_time(since),
            "per_page": PER_PAGE,
        }
        for _ in range(max_pages):
            if url is None:
                break
            _, headers, data = self._request("GET", url, params=params)
            for raw in data or []:
                created = parse_time(raw.get("created_at"))
                if created is not None and created < since:
                    return None
                if "pull_request" not in raw and marker in str(raw.get("body") or ""):
                    return RemoteIssue.from_json(raw, repository=repository)
            url, params = _next_link(headers), None
        return None

    def list_issues_since(
        self, repository: str, *, since: dt.datetime | None, etag: str = ""
    ) -> Listing:
        """Issues updated at or after `since`, newest first, all pages; pull requests left
        out. The first page is conditional on `etag`: unchanged, it is one 304."""
        params: dict[str, Any] = {
            "state": "all",
            "sort": "updated",
            "direction": "desc",
            "per_page": PER_PAGE,
        }
        if since is not None:
            params["since"] = format_time(since)
        headers = {"If-None-Match": etag} if etag else None
        status, response_headers, data = self._request(
            "GET", f"/repos/{repository}/issues", params=params, headers=headers
        )
        new_etag = str(response_headers.get("etag") or etag)
        if status == 304:
            return Listing(not_modified=True, etag=new_etag)
        listing = Listing(not_modified=False, etag=new_etag)
        pages = 1
        while True:
            for raw in data or []:
                if "pull_request" in raw:
                    listing.pull_requests_skipped += 1
                else:
                    listing.issues.append(RemoteIssue.from_json(raw, repository=repository))
            url: str | None = _next_link(response_headers)
            if url is None:
                break
            if pages >= MAX_LIST_PAGES:
                listing.truncated = True
                break
            _, response_headers, data = self._request("GET", url)
            pages += 1
        return listing

    # --- issue templates ------------------------------------------------------------

    def issue_templates(self, repository: str) -> list[IssueTemplate]:
        """The repository's `.github/ISSUE_TEMPLATE/*.md` (none: an empty list)."""
        try:
            _, _, entries = self._request("GET", f"/repos/{repository}/contents/{TEMPLATE_DIR}")
        except Rejected as error:
            if error.status == 404:
                return []
            raise
        templates = []
        for entry in entries if isinstance(entries, list) else []:
            name = str(entry.get("name") or "")
            if entry.get("type") != "file" or not name.lower().endswith(".md"):
                continue
            _, _, data = self._request("GET", f"/repos/{repository}/contents/{TEMPLATE_DIR}/{name}")
            try:
                text = base64.b64decode(str(data.get("content") or "")).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                continue
            templates.append(parse_issue_template(name, text))
        return templates


def _next_link(headers: dict[str, Any]) -> str | None:
    match = LINK_NEXT.search(str(headers.get("link") or ""))
    return match.group(1) if match else None


def parse_issue_template(filename: str, text: str) -> IssueTemplate:
    """Split a Markdown issue template into its front matter (`name`, `about`, `title`,
    `labels`) and its body. The front matter is simple YAML: `key: value` lines."""
    meta: dict[str, str] = {}
    body = text
    if text.startswith("---"):
        head, separator, rest = text[3:].partition("\n---")
        if separator:
            body = rest.split("\n", 1)[1] if "\n" in rest else ""
            for line in head.splitlines():
                key, colon, value = line.partition(":")
                if colon:
                    meta[key.strip().lower()] = value.strip().strip("'\"")
    labels = tuple(
        label.strip().strip("'\"")
        for label in meta.get("labels", "").strip("[]").split(",")
        if label.strip().strip("'\"")
    )
    return IssueTemplate(
        filename=filename,
        name=meta.get("name") or filename.rsplit(".", 1)[0].replace("_", " "),
        about=meta.get("about", ""),
        title=meta.get("title", ""),
        labels=labels,
        body=body.lstrip("\n"),
    )
