"""Posts to Slack's response_urls over the app's one pooled HTTP session to Slack.

Bolt's `respond()` opens a new aiohttp session, and so a new connection, for every post; a save
posts twice ("Saving…", then the result).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import structlog
from slack_sdk.models.blocks import Block
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = structlog.get_logger("slack")


SLACK_HOOKS = "https://hooks.slack.com"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class ResponseUrls:
    """Only Slack's own hosts are posted to: a response_url travels through payloads and modal
    metadata, and must never turn the bot into a client of an arbitrary address."""

    def __init__(self, slack_api_url: str, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._origins = {SLACK_HOOKS, _origin(slack_api_url)}

    def to(self, url: str | None) -> Reply:
        return Reply(self, url)

    async def send(
        self,
        url: str,
        *,
        text: str,
        blocks: Sequence[Block | dict[str, Any]] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
    ) -> None:
        if _origin(url) not in self._origins:
            log.warning("slack.response_url_not_slack", origin=_origin(url)[:80])
            return
        try:
            response = await AsyncWebhookClient(url, session=self._session).send(
                text=text, blocks=blocks, response_type=response_type, replace_original=replace_original
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            # Slack keeps a response_url for 30 minutes and 5 posts; a lost post can't be retried
            # safely (it may have been shown), so it is logged for whoever looks.
            log.warning("slack.response_url_failed", error=type(error).__name__)
            return
        if response.status_code != 200:
            log.warning("slack.response_url_refused", status=response.status_code, body=response.body[:100])


@dataclass(frozen=True)
class Reply:
    """Answers in the conversation a Slack request came from, as Bolt's `respond()` does."""

    urls: ResponseUrls
    url: str | None

    async def __call__(
        self,
        text: str = "",
        *,
        blocks: Sequence[Block | dict[str, Any]] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
    ) -> None:
        if not self.url:  # e.g. a modal opened from a shortcut: no conversation to answer in
            return
        await self.urls.send(
            self.url, text=text, blocks=blocks, response_type=response_type, replace_original=replace_original
        )
