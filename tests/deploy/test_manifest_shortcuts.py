"""Every shortcut both manifests declare is routed in commands/table.py, within Slack's limits."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from commands.table import ROUTES

ROOT = Path(__file__).resolve().parents[2]
# Slack's route kind for each manifest shortcut type (bot/slack/listeners.py Kind).
KINDS = {"global": "shortcut", "message": "message_shortcut"}


@pytest.mark.parametrize("manifest", ["manifest.yml", "manifest.socket.yml"])
def test_every_declared_shortcut_is_routed(manifest: str) -> None:
    shortcuts = yaml.safe_load((ROOT / manifest).read_text())["features"]["shortcuts"]
    routed = {(route.kind, route.id) for route in ROUTES}
    assert {shortcut["type"] for shortcut in shortcuts} == {"global", "message"}
    assert len(shortcuts) <= 10
    for shortcut in shortcuts:
        assert (KINDS[shortcut["type"]], shortcut["callback_id"]) in routed
        assert len(shortcut["name"]) <= 24 and len(shortcut["description"]) <= 150
