"""A pasted card id is never echoed in full, wherever in a command it lands.

The suite-wide secrets check (tests/reliability/conftest.py) scans every rig's logs, Slack calls
and acknowledgements; this test puts a full pm_… id in each position of each sub-command, where
random fuzzing reaches it only rarely.
"""

from __future__ import annotations

import pytest

from tests.reliability.conftest import MakeRig
from tests.reliability.figures import FIGURES

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"
TEXTS = [
    PM,
    f"{PM} 1001",
    f"help {PM}",
    f"help me {PM}",
    f"save {PM}",
    f"save 1001 {PM}/x",
    f"save 1001 {PM} extra",
    f"sources {PM}",
    f"sources 1001 {PM}",
]


@pytest.mark.parametrize("text", TEXTS)
async def test_a_pasted_card_id_is_never_echoed_in_full(make_rig: MakeRig, text: str) -> None:
    rig = await make_rig()
    reply = await rig.command(text)
    await rig.settle()
    shown = [reply.body, *(call.body for call in rig.standin.calls)]
    echoed = any(PM.lower() in body.lower() for body in shown)
    FIGURES.case("Secrets", "pasted pm_ id in each position of a command", failed=echoed, note=text)
    assert not echoed
