"""Settings: the names in the README's configuration table, one clear line per problem, no secret echoed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Mode, Settings, SettingsError, load_settings

NAMES = [name for name in Settings.model_fields]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer .env


def test_the_variables_are_exactly_those_of_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {
        name
        for row in table.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([A-Z_]+)`", row.split("|")[1])
    }
    assert set(NAMES) == documented


def test_defaults() -> None:
    settings = Settings()
    assert settings.SLACK_API_URL == "https://slack.com/api/"
    assert settings.CL_AUTH_URL == "https://auth.commercelayer.io"
    assert settings.CL_API_URL is None
    assert settings.PORT == 3000
    assert settings.WALLET_ALLOWED_USERS == ()


def test_serving_without_settings_names_every_missing_variable() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(Mode.SERVE)
    assert [line.split(":")[0] for line in caught.value.lines] == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "CL_CLIENT_ID",
        "CL_CLIENT_SECRET",
    ]


def test_socket_mode_needs_the_app_token_and_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    with pytest.raises(SettingsError) as caught:
        load_settings(Mode.SOCKET, sandbox=True)
    assert caught.value.lines == ["SLACK_APP_TOKEN: missing; expected an app-level token (xapp-…)"]


def test_the_console_on_the_sandbox_needs_nothing() -> None:
    assert load_settings(Mode.CONSOLE, sandbox=True).CL_CLIENT_ID is None


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SLACK_BOT_TOKEN", "xapp-1-verysecretvalue", "SLACK_BOT_TOKEN: malformed"),
        ("WALLET_ALLOWED_USERS", "U0AAA, bob", "WALLET_ALLOWED_USERS: bob: expected Slack user ids"),
        ("WALLET_ALLOWED_USERGROUPS", "ops", "WALLET_ALLOWED_USERGROUPS: ops: expected Slack user group ids"),
        ("WALLET_ALLOWED_CHANNELS", "#general", "WALLET_ALLOWED_CHANNELS: #general: expected Slack channel ids"),
        ("WALLET_AUDIT_CHANNEL", "audit", "WALLET_AUDIT_CHANNEL: audit: expected a Slack channel id"),
        ("CL_API_URL", "ftp://x", "CL_API_URL: expected an http:// or https:// URL"),
        ("REDIS_URL", "http://:verysecretvalue@redis.example.com", "REDIS_URL: expected a redis:// or rediss:// URL"),
        ("WEB_CONCURRENCY", "0", "WEB_CONCURRENCY: "),
        ("PORT", "eighty", "PORT: "),
        ("PORT", "70000", "PORT: "),
    ],
)
def test_malformed_values_are_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(Mode.CONSOLE, sandbox=True) if name != "SLACK_BOT_TOKEN" else load_settings(Mode.SERVE)
    assert any(line.startswith(expected) for line in caught.value.lines), caught.value.lines
    assert "verysecretvalue" not in str(caught.value)


def test_lists_are_comma_separated_and_read_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("WALLET_ALLOWED_USERS=U0AAA, W0BBB\nWALLET_ALLOWED_CHANNELS=C0OPS\nPORT=8080\n")
    settings = load_settings(Mode.CONSOLE, sandbox=True)
    assert settings.WALLET_ALLOWED_USERS == ("U0AAA", "W0BBB")
    assert settings.WALLET_ALLOWED_CHANNELS == ("C0OPS",)
    assert settings.PORT == 8080


def test_secrets_are_hidden_in_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CL_CLIENT_SECRET", "cl-very-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "slack-very-secret")
    text = repr(Settings())
    assert "cl-very-secret" not in text
    assert "slack-very-secret" not in text


def test_several_workers_need_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret")
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(SettingsError) as caught:
        load_settings(Mode.SERVE, sandbox=True)
    assert caught.value.lines[0].startswith("WEB_CONCURRENCY: 2 worker processes need REDIS_URL")
    monkeypatch.setenv("REDIS_URL", "rediss://:pass@redis.example.com:6380")
    with pytest.raises(SettingsError) as caught:
        load_settings(Mode.SERVE, sandbox=True)  # the built-in sandbox lives in one process
    assert len(caught.value.lines) == 1
    assert "WEB_CONCURRENCY=1 with --sandbox" in caught.value.lines[0]
    monkeypatch.setenv("CL_CLIENT_ID", "client-id")
    monkeypatch.setenv("CL_CLIENT_SECRET", "client-secret")
    assert load_settings(Mode.SERVE).WEB_CONCURRENCY == 2


def test_the_redis_password_is_scrubbed_like_every_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "rediss://:pass-very-secret@redis.example.com:6380")
    settings = load_settings(Mode.CONSOLE, sandbox=True)
    assert "pass-very-secret" not in repr(settings)
    assert any("pass-very-secret" in secret for secret in settings.secrets())


def test_workers_chosen_by_the_platform_fall_back_to_one_without_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    # Heroku's buildpack sets WEB_CONCURRENCY itself: a first deploy without Redis must still start.
    for name, value in {
        "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
        "SLACK_SIGNING_SECRET": "signing-secret",
        "WEB_CONCURRENCY": "2",
        "WEB_CONCURRENCY_SET_BY": "heroku/python",
    }.items():
        monkeypatch.setenv(name, value)
    assert load_settings(Mode.SERVE, sandbox=True).workers == 1
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379")
    monkeypatch.setenv("CL_CLIENT_ID", "client-id")
    monkeypatch.setenv("CL_CLIENT_SECRET", "client-secret")
    assert load_settings(Mode.SERVE).workers == 2
