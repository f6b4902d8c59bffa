"""What the stand-in's tests build their calls from: a view, a block, and the error of a refused call."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}


def view(title: str = "Save card", blocks: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": blocks or [SECTION], **extra}


async def error_of(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as raised:
        await call
    return dict(raised.value.response.data)
