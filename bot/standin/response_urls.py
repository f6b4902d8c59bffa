"""Posts to a response_url: Slack's rules (5 posts within 30 minutes) and what each post does to the messages."""

from __future__ import annotations

from bot.standin.blockkit import checked_message
from bot.standin.errors import SlackApiFailure
from bot.standin.payloads import JSON
from bot.standin.workspace import Outcome, PostedMessage, ResponseUrlEntry, SlackStandIn

RESPONSE_URL_TTL_SECONDS = 30 * 60.0
RESPONSE_URL_MAX_USES = 5


def post_to_response_url(standin: SlackStandIn, key: str, args: JSON, outcome: Outcome) -> tuple[int, str]:
    """Slack's HTTP status and plain-text answer to one post."""
    entry = standin.response_url_entry(key)
    if entry is None:
        return 404, "no_such_url"
    if standin.clock() - entry.created > RESPONSE_URL_TTL_SECONDS:
        return 404, "expired_url"
    if entry.uses >= RESPONSE_URL_MAX_USES:
        return 404, "used_url"
    if args.get("delete_original"):
        entry.uses += 1
        outcome.message = _delete_original(standin, entry)
        return 200, "ok"
    try:
        text, blocks = checked_message(args)
    except SlackApiFailure as failure:
        return 400, failure.error
    entry.uses += 1
    outcome.message = _post(standin, entry, args, text, blocks)
    return 200, "ok"


def _post(standin: SlackStandIn, entry: ResponseUrlEntry, args: JSON, text: str, blocks: list[JSON]) -> PostedMessage:
    original = standin.current_message(entry.channel, entry.target_ts or "")
    if args.get("replace_original") and original is not None:
        # A replaced message keeps its place and its visibility, whatever response_type says.
        return standin.add_message(
            original.channel, text, blocks, "response_url", user=original.user, ts=original.ts, replaces=original.ts
        )
    ephemeral = args.get("response_type") != "in_channel"
    user = entry.user if ephemeral else None
    message = standin.add_message(entry.channel, text, blocks, "response_url", user=user)
    entry.target_ts = message.ts
    return message


def _delete_original(standin: SlackStandIn, entry: ResponseUrlEntry) -> PostedMessage | None:
    original = standin.current_message(entry.channel, entry.target_ts or "")
    if original is None:
        return None
    return standin.add_message(
        original.channel,
        "",
        [],
        "response_url",
        user=original.user,
        ts=original.ts,
        replaces=original.ts,
        deleted=True,
    )
