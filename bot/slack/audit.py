"""The audit channel: one line per change, naming the Slack user, the order and the masked card."""

from __future__ import annotations

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = structlog.get_logger("audit")


class AuditChannel:
    def __init__(self, client: AsyncWebClient, channel_id: str | None) -> None:
        self._client = client
        self._channel = channel_id

    async def post(self, line: str) -> None:
        if not self._channel:
            return
        try:
            await self._client.chat_postMessage(channel=self._channel, text=line, unfurl_links=False)
        except SlackApiError as error:
            # The change is already made and logged: a failed post must not turn it into a failure.
            log.error("audit.channel_post_failed", channel=self._channel, error=error.response.get("error"))
