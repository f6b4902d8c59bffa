"""Removing a saved card from a customer's wallet: `DELETE /api/customer_payment_sources/<id>`.

Commerce Layer deletes its wallet entry, the association between the customer and the card; the
card stays stored in Stripe. A removal is recorded (records.py) on the Stripe payment the card was
saved from when Wallet bot made that payment; otherwise Commerce Layer keeps no record of it that
/wallet history can read, and the audit log and channel are its only trace.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from bot.commercelayer import CommerceLayer, CommerceLayerError, NotFound
from bot.commercelayer.models import CustomerPaymentSource
from bot.state import Lease
from bot.wallet import rules
from bot.wallet.errors import Refused, WalletError, unreachable
from bot.wallet.lookups import customer_sources, find_in_wallet, read_card, sources_of
from bot.wallet.records import REFERENCE_ORIGIN, REMOVED, removal_record
from bot.wallet.refs import CardRef, CustomerRef
from bot.wallet.results import Actor, RemovePreview, RemoveResult, WalletEntry
from bot.wallet.writes import Unclear, lease_ended, write_once

AGAIN = "Run the same command again: it looks at the wallet first, and removes nothing twice."
log = structlog.get_logger("wallet")


class RemoveFailed(WalletError):
    """Commerce Layer failed to remove the card, or its answer was lost."""

    code = "remove_failed"


async def preview_remove(cl: CommerceLayer, owner: CustomerRef, card: CardRef) -> RemovePreview:
    """The customer's wallet and the one card `card` names in it, or why there is none."""
    wallet = await customer_sources(cl, owner)
    try:
        entry: WalletEntry | None = await find_in_wallet(cl, wallet.wallet, card, wallet.customer_email)
        blocker = None
    except Refused as refusal:
        entry, blocker = None, refusal
    return RemovePreview(wallet.customer_id, wallet.customer_email, wallet.mode, wallet.wallet, entry, blocker)


@dataclass(frozen=True)
class Owner:
    """Whose wallet: the customer's id, and their email for what is shown."""

    customer_id: str
    email: str | None


async def remove_card(cl: CommerceLayer, owner: Owner, card_id: str, actor: Actor, lease: Lease) -> RemoveResult:
    """Removes saved card `card_id` from `owner`'s wallet; the caller holds the card's lease.

    The card is read first: one already gone (removed meanwhile, a second click) is told so, and no
    DELETE is sent; one of another customer is refused.
    """
    card = await read_card(cl, card_id)
    if card is not None and card.customer_id not in (None, owner.customer_id):
        raise rules.card_of_another_customer(card_id, owner.email)
    already_gone, recorded = True, False
    if card is not None:
        removal = _Removal(cl, card, actor, lease)
        already_gone = await removal.delete()
        recorded = False if already_gone else await removal.record()
    wallet = await sources_of(cl, owner.customer_id, owner.email, await cl.mode())
    entry = WalletEntry.of(card or CustomerPaymentSource(id=card_id))
    return RemoveResult(owner.customer_id, owner.email, wallet.mode, entry, wallet.wallet, already_gone, recorded)


@dataclass(frozen=True)
class _Removal:
    cl: CommerceLayer
    card: CustomerPaymentSource
    actor: Actor
    lease: Lease

    async def delete(self) -> bool:
        """Sends the DELETE, looked up when unanswered; False once it landed."""
        if (ended := await lease_ended(self.lease)) is not None:
            raise RemoveFailed(
                f"Removing saved card {self.card.id} stopped before it was sent: its hold ended ({ended}).",
                next_step=AGAIN,
            )
        try:
            await write_once(lambda: self.cl.delete("customer_payment_sources", self.card.id), self._landed)
        except NotFound:
            # The card was there a moment ago, and no other removal of it runs (the lease): this DELETE
            # landed, and its answer was a repeat's (a connection lost after sending, resent by the transport).
            return False
        except Unclear as unclear:
            raise self._unclear(unclear) from None
        except CommerceLayerError as error:
            raise self._refused(error) from None
        return False

    async def _landed(self) -> bool | None:
        try:
            return await read_card(self.cl, self.card.id) is None
        except WalletError:
            return None

    def _unclear(self, unclear: Unclear) -> RemoveFailed:
        if unclear.looked:
            unchanged: tuple[str, ...] = ("The wallet was read again: the card is still in it.",)
        else:
            unchanged = ("It is not known whether the card left the wallet.",)
        return RemoveFailed(
            f"Commerce Layer did not answer when saved card {self.card.id} was removed ({unclear.error.message}).",
            unchanged=unchanged,
            next_step=AGAIN,
        )

    def _refused(self, error: CommerceLayerError) -> WalletError:
        if error.status == 423:
            return Refused(
                f"Commerce Layer keeps saved card {self.card.id}: something still uses it, such as a "
                f"subscription ({error.message}).",
                next_step="Point what uses it to another card in the Commerce Layer dashboard, then try again.",
            )
        return unreachable(error, f"remove saved card {self.card.id}")

    async def record(self) -> bool:
        """Adds the removal to the record of the Stripe payment the card was saved from, when it is the bot's."""
        source = self.card.source
        if source is None or source.reference_origin != REFERENCE_ORIGIN:
            return False
        metadata = {**source.metadata, REMOVED: removal_record(self.actor, self.card.id)}
        try:
            await self.cl.update("stripe_payments", source.id, {"metadata": metadata})
        except CommerceLayerError as error:
            log.warning("remove.not_recorded", card=self.card.id, error=error.message)
            return False
        return True
