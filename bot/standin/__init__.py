"""A local stand-in for Slack: its Web API, response_urls and Socket Mode over loopback HTTP, and
the requests Slack sends an app.

The app talks to it exactly as it talks to Slack (slack_sdk's client with `base_url`, Bolt's
`respond()`), so the console, the tests and the bench exercise the real HTTP path. It keeps Slack's
rules that bite in production: a trigger_id lives 3 s and is single-use, a response_url takes 5
posts within 30 minutes, views and messages are validated by slack_sdk's Block Kit models with
Slack's limits, and every method checks the bot token. A Home tab published with views.publish is
kept per user, and a custom step's execution takes one completion (functions.complete*). A test can
make a method answer as Slack does over its rate limit (`standin.rate_limit(method)`: HTTP 429 with
Retry-After); the tiers of chat.update (Tier 3, 50 a minute) and views.publish (Tier 4, 100 a minute)
are enforced the same way. Everything it receives is recorded.

    standin = SlackStandIn(bot_token)
    server = await start_standin(standin)   # server.api_url is the app's SLACK_API_URL
    ...
    await server.stop()

Which file does what:
    workspace.py      the workspace's state: messages, views and the modal stack, triggers,
                      response_urls handed out, rate limits set by a test, recorded calls,
                      wait_for / wait_quiet
    methods.py        the Web API methods (auth.test, views.*, chat.*, ...) and their dispatch table
    response_urls.py  posts to a response_url
    socket_mode.py    Socket Mode: the app's WebSocket, envelopes and their acknowledgements
    blockkit.py       Block Kit validation: view_problems, block_problems, with_ids
    files.py          files: attached in a file_input, read with the bot token, uploaded by the app
    errors.py         SlackApiFailure, an `ok: false` answer
    server.py         serving it all over HTTP: start_standin, StandInServer
    payloads.py       what Slack sends the app: slash commands, interactions, events, signatures
    events.py         Events API delivery: a signed JSON POST to the app, retried as Slack retries it
"""

from bot.standin.blockkit import MAX_MESSAGE_BLOCKS, MAX_TEXT_CHARS, block_problems, view_problems, with_ids
from bot.standin.errors import SlackApiFailure
from bot.standin.methods import METHODS
from bot.standin.payloads import (
    FORM,
    JSON,
    Who,
    block_actions,
    button_press,
    file_input_value,
    global_shortcut,
    interaction,
    press_in_view,
    press_on_message,
    pressed_button,
    signed_headers,
    slash_command,
    view_closed,
    view_state,
    view_submission,
    with_state,
)
from bot.standin.response_urls import RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_SECONDS
from bot.standin.server import StandInServer, start_standin
from bot.standin.workspace import (
    MAX_VIEW_STACK,
    TRIGGER_TTL_SECONDS,
    CallObserver,
    PostedMessage,
    RecordedCall,
    SlackStandIn,
)

__all__ = [
    "FORM",
    "JSON",
    "MAX_MESSAGE_BLOCKS",
    "MAX_TEXT_CHARS",
    "MAX_VIEW_STACK",
    "METHODS",
    "RESPONSE_URL_MAX_USES",
    "RESPONSE_URL_TTL_SECONDS",
    "TRIGGER_TTL_SECONDS",
    "CallObserver",
    "PostedMessage",
    "RecordedCall",
    "SlackApiFailure",
    "SlackStandIn",
    "StandInServer",
    "Who",
    "block_actions",
    "block_problems",
    "button_press",
    "file_input_value",
    "global_shortcut",
    "interaction",
    "press_in_view",
    "press_on_message",
    "pressed_button",
    "signed_headers",
    "slash_command",
    "start_standin",
    "view_closed",
    "view_problems",
    "view_state",
    "view_submission",
    "with_ids",
    "with_state",
]
