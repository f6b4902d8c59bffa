"""The sandbox's inferred rules are listed in one place, and that list and the code that applies
them agree: every rule is applied somewhere, and every place names a rule that is listed."""

from __future__ import annotations

import re
from pathlib import Path

from bot.sandbox.inferred import Inferred

SANDBOX = Path(__file__).resolve().parents[2] / "bot" / "sandbox"
NAMED = re.compile(r"Inferred\.([A-Z_]+)")


def named_rules() -> dict[str, set[str]]:
    """Each rule named in the sandbox's code, outside inferred.py, with the files that name it."""
    found: dict[str, set[str]] = {}
    for path in SANDBOX.glob("*.py"):
        if path.name == "inferred.py":
            continue
        for name in NAMED.findall(path.read_text()):
            found.setdefault(name, set()).add(path.name)
    return found


def test_every_inferred_rule_is_applied_somewhere() -> None:
    assert {rule.name for rule in Inferred} - named_rules().keys() == set()


def test_every_rule_the_code_names_is_listed() -> None:
    assert named_rules().keys() - {rule.name for rule in Inferred} == set()
