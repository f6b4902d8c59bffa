"""Posts to Slack's response_urls over one pooled HTTP session.

Bolt's `respond()` opens a new aiohttp session, and so a new connection, for every post; a save
posts twice ("Saving…", then the result), and under load that set-up cost most of the CPU a save
spends on Slack's side (found by `make bench`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog
from slack_sdk.models.blocks import Block
from slack_sdk.webhook.async_client import AsyncWebhookClient

log = structlog.get_logger("slack")


class ResponseUrls:
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

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
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
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

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


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
