"""Faults on each Commerce Layer request of a save, through the whole app.

After each fault, either the save completes by itself, or the user's final message names what was
and was not changed, and running the same save again completes it. Never two Stripe payment
sources for one order, never a card twice in a wallet, never a user left without a final word.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.commercelayer import RetryPolicy
from bot.sandbox import DEMO, FaultKind, Sandbox
from tests.reliability.conftest import MakeRig
from tests.reliability.figures import FIGURES, Tally
from tests.support.harness import Harness
from tests.support.reading import button, texts

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"
ORDER = DEMO.happy
GROUP = "Faults"
# Production's policy with short waits, and a request timeout short enough for a held request.
FAULT_RETRY = RetryPolicy(
    attempts=4,
    total_timeout=10.0,
    wait_initial=0.01,
    wait_max=0.05,
    wait_jitter=0.01,
    request_timeout=0.5,
    rate_limit_patience=2.0,
)
HOLD = 1.0  # how long the sandbox sits on a "timeout" request: longer than request_timeout

REQUESTS: dict[str, tuple[str, str]] = {
    "token": ("POST", r"^/oauth/token$"),
    "read": ("GET", r"^/api/orders"),
    "create": ("POST", r"^/api/stripe_payments$"),
    "wallet save": ("PATCH", r"^/api/orders/"),
}
FAULTS: dict[str, dict[str, Any]] = {
    "burst of 429s": {"kind": FaultKind.STATUS, "status": 429, "burst": 3},
    "500": {"kind": FaultKind.STATUS, "status": 500},
    "503": {"kind": FaultKind.STATUS, "status": 503},
    "timeout": {"kind": FaultKind.TIMEOUT, "hold": HOLD},
    "dropped connection": {"kind": FaultKind.DROP},
    "response lost after applied": {"kind": FaultKind.LOST_RESPONSE},
}
SURFACES = ("confirm button", "modal")
DURATIONS = ("transient", "lasting")

for _name in (
    "Stripe payment sources created twice",
    "wallet entries duplicated",
    "users left without a final message",
    "final messages that misstate what changed",
    "saves not completed after one re-run",
):
    FIGURES.zero(GROUP, _name)


@dataclass(frozen=True)
class Case:
    request: str
    fault: str
    surface: str
    duration: str

    @property
    def label(self) -> str:
        return f"{self.fault} on {self.request}"

    def __str__(self) -> str:
        return f"{self.label if self.request else self.fault}, {self.duration}, {self.surface}"


ALL_CASES = [Case(*combo) for combo in itertools.product(REQUESTS, FAULTS, SURFACES, DURATIONS)]
# The fast part (in `make test`): each fault twice, on different requests, in both surfaces, once
# transient and once lasting; the rest runs in `make reliability`.
FAST_CASES = [
    Case("read", "burst of 429s", "confirm button", "transient"),
    Case("create", "burst of 429s", "modal", "transient"),
    Case("token", "500", "confirm button", "lasting"),
    Case("create", "500", "modal", "transient"),
    Case("read", "503", "modal", "lasting"),
    Case("wallet save", "503", "confirm button", "transient"),
    Case("create", "timeout", "confirm button", "lasting"),
    Case("token", "timeout", "modal", "transient"),
    Case("wallet save", "dropped connection", "confirm button", "lasting"),
    Case("read", "dropped connection", "modal", "transient"),
    Case("create", "response lost after applied", "confirm button", "transient"),
    Case("wallet save", "response lost after applied", "modal", "lasting"),
]
SLOW_CASES = [case for case in ALL_CASES if case not in FAST_CASES]
for _case in ALL_CASES:  # the report lists the rows in this order, whichever part ran them first
    FIGURES.tables[GROUP].setdefault(f"{_case.label} ({_case.duration})", Tally())


@dataclass
class Final:
    """The last thing the user saw about the save."""

    text: str
    saved: bool  # a success: the card is in the wallet


async def start(rig: Harness, surface: str) -> Any:
    """Everything up to the moment the user submits: preview shown, nothing changed yet."""
    if surface == "confirm button":
        reply = await rig.command(f"save {ORDER.number} {PM}")
        await rig.settle()
        return reply, button(rig.last_message().blocks, "wallet_confirm")["value"]
    reply = await rig.command(f"save {ORDER.number}")
    await rig.settle()
    return reply, rig.open_view()


async def submit(rig: Harness, surface: str, started: Any) -> Final | None:
    reply, handle = started
    before = len(rig.standin.messages)
    if surface == "confirm button":
        pressed = await rig.press("wallet_confirm", handle, response_url=reply.response_url)
        assert pressed.status == 200
        await rig.settle()
        mine = [m for m in rig.standin.messages[before:] if not m.text.startswith(":hourglass")]
        if not mine:
            return None
        last = mine[-1]
        shown = last.text + texts(last.blocks)
        return Final(shown, "Card saved to the wallet" in shown or "already in the wallet" in shown)
    answer = await rig.submit(handle, {"card": {"pm": PM}})
    assert answer.status == 200
    await rig.settle()
    view = rig.open_view()
    shown = texts(view["blocks"])
    posted = rig.standin.messages[before:]
    if "Saving card" in shown or not posted:  # the modal still waits, or the channel never heard
        return None
    shown += posted[-1].text
    return Final(shown, "Card saved to the wallet" in shown or "already in the wallet" in shown)


def misstatements(final: Final, rig: Harness) -> list[str]:
    """What the final message claims about Commerce Layer that the sandbox says is untrue."""
    payments = rig.sandbox.stripe_payments_for(ORDER.id)
    in_wallet = any(c.payment_source_token == PM for c in rig.sandbox.wallet(ORDER.customer_id or ""))
    wrong = []
    if final.saved and not in_wallet:
        wrong.append("says saved, but the card is not in the wallet")
    if "Nothing was changed" in final.text and (payments or in_wallet):
        wrong.append("says nothing was changed, but Commerce Layer changed")
    if "not in the customer's wallet yet" in final.text and in_wallet:
        wrong.append("says the card is not in the wallet, but it is")
    if "The order's Stripe payment source was created" in final.text and not payments:
        wrong.append("says a payment source was created, but none was")
    return wrong


def told(final: Final) -> bool:
    """A failure message that names what was and was not changed, and what to do."""
    return ("*Changed:*" in final.text or "*Not changed:*" in final.text) and "*Next:*" in final.text


def count_fired(rig: Harness) -> list[FaultKind]:
    """The faults that fired, as the sandbox picks them (a held request is recorded only later)."""
    fired: list[FaultKind] = []
    take = rig.sandbox.faults.take

    def taking(method: str, path: str) -> Any:
        fault = take(method, path)
        if fault is not None:
            fired.append(fault.kind)
        return fault

    rig.sandbox.faults.take = taking  # type: ignore[method-assign]
    return fired


def inject(case: Case, sandbox: Sandbox) -> None:
    method, path = REQUESTS[case.request]
    spec = FAULTS[case.fault]
    if case.request == "token":
        sandbox.expire_tokens()  # the save itself must fetch a token: that fetch meets the fault
    times = None if case.duration == "lasting" else spec.get("burst", 1)
    sandbox.inject_fault(
        method, path, spec["kind"], status=spec.get("status", 500), times=times, hold=spec.get("hold", 30.0)
    )


# Two faults in one save, each on a path that the single faults do not reach: the second create
# after an unclear first one, and the read-back after an unanswered wallet save.
COMPOUND: dict[str, Callable[[Sandbox], None]] = {
    "500, then response lost after applied, on create": lambda sandbox: (
        sandbox.inject_fault("POST", REQUESTS["create"][1], FaultKind.STATUS, status=500),
        sandbox.inject_fault("POST", REQUESTS["create"][1], FaultKind.LOST_RESPONSE),
    )[-1],
    "timeout on create, then dropped connection on its read-back": lambda sandbox: (
        sandbox.inject_fault("POST", REQUESTS["create"][1], FaultKind.TIMEOUT, hold=HOLD),
        sandbox.inject_fault("GET", REQUESTS["read"][1], FaultKind.DROP, skip=1, times=None),
    )[-1],
    "response lost on wallet save (lasting), then dropped connection on its read-back": lambda sandbox: (
        sandbox.inject_fault("PATCH", REQUESTS["wallet save"][1], FaultKind.LOST_RESPONSE, times=None),
        sandbox.inject_fault("GET", REQUESTS["read"][1], FaultKind.DROP, skip=1, times=None),
    )[-1],
    "503 on wallet save (lasting), then 500 on its read-back": lambda sandbox: (
        sandbox.inject_fault("PATCH", REQUESTS["wallet save"][1], FaultKind.STATUS, status=503, times=None),
        sandbox.inject_fault("GET", REQUESTS["read"][1], FaultKind.STATUS, status=500, skip=1, times=None),
    )[-1],
}


async def run_case(make_rig: MakeRig, case: Case, injector: Callable[[Sandbox], None] | None = None) -> None:
    rig = await make_rig(retry=FAULT_RETRY)
    started = await start(rig, case.surface)
    rig.sandbox.reset_requests()
    fired = count_fired(rig)
    if injector is None:
        inject(case, rig.sandbox)
    else:
        injector(rig.sandbox)
    problems: list[str] = []
    final = await submit(rig, case.surface, started)
    rerun = False
    if final is None:
        FIGURES.zero(GROUP, "users left without a final message", 1)
        problems.append("no final message")
    else:
        wrong = misstatements(final, rig)
        if wrong:
            FIGURES.zero(GROUP, "final messages that misstate what changed", 1)
            problems += wrong
        if not final.saved:
            if not told(final):
                FIGURES.zero(GROUP, "users left without a final message", 1)
                problems.append(f"the failure does not say what changed: {final.text[:200]}")
            rig.sandbox.clear_faults()
            rerun = True
            again = await submit(rig, case.surface, await start(rig, case.surface))
            if again is None or not again.saved:
                FIGURES.zero(GROUP, "saves not completed after one re-run", 1)
                problems.append(f"the re-run did not complete: {again.text[:200] if again else 'no message'}")
    if len(rig.sandbox.stripe_payments_for(ORDER.id)) > 1:
        FIGURES.zero(GROUP, "Stripe payment sources created twice", 1)
        problems.append("two Stripe payment sources")
    tokens = [c.payment_source_token for c in rig.sandbox.wallet(ORDER.customer_id or "")]
    if len(tokens) != len(set(tokens)):
        FIGURES.zero(GROUP, "wallet entries duplicated", 1)
        problems.append("a card twice in the wallet")
    if tokens.count(PM) != 1:
        problems.append(f"the card is in the wallet {tokens.count(PM)} times at the end")
    FIGURES.value(GROUP, "faults injected", str(_bump("faults", len(fired))))
    FIGURES.value(GROUP, "saves completed by themselves", str(_bump("by themselves", int(not rerun and not problems))))
    FIGURES.value(GROUP, "saves completed after one re-run", str(_bump("after re-run", int(rerun and not problems))))
    row = f"{case.label} ({case.duration})" if injector is None else case.fault
    FIGURES.case(GROUP, row, failed=bool(problems), note=f"{case}: {'; '.join(problems)}")
    assert not problems, f"{case}: {problems}"
    assert fired, f"{case}: the fault never fired"


_counts: dict[str, int] = {}


def _bump(name: str, by: int) -> int:
    _counts[name] = _counts.get(name, 0) + by
    return _counts[name]


@pytest.mark.parametrize("case", FAST_CASES, ids=str)
async def test_a_fault_on_one_request_of_a_save(make_rig: MakeRig, case: Case) -> None:
    await run_case(make_rig, case)


@pytest.mark.reliability
@pytest.mark.parametrize("case", SLOW_CASES, ids=str)
async def test_every_fault_on_every_request_in_every_surface(make_rig: MakeRig, case: Case) -> None:
    await run_case(make_rig, case)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("label", COMPOUND)
async def test_two_faults_in_one_save(make_rig: MakeRig, label: str, surface: str) -> None:
    await run_case(make_rig, Case("", label, surface, "compound"), COMPOUND[label])
