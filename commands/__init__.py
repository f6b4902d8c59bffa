"""The `/wallet` sub-commands: one module each, registered on the app by `register`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from commands.services import Services


def register(app: AsyncApp, services: Services) -> None:
    from commands import help, router, save

    router.register(app, services)
    help.register(app, services)
    save.register(app, services)
