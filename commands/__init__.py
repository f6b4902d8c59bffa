"""The `/wallet` sub-commands: one module each, registered on the app by `register`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from commands.services import Services


def register(app: AsyncApp, services: Services) -> None:
    from commands import help, router, save

    # Bolt tries listeners in the order they were registered, and each miss costs it ~15 µs of
    # CPU: the save flow's submissions and buttons, whose acknowledgements carry the most work,
    # come first (make bench, 200 at once).
    save.register(app, services)
    router.register(app, services)
    help.register(app, services)
