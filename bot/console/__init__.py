"""The console adapter: Slack played in a terminal (driver), the Slack Web API stand-in, and a Block Kit renderer."""
