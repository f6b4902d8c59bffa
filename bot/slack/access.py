"""Who may see and change wallets: allow-lists of Slack ids, or Commerce Layer's test mode alone.

Slack ids are matched, never names (a name can be changed by its owner). User-group membership is
read with `usergroups.users.list` (a Tier 2 method: about 20 calls a minute) and cached for a few
minutes; requests that find the cache cold or stale together wait on one call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commercelayer import CommerceLayerError

GROUP_CACHE_SECONDS = 300.0
log = structlog.get_logger("access")


@dataclass(frozen=True)
class AllowLists:
    users: tuple[str, ...] = ()
    usergroups: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        return bool(self.users or self.usergroups or self.channels)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # why not, and how to get access
    grounds: str = field(default="", compare=False)  # why it is allowed, for the App Home


HOW_TO_GET_ACCESS = (
    "Ask whoever runs Wallet bot to add your Slack user id ({user}) to WALLET_ALLOWED_USERS, "
    "you to a user group in WALLET_ALLOWED_USERGROUPS, or this channel to WALLET_ALLOWED_CHANNELS."
)


class Access:
    def __init__(self, lists: AllowLists, client: AsyncWebClient, mode: Callable[[], Awaitable[str]]) -> None:
        self._lists = lists
        self._client = client
        self._mode = mode
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._reading: dict[str, asyncio.Task[frozenset[str]]] = {}

    async def check(self, user_id: str, channel_id: str | None) -> Decision:
        if not self._lists.configured:
            return await self._by_mode(user_id)
        if user_id in self._lists.users:
            return Decision(True, grounds="Your Slack user id is on WALLET_ALLOWED_USERS.")
        if channel_id and channel_id in self._lists.channels:
            return Decision(True, grounds="This channel is on WALLET_ALLOWED_CHANNELS.")
        for group in self._lists.usergroups:
            if user_id in await self._group_members(group):
                return Decision(True, grounds=f"You are in user group {group}, on WALLET_ALLOWED_USERGROUPS.")
        return Decision(False, "You are not on Wallet bot's allow-list. " + HOW_TO_GET_ACCESS.format(user=user_id))

    async def _by_mode(self, user_id: str) -> Decision:
        try:
            mode = await self._mode()
        except CommerceLayerError as error:
            # Without the mode the default can't be applied: refuse, and say it is temporary.
            return Decision(
                False,
                f"Wallet bot could not ask Commerce Layer whether it is in test or live mode ({error.message}). "
                "Nothing was changed. Try again in a minute.",
            )
        if mode == "test":
            return Decision(
                True,
                grounds="Commerce Layer is in test mode and no allow-list is configured, so everyone in the "
                "workspace may change wallets (in live mode Wallet bot would refuse until one is).",
            )
        return Decision(
            False,
            "Commerce Layer is in live mode and no allow-list is configured, so Wallet bot refuses "
            "changes. " + HOW_TO_GET_ACCESS.format(user=user_id),
        )

    async def _group_members(self, group: str) -> frozenset[str]:
        cached = self._members.get(group)
        if cached and time.monotonic() - cached[0] < GROUP_CACHE_SECONDS:
            return cached[1]
        reading = self._reading.get(group)
        if reading is None:
            reading = asyncio.create_task(self._read_members(group, cached))
            self._reading[group] = reading
            reading.add_done_callback(lambda _: self._reading.pop(group, None))
        # Shielded: one waiter cancelled (its request gone) must not cancel the read the others share.
        return await asyncio.shield(reading)

    async def _read_members(self, group: str, cached: tuple[float, frozenset[str]] | None) -> frozenset[str]:
        try:
            response = await self._client.usergroups_users_list(usergroup=group)
            members = frozenset(str(user) for user in response.get("users") or [])
        except SlackApiError as error:
            # Deny rather than guess; keep a stale list if there is one.
            log.warning("access.usergroup_unreadable", usergroup=group, error=error.response.get("error"))
            return cached[1] if cached else frozenset()
        self._members[group] = (time.monotonic(), members)
        return members
