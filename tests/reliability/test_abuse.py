"""Abuse: fuzzed commands and interaction payloads, forged signatures, and users outside the lists.

Never a 5xx, never an unescaped value in a Commerce Layer URL, never a Commerce Layer request for
a malformed id; a bad signature is a 401 with no side effect; nobody outside the allow-lists
changes a wallet, whichever surface they use and whoever opened it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sandbox import DEMO
from bot.slack.sealed import PendingSave, Sealer
from bot.standin.payloads import FORM, button_press, global_shortcut, interaction, slash_command, view_submission
from tests.reliability.abuse import request_problems
from tests.reliability.conftest import MakeRig
from tests.reliability.figures import FIGURES
from tests.support.harness import CHANNEL, SIGNING_SECRET, TEAM, USER, Harness
from tests.support.reading import button

GROUP = "Abuse"
FAST_EXAMPLES = 25
SLOW_EXAMPLES = 300
PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"

for _name in ("5xx answers", "unescaped values in a Commerce Layer URL", "Commerce Layer requests for a malformed id"):
    FIGURES.zero(GROUP, _name)

# ---- strategies ------------------------------------------------------------------------------

NASTY = [
    "save",
    "sources",
    "help",
    "SAVE",
    "Save",
    "../",
    "..%2F",
    "%2F",
    "?",
    "#",
    "&",
    "=",
    "%",
    "%00",
    "\\",
    "1001",
    "#1001",
    "##1001",
    "1001?include=customer",
    "1001#x",
    "1001/../1002",
    "ordPlaced1",
    "ordPlaced1/..",
    "ordPlaced1%2F..",
    "ord?laced1",
    "ordPlaced1#x",
    "ordPlaced1&filter[q]=1",
    "pm_card_visa",
    PM,
    "pm_../x",
    "pm_%2F",
    "pm_a?b",
    "pm_x#y",
    "pm_",
    "pm_\u00e9t\u00e9",
    "alice@example.com",
    "a@b.c/../x",
    "a@b.c?x",
    "ALICE@EXAMPLE.COM",
    "@",
    "x@y",
    '{"order":"ordPlaced1"}',
    "<@U0ALLOWED>",
    "<!channel>",
    "`ls`",
    "$(id)",
    "\u202e1001",
    "\x00",
    "\t",
    "9" * 25,
    "\u0661\u0660\u0660\u0661",  # Arabic-Indic digits: "1001" to str.isdigit, not to the regex
]
words = st.sampled_from(NASTY) | st.text(max_size=20)
command_texts = (
    st.lists(words, max_size=5).map(" ".join)
    | st.text(max_size=200)
    | st.builds(lambda word, n: " ".join([word] * n), words, st.integers(50, 600))  # very long text
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from(NASTY)
    | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NASTY) | st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
strings = st.sampled_from(NASTY) | st.text(max_size=30) | json_values.map(json.dumps)
# private_metadata as the modal carries it, or anything else; response_url never points outside
# loopback (port 9 refuses at once).
meta_values = (
    st.fixed_dictionaries(
        {},
        optional={
            "order": strings | json_values,
            "channel": strings | json_values,
            "response_url": st.sampled_from(["", "not a url", "../../x", "http://127.0.0.1:9/x", "ftp://x"])
            | json_values,
        },
    ).map(json.dumps)
    | strings
    | json_values
)


# ---- helpers ---------------------------------------------------------------------------------


async def checked(rig: Harness, row: str, send: Callable[[], Awaitable[int]]) -> None:
    """Sends one abusive request and records whether it broke a rule."""
    before = len(rig.sandbox.requests)
    status = await send()
    await rig.settle()
    problems = request_problems(rig.sandbox.requests[before:])
    if status >= 500:
        FIGURES.zero(GROUP, "5xx answers", 1)
        problems.append(f"HTTP {status}")
    FIGURES.zero(GROUP, "unescaped values in a Commerce Layer URL", sum("escaped" in p for p in problems))
    FIGURES.zero(GROUP, "Commerce Layer requests for a malformed id", sum("malformed" in p for p in problems))
    FIGURES.case(GROUP, row, failed=bool(problems), note="; ".join(problems)[:200])
    assert not problems


def mutate(payload: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """Drops some fields and gives others a wrong type or a nasty value."""
    result = dict(payload)
    for key in list(result):
        choice = data.draw(st.sampled_from(["keep", "keep", "keep", "drop", "junk"]))
        if choice == "drop":
            del result[key]
        elif choice == "junk":
            result[key] = data.draw(json_values)
    return result


# Not a trigger the stand-in handed out: a fuzzed request never opens a modal.
FUZZ_TRIGGER = "1.2.3"


def fuzzed_press(rig: Harness, data: st.DataObject) -> dict[str, Any]:
    """A button press as Slack sends it, with its action fuzzed: any action id, and a value the app
    sealed (with any order and card inside) or anything at all."""
    sealer = Sealer(SIGNING_SECRET)
    sealed = st.builds(
        lambda order, pm, user: sealer.seal(PendingSave(order, pm, user, TEAM)),
        strings,
        st.sampled_from([PM, "pm_card_visa", "pm_../x"]) | strings,
        st.sampled_from([USER, "U0OTHER"]),
    )
    response_url = rig.standin.new_response_url(CHANNEL, user_id=USER)
    payload = button_press(rig.who(), "wallet_confirm", "", trigger_id=FUZZ_TRIGGER, response_url=response_url)
    action = payload["actions"][0] | {
        "action_id": data.draw(st.sampled_from(["wallet_confirm", "wallet_cancel", "wallet_open_form"]) | strings),
        "value": data.draw(sealed | strings | json_values),
    }
    payload["actions"] = data.draw(st.sampled_from([[action], [], [action, action]]) | json_values)
    return payload


def fuzzed_submission(rig: Harness, data: st.DataObject) -> dict[str, Any]:
    """A modal submission as Slack sends it, with any callback id, private_metadata and input values."""
    view = {
        "id": "V0FUZZ",
        "type": "modal",
        "callback_id": data.draw(st.sampled_from(["wallet_order_form", "wallet_save_form"]) | strings),
        "private_metadata": data.draw(meta_values),
    }
    payload = view_submission(rig.who(), view, {}, trigger_id=FUZZ_TRIGGER)
    # Built by hand: an input's value may be anything here, not only the text a user types.
    values = {
        "card": {"pm": {"type": "plain_text_input", "value": data.draw(strings | json_values)}},
        "order": {"ref": {"type": "plain_text_input", "value": data.draw(strings | json_values)}},
    }
    payload["view"]["state"] = data.draw(st.just({"values": values}) | json_values)
    return payload


async def fuzz_interaction(rig: Harness, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["block_actions", "view_submission", "shortcut"]))
    if kind == "block_actions":
        payload = fuzzed_press(rig, data)
    elif kind == "view_submission":
        payload = fuzzed_submission(rig, data)
    else:
        callback_id = data.draw(st.sampled_from(["wallet_save"]) | strings)
        payload = global_shortcut(rig.who(), callback_id, trigger_id=FUZZ_TRIGGER)
    payload = mutate(payload, data) if data.draw(st.booleans()) else payload

    async def send() -> int:
        return (await rig.interact(payload)).status

    await checked(rig, f"interaction payloads ({kind}, fuzzed)", send)


# ---- fuzzing ---------------------------------------------------------------------------------

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
async def rig(make_rig: MakeRig) -> Harness:
    return await make_rig()


async def _fuzz_command(rig: Harness, text: str) -> None:
    async def send() -> int:
        return (await rig.command(text)).status

    await checked(rig, "command text (fuzzed)", send)


@settings(FUZZ, max_examples=FAST_EXAMPLES)
@given(text=command_texts)
async def test_fuzzed_command_text(rig: Harness, text: str) -> None:
    await _fuzz_command(rig, text)


@pytest.mark.reliability
@settings(FUZZ, max_examples=SLOW_EXAMPLES)
@given(text=command_texts)
async def test_fuzzed_command_text_at_length(rig: Harness, text: str) -> None:
    await _fuzz_command(rig, text)


@settings(FUZZ, max_examples=FAST_EXAMPLES)
@given(data=st.data())
async def test_fuzzed_interaction_payloads(rig: Harness, data: st.DataObject) -> None:
    await fuzz_interaction(rig, data)


@pytest.mark.reliability
@settings(FUZZ, max_examples=SLOW_EXAMPLES)
@given(data=st.data())
async def test_fuzzed_interaction_payloads_at_length(rig: Harness, data: st.DataObject) -> None:
    await fuzz_interaction(rig, data)


# ---- signatures ------------------------------------------------------------------------------


def bodies(rig: Harness) -> dict[str, str]:
    """One request body per surface, as Slack would send it."""
    who, standin = rig.who(), rig.standin
    sealed = Sealer(SIGNING_SECRET).seal(PendingSave(DEMO.happy.id, PM, USER, TEAM))
    form = {
        "id": "V0SIGNED",
        "type": "modal",
        "callback_id": "wallet_save_form",
        "private_metadata": json.dumps({"order": DEMO.happy.id, "channel": CHANNEL}),
    }
    command = slash_command(
        who,
        f"save 1001 {PM}",
        response_url=standin.new_response_url(CHANNEL, user_id=USER),
        trigger_id=standin.new_trigger_id(),
    )
    press = button_press(
        who,
        "wallet_confirm",
        sealed,
        trigger_id=standin.new_trigger_id(),
        response_url=standin.new_response_url(CHANNEL, user_id=USER),
    )
    return {
        "command": command,
        "Confirm button": interaction(press),
        "modal submission": interaction(
            view_submission(who, form, {"card": {"pm": PM}}, trigger_id=standin.new_trigger_id())
        ),
        "shortcut": interaction(global_shortcut(who, "wallet_save", trigger_id=standin.new_trigger_id())),
    }


FORGERIES: dict[str, Callable[[Harness, str], dict[str, str]]] = {
    "missing": lambda rig, body: {},
    "timestamp without signature": lambda rig, body: {"X-Slack-Request-Timestamp": str(int(time.time()))},
    "wrong secret": lambda rig, body: rig.signed(body, secret="not-the-signing-secret"),
    "stale (6 minutes old)": lambda rig, body: rig.signed(body, timestamp=int(time.time()) - 6 * 60),
    "replayed with a new timestamp": lambda rig, body: {
        **rig.signed(body, timestamp=int(time.time()) - 10 * 60),
        "X-Slack-Request-Timestamp": str(int(time.time())),
    },
    "signed for another body": lambda rig, body: rig.signed(body + "&x=1"),
    "malformed signature header": lambda rig, body: {**rig.signed(body), "X-Slack-Signature": "v0=zz"},
}


async def test_bad_signatures_are_refused_without_side_effect(rig: Harness) -> None:
    FIGURES.zero(GROUP, "bad signatures not refused with 401", 0)
    FIGURES.zero(GROUP, "side effects of a request with a bad signature", 0)
    for surface, body in bodies(rig).items():
        for forgery, headers_of in FORGERIES.items():
            calls, requests = len(rig.standin.calls), len(rig.sandbox.requests)
            reply = await rig.post(body, FORM, headers_of(rig, body))
            await rig.settle()
            effects = len(rig.standin.calls) - calls + len(rig.sandbox.requests) - requests
            FIGURES.zero(GROUP, "bad signatures not refused with 401", int(reply.status != 401))
            FIGURES.zero(GROUP, "side effects of a request with a bad signature", effects)
            FIGURES.case(GROUP, f"signature {forgery}", failed=reply.status != 401 or effects > 0, note=surface)
            assert (surface, forgery, reply.status, effects) == (surface, forgery, 401, 0)


# ---- access ----------------------------------------------------------------------------------

OUTSIDER = "U0OUTSIDE"
OTHER_CHANNEL = "C0ELSEWHERE"
ACCESS = {
    "WALLET_ALLOWED_USERS": (USER,),
    "WALLET_ALLOWED_USERGROUPS": ("S0WALLET",),
    "WALLET_ALLOWED_CHANNELS": ("C0OPS",),
}


async def test_nobody_outside_the_allow_lists_changes_a_wallet(make_rig: MakeRig) -> None:
    rig = await make_rig(usergroups={"S0WALLET": ["U0GROUPED"]}, **ACCESS)
    FIGURES.zero(GROUP, "changes by a user outside the allow-lists", 0)

    def writes() -> int:
        return sum(1 for r in rig.sandbox.requests if r.method in ("POST", "PATCH") and r.path.startswith("/api/"))

    async def case(row: str, act: Callable[[], Awaitable[str]]) -> None:
        before = writes()
        shown = await act()
        await rig.settle()
        changed = writes() - before
        refused = "allow-list" in shown or "Only the person who asked" in shown
        FIGURES.zero(GROUP, "changes by a user outside the allow-lists", changed)
        FIGURES.case(GROUP, f"access: {row}", failed=changed > 0 or not refused, note=shown[:160])
        assert (row, changed, refused) == (row, 0, True), shown

    def last_text() -> str:
        message = rig.last_message()
        return str(message.text) + json.dumps(message.blocks)

    def view_text() -> str:
        return json.dumps(rig.open_view())

    async def outsider_command_with_card() -> str:
        await rig.command(f"save 1001 {PM}", user=OUTSIDER, channel=OTHER_CHANNEL)
        await rig.settle()
        return last_text()

    async def outsider_command_modal() -> str:
        await rig.command("save 1001", user=OUTSIDER, channel=OTHER_CHANNEL)
        await rig.settle()
        return view_text()

    async def outsider_sources() -> str:
        await rig.command("sources 1001", user=OUTSIDER, channel=OTHER_CHANNEL)
        await rig.settle()
        return last_text()

    async def allowed_preview() -> tuple[str, str]:
        reply = await rig.command(f"save 1001 {PM}")
        await rig.settle()
        return button(rig.last_message().blocks, "wallet_confirm")["value"], reply.response_url or ""

    async def outsider_presses_an_allowed_users_confirm() -> str:
        value, url = await allowed_preview()
        await rig.press("wallet_confirm", value, response_url=url, user=OUTSIDER, channel=OTHER_CHANNEL)
        await rig.settle()
        return last_text()

    async def outsider_presses_a_confirm_sealed_for_them() -> str:
        value = Sealer(SIGNING_SECRET).seal(PendingSave(DEMO.happy.id, PM, OUTSIDER, TEAM))
        url = rig.standin.new_response_url(OTHER_CHANNEL, user_id=OUTSIDER)
        await rig.press("wallet_confirm", value, response_url=url, user=OUTSIDER, channel=OTHER_CHANNEL)
        await rig.settle()
        return last_text()

    async def outsider_submits_an_allowed_users_save_form() -> str:
        await rig.command("save 1001")
        await rig.settle()
        form = rig.open_view()
        await rig.submit(form, {"card": {"pm": PM}}, user=OUTSIDER)
        await rig.settle()
        return view_text()

    async def outsider_submits_an_allowed_users_order_form() -> str:
        await rig.shortcut()
        await rig.settle()
        form = rig.open_view()
        await rig.submit(form, {"order": {"ref": "1001"}}, user=OUTSIDER)
        await rig.settle()
        return view_text()

    async def outsider_uses_the_shortcut_then_saves() -> str:
        await rig.shortcut(user=OUTSIDER)
        await rig.settle()
        await rig.submit(rig.open_view(), {"order": {"ref": "1001"}}, user=OUTSIDER)
        await rig.settle()
        return view_text()

    async def outsider_forges_a_save_form() -> str:
        # A save form as the app would have built it for this order, submitted by the outsider.
        forged = {
            "id": "V0FORGED",
            "callback_id": "wallet_save_form",
            "private_metadata": json.dumps({"order": DEMO.happy.id, "channel": OTHER_CHANNEL}),
        }
        await rig.submit(forged, {"card": {"pm": PM}}, user=OUTSIDER)
        await rig.settle()
        return json.dumps([c.args for c in rig.standin.calls_to("views.update")][-1:])

    await case("command with a card (Confirm preview)", outsider_command_with_card)
    await case("command opening the save modal", outsider_command_modal)
    await case("sources command", outsider_sources)
    await case("Confirm button of an allowed user's preview", outsider_presses_an_allowed_users_confirm)
    await case("Confirm button sealed for the outsider", outsider_presses_a_confirm_sealed_for_them)
    await case(
        "save modal opened by an allowed user, submitted by the outsider", outsider_submits_an_allowed_users_save_form
    )
    await case(
        "order modal opened by an allowed user (shortcut), submitted by the outsider",
        outsider_submits_an_allowed_users_order_form,
    )
    await case("shortcut, then the order modal", outsider_uses_the_shortcut_then_saves)
    await case("save form forged in the outsider's name", outsider_forges_a_save_form)
