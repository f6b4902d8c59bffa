"""The CSV file attached in the bulk modal: read from Slack with the bot token, as text."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.slack.listeners import Incoming
from commands.bulk.views import FILE_ACTION, FILE_BLOCK

MAX_FILE_BYTES = 10 * 1024 * 1024  # Slack's file_input takes files up to 10 MB


class FileProblem(Exception):
    """The attached file can't be read; the message says why and what to do."""


def attached_file(request: Incoming) -> dict[str, Any] | None:
    """The file the user attached, as the view_submission carries it, or None."""
    values = request.view.get("state", {}).get("values", {})
    files = values.get(FILE_BLOCK, {}).get(FILE_ACTION, {}).get("files") if isinstance(values, dict) else None
    return files[0] if isinstance(files, list) and files and isinstance(files[0], dict) else None


async def read_file(request: Incoming, file: dict[str, Any]) -> str:
    """The file's text; FileProblem when it is not a text file or Slack does not hand it over."""
    name = str(file.get("name") or "the file")
    url = file.get("url_private_download") or file.get("url_private")
    if not isinstance(url, str) or not url:
        raise FileProblem(f"Slack did not say where to read {name}: attach it again.")
    if int(file.get("size") or 0) > MAX_FILE_BYTES:
        raise FileProblem(f"{name} is larger than 10 MB: split it into smaller files.")
    headers = {"Authorization": f"Bearer {request.client.token or ''}"}
    session = request.client.session
    try:
        if session is None:
            async with aiohttp.ClientSession() as own:
                return await _download(own, url, headers, name)
        return await _download(session, url, headers, name)
    except aiohttp.ClientError:
        raise FileProblem(f"Slack did not hand over {name}: try again in a minute.") from None


async def _download(session: aiohttp.ClientSession, url: str, headers: dict[str, str], name: str) -> str:
    async with session.get(url, headers=headers) as response:
        # Without the files:read scope Slack answers with its sign-in page, not an error.
        if response.status != 200 or response.content_type == "text/html":
            raise FileProblem(
                f"Slack did not hand over {name} (is the app's files:read scope granted?). Paste the rows instead."
            )
        data = await response.content.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(f"{name} is larger than 10 MB: split it into smaller files.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(f"{name} is not UTF-8 text: save it as CSV (UTF-8) and attach it again.") from None
