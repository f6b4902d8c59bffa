"""Both Slack manifests declare what the App Home and the Workflow Builder step need, as the code names it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from commands.workflow.step import CALLBACK_ID, INPUTS, OUTPUTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.socket.yml"])
def test_the_manifest_declares_the_app_home_and_the_step(name: str) -> None:
    manifest: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())

    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert {"app_home_opened", "function_executed"} <= set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert manifest["settings"]["function_runtime"] == "remote"
    assert manifest["settings"]["org_deploy_enabled"] is True
    step = manifest["functions"][CALLBACK_ID]
    assert set(step["input_parameters"]["properties"]) == set(INPUTS)
    assert step["input_parameters"]["properties"]["user_id"]["type"] == "slack#/types/user_id"
    assert tuple(step["output_parameters"]["properties"]) == OUTPUTS
