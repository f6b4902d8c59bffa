"""The files Heroku, Render and Fly.io read say what the README's "Deploy" section says, and agree
with each other and with the code: one start command (the Procfile's), one health check path, one
Python version, one uv, one lock in step with pyproject.toml, a shutdown window longer than the drain.

A real deploy can't run here; this is how far it is checked without one.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from bot.__main__ import _parser
from bot.server import DRAIN_SECONDS
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HEALTH_PATH = "/healthz"
# Required by the bot in production, and secret: set on each platform, never written in its files.
SECRETS = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CL_CLIENT_ID", "CL_CLIENT_SECRET"}
# Read by the platforms' build tools, not by the bot.
PLATFORM_VARIABLES = {"UV_VERSION"}


def procfile_web() -> str:
    lines = (ROOT / "Procfile").read_text().splitlines()
    commands = [line.removeprefix("web:").strip() for line in lines if line.startswith("web:")]
    assert len(commands) == 1, "the Procfile declares exactly one web process"
    return commands[0]


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def python_version() -> str:
    return (ROOT / ".python-version").read_text().strip()


def makefile_uv_version() -> str:
    match = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "the Makefile pins uv with UV_VERSION := …"
    return match.group(1)


def render() -> dict[str, Any]:
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    assert isinstance(blueprint, dict)
    return blueprint


def render_service(kind: str) -> dict[str, Any]:
    services = [service for service in render()["services"] if service["type"] == kind]
    assert len(services) == 1, f"render.yaml declares one {kind} service"
    return services[0]


def render_env() -> dict[str, dict[str, Any]]:
    return {var["key"]: var for var in render_service("web")["envVars"]}


def fly() -> dict[str, Any]:
    return tomllib.loads((ROOT / "fly.toml").read_text())


def dockerfile() -> str:
    return (ROOT / fly()["build"]["dockerfile"]).read_text()


def dockerfile_arg(name: str) -> str:
    match = re.search(rf"^ARG {name}=(\S+)$", dockerfile(), re.MULTILINE)
    assert match, f"the Dockerfile has ARG {name}=…"
    return match.group(1)


# The start command ----------------------------------------------------------------------------


def test_procfile_web_command_is_python_m_bot_serve() -> None:
    argv = shlex.split(procfile_web())
    assert argv[:3] == ["python", "-m", "bot"]
    args = _parser().parse_args(argv[3:])
    assert args.mode == "serve"
    assert not args.sandbox, "production talks to the real Commerce Layer"


def test_render_starts_the_procfile_command() -> None:
    assert render_service("web")["startCommand"] == procfile_web()


def test_fly_image_starts_the_procfile_command() -> None:
    cmd = [line for line in dockerfile().splitlines() if line.startswith("CMD ")]
    assert len(cmd) == 1
    assert json.loads(cmd[0].removeprefix("CMD ")) == shlex.split(procfile_web())
    assert "processes" not in fly(), "no fly.toml process replaces the image's command"
    assert "ENTRYPOINT" not in dockerfile()


# Health check and port ------------------------------------------------------------------------


def test_health_checks_use_healthz() -> None:
    assert render_service("web")["healthCheckPath"] == HEALTH_PATH
    checks = fly()["http_service"]["checks"]
    assert [check["path"] for check in checks] == [HEALTH_PATH]
    assert all(check.get("method", "GET").upper() == "GET" for check in checks)


def test_fly_service_port_is_the_port_the_bot_listens_on() -> None:
    config = fly()
    assert config["http_service"]["internal_port"] == int(config["env"]["PORT"])


# Shutdown: the platform waits longer than the server drains -----------------------------------


def test_fly_sends_sigterm_and_waits_past_the_drain() -> None:
    config = fly()
    assert config["kill_signal"] == "SIGTERM"
    assert config["kill_timeout"] >= DRAIN_SECONDS + 5
    assert config["kill_timeout"] <= 300, "Fly's maximum"


def test_render_waits_past_the_drain() -> None:
    assert render_service("web")["maxShutdownDelaySeconds"] >= DRAIN_SECONDS + 5


# Redis: REDIS_URL from the platform's own Key Value ------------------------------------------


def test_render_feeds_redis_url_from_its_key_value_instance() -> None:
    keyvalue = render_service("keyvalue")
    source = render_env()["REDIS_URL"]["fromService"]
    assert source == {"type": "keyvalue", "name": keyvalue["name"], "property": "connectionString"}
    assert keyvalue["ipAllowList"] == [], "private network only"
    assert keyvalue["maxmemoryPolicy"] == "noeviction", "lock keys are never evicted"


def test_processes_above_one_have_redis() -> None:
    # The bot refuses several workers without REDIS_URL; render.yaml wires it, fly.toml leaves it
    # to a secret (README: Deploy) and so stays at one worker.
    assert "REDIS_URL" in render_env()
    assert int(fly()["env"]["WEB_CONCURRENCY"]) == 1
    assert "REDIS_URL" not in fly()["env"], "a URL with a password is a Fly secret, not [env]"


# Variables: the bot's own names, secrets never in the files ----------------------------------


def test_render_declares_only_the_bots_variables_and_keeps_secrets_out() -> None:
    env = render_env()
    unknown = set(env) - set(Settings.model_fields) - PLATFORM_VARIABLES
    assert not unknown, f"not settings of the bot: {unknown}"
    assert set(env) >= SECRETS
    for name in SECRETS:
        assert env[name] == {"key": name, "sync": False}, f"{name} is asked for, never written"
    assert "PYTHON_VERSION" not in env, ".python-version is the one place"


def test_fly_env_names_are_the_bots_and_hold_no_secret() -> None:
    env = fly()["env"]
    assert set(env) <= set(Settings.model_fields)
    assert not SECRETS & set(env)


# One Python, one uv, one lock -----------------------------------------------------------------


def test_python_version_file_matches_requires_python_and_tools() -> None:
    version = python_version()
    assert re.fullmatch(r"3\.\d+", version), "major.minor only, so platforms apply security patches"
    project = pyproject()
    requires = SpecifierSet(project["project"]["requires-python"])
    assert Version(version) in requires
    # The oldest Python the project supports is the one deployed and type-checked.
    assert requires == SpecifierSet(f">={version}")
    assert project["tool"]["mypy"]["python_version"] == version
    assert project["tool"]["ruff"]["target-version"] == "py" + version.replace(".", "")
    assert dockerfile_arg("PYTHON_VERSION") == version


def test_one_uv_version_everywhere() -> None:
    version = makefile_uv_version()
    assert dockerfile_arg("UV_VERSION") == version
    assert render_env()["UV_VERSION"]["value"] == version


def test_render_builds_from_the_lock() -> None:
    web = render_service("web")
    assert web["runtime"] == "python"
    assert web["buildCommand"] == "uv sync --locked"


def test_fly_image_installs_the_lock_without_dev_dependencies() -> None:
    sync = [line for line in dockerfile().splitlines() if "uv sync" in line]
    assert sync
    assert all("--locked" in line and "--extra" not in line for line in sync)


def test_lock_file_is_committed_beside_pyproject() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    names = {package["name"] for package in lock["package"]}
    assert "wallet-bot" in names
    assert lock["requires-python"] == pyproject()["project"]["requires-python"]
    # Only PyPI: a lock naming a local or private index would not install on a platform.
    registries = {package["source"].get("registry") for package in lock["package"]} - {None}
    assert registries == {"https://pypi.org/simple"}


def _uv() -> str | None:
    for candidate in (os.environ.get("UV"), str(ROOT / ".uv" / "bin" / "uv"), shutil.which("uv")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def test_lock_is_in_step_with_pyproject() -> None:
    uv = _uv()
    if uv is None:
        pytest.skip("uv is not installed (make test installs it in .uv/)")
    result = subprocess.run(
        [uv, "lock", "--check", "--offline"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        check=False,
    )
    assert result.returncode == 0, f"uv.lock is out of date: run `make lock`\n{result.stderr}"
