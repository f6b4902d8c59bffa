"""Slack played in a terminal: typed lines become the signed requests Slack would send the app.

Like Hubot's shell adapter, but over the app's real HTTP endpoint. A `/command` becomes a slash
command, a number presses a button, a modal's inputs are asked for one by one and submitted as a
`view_submission`. Whatever the app sends back (its acks, and the Web API calls and response_url
posts that reach the stand-in) is printed as text. The driver knows nothing about the app's
commands: it only sends what Slack would send.
"""

from __future__ import annotations

import asyncio
import enum
import json
import sys
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx

from bot.console.render import (
    Choice,
    InputField,
    input_fields,
    layout_message,
    layout_view,
    render_confirm,
)
from bot.standin import JSON, PostedMessage, RecordedCall, SlackApiFailure, SlackStandIn, payloads
from bot.standin.events import post_event

WaitIdle = Callable[[], Awaitable[object]]

ACK_DEADLINE_SECONDS = 3.0
SHOW_EVERY_SECONDS = 0.2  # how often what reached Slack is shown while the app works
FILE_LINES_SHOWN = 40
HTTP_TIMEOUT_SECONDS = 30.0
PROMPT = "> "
YES = ("y", "yes")
HELP = """Console commands:
  /wallet ...            send a slash command (any /command is sent as typed)
  <number>               press the button with that number (also /press <number>)
  shortcut <callback_id> run a global shortcut (also /shortcut <callback_id>)
  /home                  open the app's Home tab
  message-shortcut <callback_id> <text>
                         run a message shortcut on a message of <text> (also /message-shortcut)
  /submit                submit the open modal as it is
  /cancel                close the open modal
  /quit                  leave (end of input does the same)
  # ...                  a comment, ignored"""


class _Stop(enum.Enum):
    """Why prompting for a modal's fields stopped before the submission."""

    CANCEL = "cancel"  # /cancel: the modal closes, the session goes on
    QUIT = "quit"  # /quit or end of input: the modal closes, the session ends
    PRESSED = "pressed"  # /press N: a button in the modal was pressed instead


@dataclass(frozen=True)
class _Pressable:
    """A numbered button and what it sits on: a message, or the view with this id."""

    choice: Choice
    message: PostedMessage | None = None
    view_id: str | None = None


class _Lines:
    """Reads the next line after a prompt; in piped mode echoes it so the transcript reads well."""

    def __init__(self, lines: AsyncIterable[str] | Iterable[str], out: TextIO, interactive: bool) -> None:
        self._iterator = _aiter(lines)
        self._out = out
        self._interactive = interactive

    async def read(self, prompt: str) -> str | None:
        if self._interactive:
            self._out.write(prompt)
            self._out.flush()
        try:
            line = (await anext(self._iterator)).rstrip("\r\n")
        except StopAsyncIteration:
            if self._interactive:
                self._out.write("\n")
            return None
        if not self._interactive:  # the prompt and the line together, as a terminal would show them
            self._out.write(f"{prompt}{line}".rstrip() + "\n")
        return line


async def _aiter(lines: AsyncIterable[str] | Iterable[str]) -> AsyncIterator[str]:
    if isinstance(lines, AsyncIterable):
        async for line in lines:
            yield line
    else:
        for line in lines:
            yield line


async def stdin_lines() -> AsyncIterator[str]:
    """Lines typed on stdin, read in a thread so the app's event loop keeps running meanwhile."""
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        yield line


