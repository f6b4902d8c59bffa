"""Settings: the names in the README's configuration table, one clear line per problem, no secret echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Mode, Settings, SettingsError, load_settings

NAMES = [name for name in Settings.model_fields]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer .env


def test_the_variables_are_exactly_those_of_the_design() -> None:
    assert set(NAMES) == {
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "CL_CLIENT_ID",
        "CL_CLIENT_SECRET",
        "CL_AUTH_URL",
        "CL_API_URL",
        "CL_SCOPE",
        "WALLET_ALLOWED_USERS",
        "WALLET_ALLOWED_USERGROUPS",
        "WALLET_ALLOWED_CHANNELS",
        "WALLET_AUDIT_CHANNEL",
        "PORT",
    }


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
