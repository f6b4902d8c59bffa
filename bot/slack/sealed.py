"""Values carried by Confirm buttons: encrypted and stamped, so Slack never sees a full `pm_…` id,
a wallet entry id or a reason.

Fernet gives authenticated encryption with the issue time inside; Slack signs the interaction that
carries the value back, and the stamp lets a Confirm pressed after 15 minutes be refused. Being
stateless, a button still works after a restart or on another process.

A sealed value is a dict of strings with the kind of change it confirms; each surface has its
typed record (PendingSave, PendingUse, PendingRemove), and a value sealed for one kind can't be
opened as another.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import Field, asdict, dataclass, fields
from typing import Any, ClassVar, Protocol, TypeVar, overload

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.wallet.refs import InputError, is_resource_id, parse_payment_method_id

BUTTON_LIFETIME = 15 * 60
KIND = "k"  # the key of the kind in a sealed dict


class SealError(Exception):
    pass


class Expired(SealError):
    pass


class Pending(Protocol):
    """A change waiting for its Confirm: a dataclass of strings, named by KIND."""

    KIND: ClassVar[str]
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @property
    def user_id(self) -> str: ...

    @property
    def team_id(self) -> str: ...

    @property
    def reason(self) -> str: ...


P = TypeVar("P", bound=Pending)


@dataclass(frozen=True)
class PendingSave:
    KIND: ClassVar[str] = "save"
    order: str
    pm_id: str
    user_id: str
    team_id: str
    reason: str = ""


@dataclass(frozen=True)
class PendingUse:
    KIND: ClassVar[str] = "use"
    order: str  # the order's Commerce Layer id
    card: str  # the wallet entry's id
    user_id: str
    team_id: str
    reason: str = ""


@dataclass(frozen=True)
class PendingRemove:
    KIND: ClassVar[str] = "remove"
    customer: str  # the customer's Commerce Layer id
    email: str
    card: str  # the wallet entry's id
    user_id: str
    team_id: str
    reason: str = ""


# Short keys keep a sealed value well under Slack's 2,000 characters for a button's value.
_SHORT = {"order": "o", "pm_id": "p", "user_id": "u", "team_id": "t", "reason": "r", "card": "c", "customer": "m"}
_SHORT["email"] = "e"


# The fields that go into Commerce Layer URLs and bodies: Commerce Layer ids, and the Stripe id.
_CL_IDS = ("order", "card", "customer")


def _check_ids(record: Pending) -> None:
    """The ids a record carries have the shape they had when this app sealed them: even a value this
    app sealed (an older version, a leaked key) never sends Commerce Layer an id it would not send."""
    for name in _CL_IDS:
        value = getattr(record, name, None)
        if value is not None and not is_resource_id(value):
            raise SealError(f"the button's {name} is not a Commerce Layer id")
    pm_id = getattr(record, "pm_id", None)
    if pm_id is not None:
        try:
            parse_payment_method_id(pm_id)
        except InputError:
            raise SealError("the button's card is not a Stripe PaymentMethod id") from None


class Sealer:
    def __init__(self, secret: str, *, lifetime: int = BUTTON_LIFETIME) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"wallet-bot button v1").derive(
            secret.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._lifetime = lifetime

    def seal(self, pending: Pending, *, at: float | None = None) -> str:
        """The button value for `pending`; `at` is the issue time (now by default)."""
        values = {_SHORT[name]: value for name, value in asdict(pending).items()}
        return self.seal_dict({**values, KIND: pending.KIND}, at=at)

    @overload
    def open(self, value: object, *, now: float | None = None) -> PendingSave: ...

    @overload
    def open(self, value: object, kind: type[P], *, now: float | None = None) -> P: ...

    def open(self, value: object, kind: type[Pending] = PendingSave, *, now: float | None = None) -> Pending:
        """The record of kind `kind` sealed in `value`; SealError if it is not one this app sealed."""
        body = self.open_dict(value, now=now)
        # A value sealed before kinds existed is a save's.
        if body.get(KIND, PendingSave.KIND) != kind.KIND:
            raise SealError("the button's value confirms another kind of change")
        named = {field.name: body[_SHORT[field.name]] for field in fields(kind) if _SHORT[field.name] in body}
        try:
            record = kind(**named)
        except TypeError:
            raise SealError("the button's value is incomplete") from None
        _check_ids(record)
        return record

    def seal_dict(self, values: dict[str, str], *, at: float | None = None) -> str:
        issued = int(at if at is not None else time.time())
        return self._fernet.encrypt_at_time(json.dumps(values).encode(), issued).decode()

    def open_dict(self, value: object, *, now: float | None = None) -> dict[str, str]:
        if not isinstance(value, str) or not value:
            raise SealError("the button carries no value")
        try:
            issued = self._fernet.extract_timestamp(value.encode())
            body = json.loads(self._fernet.decrypt(value.encode()))
        except (InvalidToken, ValueError):
            raise SealError("the button's value was not issued by this bot") from None
        if (now if now is not None else time.time()) - issued > self._lifetime:
            raise Expired("the button is more than 15 minutes old")
        if not isinstance(body, dict) or not all(isinstance(item, str) for item in body.values()):
            raise SealError("the button's value is not a sealed record")
        return body