class ConsoleDriver:
    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        standin: SlackStandIn,
        out: TextIO = sys.stdout,
        wait_idle: WaitIdle | None = None,
        *,
        who: payloads.Who | None = None,
        bot_name: str = "Wallet bot",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._app_url = app_url
        self._signing_secret = signing_secret
        self._standin = standin
        self._out = out
        self._wait_idle: WaitIdle = wait_idle or standin.wait_quiet
        # The console user, typing in #console of the stand-in's workspace.
        self._me = who or payloads.Who("U0CONSOLE", standin.team_id, "C0CONSOLE", team_domain=standin.team_domain)
        self._bot_name = bot_name
        self._clock = clock
        self._http: httpx.AsyncClient | None = None
        self._lines: _Lines | None = None
        self._cursor = 0
        self._pressables: dict[int, _Pressable] = {}
        self._values: dict[str, dict[str, dict[str, JSON]]] = {}  # view id -> block -> action -> state entry
        self._prompted: set[tuple[str, str]] = set()  # (view id, hash) already asked for
        self._turn: list[_Pressable] = []  # buttons shown during the current turn, numbered in order
        self._turn_showed = False

    async def run(self, lines: AsyncIterable[str] | Iterable[str], interactive: bool = False) -> None:
        """Read lines until /quit or end of input, acting each one out against the app."""
        self._lines = _Lines(lines, self._out, interactive)
        self._cursor = len(self._standin.calls)  # what happened before the session is not news
        if interactive:
            self._say("Slack console. Type /help for what you can do.")
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as http:
            self._http = http
            while await self._step():
                pass
        self._http = None

    async def _step(self) -> bool:
        """One user turn; False when the session is over."""
        self._turn, self._turn_showed = [], False
        view = self._standin.top_view()
        if view is not None and self._needs_input(view):
            going_on = await self._fill_modal(view)
        else:
            line = await self._read(PROMPT)
            going_on = line is not None and await self._handle(line.strip())
        if self._turn_showed:  # what this turn showed replaces the buttons on screen
            self._pressables = {pressable.choice.number: pressable for pressable in self._turn}
        return going_on

    async def _handle(self, line: str) -> bool:
        word, _, rest = line.partition(" ")
        if not line or line.startswith("#"):
            return True
        if word == "/quit":
            return False
        if word == "/help":
            self._say(HELP)
        elif word == "/cancel":
            await self._cancel_modal()
        elif word == "/submit":
            await self._submit_current()
        elif word in ("shortcut", "/shortcut"):
            await self._shortcut(rest.strip())
        elif word == "/home":
            await self._open_home()
        elif word in ("message-shortcut", "/message-shortcut"):
            await self._message_shortcut(rest.strip())
        elif word == "/press" or line.isdigit():
            await self._press(rest.strip() if word == "/press" else line)
        elif word.startswith("/"):
            await self._slash_command(word, rest.strip())
        else:
            self._say("Type a /command, a button number, or /help.")
        return True

    # ----- slash commands and shortcuts

    async def _slash_command(self, command: str, text: str) -> None:
        response_url = self._standin.new_response_url(self._me.channel_id, user_id=self._me.user_id)
        body = payloads.slash_command(
            self._me, text, response_url=response_url, trigger_id=self._standin.new_trigger_id(), command=command
        )
        response = await self._post(body, command)
        if response is not None and response.status_code == 200:
            self._show_command_ack(response, response_url)
        await self._settle()

    def _show_command_ack(self, response: httpx.Response, response_url: str) -> None:
        """A slash command's ack may be empty, plain text, or a message as JSON."""
        body = response.text.strip()
        if not body:
            return
        try:
            reply = json.loads(body)
        except ValueError:
            reply = {"text": body}
        if not isinstance(reply, dict) or not (reply.get("text") or reply.get("blocks")):
            return
        message = self._standin.record_ack_message(
            channel=self._me.channel_id,
            user=self._me.user_id,
            text=str(reply.get("text") or ""),
            blocks=list(reply.get("blocks") or []),
            response_type=reply.get("response_type"),
            response_url=response_url,
        )
        self._show_message(message)

    async def _shortcut(self, callback_id: str) -> None:
        if not callback_id:
            self._say("Usage: shortcut <callback_id>")
            return
        payload = payloads.global_shortcut(self._me, callback_id, trigger_id=self._standin.new_trigger_id())
        await self._interact(payload, f"shortcut {callback_id}")
        await self._settle()

    async def _message_shortcut(self, rest: str) -> None:
        """A message shortcut on a message the console user posted in #console, reading `text`."""
        callback_id, _, text = rest.partition(" ")
        if not callback_id or not text.strip():
            self._say("Usage: message-shortcut <callback_id> <message text>")
            return
        payload = payloads.message_action(
            self._me,
            callback_id,
            payloads.user_message(self._me, text.strip()),
            trigger_id=self._standin.new_trigger_id(),
            response_url=self._standin.new_response_url(self._me.channel_id, user_id=self._me.user_id),
        )
        await self._interact(payload, f"message shortcut {callback_id}")
        await self._settle()

    async def _open_home(self) -> None:
        """The Home tab opened: Slack's `app_home_opened` event, then the Home the app publishes."""
        assert self._http is not None
        envelope = payloads.app_home_opened(self._me, view=self._standin.home_view(self._me.user_id))
        attempt = await post_event(self._http, self._app_url, self._signing_secret, envelope)
        if not attempt.delivered:
            self._failure(
                f"/home: the app answered {attempt.status or 'nothing'} ({attempt.reason}); Slack would retry"
            )
        await self._settle()

    # ----- buttons

    async def _press(self, number: str) -> None:
        pressable = self._pressables.get(int(number)) if number.isdigit() else None
        if pressable is None:
            self._say(f"There is no button {number} on screen.")
            return
        if not self._still_there(pressable):
            self._say("That button is gone: its message or modal was closed.")
            return
        confirm = pressable.choice.confirm
        if confirm is not None and not await self._confirmed(confirm):
            self._say("(cancelled)")
            return
        payload = self._block_actions(pressable)  # after the dialog: its trigger_id lives 3 s
        if payload is None:
            self._say("That button is gone: its message or modal was closed.")
            return
        await self._interact(payload, f"button {pressable.choice.label!r}")
        await self._settle()

    def _still_there(self, pressable: _Pressable) -> bool:
        if pressable.view_id is not None:
            return pressable.view_id in self._standin.views
        assert pressable.message is not None
        return self._standin.current_message(pressable.message.channel, pressable.message.ts) is not None

    async def _confirmed(self, confirm: Mapping[str, Any]) -> bool:
        self._say(render_confirm(confirm))
        answer = await self._read("[y/N] ")
        return (answer or "").strip().lower() in YES

    def _block_actions(self, pressable: _Pressable) -> JSON | None:
        """The press as Slack sends it, or None if what the button sat on is gone."""
        action = payloads.pressed_button(pressable.choice.element, pressable.choice.block_id)
        if pressable.view_id is not None:
            view = self._standin.views.get(pressable.view_id)
            return self._pressed_in_view(action, view) if view is not None else None
        assert pressable.message is not None
        shown = pressable.message
        current = self._standin.current_message(shown.channel, shown.ts)
        return self._pressed_on_message(action, current) if current is not None else None

    def _pressed_in_view(self, action: JSON, view: JSON) -> JSON:
        with_state = payloads.with_state(view, self._typed(view))
        return payloads.press_in_view(self._me, action, trigger_id=self._standin.new_trigger_id(), view=with_state)

    def _pressed_on_message(self, action: JSON, message: PostedMessage) -> JSON:
        channel = message.channel
        return payloads.press_on_message(
            self._me,
            action,
            trigger_id=self._standin.new_trigger_id(),
            message=self._standin.wire_message(message),
            channel={"id": channel, "name": self._standin.channel_name(channel)},
            ephemeral=message.ephemeral,
            # Slack gives every button press its own response_url, aimed at the message pressed.
            response_url=self._standin.new_response_url(channel, user_id=self._me.user_id, message_ts=message.ts),
        )

    # ----- modals

    def _needs_input(self, view: JSON) -> bool:
        return bool(input_fields(view)) and (view["id"], view["hash"]) not in self._prompted

    async def _fill_modal(self, view: JSON) -> bool:
        """Ask for each input, submit, and ask again for the fields the app rejected."""
        key = (view["id"], view["hash"])
        self._prompted.add(key)
        if layout_view(view).choices:
            self._say("(/press <number> presses a button of the modal, /cancel closes it)")
        fields = input_fields(view)
        while fields:
            stop = await self._ask_fields(view["id"], fields)
            if stop is _Stop.PRESSED:
                self._prompted.discard(key)  # unless the press changed the view, ask again
                return True
            if stop is not None:
                await self._cancel_modal()
                return stop is _Stop.CANCEL
            errors = await self._submit(view)
            fields = [field for field in input_fields(view) if field.block_id in errors]
        return True

    async def _ask_fields(self, view_id: str, fields: list[InputField]) -> _Stop | None:
        values = self._values.setdefault(view_id, {})
        for input_field in fields:
            value = await self._ask_field(input_field, view_id)
            if isinstance(value, _Stop):
                return value
            if value:
                values.setdefault(input_field.block_id, {})[input_field.action_id] = value
            else:
                values.get(input_field.block_id, {}).pop(input_field.action_id, None)
        return None

    async def _ask_field(self, field: InputField, view_id: str) -> JSON | _Stop:
        """The state value for one input ({} when left empty), or why the user stopped."""
        options = [option for option in field.options if isinstance(option, Mapping)]
        if field.element_type == "external_select":
            found = await self._search(field, view_id)
            if isinstance(found, _Stop):
                return found
            options = found
        if options:
            self._say("  " + "  ".join(f"{n}) {_option_label(o)}" for n, o in enumerate(options, 1)))
        if field.element_type == "file_input":
            return await self._attach(field)
        if not options and field.element_type != "plain_text_input":
            self._say(f"  (the console can't fill a {field.element_type} input; {field.label} left empty)")
            return {}
        while True:
            line = await self._read(_field_prompt(field))
            word, _, rest = (line or "").strip().partition(" ")
            if line is None or word == "/quit":
                return _Stop.QUIT
            if word == "/cancel":
                return _Stop.CANCEL
            if word == "/press":
                await self._press(rest.strip())
                return _Stop.PRESSED
            value, problem = _field_value(field, line.strip(), options)
            if problem is None:
                return value
            self._say(f"  {problem}")

    async def _attach(self, field: InputField) -> JSON | _Stop:
        """A file_input: the path of a file on this machine, attached as a user attaches one in Slack."""
        while True:
            path = await self._typed_or_stop(f"{field.label} (a file's path{', optional' if field.optional else ''}): ")
            if isinstance(path, _Stop):
                return path
            if not path and field.optional:
                return {}
            try:
                content = await asyncio.to_thread(_read_bytes, path)
                attached = self._standin.files.attach(self._standin, Path(path).name, content, user=self._me.user_id)
            except OSError as error:
                self._say(f"  Can't read {path}: {error.strerror}.")
                continue
            except SlackApiFailure as failure:
                self._say(f"  Slack refuses this file: {failure.error}.")
                continue
            return payloads.file_input_value([attached])

    async def _typed_or_stop(self, prompt: str) -> str | _Stop:
        """What the user typed, stripped; or /quit (or the end of input) and /cancel as stops."""
        line = await self._read(prompt)
        typed = (line or "").strip()
        if line is None or typed == "/quit":
            return _Stop.QUIT
        if typed == "/cancel":
            return _Stop.CANCEL
        return typed

    async def _search(self, field: InputField, view_id: str) -> list[Mapping[str, Any]] | _Stop:
        """An external select's choices: what the user types goes to the app as Slack sends it, and
        the app's answer lists them."""
        while True:
            word = await self._typed_or_stop(f"{field.label} (type to search): ")
            if isinstance(word, _Stop):
                return word
            view = self._standin.views.get(view_id) or {"id": view_id}
            typed = payloads.with_state(view, self._typed(view))
            payload = payloads.block_suggestion(
                self._me, typed, block_id=field.block_id, action_id=field.action_id, value=word
            )
            response = await self._post(payloads.interaction(payload), f"choices of {field.label!r}")
            answer = _json_object(response.text) if response is not None and response.status_code == 200 else {}
            found = [option for option in answer.get("options") or [] if isinstance(option, Mapping)]
            if found:
                return found
            self._say("  Nothing matches: type something else, or /cancel.")

    async def _submit_current(self) -> None:
        view = self._standin.top_view()
        if view is None:
            self._say("No modal is open.")
            return
        errors = await self._submit(view)
        if errors:
            self._prompted.discard((view["id"], view["hash"]))  # ask for the fields again

    async def _submit(self, view: JSON) -> dict[str, str]:
        """Send a view_submission and act on its response_action; returns the inline errors."""
        payload = payloads.view_submission(self._me, view, self._typed(view), trigger_id=self._standin.new_trigger_id())
        response = await self._interact(payload, f"submission of {view.get('callback_id')!r}")
        errors = self._apply_submission_ack(view, response) if response is not None else {}
        await self._settle()
        return errors

    def _apply_submission_ack(self, view: JSON, response: httpx.Response) -> dict[str, str]:
        if response.status_code != 200:
            return {}  # the modal stays open, as Slack leaves it after a failed submission
        ack = _json_object(response.text)
        action = ack.get("response_action")
        try:
            if action == "errors":
                return self._show_errors(view, ack.get("errors") or {})
            if action == "update":
                updated = self._standin.update_view_from_ack(view["id"], ack.get("view"), submitted_hash=view["hash"])
                self._show_view("Modal updated", updated)
            elif action == "push":
                self._show_view("Modal view pushed", self._standin.push_view_from_ack(ack.get("view")))
            elif action == "clear":
                self._standin.close_modal()
                self._say("(modal closed)")
            else:
                self._standin.close_top_view()
                self._say("(modal closed)")
        except SlackApiFailure as failure:
            self._failure(f"Slack refused the response_action {action!r}: {failure.error}", failure.messages)
        return {}

    def _show_errors(self, view: JSON, errors: Mapping[str, Any]) -> dict[str, str]:
        labels = {field.block_id: field.label for field in input_fields(view)}
        for block_id, message in errors.items():
            self._say(f"  ! {labels.get(block_id, block_id)}: {message}")
        unknown = [block_id for block_id in errors if block_id not in labels]
        if unknown:
            # Slack itself refuses errors that don't name an input block of the view.
            self._failure(f"Slack would reject these errors: no input block {', '.join(unknown)}")
        return {block_id: str(message) for block_id, message in errors.items() if block_id in labels}

    async def _cancel_modal(self) -> None:
        view = self._standin.top_view()
        if view is None:
            self._say("No modal is open.")
            return
        self._standin.close_modal()
        self._say("(modal closed)")
        if view.get("notify_on_close"):
            payload = payloads.view_closed(self._me, view, self._typed(view))
            await self._interact(payload, "view_closed")
            await self._settle()

    def _typed(self, view: JSON) -> dict[str, dict[str, JSON]]:
        """What the user typed in `view`, for the input blocks still there."""
        typed = self._values.get(view["id"], {})
        present = {field.block_id for field in input_fields(view)}
        return {block_id: dict(actions) for block_id, actions in typed.items() if block_id in present}

    # ----- HTTP to the app

    async def _interact(self, payload: JSON, what: str) -> httpx.Response | None:
        response = await self._post(payloads.interaction(payload), what)
        if response is not None and response.status_code == 200 and payload["type"] != "view_submission":
            self._show_interaction_ack(response)
        return response

    def _show_interaction_ack(self, response: httpx.Response) -> None:
        # Slack ignores an interaction's ack body, except for view submissions; say so if there is one.
        if response.text.strip():
            self._say(f"(the app's ack carried a body that Slack ignores: {response.text.strip()[:200]})")

    async def _post(self, body: str, what: str) -> httpx.Response | None:
        """POST a signed request like Slack's; report what Slack's user would see when it fails."""
        assert self._http is not None
        headers = payloads.signed_headers(self._signing_secret, body, int(self._clock()))
        started = time.monotonic()
        try:
            response = await self._http.post(self._app_url, content=body, headers=headers)
        except httpx.HTTPError as error:
            self._failure(f"{what}: could not reach the app at {self._app_url} ({error!r})")
            return None
        elapsed = time.monotonic() - started
        if elapsed > ACK_DEADLINE_SECONDS:
            self._failure(f"{what}: the app took {elapsed:.1f} s to answer; Slack gives up after 3 s")
        if response.status_code != 200:
            detail = response.text.strip()[:200]
            self._failure(f"{what} failed: the app answered HTTP {response.status_code} {detail}".rstrip())
            if response.status_code == 401:
                self._failure("the app refused the request signature: is its signing secret the console's?")
        return response

    # ----- output

    async def _settle(self) -> None:
        """Show what reaches Slack, in order, as it comes, until the app's background work is over
        (a bulk save's progress message is updated while it runs)."""
        idle = asyncio.ensure_future(self._wait_idle())
        while not idle.done():
            await asyncio.wait({idle}, timeout=SHOW_EVERY_SECONDS)
            self._show_new_calls()

    def _show_new_calls(self) -> None:
        calls = self._standin.calls[self._cursor :]
        self._cursor += len(calls)
        for call in calls:
            if not call.ok:
                self._show_failed_call(call)
            elif call.message is not None:
                self._show_message(call.message)
            elif call.view is not None:
                self._show_view(_VIEW_VERBS.get(call.method, "Modal"), call.view)
            elif call.method == "files.completeUploadExternal":
                self._show_uploads(call)

    def _show_message(self, message: PostedMessage) -> None:
        where = f"#{self._standin.channel_name(message.channel)}"
        self._turn_showed = True
        if message.deleted:
            self._say(f"({self._bot_name} deleted its message in {where})")
            return
        visibility = " (only visible to you)" if message.ephemeral else ""
        verb = "replaced its message" if message.replaces else "says"
        self._say(f"{self._bot_name} {verb} in {where}{visibility}:")
        rendered = layout_message(message.text, message.blocks, len(self._turn) + 1)
        self._say(_indent(rendered.text))
        self._turn += [_Pressable(choice, message=message) for choice in rendered.choices]

    def _show_view(self, verb: str, view: JSON) -> None:
        self._turn_showed = True
        rendered = layout_view(view, len(self._turn) + 1)
        self._say(f"{verb}:")
        self._say(rendered.text)
        self._turn += [_Pressable(choice, view_id=view["id"]) for choice in rendered.choices]

    def _show_uploads(self, call: RecordedCall) -> None:
        """Files the app shared: their name, and the first lines of a text file."""
        self._turn_showed = True
        for shared in call.response.get("files") or []:
            stored = self._standin.files.get(str(shared.get("id")))
            if stored is None:
                continue
            where = ", ".join(f"#{self._standin.channel_name(channel)}" for channel in stored.channels)
            self._say(f"{self._bot_name} shared a file in {where}: {stored.title} ({stored.name})")
            lines = stored.text.splitlines()
            self._say(_indent("\n".join(lines[:FILE_LINES_SHOWN])))
            if len(lines) > FILE_LINES_SHOWN:
                self._say(_indent(f"… {len(lines) - FILE_LINES_SHOWN} more lines"))

    def _show_failed_call(self, call: RecordedCall) -> None:
        if call.method == "response_url":
            self._failure(f"response_url post failed: HTTP {call.status} {call.error}")
            return
        messages = call.response.get("response_metadata", {}).get("messages", [])
        self._failure(f"Slack API {call.method} failed: {call.error}", messages)

    def _failure(self, text: str, details: Iterable[str] = ()) -> None:
        self._say(f"! {text}")
        for detail in details:
            self._say(f"!   {detail}")

    def _say(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()

    async def _read(self, prompt: str) -> str | None:
        assert self._lines is not None
        return await self._lines.read(prompt)


_VIEW_VERBS = {
    "views.publish": "Home tab",
    "views.open": "Modal opened",
    "views.update": "Modal updated",
    "views.push": "Modal pushed",
}


def _read_bytes(path: str) -> bytes:
    return Path(path).expanduser().read_bytes()


def _indent(text: str) -> str:
    return "\n".join(f"  {line}".rstrip() for line in text.split("\n"))


def _json_object(text: str) -> JSON:
    try:
        value = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _option_label(option: Mapping[str, Any]) -> str:
    text = option.get("text")
    return str(text.get("text", "")) if isinstance(text, Mapping) else str(option.get("value", ""))


def _field_prompt(field: InputField) -> str:
    extras = []
    if field.optional:
        extras.append("optional")
    if field.initial:
        extras.append(f"Enter keeps {field.initial}")
    suffix = f" ({', '.join(extras)})" if extras else ""
    return f"{field.label}{suffix}: "


def _field_value(field: InputField, text: str, options: list[Mapping[str, Any]]) -> tuple[JSON, str | None]:
    """The state value for what was typed, or the complaint Slack's client would show."""
    if not text and field.initial:
        text = field.initial
    if not text:
        return ({}, None) if field.optional else ({}, "This field is required.")
    if options:
        return _option_value(field, text, options)
    if field.min_length and len(text) < field.min_length:
        return {}, f"Enter at least {field.min_length} characters."
    if field.max_length and len(text) > field.max_length:
        return {}, f"Enter at most {field.max_length} characters."
    return {"type": "plain_text_input", "value": text}, None


def _option_value(field: InputField, text: str, options: list[Mapping[str, Any]]) -> tuple[JSON, str | None]:
    for number, option in enumerate(options, 1):
        if text in (str(number), _option_label(option), option.get("value")):
            return {"type": field.element_type, "selected_option": dict(option)}, None
    return {}, f"Choose one of 1 to {len(options)}."
