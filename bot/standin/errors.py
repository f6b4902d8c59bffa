"""SlackApiFailure: an `ok: false` answer of Slack's Web API, raised wherever a Slack rule refuses a call."""

from __future__ import annotations

from collections.abc import Sequence

from bot.standin.payloads import JSON


class SlackApiFailure(Exception):
    """An `ok: false` answer, with the `response_metadata.messages` Slack adds to some of them."""

    def __init__(self, error: str, messages: Sequence[str] = ()) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)

    def answer(self) -> JSON:
        body: JSON = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body
