"""What every listener may use, built once by the app factory."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.slack.access import Access
from bot.slack.audit import AuditChannel
from bot.slack.drain import Drain
from bot.slack.flights import SingleFlight
from bot.slack.responses import ResponseUrls
from bot.slack.sealed import Sealer
from bot.state import SharedState
from bot.wallet import Wallet


@dataclass(frozen=True)
class Services:
    wallet: Wallet
    state: SharedState  # what must hold across processes: single-use buttons
    access: Access
    audit: AuditChannel
    sealer: Sealer
    responses: ResponseUrls
    require_reason: bool = False  # WALLET_REQUIRE_REASON: every change needs a reason
    flights: SingleFlight = field(default_factory=SingleFlight)  # per-user work joined, not repeated
    drain: Drain = field(default_factory=Drain)  # the work after answers; long work asks it whether shutdown began
