"""A fake Slack Web API (and response_url endpoint) that records what the bot sends.

Tests serve it over real HTTP (tests/fakes/server.py); the playground mounts it beside the bot
(`bot.playground`), which watches it through `observers`. The bot reaches it through SLACK_API_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.fakes.waiting import wait_until


@dataclass
class SlackCall:
    method: str
    args: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    #: time.monotonic() when the call came in, and when its answer left (None: not yet).
    called_at: float = field(default_factory=time.monotonic)
    answered_at: float | None = None


@dataclass
class ResponseUrlPost:
    key: str
    body: dict[str, Any]


#: Told of every Web API call answered (method, arguments, answer) and of every response_url
#: post ("response_url", {"key": key, **body}, {}), on the server's event loop.
Observer = Callable[[str, dict[str, Any], dict[str, Any]], None]


class FakeSlack:
    """Records Web API calls and response_url posts; scripts errors and rate limits."""

    def __init__(self, bot_token: str = "xoxb-test-token", team_id: str = "T1") -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self.bot_user_id = "UBOT"
        #: Socket Mode: the app-level token, and the WebSocket address apps.connections.open gives.
        self.app_token: str | None = None
        self.socket_url = ""
        self.base_url = ""  # set by the test once served
        self.calls: list[SlackCall] = []
        self.response_posts: list[ResponseUrlPost] = []
        self.uploads: dict[str, bytes] = {}
        self.files: dict[str, bytes] = {}  # served at url_private_download, bearer token only
        self.file_delay = 0.0  # seconds before a file download answers
        #: Seconds a Web API method takes to answer (tests of what the bot does side by side).
        self.call_seconds: dict[str, float] = {}
        #: chat.postMessage to these channels fails with this error (a DM Slack will not take).
        self.refused_channels: dict[str, str] = {}
        self.downloads: list[str] = []
        self.user_names: dict[str, str] = {}  # users.info display names
        self.user_emails: dict[str, str] = {}  # users.info profile.email (users:read.email)
        #: users.info tz / tz_offset (seconds east of UTC): Slack's own example by default.
        self.user_zones: dict[str, tuple[str, int]] = {}
        #: Messages of conversations.history / .replies: added by tests, or posted by the bot
        #: (chat.postMessage keeps its metadata, which Slack returns with include_all_metadata).
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        # usergroups.list / usergroups.users.list: group id -> (handle, member ids)
        self.usergroups: dict[str, tuple[str, list[str]]] = {}
        #: views.publish: each user's App Home view.
        self.home_views: dict[str, dict[str, Any]] = {}
        #: chat.getPermalink answers `{permalink_base}/{channel}/p{ts without the dot}`.
        self.permalink_base = "https://fake.slack.com/archives"
        self.observers: list[Observer] = []
        #: Tokens Slack gave workflow steps (`bot_access_token`): functions.completeSuccess and
        #: functions.completeError take these, not the bot token (see `completions`).
        self.function_tokens: set[str] = set()
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._scripted: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}
        self.app = Starlette(
            routes=[
                Route("/api/{method}", self._api, methods=["POST", "GET"]),
                Route("/response/{key}", self._response_url, methods=["POST"]),
                # For a test or benchmark in another process: what was posted to a response_url.
                Route("/response/{key}", self._response_url_posts, methods=["GET"]),
                Route("/upload/{file_id}", self._upload, methods=["POST"]),
                Route("/files/{file_id}/{name}", self._download, methods=["GET"]),
            ]
        )

    # -- scripting -----------------------------------------------------------------------------

    def fail_next(self, method: str, error: str, times: int = 1) -> None:
        for _ in range(times):
            self._scripted.setdefault(method, []).append((200, {"ok": False, "error": error}, {}))

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        for _ in range(times):
            self._scripted.setdefault(method, []).append(
                (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
            )

    def add_message(self, channel: str, ts: str, message: dict[str, Any]) -> None:
        """A message (a thread's first one) that conversations.replies returns."""
        with self._lock:
            self.messages[(channel, ts)] = {"type": "message", "ts": ts, **message}

    def add_file(self, name: str, content: bytes, filetype: str | None = None) -> dict[str, Any]:
        """A file as a view_submission's `file_input` state lists it, served for download."""
        file_id = f"F{next(self._ts)}"
        with self._lock:
            self.files[file_id] = content
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "filetype": filetype or name.rsplit(".", 1)[-1],
            "size": len(content),
            "url_private": f"{self.base_url}/files/{file_id}/{name}",
            "url_private_download": f"{self.base_url}/files/{file_id}/{name}",
        }

    def next_ts(self) -> str:
        """A message timestamp after every one given so far (Slack's are unique per channel)."""
        return f"1700000000.{next(self._ts):06d}"

    # -- reading what happened -----------------------------------------------------------------

    def views(self, method: str = "views.open") -> list[dict[str, Any]]:
        """The views the bot sent with `method` (views.open, views.update, views.push)."""
        return [dict(call.args["view"]) for call in self.calls_to(method)]

    def response_url(self, key: str) -> str:
        return f"{self.base_url}/response/{key}"

    def completions(self) -> list[SlackCall]:
        """functions.completeSuccess and functions.completeError calls, in order."""
        with self._lock:
            return [call for call in self.calls if call.method.startswith("functions.complete")]

    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def posts_to(self, key: str) -> list[dict[str, Any]]:
        with self._lock:
            return [post.body for post in self.response_posts if post.key == key]

    def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition"
    ) -> Any:
        """Poll until predicate() is truthy: the bot works after it has acked."""
        return wait_until(predicate, what, timeout)

    # -- routes --------------------------------------------------------------------------------

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        args = await _arguments(request)
        auth = request.headers.get("authorization", "")
        call = SlackCall(method, args, dict(request.headers))
        with self._lock:
            self.calls.append(call)
            scripted = self._scripted.get(method)
            script = scripted.pop(0) if scripted else None
        if method == "apps.connections.open":  # the one method called with the app token
            if self.app_token is None or auth != f"Bearer {self.app_token}":
                return JSONResponse({"ok": False, "error": "invalid_auth"})
            return JSONResponse({"ok": True, "url": self.socket_url})
        if method.startswith("functions."):  # a workflow step's own token, and only that
            if auth.removeprefix("Bearer ") not in self.function_tokens:
                return JSONResponse({"ok": False, "error": "invalid_auth"})
        elif auth != f"Bearer {self.bot_token}" and args.get("token") != self.bot_token:
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        if script is not None:
            status, body, headers = script
            return JSONResponse(body, status_code=status, headers=headers)
        if method == "chat.postMessage" and str(args.get("channel")) in self.refused_channels:
            return JSONResponse({"ok": False, "error": self.refused_channels[args["channel"]]})
        if seconds := self.call_seconds.get(method):
            await asyncio.sleep(seconds)
        answer = self._answer(method, args)
        for observer in list(self.observers):
            observer(method, args, answer)
        call.answered_at = time.monotonic()
        return JSONResponse(answer)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": "BBOT",
                "url": "https://fake.slack.com/",
            }
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            ts = args.get("ts") or self.next_ts()
            if method == "chat.postMessage":
                self._keep_posted(args, ts)
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message_ts": ts}
        if method == "chat.getPermalink":
            ts = str(args.get("message_ts", "")).replace(".", "")
            return {
                "ok": True,
                "permalink": f"{self.permalink_base}/{args.get('channel')}/p{ts}",
            }
        if method == "conversations.replies":
            return self._replies(args)
        if method == "conversations.history":
            return self._history(args)
        return self._answer_more(method, args)

    def _answer_more(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """User groups, DMs, files, views and users: the rest of `_answer`."""
        if method == "usergroups.list":
            groups = [
                {"id": group_id, "handle": handle, "name": handle.title()}
                for group_id, (handle, _) in self.usergroups.items()
            ]
            return {"ok": True, "usergroups": groups}
        if method == "usergroups.users.list":
            group = self.usergroups.get(str(args.get("usergroup", "")))
            if group is None:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": list(group[1])}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "X"))}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            return {
                "ok": True,
                "upload_url": f"{self.base_url}/upload/{file_id}",
                "file_id": file_id,
            }
        if method == "files.completeUploadExternal":
            files = args.get("files") or []
            return {
                "ok": True,
                "files": [{"id": f.get("id"), "title": f.get("title")} for f in files],
            }
        if method == "views.publish":
            with self._lock:
                self.home_views[str(args.get("user_id", ""))] = dict(args.get("view") or {})
            return {"ok": True, "view": {**(args.get("view") or {}), "id": "VHOME"}}
        if method in ("views.open", "views.update", "views.push"):
            view_id = args.get("view_id") or f"V{next(self._ts)}"
            return {"ok": True, "view": {**(args.get("view") or {}), "id": view_id}}
        if method == "users.info":
            user_id = str(args.get("user", ""))
            name = self.user_names.get(user_id, user_id.lower())
            profile = {"display_name": name, "real_name": name.title()}
            if user_id in self.user_emails:
                profile["email"] = self.user_emails[user_id]
            tz, offset = self.user_zones.get(user_id, ("America/Los_Angeles", -28800))
            return {
                "ok": True,
                "user": {
                    "id": user_id,
                    "name": name,
                    "profile": profile,
                    "tz": tz,
                    "tz_offset": offset,
                },
            }
        return {"ok": True}

    def _keep_posted(self, args: dict[str, Any], ts: str) -> None:
        """A message the bot posted, as Slack keeps it (its metadata included)."""
        message: dict[str, Any] = {
            "type": "message",
            "ts": ts,
            "user": self.bot_user_id,
            "bot_id": "BBOT",
            "text": args.get("text", ""),
            "blocks": args.get("blocks") or [],
        }
        for key in ("thread_ts", "metadata"):
            if args.get(key):
                message[key] = args[key]
        channel = str(args.get("channel"))
        if channel.startswith("U"):  # a DM: kept in the conversation conversations.open names
            channel = "D" + channel
        with self._lock:
            self.messages[(channel, ts)] = message

    def _in_channel(self, channel: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        """The channel's messages within oldest/latest (inclusive or not), oldest first.

        Metadata is left out unless `include_all_metadata` is set, as Slack does.
        """
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or 1e12)
        inclusive = _flag(args.get("inclusive"))
        with_metadata = _flag(args.get("include_all_metadata"))
        with self._lock:
            found = [dict(m) for (c, _), m in self.messages.items() if c == channel]
        kept = []
        for message in sorted(found, key=lambda m: float(m["ts"])):
            ts = float(message["ts"])
            inside = oldest <= ts <= latest if inclusive else oldest < ts < latest
            if inside or (not args.get("oldest") and not args.get("latest")):
                if not with_metadata:
                    message.pop("metadata", None)
                kept.append(message)
        return kept

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, thread_ts = str(args.get("channel")), str(args.get("ts"))
        if (channel, thread_ts) not in self.messages:
            return {"ok": False, "error": "thread_not_found"}
        thread = [
            m
            for m in self._in_channel(channel, args)
            if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
        ]
        limit = int(args.get("limit") or 1000)
        return {"ok": True, "messages": thread[:limit], "has_more": len(thread) > limit}

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Top-level messages (and thread parents), newest first."""
        channel = str(args.get("channel"))
        top = [m for m in self._in_channel(channel, args) if m.get("thread_ts") in (None, m["ts"])]
        top.reverse()
        limit = int(args.get("limit") or 100)
        return {"ok": True, "messages": top[:limit], "has_more": len(top) > limit}

    async def _response_url(self, request: Request) -> Response:
        body = json.loads(await request.body() or b"{}")
        key = request.path_params["key"]
        with self._lock:
            self.response_posts.append(ResponseUrlPost(key, body))
        for observer in list(self.observers):
            observer("response_url", {"key": key, **body}, {})
        return Response("ok")

    async def _response_url_posts(self, request: Request) -> Response:
        """The posts to a response_url; with `?count`, only how many (cheap to poll)."""
        posts = self.posts_to(request.path_params["key"])
        if "count" in request.query_params:
            return JSONResponse({"count": len(posts)})
        return JSONResponse(posts)

    async def _download(self, request: Request) -> Response:
        """Like files.slack.com: the file for the bot token, an HTML sign-in page otherwise."""
        if self.file_delay:
            await asyncio.sleep(self.file_delay)
        file_id = request.path_params["file_id"]
        with self._lock:
            self.downloads.append(file_id)
            content = self.files.get(file_id)
        if request.headers.get("authorization") != f"Bearer {self.bot_token}" or content is None:
            return Response("<html>Sign in</html>", media_type="text/html")
        return Response(content, media_type="application/octet-stream")

    async def _upload(self, request: Request) -> Response:
        # The body first: the lock is a thread lock, and a request on this event loop that
        # waited for it while the upload awaited its body would stop the loop for good.
        body = await request.body()
        with self._lock:
            self.uploads[request.path_params["file_id"]] = body
        return Response("OK - uploaded")


def _flag(value: Any) -> bool:
    """A boolean argument as SDKs send it: true, "true" or "1"."""
    return value is True or str(value).lower() in ("1", "true")


async def _arguments(request: Request) -> dict[str, Any]:
    """Slack SDKs send JSON or form bodies; form values holding JSON (blocks) are decoded."""
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        parsed = json.loads(raw or b"{}")
        return parsed if isinstance(parsed, dict) else {}
    args: dict[str, Any] = dict(parse_qsl(raw.decode()))
    args.update(request.query_params)
    for key, value in list(args.items()):
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)
    return args
