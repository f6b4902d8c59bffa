"""`/wallet bulk`: the modal (rows or a CSV file), the check of every row, Confirm, and Stop."""

from __future__ import annotations

import contextlib
import json
import uuid

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.services import Services
from bot.state import StateUnavailable
from bot.wallet.bulk import Batch, read_rows
from commands.bulk.files import FileProblem, attached_file, read_file
from commands.bulk.run import BATCH_TTL, BatchRun, StopValue, rows_key, running_text, stop_key, user_key
from commands.bulk.views import (
    ROWS_ACTION,
    ROWS_BLOCK,
    review_view,
    rows_form,
    status_view,
)
from commands.plumbing.modal import FormMeta, in_modal, open_modal, update_modal
from commands.plumbing.refusal import Tell, refused

NO_STATE = "Wallet bot's shared state (Redis) can't be reached, so it can't run a bulk save. Try again in a minute."
STOP_LIFETIME = 3600.0


async def bulk_command(request: Incoming, services: Services) -> Answer:
    return answer().then(lambda: _open_form(request, services))


async def _open_form(request: Incoming, services: Services) -> None:
    meta = FormMeta(channel=request.channel_id, response_url=request.response_url)
    view_id = await open_modal(request, status_view(":hourglass_flowing_sand: Checking your access…", meta))
    if view_id is None:
        return
    tell = in_modal(request.client, view_id, lambda text: status_view(text, meta))
    if await refused(request, services, tell) or await _one_running(request, services, tell):
        return
    await update_modal(request.client, view_id, rows_form(meta, require_reason=services.require_reason))


async def _one_running(request: Incoming, services: Services, tell: Tell) -> bool:
    """True when the user may not start a batch now (one of theirs runs), after `tell` said where it is."""
    try:
        held = await services.state.peek(user_key(request.team_id, request.user_id))
    except StateUnavailable:
        await tell(NO_STATE)
        return True
    if held is None:
        return False
    await tell(running_text(held))
    return True


async def rows_submitted(request: Incoming, services: Services) -> Answer:
    """The rows or the file: checked after the answer (a file is read from Slack first)."""
    pasted = request.input_value(ROWS_BLOCK, ROWS_ACTION)
    file = attached_file(request)
    if not pasted.strip() and file is None:
        return answer(response_action="errors", errors={ROWS_BLOCK: "Paste rows here, or attach a CSV file below."})
    if pasted.strip() and file is not None:
        return answer(response_action="errors", errors={ROWS_BLOCK: "Paste rows or attach a file, not both."})
    meta = FormMeta.loads(request.view.get("private_metadata"))
    checking = status_view(":hourglass_flowing_sand: Checking every row…", meta)
    return answer(response_action="update", view=checking).then(lambda: _check(request, services, pasted, meta))


async def _check(request: Incoming, services: Services, pasted: str, meta: FormMeta) -> None:
    tell = in_modal(request.client, request.view_id, lambda text: status_view(text, meta))
    if await refused(request, services, tell, channel_id=meta.channel):
        return
    file = attached_file(request)
    try:
        text = await read_file(request, file) if file is not None else pasted
    except FileProblem as problem:
        await tell(f":warning: {problem} Nothing was sent to Commerce Layer.")
        return
    batch = read_rows(text, require_reason=services.require_reason)
    if not batch.rows and not batch.problems:
        await tell(":warning: No rows found: each row is `order, pm_…[, reason]`. Run /wallet bulk again.")
        return
    batch_id = uuid.uuid4().hex[:12]
    try:
        await services.state.claim(rows_key(batch_id), batch.dumps(), BATCH_TTL)
    except StateUnavailable:
        await tell(NO_STATE)
        return
    review = review_view(batch, meta)
    review.private_metadata = json.dumps({**json.loads(meta.dumps()), "batch": batch_id})
    await update_modal(request.client, request.view_id, review)


async def review_confirmed(request: Incoming, services: Services) -> Answer:
    """Confirm: the checked rows start; the modal points at the progress message."""
    meta = FormMeta.loads(request.view.get("private_metadata"))
    batch_id = _batch_of(request)
    starting = status_view(
        ":hourglass_flowing_sand: Starting: the progress message is in the channel where you typed /wallet bulk. "
        "You can close this.",
        meta,
    )
    return answer(response_action="update", view=starting).then(lambda: _start(request, services, batch_id, meta))


def _batch_of(request: Incoming) -> str:
    try:
        data = json.loads(request.view.get("private_metadata") or "{}")
    except ValueError:
        return ""
    return str(data.get("batch") or "") if isinstance(data, dict) else ""


async def _start(request: Incoming, services: Services, batch_id: str, meta: FormMeta) -> None:
    tell = in_modal(request.client, request.view_id, lambda text: status_view(text, meta))
    if await refused(request, services, tell, channel_id=meta.channel):
        return
    try:
        raw = await services.state.peek(rows_key(batch_id)) if batch_id else None
    except StateUnavailable:
        await tell(NO_STATE)
        return
    if raw is None:
        await tell(
            ":warning: These rows were checked too long ago and are gone: run /wallet bulk again. Nothing was sent."
        )
        return
    run = BatchRun(request, services, batch_id, Batch.loads(raw), meta.channel or request.user_id)
    not_started = await run.start()
    if not_started is not None:
        await tell(not_started)
        return
    with contextlib.suppress(StateUnavailable):  # the checked rows expire by themselves
        await services.state.release(rows_key(batch_id), raw)


async def stop_button(request: Incoming, services: Services) -> Answer:
    """Stop: no new row starts; only the person who started the batch may stop it."""
    stop = StopValue.loads(request.action_value or "")

    async def stopping() -> None:
        if stop.user_id != request.user_id:
            text = f"Only <@{stop.user_id}>, who started this bulk save, can stop it. Nothing was changed."
            await request.respond(text=text, replace_original=False, response_type="ephemeral")
            return
        try:
            await services.state.claim(stop_key(stop.batch), request.user_id, STOP_LIFETIME)
        except StateUnavailable:
            await request.respond(text=NO_STATE, replace_original=False, response_type="ephemeral")
            return
        await request.respond(
            text="Stopping: no new rows start; the rows already running finish, then the summary shows.",
            replace_original=False,
            response_type="ephemeral",
        )

    return answer().then(stopping)
