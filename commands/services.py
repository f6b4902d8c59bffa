"""What the listeners need, built once by the app factory and handed to each `register`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import Access
from bot.audit import AuditChannel
from bot.responses import ResponseUrls
from bot.wallet import Wallet
from bot.work import WorkTracker
from commands.sealed import Sealer


@dataclass(frozen=True)
class Services:
    wallet: Wallet
    access: Access
    audit: AuditChannel
    tracker: WorkTracker
    sealer: Sealer
    responses: ResponseUrls
