"""The `/wallet` sub-commands and Slack surfaces: one module each, registered from `commands/table.py`.

Listeners follow the rules of bot/slack/listeners.py: answer at once, then work.
"""
