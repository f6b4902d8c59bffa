"""What the modals share: the metadata a modal carries between its steps, and showing a step."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TypeVar

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.listeners import Incoming
from bot.slack.services import Services
from bot.wallet import InputError, WalletError, parse_reason
from commands.plumbing.blocks import REASON_ACTION, REASON_BLOCK, failure_text, section
from commands.plumbing.refusal import refused

T = TypeVar("T")
log = structlog.get_logger("modal")


@dataclass(frozen=True)
class FormMeta:
    """What a modal remembers in `private_metadata` between its steps."""

    channel: str | None = None
    response_url: str | None = None
    order: str | None = None  # the order's Commerce Layer id, once found
    customer: str | None = None  # its customer's, where a step lists their cards
    found: str | None = None  # `pm_…` ids a message shortcut found, sealed (bot/slack/sealed.py)

    def dumps(self) -> str:
        return json.dumps({key: value for key, value in asdict(self).items() if value})

    @classmethod
    def loads(cls, raw: object) -> FormMeta:
        try:
            data = json.loads(raw) if isinstance(raw, str) and raw else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        names = ("channel", "response_url", "order", "customer", "found")
        return cls(**{key: value for key in names if isinstance(value := data.get(key), str)})


def modal(title: str, blocks: list[Block], meta: FormMeta, *, callback_id: str, submit: str | None = None) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close="Cancel" if submit else "Close",
        private_metadata=meta.dumps(),
        blocks=blocks,
    )


def in_modal(
    client: AsyncWebClient, view_id: str | None, status: Callable[[str], View]
) -> Callable[[str], Awaitable[None]]:
    """Tells a short text (a refusal, a failure) in the open modal, in place of its step."""

    async def tell(text: str) -> None:
        await update_modal(client, view_id, status(text))

    return tell


async def update_modal(client: AsyncWebClient, view_id: str | None, new_view: View) -> None:
    """Show `new_view` in the open modal `view_id`, if the user has not closed it meanwhile."""
    if not view_id:
        return
    try:
        await client.views_update(view_id=view_id, view=new_view)
    except SlackApiError as error:  # closed by the user meanwhile: the channel message still tells
        log.info("modal.not_updated", error=error.response.get("error"))


def text_view(title: str, text: str, meta: FormMeta, callback_id: str) -> View:
    """A step that waits, or ends: looking something up, working, a refusal with nothing to submit."""
    return modal(title, [section(text)], meta, callback_id=callback_id)


async def open_modal(request: Incoming, loading: View) -> str | None:
    """Opens `loading` at once, before any slow work (the trigger_id expires 3 s after the user's
    action); its view id, or None after telling the user it could not be opened."""
    try:
        opened = await request.client.views_open(trigger_id=request.trigger_id or "", view=loading)
    except SlackApiError as error:
        log.warning("modal.not_opened", error=error.response.get("error"))
        await request.respond(text="Slack could not open the form in time. Please run the command again.")
        return None
    return str(opened["view"]["id"])


async def open_form(
    request: Incoming,
    services: Services,
    what: str,
    status: Callable[[str, FormMeta], View],
    load: Callable[[], Awaitable[T | WalletError]],
    form: Callable[[T, FormMeta], View],
) -> None:
    """A command's modal: opened at once looking `what` up, then, access granted, filled with the
    form of what `load` found, or its failure."""
    meta = FormMeta(channel=request.channel_id, response_url=request.response_url)
    view_id = await open_modal(request, status(f":hourglass_flowing_sand: Looking up {what}…", meta))
    if view_id is None:
        return
    tell = in_modal(request.client, view_id, lambda text: status(text, meta))
    if await refused(request, services, tell):
        return
    found = await load()
    if isinstance(found, WalletError):
        await tell(failure_text(found))
        return
    await update_modal(request.client, view_id, form(found, meta))


async def show_outcome(
    request: Incoming, services: Services, meta: FormMeta, view: View, text: str, blocks: Sequence[Block]
) -> None:
    """A modal's outcome, in the modal and, ephemerally, in the conversation where the command was
    typed; neither needs to wait for the other."""
    post = services.responses.to(meta.response_url)
    await asyncio.gather(
        update_modal(request.client, request.view_id, view),
        post(text=text, blocks=blocks, response_type="ephemeral"),
    )


class Inputs:
    """A submitted modal's inputs, parsed once: every problem is collected, so that the user sees
    them all at once, each under its input."""

    def __init__(self, request: Incoming, services: Services) -> None:
        self._request = request
        self._services = services
        self.errors: dict[str, str] = {}

    def read(self, block_id: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except InputError as error:
            self.errors[block_id] = str(error)
            return None

    def reason(self) -> str | None:
        typed = self._request.input_value(REASON_BLOCK, REASON_ACTION)
        return self.read(REASON_BLOCK, lambda: parse_reason([typed], required=self._services.require_reason))
