"""Configuration: the environment variables below, also read from `.env`.

Every variable is optional at parse time; `Settings.problems(mode)` says which ones a mode needs, so
that a missing or malformed value stops start-up with one line per problem and no secret echoed.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_URL = re.compile(r"^https?://[^\s/?#]+(/\S*)?$")

CommaList = Annotated[tuple[str, ...], NoDecode]


class Mode(StrEnum):
    SERVE = "serve"
    SOCKET = "socket"
    CONSOLE = "console"


class SettingsError(Exception):
    """Start-up cannot go on; `lines` names each variable and what it expects."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _split(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list | tuple):
        return tuple(str(part).strip() for part in value if str(part).strip())
    raise ValueError("expected a comma-separated list")


def _check_ids(ids: tuple[str, ...], pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    bad = [one for one in ids if not pattern.match(one)]
    if bad:
        raise ValueError(f"{', '.join(bad)}: expected {what}")
    return ids


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    SLACK_BOT_TOKEN: SecretStr | None = None
    SLACK_SIGNING_SECRET: SecretStr | None = None
    SLACK_APP_TOKEN: SecretStr | None = None
    SLACK_API_URL: str = "https://slack.com/api/"
    CL_CLIENT_ID: str | None = None
    CL_CLIENT_SECRET: SecretStr | None = None
    CL_AUTH_URL: str = "https://auth.commercelayer.io"
    CL_API_URL: str | None = None
    CL_SCOPE: str | None = None
    WALLET_ALLOWED_USERS: CommaList = ()
    WALLET_ALLOWED_USERGROUPS: CommaList = ()
    WALLET_ALLOWED_CHANNELS: CommaList = ()
    WALLET_AUDIT_CHANNEL: str | None = None
    WALLET_REQUIRE_REASON: bool = False
    PORT: int = Field(default=3000, ge=1, le=65535)
    REDIS_URL: SecretStr | None = None
    REDIS_TLS_INSECURE: bool = False
    WEB_CONCURRENCY: int = Field(default=1, ge=1, le=64)
    WEB_CONCURRENCY_SET_BY: str | None = None
    WALLET_SAVE_DEADLINE: float = Field(default=300.0, ge=5.0, le=3600.0)

    @field_validator("REDIS_URL", mode="before")
    @classmethod
    def _redis_url(cls, value: object) -> str | None:
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip()
        if not text.startswith(("redis://", "rediss://")):
            raise ValueError("expected a redis:// or rediss:// URL (value not shown)")
        return text

    @property
    def workers(self) -> int:
        """How many worker processes `serve` runs.

        Heroku's buildpack sets WEB_CONCURRENCY by itself (and says so in WEB_CONCURRENCY_SET_BY):
        without REDIS_URL that would refuse to start a first deploy, so one worker runs instead.
        """
        if self.REDIS_URL is None and self.WEB_CONCURRENCY_SET_BY:
            return 1
        return self.WEB_CONCURRENCY

    def secrets(self) -> list[str]:
        """Every secret value configured, for the log scrubber."""
        values = [self.SLACK_BOT_TOKEN, self.SLACK_SIGNING_SECRET, self.SLACK_APP_TOKEN, self.CL_CLIENT_SECRET]
        secrets = [value.get_secret_value() for value in values if value is not None]
        redis_password = urlsplit(self.REDIS_URL.get_secret_value()).password if self.REDIS_URL else None
        return [*secrets, redis_password] if redis_password else secrets

    @field_validator("WALLET_ALLOWED_USERS", mode="before")
    @classmethod
    def _users(cls, value: object) -> tuple[str, ...]:
        return _check_ids(_split(value), _USER_ID, "Slack user ids (U… or W…), comma-separated")

    @field_validator("WALLET_ALLOWED_USERGROUPS", mode="before")
    @classmethod
    def _usergroups(cls, value: object) -> tuple[str, ...]:
        return _check_ids(_split(value), _USERGROUP_ID, "Slack user group ids (S…), comma-separated")

    @field_validator("WALLET_ALLOWED_CHANNELS", mode="before")
    @classmethod
    def _channels(cls, value: object) -> tuple[str, ...]:
        return _check_ids(_split(value), _CHANNEL_ID, "Slack channel ids (C…, G… or D…), comma-separated")

    @field_validator("WALLET_AUDIT_CHANNEL", mode="before")
    @classmethod
    def _audit_channel(cls, value: object) -> str | None:
        if value is None or value == "":
            return None
        _check_ids((str(value),), _CHANNEL_ID, "a Slack channel id (C…, G… or D…)")
        return str(value)

    @field_validator("SLACK_API_URL", "CL_AUTH_URL", "CL_API_URL", mode="before")
    @classmethod
    def _url(cls, value: object) -> str | None:
        if value is None or value == "":
            return None
        text = str(value).strip()
        if not _URL.match(text):
            raise ValueError("expected an http:// or https:// URL")
        return text

    @field_validator("CL_SCOPE", "CL_CLIENT_ID", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> str | None:
        return None if value is None or str(value).strip() == "" else str(value).strip()

    def problems(self, mode: Mode, *, sandbox: bool = False) -> list[str]:
        """One line per setting that `mode` needs and lacks or cannot use."""
        lines: list[str] = []
        needs_slack = mode in (Mode.SERVE, Mode.SOCKET)
        if needs_slack:
            lines += _token_problem("SLACK_BOT_TOKEN", self.SLACK_BOT_TOKEN, "xoxb-", "the bot token")
        if mode is Mode.SERVE and not _filled(self.SLACK_SIGNING_SECRET):
            lines.append("SLACK_SIGNING_SECRET: missing; expected the app's signing secret (Basic Information)")
        if mode is Mode.SOCKET:
            lines += _token_problem("SLACK_APP_TOKEN", self.SLACK_APP_TOKEN, "xapp-", "an app-level token")
        if (
            mode is Mode.SERVE
            and self.WEB_CONCURRENCY > 1
            and self.REDIS_URL is None
            and not self.WEB_CONCURRENCY_SET_BY
        ):
            lines.append(
                f"WEB_CONCURRENCY: {self.WEB_CONCURRENCY} worker processes need REDIS_URL, where they share "
                "each order's save lock and single-use buttons; set REDIS_URL or WEB_CONCURRENCY=1"
            )
        elif mode is Mode.SERVE and self.workers > 1 and sandbox:
            lines.append(
                "WEB_CONCURRENCY: the built-in sandbox lives in one process; use WEB_CONCURRENCY=1 with --sandbox, "
                "or run `python -m bot sandbox` and point CL_AUTH_URL and CL_API_URL at it"
            )
        if not sandbox:
            if not self.CL_CLIENT_ID:
                lines.append("CL_CLIENT_ID: missing; expected the integration's client id")
            if not _filled(self.CL_CLIENT_SECRET):
                lines.append("CL_CLIENT_SECRET: missing; expected the integration's client secret")
        return lines


def _filled(secret: SecretStr | None) -> bool:
    return secret is not None and secret.get_secret_value().strip() != ""


def _token_problem(name: str, value: SecretStr | None, prefix: str, what: str) -> list[str]:
    if not _filled(value):
        return [f"{name}: missing; expected {what} ({prefix}…)"]
    assert value is not None
    if not value.get_secret_value().startswith(prefix):
        return [f"{name}: malformed; expected {what} starting with {prefix} (value not shown)"]
    return []


def load_settings(mode: Mode, *, sandbox: bool = False, env_file: str | None = ".env") -> Settings:
    """Read the settings, or raise `SettingsError` with one line per problem."""
    try:
        settings = Settings(_env_file=env_file)
    except ValidationError as error:
        raise SettingsError([_describe(item) for item in error.errors()]) from None
    lines = settings.problems(mode, sandbox=sandbox)
    if lines:
        raise SettingsError(lines)
    return settings


def _describe(item: object) -> str:
    # Pydantic's own text would quote the input, which may be a secret: build the line from the
    # field name and the reason only.
    assert isinstance(item, dict)
    name = ".".join(str(part) for part in item.get("loc", ()))
    reason = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{name}: {reason}"
