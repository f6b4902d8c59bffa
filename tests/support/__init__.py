"""Helpers shared by the tests and the bench.

ports.py         free_port(): a loopback port for a child process
processes.py     `python -m bot` as a child: its environment, its log, waiting until it answers
redis_server.py  a real Redis-compatible server on a free port (the `redis_server` fixture)
clock.py         FakeClock, a clock the test moves by hand
standin.py       the Slack stand-in on loopback with a hand-moved clock (the `slack` fixture)
harness.py       the scenario harness: the whole app on loopback, signed requests as Slack sends them
scenario.py      its fixtures (`scenario`, `make_harness`, `log_stream`), loaded by tests/conftest.py
reading.py       what the app sent to Slack, read as the user sees it
"""

from tests.support.ports import free_port
from tests.support.processes import Child, bot_env, clean_env, spawn_python, wait_until_answering

__all__ = ["Child", "bot_env", "clean_env", "free_port", "spawn_python", "wait_until_answering"]
