"""Injected failures: what a flaky network or a failing Commerce Layer does to a client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    STATUS = "status"  # answer `status` with a JSON:API error; nothing applied
    DROP = "drop"  # close the connection without a response; nothing applied
    LOST_RESPONSE = "lost_response"  # apply the change, then close without a response
    TIMEOUT = "timeout"  # hold the request `hold` seconds, then drop it; nothing applied


@dataclass
class Fault:
    method: str | None
    path: re.Pattern[str]
    kind: FaultKind
    status: int = 500
    times: int | None = 1  # None: every matching request
    skip: int = 0
    hold: float = 30.0
    code: str | None = None  # the error code of a STATUS fault, when not the usual one for `status`
    matched: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and self.path.search(path) is not None

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times


class FaultPlan:
    """Faults in the order they were injected; the first one due for a request fires."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        due: Fault | None = None
        for fault in self._faults:
            if not fault.matches(method, path):
                continue
            fault.matched += 1  # every matching request counts toward `skip`
            if due is None and fault.matched > fault.skip and not fault.exhausted:
                fault.fired += 1
                due = fault
        self._faults = [f for f in self._faults if not f.exhausted]
        return due

    def __len__(self) -> int:
        return len(self._faults)
