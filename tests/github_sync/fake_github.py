"""A stateful fake of the GitHub REST API, served over real HTTP on 127.0.0.1.

Tests start it in a thread (`FakeGitHub().start()` returns the base URL to put in
GITHUB_API_URL); `tools/fake_github.py` runs it in the foreground for a demo. It keeps
issues per repository and answers, in GitHub's shapes:

- `GET/POST /repos/{owner}/{repo}/issues` (list with `state`, `since`, `sort`,
  `direction`, `creator`, `per_page`, `page`, `Link` pagination, `ETag` + 304 on
  `If-None-Match`; create), `GET /repos/{owner}/{repo}/issues/{n}` and `PATCH` (to
  play GitHub in a demo: close, reopen, relabel);
- `GET /search/issues?q=...` (a quoted marker matched in the body, `repo:` and `is:`);
- `GET /repos/{owner}/{repo}/contents/{path}` (directory listing and base64 files);
- `POST /app/installations/{id}/access_tokens` (GitHub App installation tokens);
- rate-limit headers on every answer (a 304 costs nothing, as on GitHub).

Faults are injected per operation (`fake.inject("create", "502_after")`) and fire once
each: `502_after` (creates, then answers 502), `drop_after` (creates, then closes the
connection without an answer), `timeout_after` (creates, answers too late), `timeout`,
`500`, `502`, `secondary_rate_limit` (403 + Retry-After), `primary_rate_limit`
(403, X-RateLimit-Remaining: 0), `echo_auth` (a broken server echoing the
Authorization header in its error). Every request is recorded in `fake.requests`.

Stand-alone: no Django import, so it runs the same in tests and for a demo.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import re
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


def iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    status: int
    headers: dict[str, str]


@dataclass
class Repo:
    full_name: str
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # path -> text


class FakeGitHub:
    """The fake's state and its HTTP server. Thread-safe; one lock for all state."""

    def __init__(self, *, token: str, app_id: str = "", login: str = "shiftdesk-bot") -> None:
        self.token = token
        self.app_id = app_id
        self.login = login
        self.repos: dict[str, Repo] = {}
        self.requests: list[Recorded] = []
        self.faults: dict[str, deque[str]] = defaultdict(deque)
        self.installation_tokens: set[str] = set()
        self.fault_delay = 2.0
        self.retry_after = 60
        self.rate_limit = 5000
        self.rate_used = 0
        self.clock_offset = dt.timedelta()
        self._ids = itertools.count(1_000_001)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self.path_prefix = ""  # "/api/v3" to stand for GitHub Enterprise

    # --- lifecycle -----------------------------------------------------------------

    def start(self, *, host: str = "127.0.0.1", port: int = 0) -> str:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _QuietServer((host, port), handler)
        self._server.daemon_threads = True
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- state helpers for tests ------------------------------------------------------

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(microsecond=0) + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (updated_at of later changes)."""
        with self._lock:
            self.clock_offset += dt.timedelta(seconds=seconds)

    def add_repo(self, full_name: str, *, templates: dict[str, str] | None = None) -> Repo:
        with self._lock:
            repo = self.repos.setdefault(full_name.lower(), Repo(full_name=full_name))
            for name, text in (templates or {}).items():
                repo.files[f".github/ISSUE_TEMPLATE/{name}"] = text
            return repo

    def add_issue(
        self,
        full_name: str,
        *,
        title: str = "An issue",
        body: str = "",
        state: str = "open",
        state_reason: str | None = None,
        labels: list[str] | None = None,
        assignees: list[str] | None = None,
        pull_request: bool = False,
        user: str | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            repo = self.add_repo(full_name)
            number = max(repo.issues, default=0) + 1
            now = self.now()
            issue: dict[str, Any] = {
                "id": next(self._ids),
                "node_id": f"I_fake{number}",
                "number": number,
                "title": title,
                "body": body,
                "user": {"login": user or self.login, "id": 1, "type": "User"},
                "labels": [],
                "assignees": [],
                "state": "open",
                "state_reason": None,
                "locked": False,
                "comments": 0,
                "created_at": iso(now),
                "updated_at": iso(now),
                "closed_at": None,
                "closed_by": None,
                "author_association": "MEMBER",
            }
            _set_labels(issue, labels or [])
            _set_assignees(issue, assignees or [])
            if pull_request:
                issue["pull_request"] = {"merged_at": None}
            repo.issues[number] = issue
            if state == "closed":
                self._close(issue, state_reason or "completed", now)
            return self._render(repo, issue)

    def update_issue(self, full_name: str, number: int, **changes: Any) -> dict[str, Any]:
        """Change an issue as someone on GitHub would; `updated_at` moves on."""
        with self._lock:
            repo = self.repos[full_name.lower()]
            issue = repo.issues[number]
            now = self.now()
            state = changes.pop("state", None)
            reason = changes.pop("state_reason", None)
            if "labels" in changes:
                _set_labels(issue, changes.pop("labels"))
            if "assignees" in changes:
                _set_assignees(issue, changes.pop("assignees"))
            issue.update(changes)
            if state == "closed":
                self._close(issue, reason or "completed", now)
            elif state == "open" and issue["state"] == "closed":
                issue.update(state="open", state_reason="reopened", closed_at=None, closed_by=None)
            issue["updated_at"] = iso(now)
            return self._render(repo, issue)

    def issue(self, full_name: str, number: int) -> dict[str, Any]:
        with self._lock:
            repo = self.repos[full_name.lower()]
            return self._render(repo, repo.issues[number])

    def issues(self, full_name: str) -> list[dict[str, Any]]:
        with self._lock:
            repo = self.repos.get(full_name.lower())
            return [self._render(repo, i) for i in repo.issues.values()] if repo else []

    def inject(self, operation: str, fault: str, *, times: int = 1) -> None:
        """Make the next `times` requests of `operation` (create, get, list, search,
        contents, any) fail with `fault`."""
        with self._lock:
            self.faults[operation].extend([fault] * times)

    def count(self, *, method: str | None = None, path: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method) and (path is None or r.path == path)
            )

    def reset_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- internals ----------------------------------------------------------------

    def _close(self, issue: dict[str, Any], reason: str, now: dt.datetime) -> None:
        issue.update(
            state="closed",
            state_reason=reason,
            closed_at=iso(now),
            closed_by={"login": self.login, "id": 1, "type": "User"},
        )

    def _render(self, repo: Repo | None, issue: dict[str, Any]) -> dict[str, Any]:
        assert repo is not None
        api = f"{self.base_url}/repos/{repo.full_name}"
        number = issue["number"]
        kind = "pull" if "pull_request" in issue else "issues"
        data = json.loads(json.dumps(issue))
        data |= {
            "url": f"{api}/issues/{number}",
            "repository_url": api,
            "html_url": f"{self.base_url}/{repo.full_name}/{kind}/{number}",
        }
        if "pull_request" in data:
            data["pull_request"] |= {"url": f"{api}/pulls/{number}"}
        return data

    def _take_fault(self, operation: str) -> str | None:
        with self._lock:
            for key in (operation, "any"):
                if self.faults[key]:
                    return self.faults[key].popleft()
        return None


def _set_labels(issue: dict[str, Any], names: list[str]) -> None:
    issue["labels"] = [
        {"id": abs(hash(name)) % 10**8, "name": name, "color": "ededed", "default": False}
        for name in names
    ]


def _set_assignees(issue: dict[str, Any], logins: list[str]) -> None:
    issue["assignees"] = [{"login": login, "id": 7, "type": "User"} for login in logins]
    issue["assignee"] = issue["assignees"][0] if issue["assignees"] else None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a dropped connection is a fault the fake injects on purpose


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # --- plumbing --------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def _dispatch(self, method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        self._status = 0
        record = Recorded(method, parts.path, query, 0, dict(self.headers))
        with fake._lock:
            fake.requests.append(record)  # counted on arrival, answered or not
        try:
            path = parts.path
            if fake.path_prefix:
                if not path.startswith(f"{fake.path_prefix}/"):
                    self._error(404, "Not Found")
                    return
                path = path.removeprefix(fake.path_prefix)
            record.path = path
            self._route(method, path, query, raw)
        finally:
            record.status = self._status

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        fake = self.fake
        self._status = status
        payload = b"" if body is None or status == 304 else json.dumps(body).encode()
        self.send_response(status)
        with fake._lock:
            if status != 304:
                fake.rate_used += 1
            remaining = max(fake.rate_limit - fake.rate_used, 0)
        reset = int(time.time()) + 3600
        self.send_header("X-RateLimit-Limit", str(fake.rate_limit))
        self.send_header("X-RateLimit-Remaining", str(remaining))
        self.send_header("X-RateLimit-Used", str(fake.rate_used))
        self.send_header("X-RateLimit-Reset", str(reset))
        self.send_header("X-RateLimit-Resource", "core")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(
            status,
            {"message": message, "documentation_url": "https://docs.github.com/rest"},
            headers,
        )

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        fake = self.fake
        return scheme.lower() in {"token", "bearer"} and (
            value == fake.token or value in fake.installation_tokens
        )

    def _fault(self, operation: str) -> str | None:
        """Answer an injected fault that fires before any work; return the one that
        fires after the work (or None)."""
        fault = self.fake._take_fault(operation)
        if fault is None:
            return None
        if fault in {"500", "502"}:
            self._error(int(fault), "Server Error")
        elif fault == "timeout":
            time.sleep(self.fake.fault_delay)
            self._error(504, "Too late")
        elif fault == "secondary_rate_limit":
            self._error(403, SECONDARY_LIMIT_MESSAGE, {"Retry-After": str(self.fake.retry_after)})
        elif fault == "primary_rate_limit":
            reset = int(time.time()) + self.fake.retry_after
            self._status = 403
            self.send_response(403)
            body = json.dumps({"message": "API rate limit exceeded for user."}).encode()
            for name, value in {
                "X-RateLimit-Limit": "5000",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
                "Content-Type": "application/json",
                "Content-Length": str(len(body)),
            }.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        elif fault == "echo_auth":
            self._error(401, f"Bad credentials: {self.headers.get('Authorization')}")
        else:
            return fault  # an after-the-work fault
        return "answered"

    def _after(self, fault: str | None, status: int, body: Any, headers: dict[str, str]) -> None:
        if fault == "502_after":
            self._error(502, "Bad Gateway")
        elif fault == "drop_after":
            self._status = -1
            self.close_connection = True
            self.connection.shutdown(2)
        elif fault == "timeout_after":
            time.sleep(self.fake.fault_delay)
            with contextlib.suppress(OSError):
                self._send(status, body, headers)
        else:
            self._send(status, body, headers)

    # --- routes ----------------------------------------------------------------------

    def _route(self, method: str, path: str, query: dict[str, str], raw: bytes) -> None:
        fake = self.fake
        match = re.fullmatch(r"/app/installations/(\d+)/access_tokens", path)
        if match and method == "POST":
            self._installation_token()
            return
        if not self._authorized():
            self._error(401, "Bad credentials")
            return
        if path == "/search/issues" and method == "GET":
            if self._fault("search") != "answered":
                self._search(query)
            return
        match = re.fullmatch(r"/repos/([^/]+/[^/]+)/(issues|contents)(?:/(.*))?", path)
        if not match:
            self._error(404, "Not Found")
            return
        full_name, kind, rest = match.groups()
        with fake._lock:
            repo = fake.repos.get(full_name.lower())
        if repo is None:
            self._error(404, "Not Found")
            return
        if kind == "contents" and method == "GET":
            if self._fault("contents") != "answered":
                self._contents(repo, rest or "")
        elif kind == "issues" and rest is None and method == "GET":
            if self._fault("list") != "answered":
                self._list(repo, query)
        elif kind == "issues" and rest is None and method == "POST":
            fault = self._fault("create")
            if fault != "answered":
                self._create(repo, raw, fault)
        elif kind == "issues" and rest and rest.isdigit() and method == "GET":
            fault = self._fault("get")
            if fault != "answered":
                with fake._lock:
                    issue = repo.issues.get(int(rest))
                    data = fake._render(repo, issue) if issue else None
                if data is None:
                    self._error(404, "Not Found")
                else:
                    self._after(fault, 200, data, {"ETag": _etag(data)})
        elif kind == "issues" and rest and rest.isdigit() and method == "PATCH":
            self._edit(repo, int(rest), raw)  # as someone on GitHub would (demos)
        else:
            self._error(404, "Not Found")

    def _edit(self, repo: Repo, number: int, raw: bytes) -> None:
        fake = self.fake
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            self._error(400, "Problems parsing JSON")
            return
        if number not in repo.issues or not isinstance(data, dict):
            self._error(404, "Not Found")
            return
        allowed = {"title", "body", "state", "state_reason", "labels", "assignees"}
        changes = {key: value for key, value in data.items() if key in allowed}
        self._send(200, fake.update_issue(repo.full_name, number, **changes))

    def _installation_token(self) -> None:
        fake = self.fake
        header = self.headers.get("Authorization", "")
        jwt = header.removeprefix("Bearer ").strip()
        try:
            claims = json.loads(base64.urlsafe_b64decode(jwt.split(".")[1] + "=="))
        except (IndexError, ValueError):
            self._error(401, "A JSON web token could not be decoded")
            return
        if str(claims.get("iss")) != str(fake.app_id):
            self._error(401, "Integration not found")
            return
        token = f"ghs_fake{next(fake._ids)}"
        with fake._lock:
            fake.installation_tokens.add(token)
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        self._send(
            201,
            {"token": token, "expires_at": iso(expires), "permissions": {"issues": "write"}},
        )

    def _create(self, repo: Repo, raw: bytes, fault: str | None) -> None:
        fake = self.fake
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            self._error(400, "Problems parsing JSON")
            return
        if not isinstance(data, dict) or not str(data.get("title") or "").strip():
            self._error(422, "Validation Failed")
            return
        assignees = list(data.get("assignees") or [])
        if data.get("assignee"):
            assignees.append(data["assignee"])
        issue = fake.add_issue(
            repo.full_name,
            title=str(data["title"]),
            body=str(data.get("body") or ""),
            labels=[str(label) for label in data.get("labels") or []],
            assignees=assignees,
        )
        self._after(fault, 201, issue, {"Location": issue["url"]})

    def _list(self, repo: Repo, query: dict[str, str]) -> None:
        fake = self.fake
        state = query.get("state", "open")
        sort = query.get("sort", "created")
        descending = query.get("direction", "desc") == "desc"
        per_page = min(max(int(query.get("per_page", "30")), 1), 100)
        page = max(int(query.get("page", "1")), 1)
        since = parse_iso(query["since"]) if query.get("since") else None
        creator = query.get("creator")
        with fake._lock:
            rows = [fake._render(repo, issue) for issue in repo.issues.values()]
        if state != "all":
            rows = [row for row in rows if row["state"] == state]
        if since is not None:
            rows = [row for row in rows if parse_iso(row["updated_at"]) >= since]
        if creator:
            rows = [row for row in rows if row["user"]["login"] == creator]
        key = {"updated": "updated_at", "comments": "comments"}.get(sort, "created_at")
        rows.sort(key=lambda row: (row[key], row["number"]), reverse=descending)
        last = max((len(rows) + per_page - 1) // per_page, 1)
        body = rows[(page - 1) * per_page : page * per_page]
        etag = _etag(body)
        if self.headers.get("If-None-Match") == etag:
            self._send(304, None, {"ETag": etag})
            return
        links = []
        host = self.headers.get("Host", "127.0.0.1")
        base = f"http://{host}{fake.path_prefix}/repos/{repo.full_name}/issues"
        for rel, number in (("next", page + 1), ("last", last)):
            if page < last:
                links.append(f'<{base}?{urlencode(query | {"page": number})}>; rel="{rel}"')
        for rel, number in (("prev", page - 1), ("first", 1)):
            if page > 1:
                links.append(f'<{base}?{urlencode(query | {"page": number})}>; rel="{rel}"')
        headers = {"ETag": etag}
        if links:
            headers["Link"] = ", ".join(links)
        self._send(200, body, headers)

    def _search(self, query: dict[str, str]) -> None:
        fake = self.fake
        q = query.get("q", "")
        phrases = re.findall(r'"([^"]+)"', q)
        terms = [
            t
            for t in re.sub(r'"[^"]+"', " ", q).split()
            if ":" not in t or t.startswith("shiftdesk:")
        ]
        repo_names = [t.split(":", 1)[1].lower() for t in q.split() if t.startswith("repo:")]
        only_issues = "is:issue" in q.split()
        items = []
        with fake._lock:
            for key, repo in fake.repos.items():
                if repo_names and key not in repo_names:
                    continue
                for issue in repo.issues.values():
                    if only_issues and "pull_request" in issue:
                        continue
                    text = f"{issue['title']}\n{issue['body'] or ''}"
                    if all(p in text for p in phrases + terms):
                        items.append(fake._render(repo, issue))
        self._send(200, {"total_count": len(items), "incomplete_results": False, "items": items})

    def _contents(self, repo: Repo, path: str) -> None:
        path = path.strip("/")
        if path in repo.files:
            text = repo.files[path]
            self._send(
                200,
                {
                    "type": "file",
                    "encoding": "base64",
                    "name": path.rsplit("/", 1)[-1],
                    "path": path,
                    "sha": hashlib.sha1(text.encode()).hexdigest(),  # noqa: S324
                    "size": len(text.encode()),
                    "content": base64.encodebytes(text.encode()).decode(),
                },
            )
            return
        prefix = f"{path}/"
        entries = sorted(
            name
            for name in repo.files
            if name.startswith(prefix) and "/" not in name[len(prefix) :]
        )
        if not entries:
            self._error(404, "Not Found")
            return
        self._send(
            200,
            [
                {
                    "type": "file",
                    "name": name.rsplit("/", 1)[-1],
                    "path": name,
                    "size": len(repo.files[name].encode()),
                }
                for name in entries
            ],
        )


def _etag(body: Any) -> str:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


DEMO_TEMPLATES = {
    "bug_report.md": (
        "---\nname: Bug report\nabout: Something misbehaves\ntitle: ''\nlabels: bug\n---\n\n"
        "**What happened**\n\n**What was expected**\n\n**How to reproduce**\n"
    ),
    "feature_request.md": (
        "---\nname: Feature request\nabout: Propose an improvement\nlabels: enhancement\n---\n\n"
        "**The need**\n\n**A proposal**\n"
    ),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the fake GitHub API for a demo.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default="demo-token", help="The GITHUB_TOKEN it accepts.")
    parser.add_argument(
        "--repo", action="append", default=None, help="A repository to serve (repeatable)."
    )
    args = parser.parse_args(argv)
    fake = FakeGitHub(token=args.token)
    url = fake.start(port=args.port)
    for name in args.repo or ["dmwm/WMCore"]:
        fake.add_repo(name, templates=DEMO_TEMPLATES)
        fake.add_issue(name, title="Example: JobAccountant crashes on an empty report")
        fake.add_issue(
            name, title="Example: closed as not planned", state="closed", state_reason="not_planned"
        )
    print(f"Fake GitHub on {url} (token {args.token!r}); repositories: {', '.join(fake.repos)}")
    print(f"Run Shiftdesk with GITHUB_API_URL={url} GITHUB_TOKEN={args.token}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
