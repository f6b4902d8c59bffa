"""The console adapter: Slack played in a terminal (driver, session) with a Block Kit renderer; Slack itself is bot.standin."""
