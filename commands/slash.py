"""A `/wallet` invocation as the sub-commands see it: arguments, who, where, and how to answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.responses import Reply


@dataclass(frozen=True)
class SlashRequest:
    args: list[str]
    user_id: str
    team_id: str
    channel_id: str | None
    trigger_id: str | None
    response_url: str | None
    ack: AsyncAck
    respond: Reply
    client: AsyncWebClient

    @classmethod
    def of(cls, command: dict[str, Any], ack: AsyncAck, respond: Reply, client: AsyncWebClient) -> SlashRequest:
        text = command.get("text")
        return cls(
            args=text.split()[1:] if isinstance(text, str) else [],
            user_id=str(command.get("user_id") or ""),
            team_id=str(command.get("team_id") or ""),
            channel_id=command.get("channel_id") or None,
            trigger_id=command.get("trigger_id") or None,
            response_url=command.get("response_url") or None,
            ack=ack,
            respond=respond,
            client=client,
        )
