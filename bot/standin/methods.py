"""Slack's Web API methods the app calls, and the table that dispatches a call to them.

Adding a method: one function taking (standin, args, outcome) and returning the answer, plus its
row in METHODS.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot.standin.blockkit import MAX_VIEW_BYTES, checked_message, checked_view
from bot.standin.errors import SlackApiFailure
from bot.standin.files import files_complete_upload_external, files_get_upload_url_external, files_info
from bot.standin.payloads import JSON
from bot.standin.socket_mode import SOCKET_PATH
from bot.standin.workspace import Outcome, SlackStandIn

Method = Callable[[SlackStandIn, JSON, Outcome], JSON]
TokenCheck = Callable[[SlackStandIn, str], None]


def bot_token(standin: SlackStandIn, token: str) -> None:
    if not secrets.compare_digest(token, standin.bot_token):
        raise SlackApiFailure("invalid_auth")


def app_level_token(standin: SlackStandIn, token: str) -> None:
    # A bot token gets not_allowed_token_type, as from Slack.
    if not token.startswith("xapp-"):
        raise SlackApiFailure("not_allowed_token_type")
    if standin.app_token is None or not secrets.compare_digest(token, standin.app_token):
        raise SlackApiFailure("invalid_auth")


def bot_or_step_token(standin: SlackStandIn, token: str) -> None:
    """The bot token, or a custom step's just-in-time token (functions.complete*)."""
    if not any(secrets.compare_digest(token, run.token) for run in standin.executions.values()):
        bot_token(standin, token)


@dataclass(frozen=True)
class WebMethod:
    run: Method
    token: TokenCheck = bot_token


def answer(standin: SlackStandIn, method: str, token: str | None, args: JSON, outcome: Outcome) -> JSON:
    """The answer to one Web API call, `ok: false` with Slack's error when a rule refuses it."""
    try:
        if not token:
            raise SlackApiFailure("not_authed")
        row = METHODS.get(method)
        if row is None:
            bot_token(standin, token)  # Slack checks the token before it looks for the method
            raise SlackApiFailure("unknown_method")
        row.token(standin, token)
        outcome.token = token
        return row.run(standin, args, outcome)
    except SlackApiFailure as failure:
        return failure.answer()


# ----- the methods


