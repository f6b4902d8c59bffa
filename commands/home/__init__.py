"""The App Home: what a user can do (buttons), whether they may change wallets and why, Commerce
Layer's mode, and their own recent changes; published on each `app_home_opened`."""
