"""Helpers shared by the tests and the bench.

ports.py      free_port(): a loopback port for a child process
processes.py  `python -m bot` as a child: its environment, its log, waiting until it answers
standin.py    the Slack stand-in on loopback with a hand-moved clock (the `slack` fixtures)
"""

from tests.support.ports import free_port
from tests.support.processes import Child, bot_env, clean_env, spawn_python, wait_until_answering

__all__ = ["Child", "bot_env", "clean_env", "free_port", "spawn_python", "wait_until_answering"]
