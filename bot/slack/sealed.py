"""Values carried by Confirm buttons: encrypted and stamped, so Slack never sees a full `pm_…` id.

Fernet gives authenticated encryption with the issue time inside; Slack signs the interaction that
carries the value back, and the stamp lets a Confirm pressed after 15 minutes be refused. Being
stateless, a button still works after a restart or on another process.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

BUTTON_LIFETIME = 15 * 60


class SealError(Exception):
    pass


class Expired(SealError):
    pass


@dataclass(frozen=True)
class PendingSave:
    order: str
    pm_id: str
    user_id: str
    team_id: str


class Sealer:
    def __init__(self, secret: str, *, lifetime: int = BUTTON_LIFETIME) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"wallet-bot button v1").derive(
            secret.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._lifetime = lifetime

    def seal(self, pending: PendingSave, *, at: float | None = None) -> str:
        """The button value; `at` is the issue time (now by default)."""
        body = json.dumps({"o": pending.order, "p": pending.pm_id, "u": pending.user_id, "t": pending.team_id})
        issued = int(at if at is not None else time.time())
        return self._fernet.encrypt_at_time(body.encode(), issued).decode()

    def open(self, value: object, *, now: float | None = None) -> PendingSave:
        if not isinstance(value, str) or not value:
            raise SealError("the button carries no value")
        try:
            issued = self._fernet.extract_timestamp(value.encode())
            body = json.loads(self._fernet.decrypt(value.encode()))
        except (InvalidToken, ValueError):
            raise SealError("the button's value was not issued by this bot") from None
        if (now if now is not None else time.time()) - issued > self._lifetime:
            raise Expired("the button is more than 15 minutes old")
        try:
            return PendingSave(order=body["o"], pm_id=body["p"], user_id=body["u"], team_id=body["t"])
        except (KeyError, TypeError):
            raise SealError("the button's value is incomplete") from None
