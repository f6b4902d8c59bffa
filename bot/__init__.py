"""Wallet bot: save a customer's Stripe card into their Commerce Layer wallet from Slack."""
