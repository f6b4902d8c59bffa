"""What went wrong, told so that an operator can act on it.

Every failure of a wallet operation is a `WalletError` with four parts, shown in this order:
`what` happened, what `changed`, what stayed `unchanged`, and the `next_step`. `code` names the
kind for logs and the audit trail.

    WalletError (code "failed")
    ├── Refused (code "refused")         the order, customer or card can't be used as it is; nothing was changed
    ├── SaveFailed (code "save_failed")  Commerce Layer failed or could not be reached; `changed` says
    │                                    how far a save got, and running it again finishes it
    ├── UseFailed (use.py)               a use stopped or got no clear answer; running it again looks first
    └── RemoveFailed (remove.py)         a removal got no clear answer; running it again looks first

Below the tree: the translation of the Commerce Layer client's errors into these.
"""

from __future__ import annotations

from bot.commercelayer import (
    AuthenticationFailed,
    CommerceLayerError,
    PermissionDenied,
    RateLimited,
    Unavailable,
)

NOTHING_CHANGED = ("Nothing was changed in Commerce Layer.",)


class WalletError(Exception):
    """A failure the operator can act on: what happened, what changed, what did not, what to do."""

    code = "failed"

    def __init__(
        self,
        what: str,
        *,
        next_step: str,
        changed: tuple[str, ...] = (),
        unchanged: tuple[str, ...] = NOTHING_CHANGED,
    ) -> None:
        super().__init__(what)
        self.what = what
        self.next_step = next_step
        self.changed = changed
        self.unchanged = unchanged

    @property
    def message(self) -> str:
        return " ".join([self.what, *self.changed, *self.unchanged, self.next_step])


class Refused(WalletError):
    """The order can't take a wallet save as it is (cancelled, guest, another gateway…)."""

    code = "refused"


class SaveFailed(WalletError):
    """Commerce Layer failed part-way; `changed` says how far the save got."""

    code = "save_failed"


def failure_reason(error: CommerceLayerError) -> str:
    """Commerce Layer's failure in a few words, for the end of a sentence."""
    if isinstance(error, Unavailable | RateLimited):
        return "Commerce Layer did not answer in time"
    return error.message


def unreachable(error: CommerceLayerError, doing: str) -> WalletError:
    """A failure to `doing` ("read order #1001") that input can't fix: credentials, role, outage."""
    if isinstance(error, AuthenticationFailed):
        return SaveFailed(
            "Commerce Layer refused the bot's credentials.",
            next_step="Ask whoever runs the bot to check CL_CLIENT_ID, CL_CLIENT_SECRET and CL_SCOPE.",
        )
    if isinstance(error, PermissionDenied):
        return SaveFailed(
            f"The bot's Commerce Layer integration is not allowed to {doing}.",
            next_step="Ask an admin to give the integration a role that can read orders and payment sources.",
        )
    if isinstance(error, Unavailable | RateLimited):
        return SaveFailed(
            f"Commerce Layer did not answer when the bot tried to {doing} ({error.message}).",
            next_step="Try again in a minute.",
        )
    return SaveFailed(
        f"Commerce Layer refused to {doing}: {error.message}.", next_step="Check the input and try again."
    )


def create_refused(error: CommerceLayerError, order_label: str) -> WalletError:
    """The Stripe payment source of order `order_label` ("#1001") was not created: why, and what to do."""
    if isinstance(error, Unavailable | RateLimited | PermissionDenied | AuthenticationFailed):
        return unreachable(error, f"create the Stripe payment source for order {order_label}")
    detail = error.message
    if "previously used" in detail.lower():
        detail = "Stripe says this PaymentMethod was already used without being attached to a customer"
        return Refused(
            f"The card can't be saved: {detail}.",
            next_step="Ask the customer to enter the card again, then use the new pm_… id.",
        )
    return Refused(
        f"Commerce Layer refused to create the Stripe payment source for order {order_label}: {detail}.",
        next_step="Fix what it names in Commerce Layer, then run the same command again.",
    )


def state_unavailable() -> SaveFailed:
    return SaveFailed(
        "Wallet bot's shared state (Redis) can't be reached, so it can't make sure this change runs only once.",
        next_step="Try again in a minute; if it keeps failing, ask whoever runs the bot to check REDIS_URL.",
    )


def busy(subject: str, why: str) -> SaveFailed:
    """Another change of `subject` ("order #1001") holds it for longer than this one waits."""
    return SaveFailed(
        f"Another change of {subject} is still running ({why}).",
        next_step=f"Try again in a minute: the other change finishes, or gives {subject} up, by then.",
    )
