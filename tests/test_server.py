"""The ASGI app (bot/server.py) beside the Slack route: the health check a platform polls."""

from __future__ import annotations

from tests.support.harness import Harness


async def test_health_check_answers_without_calling_anything(scenario: Harness) -> None:
    response = await scenario.http.get(scenario.url + "/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert scenario.sandbox.requests == []
    assert scenario.standin.calls == []
