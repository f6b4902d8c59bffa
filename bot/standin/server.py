"""The stand-in over HTTP: the Web API at /api/<method>, response_urls at /response/<key>, Socket Mode at /socket."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bot.serve_aiohttp import AiohttpServing, serve_aiohttp
from bot.standin.errors import SlackApiFailure
from bot.standin.files import SIGN_IN_PAGE
from bot.standin.methods import answer
from bot.standin.payloads import JSON
from bot.standin.response_urls import post_to_response_url
from bot.standin.socket_mode import SOCKET_PATH
from bot.standin.workspace import Outcome, SlackStandIn

OAUTH_SCOPES = "commands,chat:write,usergroups:read,channels:read,files:read,files:write"
# Arguments that form-encoded callers send as JSON strings.
_JSON_ARGS = ("view", "blocks", "attachments", "metadata", "files")
_STANDIN = web.AppKey("standin", SlackStandIn)


def standin_app(standin: SlackStandIn) -> web.Application:
    app = web.Application()
    app[_STANDIN] = standin
    app.router.add_route("*", "/api/{method}", _handle_api)
    app.router.add_post("/response/{key}", _handle_response_url)
    app.router.add_get(SOCKET_PATH, standin.socket_mode.handle)
    app.router.add_post("/upload/v1/{file_id}", _handle_upload)
    app.router.add_get("/files-pri/{team_file}/{rest:.*}", _handle_file_download)
    return app


@dataclass
class StandInServer:
    """The running HTTP server; `api_url` is what the app's SLACK_API_URL should be."""

    standin: SlackStandIn
    serving: AiohttpServing
    base_url: str
    api_url: str = field(init=False)

    def __post_init__(self) -> None:
        self.api_url = f"{self.base_url}/api/"

    async def stop(self) -> None:
        await self.serving.stop()


async def start_standin(standin: SlackStandIn, host: str = "127.0.0.1", port: int = 0) -> StandInServer:
    """Serve the stand-in in the running event loop; port 0 picks a free port."""
    serving = await serve_aiohttp(standin_app(standin), host, port)
    standin.base_url = serving.url
    return StandInServer(standin, serving, serving.url)


async def _handle_api(request: web.Request) -> web.Response:
    standin = request.app[_STANDIN]
    method = request.match_info["method"]
    raw = await request.text()
    retry_after = standin.take_rate_limit(method)
    if retry_after is not None:
        return _rate_limited(standin, method, raw, retry_after)
    outcome = Outcome()
    try:
        args = _parse_args(request, raw)
        token = _bearer_token(request) or args.pop("token", None)
        reply = answer(standin, method, token, args, outcome)
    except SlackApiFailure as failure:
        args, reply = {}, failure.answer()
    standin.record(method, args, 200, reply, raw, outcome)
    headers = {"x-oauth-scopes": OAUTH_SCOPES} if reply.get("ok") else {}
    return web.json_response(reply, headers=headers)


def _rate_limited(standin: SlackStandIn, method: str, raw: str, retry_after: int) -> web.Response:
    """Slack's answer to a call over a method's rate limit: nothing is done, the caller is told how long to wait."""
    reply = SlackApiFailure("ratelimited").answer()
    standin.record(method, {}, 429, reply, raw, Outcome())
    return web.json_response(reply, status=429, headers={"Retry-After": str(retry_after)})


async def _handle_response_url(request: web.Request) -> web.Response:
    standin = request.app[_STANDIN]
    key = request.match_info["key"]
    raw = await request.text()
    outcome = Outcome()
    args = _json_object(raw)
    status, text = (400, "invalid_payload") if args is None else post_to_response_url(standin, key, args, outcome)
    reply = {"ok": status == 200, "body": text}
    standin.record("response_url", args or {}, status, reply, raw, outcome, response_url=standin.response_url(key))
    return web.Response(status=status, text=text)


async def _handle_upload(request: web.Request) -> web.Response:
    """The bytes of a file the app uploads, at the URL files.getUploadURLExternal gave it."""
    standin = request.app[_STANDIN]
    content = await request.read()
    if not standin.files.receive_upload(request.match_info["file_id"], content):
        return web.Response(status=404, text="not_found")
    return web.Response(status=200, text=f"OK - {len(content)}")


async def _handle_file_download(request: web.Request) -> web.Response:
    """A file's bytes for its url_private(_download) with the bot token; Slack's sign-in page otherwise."""
    standin = request.app[_STANDIN]
    _, _, file_id = request.match_info["team_file"].partition("-")
    stored = standin.files.get(file_id)
    token = _bearer_token(request) or ""
    if stored is None or stored.content is None or not secrets.compare_digest(token, standin.bot_token):
        return web.Response(status=200, text=SIGN_IN_PAGE, content_type="text/html")
    return web.Response(status=200, body=stored.content, content_type="application/octet-stream")


def _json_object(raw: str) -> JSON | None:
    """A response_url post's JSON object (empty when there is no body); None when it is not one."""
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _parse_args(request: web.Request, raw: str) -> JSON:
    """Query string, then a JSON or form body, as Slack accepts all three."""
    args: JSON = dict(request.query)
    content_type = request.content_type
    if content_type == "application/json" and raw:
        body = _loads(raw, "invalid_json")
        if not isinstance(body, dict):
            raise SlackApiFailure("invalid_json")
        args.update(body)
    elif content_type == "application/x-www-form-urlencoded" and raw:
        args.update(parse_qsl(raw, keep_blank_values=True))
    for key in _JSON_ARGS:
        if isinstance(args.get(key), str) and args[key]:
            args[key] = _loads(args[key], "invalid_arguments")
    return args


def _loads(text: str, error: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise SlackApiFailure(error) from None


def _bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