def auth_test(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    return {
        "ok": True,
        "url": f"https://{standin.team_domain}.slack.com/",
        "team": standin.team_name,
        "user": "wallet_bot",
        "team_id": standin.team_id,
        "user_id": standin.bot_user_id,
        "bot_id": standin.bot_id,
        "is_enterprise_install": False,
    }


def views_open(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    standin.use_trigger(args.get("trigger_id"))
    view = checked_view(args.get("view"))
    standin.check_external_id(view.get("external_id"))
    standin.close_modal()  # a new modal replaces whatever modal was open
    outcome.view = standin.push_view(view)
    return {"ok": True, "view": outcome.view}


def views_push(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    standin.use_trigger(args.get("trigger_id"))
    view = checked_view(args.get("view"))
    if standin.top_view() is None:
        raise SlackApiFailure("not_found")
    standin.check_external_id(view.get("external_id"))
    outcome.view = standin.push_view(view)
    return {"ok": True, "view": outcome.view}


def views_update(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    if not args.get("view_id") and not args.get("external_id"):
        raise SlackApiFailure("invalid_arguments", ["[ERROR] either view_id or external_id is required"])
    current = standin.find_view(str(args.get("view_id") or ""), external_id=str(args.get("external_id") or ""))
    if current is None:
        raise SlackApiFailure("not_found")
    if args.get("hash") and args["hash"] != current["hash"]:
        raise SlackApiFailure("hash_conflict")
    outcome.view = standin.store_view(current["id"], checked_view(args.get("view")), current)
    return {"ok": True, "view": outcome.view}


def views_publish(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    """A user's Home tab: type "home", Block Kit with 100 blocks at most, 250 kB at most; `hash` guards races."""
    user_id = args.get("user_id")
    if not user_id or not isinstance(user_id, str):
        raise SlackApiFailure("invalid_arguments", ["[ERROR] missing required field: user_id"])
    if len(json.dumps(args.get("view"))) > MAX_VIEW_BYTES:
        raise SlackApiFailure("view_too_large")
    view = checked_view(args.get("view"), kind="home")
    outcome.view = standin.publish_home(user_id, view, args.get("hash"))
    return {"ok": True, "view": outcome.view}


def functions_complete_success(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    outputs = args.get("outputs")
    if isinstance(outputs, str):  # form-encoded callers send it as JSON text
        outputs = json.loads(outputs) if outputs else {}
    if not isinstance(outputs, dict):
        raise SlackApiFailure("invalid_arguments", ["[ERROR] missing required field: outputs"])
    standin.complete_step(args.get("function_execution_id"), outcome.token, {"outputs": outputs})
    return {"ok": True}


def functions_complete_error(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    error = args.get("error")
    if not error or not isinstance(error, str):
        raise SlackApiFailure("invalid_arguments", ["[ERROR] missing required field: error"])
    standin.complete_step(args.get("function_execution_id"), outcome.token, {"error": error})
    return {"ok": True}


def chat_post_message(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    channel = _required_channel(args)
    text, blocks = checked_message(args)
    message = outcome.message = standin.add_message(channel, text, blocks, "chat.postMessage")
    return {"ok": True, "channel": channel, "ts": message.ts, "message": standin.wire_message(message)}


def chat_post_ephemeral(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    channel = _required_channel(args)
    if not args.get("user"):
        raise SlackApiFailure("user_not_found")
    text, blocks = checked_message(args)
    message = outcome.message = standin.add_message(channel, text, blocks, "chat.postEphemeral", user=str(args["user"]))
    return {"ok": True, "message_ts": message.ts}


def chat_update(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    channel = _required_channel(args)
    original = standin.current_message(channel, str(args.get("ts") or ""))
    if original is None:
        raise SlackApiFailure("message_not_found")
    if original.ephemeral:  # Slack: ephemeral messages change only through their response_url
        raise SlackApiFailure("cant_update_message")
    text, blocks = checked_message(args)
    message = outcome.message = standin.add_message(
        channel, text, blocks, "chat.update", ts=original.ts, replaces=original.ts
    )
    return {"ok": True, "channel": channel, "ts": original.ts, "text": text, "message": standin.wire_message(message)}


def usergroups_users_list(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    group = args.get("usergroup")
    if not group:
        raise SlackApiFailure("invalid_arguments", ["[ERROR] missing required field: usergroup"])
    if group not in standin.usergroups:
        raise SlackApiFailure("no_such_subteam")
    return {"ok": True, "users": list(standin.usergroups[group])}


def conversations_info(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    channel = _required_channel(args)
    name = standin.channel_name(channel)
    info = {"id": channel, "name": name, "is_channel": True, "is_private": False, "is_member": True}
    return {"ok": True, "channel": info}


def apps_connections_open(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    """Socket Mode: the WebSocket URL an app connects to with its app-level token."""
    assert standin.base_url is not None
    return {"ok": True, "url": standin.base_url.replace("http://", "ws://", 1) + SOCKET_PATH}


def _required_channel(args: JSON) -> str:
    channel = args.get("channel")
    if not channel or not isinstance(channel, str):
        raise SlackApiFailure("channel_not_found")
    return channel


METHODS: dict[str, WebMethod] = {
    "auth.test": WebMethod(auth_test),
    "views.open": WebMethod(views_open),
    "views.update": WebMethod(views_update),
    "views.push": WebMethod(views_push),
    "chat.postMessage": WebMethod(chat_post_message),
    "chat.postEphemeral": WebMethod(chat_post_ephemeral),
    "chat.update": WebMethod(chat_update),
    "usergroups.users.list": WebMethod(usergroups_users_list),
    "conversations.info": WebMethod(conversations_info),
    "views.publish": WebMethod(views_publish),
    "functions.completeSuccess": WebMethod(functions_complete_success, token=bot_or_step_token),
    "functions.completeError": WebMethod(functions_complete_error, token=bot_or_step_token),
    "apps.connections.open": WebMethod(apps_connections_open, token=app_level_token),
    "files.getUploadURLExternal": WebMethod(files_get_upload_url_external),
    "files.completeUploadExternal": WebMethod(files_complete_upload_external),
    "files.info": WebMethod(files_info),
}
