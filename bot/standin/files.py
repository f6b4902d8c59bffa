"""Files in the fake workspace: those a user attaches in a modal's file_input (the app reads them at
`url_private_download` with its bot token), and those the app uploads (files.getUploadURLExternal,
a POST of the bytes to the upload URL, files.completeUploadExternal: what `files_upload_v2` does).

As on Slack, a file read without a valid bot token gets Slack's sign-in page (HTML, status 200), not
an error; a file attached in a file_input is at most 10 MB.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.standin.errors import SlackApiFailure
from bot.standin.payloads import JSON

if TYPE_CHECKING:
    from bot.standin.workspace import Outcome, SlackStandIn

MAX_INPUT_FILE_BYTES = 10 * 1024 * 1024
SIGN_IN_PAGE = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"


@dataclass
class StoredFile:
    id: str
    name: str
    title: str
    filetype: str
    user: str
    created: int
    content: bytes | None = None  # None until the upload URL received the bytes
    length: int = 0  # announced by files.getUploadURLExternal
    channels: list[str] = field(default_factory=list)
    initial_comment: str = ""

    @property
    def text(self) -> str:
        return (self.content or b"").decode("utf-8")


class FileStore:
    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}

    def get(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def shared_in(self, channel: str) -> list[StoredFile]:
        """The files shared in `channel`, oldest first: what the app uploaded there."""
        return [file for file in self._files.values() if channel in file.channels]

    def attach(self, standin: SlackStandIn, name: str, content: bytes, *, user: str) -> JSON:
        """A file a user attaches in a file_input: its object as the view_submission carries it."""
        if len(content) > MAX_INPUT_FILE_BYTES:
            raise SlackApiFailure("file_too_large")
        stored = self.create(standin, name, user, length=len(content))
        stored.content = content
        return self.wire(standin, stored)

    def create(self, standin: SlackStandIn, name: str, user: str, *, length: int, title: str = "") -> StoredFile:
        file_id = "F" + secrets.token_hex(5).upper()
        filetype = name.rsplit(".", 1)[-1].lower() if "." in name else "text"
        stored = StoredFile(file_id, name, title or name, filetype, user, int(standin.clock()), length=length)
        self._files[file_id] = stored
        return stored

    def wire(self, standin: SlackStandIn, stored: StoredFile) -> JSON:
        """A file object as the Web API and view_submission payloads give it."""
        private = f"{standin.base_url}/files-pri/{standin.team_id}-{stored.id}/{stored.name}"
        return {
            "id": stored.id,
            "created": stored.created,
            "timestamp": stored.created,
            "name": stored.name,
            "title": stored.title,
            "mimetype": "text/csv" if stored.filetype == "csv" else "text/plain",
            "filetype": stored.filetype,
            "user": stored.user,
            "size": len(stored.content or b""),
            "url_private": private,
            "url_private_download": f"{standin.base_url}/files-pri/{standin.team_id}-{stored.id}/download/{stored.name}",
            "channels": list(stored.channels),
            "is_external": False,
        }

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        """The bytes POSTed to an upload URL; False for a URL that was never handed out."""
        stored = self._files.get(file_id)
        if stored is None or stored.content is not None:
            return False
        stored.content = content
        return True


# ----- the Web API methods (rows in methods.METHODS)


def files_get_upload_url_external(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    name = args.get("filename")
    length = str(args.get("length") or "")
    if not name or not length.isdigit():
        raise SlackApiFailure("invalid_arguments", ["[ERROR] missing required field: filename or length"])
    stored = standin.files.create(standin, str(name), standin.bot_user_id, length=int(length))
    return {"ok": True, "upload_url": f"{standin.base_url}/upload/v1/{stored.id}", "file_id": stored.id}


def files_complete_upload_external(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    entries = args.get("files")
    if not isinstance(entries, list) or not entries:
        raise SlackApiFailure("invalid_arguments", ["[ERROR] missing required field: files"])
    channel = args.get("channel_id") or args.get("channels")
    completed = []
    for entry in entries:
        stored = standin.files.get(str(entry.get("id") if isinstance(entry, dict) else ""))
        if stored is None or stored.content is None:
            raise SlackApiFailure("file_not_found")
        stored.title = str(entry.get("title") or stored.name)
        if isinstance(channel, str) and channel:
            stored.channels.append(channel)
            stored.initial_comment = str(args.get("initial_comment") or "")
        completed.append(standin.files.wire(standin, stored))
    return {"ok": True, "files": completed}


def files_info(standin: SlackStandIn, args: JSON, outcome: Outcome) -> JSON:
    stored = standin.files.get(str(args.get("file") or ""))
    if stored is None:
        raise SlackApiFailure("file_not_found")
    return {"ok": True, "file": standin.files.wire(standin, stored)}
